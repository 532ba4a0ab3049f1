"""A bound on PDF renders running at the same time on this host.

Rendering takes a CPU for about a second (much longer for a pathological
report, up to readiness.report's time limit). If every server worker rendered
at once, nobody could load a wizard page. So a render first takes one of
``MAX_CONCURRENT_RENDERS`` slots, kept below the number of gunicorn workers;
when all are taken the request gets a friendly 503 ("busy, try again in a
minute") at once instead of queueing and holding a worker.

A slot is an exclusive ``flock`` on a small file in ``RENDER_SLOT_DIR``: it
works across the server's processes and threads, and the kernel releases it
when its holder exits, even after ``kill -9``, so a crash never leaks a slot.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import Iterator


class RenderBusy(RuntimeError):
    """Every render slot is taken: try again shortly (the web app answers 503)."""


@contextlib.contextmanager
def render_slot(slot_dir: str | Path, slots: int) -> Iterator[int]:
    """Hold one of ``slots`` slots while the block runs; ``RenderBusy`` if none is free."""
    directory = Path(slot_dir)
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(max(1, slots)):
        fd = os.open(directory / f"slot-{i}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield i
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    raise RenderBusy(f"all {slots} report render slots are busy")
