"""The files of a SQLite store on disk. SQLite opens them itself, by path: in a folder
others can write, each is checked to be the regular file tltrack looked at, never a link
planted there; and a folder this user cannot write is read as a snapshot (see
snapshot_readable)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from tltrack.errors import CannotCreateError, PermissionDeniedError, msg
from tltrack.fileio import os_error

COMPANIONS = ("-wal", "-shm", "-journal")


def regular(path: Path) -> os.stat_result:
    """The database file as found, not through a link: what SQLite must open too."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise os_error(exc, "read", path) from exc
    if not stat.S_ISREG(info.st_mode):
        raise CannotCreateError("cannot_write", path=path, reason=msg("not_regular"))
    return info


FDS = Path("/proc/self/fd")


def open_files() -> set[tuple[str, int, int]]:
    """The regular files this process has open: descriptor, device, inode. (A number alone
    is reused: the one that listed the folder may be SQLite's a moment later.)"""
    found: set[tuple[str, int, int]] = set()
    try:
        descriptors = list(FDS.iterdir())
    except OSError:
        return found  # no /proc: the check below cannot be made here
    for fd in descriptors:
        try:
            info = fd.stat()
            name = str(fd.readlink())
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and not name.endswith(COMPANIONS):
            found.add((fd.name, info.st_dev, info.st_ino))
    return found


def same_file(mine: os.stat_result, before: set[tuple[str, int, int]], path: Path) -> None:
    """SQLite opens the path itself, following links: in a folder others can write, the file
    could be swapped for a link to another database between our checks and its open. The
    files it opened must be the one checked."""
    for _, device, inode in open_files() - before:
        if (device, inode) != (mine.st_dev, mine.st_ino):
            raise CannotCreateError("cannot_write", path=path, reason=msg("swapped_while_open"))


def refuse_link(path: Path) -> None:
    """SQLite opens its -wal and -shm files itself, through a link if one is planted there:
    refuse one before it is opened."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise os_error(exc, "read", path) from exc
    if stat.S_ISLNK(info.st_mode):
        raise CannotCreateError("cannot_write", path=path, reason=msg("link_refused"))
    if not stat.S_ISREG(info.st_mode):
        raise CannotCreateError("cannot_write", path=path, reason=msg("not_regular"))


def snapshot_readable(path: Path) -> bool:
    """Whether the database may be read as a snapshot. SQLite reads a database in WAL mode
    through a -shm file it must be able to create; in a folder this user cannot write (a
    read-only share, another office's folder) it cannot, so the database is read as a file
    no one changes. Only when no -wal or -journal file holds changes not yet in the
    database: a snapshot would miss them (or read a half-made change), so the store is
    refused, saying why (exit 77)."""
    if os.access(path.parent, os.W_OK):
        return False  # the folder can be written: SQLite's own failure stands
    pending = pending_changes(path)
    if pending is not None:
        raise PermissionDeniedError(
            "cannot_read_pending", file=path.name, pending=pending.name, folder=path.parent
        )
    return True


def pending_changes(path: Path) -> Path | None:
    """The database's -wal or -journal file when it holds changes (a writer at work, or one
    stopped halfway); None when neither does."""
    for suffix in ("-wal", "-journal"):
        companion = path.with_name(path.name + suffix)
        try:
            if os.lstat(companion).st_size > 0:
                return companion
        except FileNotFoundError:
            continue
        except OSError:
            return companion  # what cannot be looked at may hold changes
    return None


def stamp_of(path: Path) -> tuple[int, int, int]:
    """What changes when a writer changes the file: its identity, size and time."""
    try:
        info = path.stat()
    except OSError as exc:
        raise os_error(exc, "read", path) from exc
    return (info.st_ino, info.st_size, info.st_mtime_ns)


# A file changed this recently may change again within one tick of the file system's clock
# and keep its times: its state names no version yet (git's "racy" files).
RECENT_SECONDS = 2.0


def files_state(path: Path) -> tuple[int, ...] | None:
    """What changes whenever the database changes, as part of a cache key: the identity,
    size and times of the file and of its -wal and -journal. A write always moves a file's
    change time (ctime), which no program can set back, so an edit that keeps a file's
    size and modification time still changes its state. None while one changed too
    recently to tell (RECENT_SECONDS)."""
    now = time.time()
    state: list[int] = []
    for suffix in ("", "-wal", "-journal"):
        try:
            info = path.with_name(path.name + suffix).stat()
        except FileNotFoundError:
            if not suffix:
                return None  # no database: nothing worth keeping
            state.append(-1)
            continue
        except OSError:
            return None
        if now - max(info.st_mtime, info.st_ctime) < RECENT_SECONDS:
            return None
        state += [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
    return tuple(state)
