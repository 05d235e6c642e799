"""What a system other than Linux lacks, taken away from tltrack's writes for the tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tltrack.files import platform


def take_away_what_linux_gives(patch: Callable[[object, str, Any], None]) -> None:
    """The features a write uses on Linux, gone; `patch` sets an attribute (monkeypatch's, or
    setattr in a process of its own)."""
    patch(platform, "LOCKS", "file")
    patch(platform, "FCNTL", None)
    patch(platform, "NOFOLLOW", 0)
    patch(platform, "DIR_FD", False)
    patch(platform, "CAN_FORK", False)
    patch(platform, "PROCESS_FILES", Path("/nonexistent/proc/self/fd"))
