"""The render worker's entry point: ``celery -A webapp.worker worker`` (``make worker``).

It builds the web app once (settings, database, content) so that jobs run with the same
configuration as the servers that queued them; Celery then forks its pool children from
this warm process (WeasyPrint already imported), each rendering one document at a time.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
from typing import Any

from celery.signals import worker_process_init

# WeasyPrint, loaded here once, before Celery forks its pool children (web workers never load it)
import readiness.pdf  # noqa: F401
from webapp import create_app
from webapp.report.queue import limit_memory

logging.getLogger("weasyprint").setLevel(logging.WARNING)  # not a line per page of every report
logging.getLogger("fontTools").setLevel(logging.WARNING)
if os.environ.get("REMAP_SIGTERM") != "SIGQUIT":  # read by billiard before this module: make worker sets it
    logging.getLogger(__name__).warning("REMAP_SIGTERM=SIGQUIT is not set: SIGTERM will wait for a running render "
                                        "to finish instead of putting it back on the queue")
# Render children run at a lower CPU priority than the web workers: on a small machine a step
# page then waits for no render (a render just takes a little longer when the web is busy).
RENDER_NICE = 10
flask_app = create_app()
celery = flask_app.extensions["celery"]
# At exit (after the shutdown has put the job in hand back): the interpreter's last collections
# would walk the warm heap (WeasyPrint, the content) object by object, ~0.35 s of a SIGTERM's
# exit; frozen objects are left to the operating system, which frees the process whole.
atexit.register(gc.freeze)


@worker_process_init.connect
def _child_started(**_: Any) -> None:
    # Each pool child: its own database connections (never the parent's) and a memory bound.
    flask_app.extensions["readiness_db"].engine.dispose(close=False)
    limit_memory(int(flask_app.config["RENDER_MAX_MEMORY_MB"]))
    os.nice(RENDER_NICE)
