"""The files of a SQLite store on disk. SQLite opens them itself, by path: in a folder
others can write, each is checked to be the regular file tltrack looked at, never a link
planted there; and a folder this user cannot write is read as a snapshot (see
snapshot_readable)."""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

from tltrack.errors import CannotCreateError, PermissionDeniedError, msg
from tltrack.files import platform
from tltrack.files.disk import os_error
from tltrack.files.folder import open_regular

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


def open_files() -> set[tuple[str, int, int]]:
    """The regular files this process has open: descriptor, device, inode. (A number alone
    is reused: the one that listed the folder may be SQLite's a moment later.)"""
    found: set[tuple[str, int, int]] = set()
    try:
        descriptors = list(platform.PROCESS_FILES.iterdir())
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


def stamp_of(path: Path) -> tuple[int, ...]:
    """What changes when a writer changes the file (see `version_of`)."""
    try:
        return version_of(path.stat())
    except OSError as exc:
        raise os_error(exc, "read", path) from exc


def version_of(info: os.stat_result) -> tuple[int, ...]:
    """The file and its version: identity, size, and modification and change times. A write
    moves the change time (ctime), which no program sets, even where it keeps the size and
    modification time."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


# A file changed this recently may change again within one tick of the file system's clock
# and keep its times: its state names no version yet (git's "racy" files).
RECENT_SECONDS = 2.0
# File systems whose files' times this machine's kernel keeps: a network file system's
# come from a cache (NFS keeps a file's attributes for up to a minute) or another clock.
LOCAL_FILE_SYSTEMS = frozenset(
    {"ext2", "ext3", "ext4", "xfs", "btrfs", "zfs", "f2fs", "jfs", "bcachefs", "tmpfs", "overlay"}
)


def files_state(path: Path) -> tuple[int, ...] | None:
    """The database's version (`version_of`), as part of a cache key; None when it may not
    tell every change: while a -wal or -journal holds changes (SQLite makes a commit
    visible after writing it to the -wal, through the -shm file, which is not part of the
    state); a file changed under RECENT_SECONDS ago; a file this user cannot open (a
    cached read must not outlast the right to read); a network file system."""
    if pending_changes(path) is not None:
        return None
    try:
        # Opened, not only looked at: a network client asks the server again on open.
        fd = open_regular(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
    finally:
        os.close(fd)
    if time.time() - max(info.st_mtime, info.st_ctime) < RECENT_SECONDS:
        return None
    if not local_file_system(path):
        return None
    return version_of(info)


def local_file_system(path: Path, mounts: str | None = None) -> bool:
    """Whether `path` lies on one of LOCAL_FILE_SYSTEMS, as the kernel's table of mounts
    (/proc/self/mountinfo, or `mounts`) says; no table: not known to be."""
    if mounts is None:
        try:
            mounts = platform.MOUNTS.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    target, best, kind = str(path), "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if "-" not in fields[6:]:
            continue
        mount = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):  # the deepest, the last mounted there
            best, kind = mount, fields[fields.index("-", 6) + 1]
    return kind in LOCAL_FILE_SYSTEMS
