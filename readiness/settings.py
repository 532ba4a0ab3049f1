"""The report renderer's settings: a typed object read from the environment.

The core never reads the environment when a module is imported: the web app
builds its settings once (``webapp.config.Settings``, which carries these) and
passes them in with ``readiness.report.configure``; the command line and the
tests get ``RenderSettings()`` (read from the environment) on the first render.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RenderSettings(BaseSettings):
    """``READINESS_RENDER_TIMEOUT``, ``READINESS_RENDER_WORKERS``, ``READINESS_RENDER_IDLE``."""

    model_config = SettingsConfigDict(env_prefix="READINESS_RENDER_", env_ignore_empty=True, frozen=True,
                                      extra="ignore")

    # Seconds a render may take before the worker is killed (a normal report takes ~1 s).
    timeout: float = Field(60.0, gt=0)
    # Worker processes rendering at the same time (each holds ~100 MB when warm).
    workers: int = Field(1, ge=1)
    # Seconds an idle worker waits for work before it exits (0: never); ~140 MB each.
    idle: float = Field(600.0, ge=0)
