"""Helpers of the tests that start real processes (render workers, gunicorn): who is whose
child, what is left of a process group. Read from /proc, nothing to install."""

from __future__ import annotations

from pathlib import Path


def _stat(pid_dir: Path) -> list[str] | None:
    try:
        return (pid_dir / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children(pid: int) -> list[int]:
    """The live child processes of ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(entry)
            if fields and int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def group_alive(pgid: int) -> list[int]:
    """The live processes of a process group (a server started with start_new_session)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(entry)
            if fields and int(fields[2]) == pgid and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive
