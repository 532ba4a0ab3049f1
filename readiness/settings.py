"""The report renderer's settings: a typed object read from the environment.

The core never reads the environment when a module is imported: the web app builds
its settings once (``webapp.config.Settings``, which carries these) and its render
queue applies them to each job.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RenderSettings(BaseSettings):
    """``READINESS_RENDER_TIMEOUT``, ``READINESS_RENDER_WORKERS``."""

    model_config = SettingsConfigDict(env_prefix="READINESS_RENDER_", env_ignore_empty=True, frozen=True,
                                      extra="ignore")

    # Seconds a render job may take (a normal report takes 1-3 s): then it fails cleanly,
    # and its process is killed 15 s later if it has not stopped.
    timeout: float = Field(60.0, gt=0)
    # Render processes of one `make worker` (each ~150 MB when warm), one job at a time each.
    workers: int = Field(1, ge=1)
