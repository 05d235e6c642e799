"""What the operating system gives tltrack's writes, looked up in one place. On Linux all of
it is there and every protection uses it; where a piece is missing (Windows, a system without
one of these), each has a working path without it:

- a lock between writers: flock (POSIX), else Windows' own file lock (msvcrt), else a lock
  held by creating a file (files.locking);
- opening a file without following a link planted at its name: O_NOFOLLOW, else looking
  first and checking that what was opened is what was looked at (files.disk.open_regular);
- a folder opened once and written relative to its descriptor (openat, renameat, linkat),
  so a folder swapped on the way after it was checked is not followed: else its path is
  looked up again by each call (files.folder);
- a child process that reads a big records file ahead: fork, else no reading ahead;
- the list of this process's open files (a SQLite store's check that SQLite opened the file
  tltrack checked): /proc/self/fd, else that one check is not made; the table of mounts (a
  SQLite read is kept in the cache only on a local file system): else it is not kept;
- a file's owner and mode set through its descriptor, and a folder flushed to disk: POSIX;
  Windows sets the mode by name and has no owner to give or folder to flush.

Everything reads these names at the moment it needs them, so the tests take each away and run
the writes again.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from pathlib import Path
from types import ModuleType
from typing import Literal


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


FCNTL = _module("fcntl")  # POSIX only
MSVCRT = _module("msvcrt")  # Windows only
LockKind = Literal["flock", "msvcrt", "file"]
LOCKS: LockKind = "flock" if FCNTL is not None else "msvcrt" if MSVCRT is not None else "file"
NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
DIR_FD: bool = {os.open, os.stat, os.link, os.rename, os.unlink} <= os.supports_dir_fd
CAN_FORK: bool = hasattr(os, "fork") and hasattr(signal, "pthread_sigmask")
PROCESS_FILES = Path("/proc/self/fd")
MOUNTS = Path("/proc/self/mountinfo")  # which file system a path is on (Linux)
WINDOWS = sys.platform == "win32"  # no fchmod, fchown or folder fsync there
