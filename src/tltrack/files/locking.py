"""The lock a writer holds on a records file from its read to its write, so that concurrent
writers lose nothing: on a separate lock file beside the data file (never the data file).

flock on POSIX systems and Windows' own lock where the system has them (files.platform);
both end with the process that held them, however it ended. Elsewhere a writer holds the lock
by creating a holder file beside the lock file, and removes it when done, as git holds
index.lock: a writer killed meanwhile leaves it, and the next one, after waiting, says whose
it is and that it may be removed once no tltrack runs there.

Writers that lock in different ways do not wait for each other: the machines writing one
folder (a network share) must all be of one kind, or keep the figures in PostgreSQL.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from tltrack.errors import CannotCreateError, LockBusyError, TltrackError, msg
from tltrack.files import platform
from tltrack.files.disk import os_error, shared_mode
from tltrack.files.folder import Folder, NotRegularFileError

DEFAULT_LOCK_TIMEOUT = 10.0
MAX_LOCK_TIMEOUT = 86400.0
HOLDER_SUFFIX = ".held"  # beside the lock file, where there is no system lock


def lock_timeout() -> float:
    """How long a writer waits for another: $TLTRACK_LOCK_TIMEOUT seconds, else 10, at most a
    day (no job waits longer; PostgreSQL takes no more than 24 days). The one setting for the
    records file's lock and the databases' busy waits; 0 is not to wait, in every store."""
    raw = os.environ.get("TLTRACK_LOCK_TIMEOUT", "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT
    if not math.isfinite(value) or value < 0:
        return DEFAULT_LOCK_TIMEOUT
    return min(value, MAX_LOCK_TIMEOUT)


@contextlib.contextmanager
def exclusive_lock(folder: Folder, name: str, timeout: float) -> Iterator[None]:
    """Hold the lock `name` in `folder` for one change, waiting up to `timeout` seconds for
    another writer, then failing with exit 75. The lock file is only ever locked, never
    written, and never opened through a link or as anything but a regular file (a FIFO planted
    there would block)."""
    lock_path = folder.path / name
    if platform.LOCKS == "file":
        with _held_by_file(folder, name + HOLDER_SUFFIX, timeout):
            yield
        return
    fd = _open_lock(folder, name)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                _try_lock(fd)
                break
            except (BlockingIOError, PermissionError):
                if time.monotonic() >= deadline:
                    raise LockBusyError("lock_busy", file=lock_path.name, seconds=timeout) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        with contextlib.suppress(OSError):  # closing releases the lock whatever it reports
            os.close(fd)


def _open_lock(folder: Folder, name: str) -> int:
    lock_path = folder.path / name
    if platform.LOCKS == "msvcrt":  # its lock needs a file opened for writing
        try:
            return folder.open(name, os.O_RDWR | os.O_CREAT, 0o666)
        except NotRegularFileError as exc:
            reason = msg("not_regular")
            raise CannotCreateError("cannot_lock", path=lock_path, reason=reason) from exc
        except OSError as exc:
            raise os_error(exc, "lock", lock_path) from exc
    # Read-only is enough for flock, so a lock file another member of the group created opens
    # even where its mode would not let this user write it.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    mode, group = shared_mode(folder)
    try:
        try:
            fd = folder.open(name, flags | os.O_CREAT | os.O_EXCL, 0o600)
            created = True
        except FileExistsError:
            fd = folder.open(name, flags)
            created = False
    except NotRegularFileError as exc:
        raise CannotCreateError("cannot_lock", path=lock_path, reason=msg("not_regular")) from exc
    except OSError as exc:
        raise os_error(exc, "lock", lock_path) from exc
    try:
        if created:
            if group is not None:
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, -1, group)
            os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _try_lock(fd: int) -> None:
    """Take the lock or raise BlockingIOError (PermissionError on Windows) at once."""
    if platform.LOCKS == "msvcrt":
        assert platform.MSVCRT is not None
        platform.MSVCRT.locking(fd, platform.MSVCRT.LK_NBLCK, 1)
    else:
        assert platform.FCNTL is not None
        platform.FCNTL.flock(fd, platform.FCNTL.LOCK_EX | platform.FCNTL.LOCK_NB)


def _unlock(fd: int) -> None:
    if platform.LOCKS == "msvcrt":
        assert platform.MSVCRT is not None
        os.lseek(fd, 0, os.SEEK_SET)
        platform.MSVCRT.locking(fd, platform.MSVCRT.LK_UNLCK, 1)
    else:
        assert platform.FCNTL is not None
        platform.FCNTL.flock(fd, platform.FCNTL.LOCK_UN)


@contextlib.contextmanager
def _held_by_file(folder: Folder, name: str, timeout: float) -> Iterator[None]:
    """The lock where the system has none: a holder file `name` created beside the lock file
    (never an existing file or a link: O_EXCL), naming who holds it, removed when the change
    ends."""
    holder = folder.path / name
    deadline = time.monotonic() + timeout
    mode, _ = shared_mode(folder)
    while True:
        try:
            fd = folder.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            break
        except FileExistsError:
            if time.monotonic() >= deadline:
                said = _holder_said(folder, name)
                raise LockBusyError("lock_held", file=holder.name, holder=said) from None
            time.sleep(0.02)
        except OSError as exc:
            raise os_error(exc, "lock", holder) from exc
    since = datetime.now(UTC).isoformat(timespec="seconds")
    mine = f"{os.getpid()} {socket.gethostname()} {since}\n".encode()
    try:
        os.write(fd, mine)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.close(fd)
        with contextlib.suppress(OSError):
            folder.unlink(name)
        raise os_error(exc, "lock", holder) from exc
    with contextlib.suppress(OSError):  # the holder file is there: that is what holds the lock
        os.close(fd)
    try:
        yield
    except BaseException:
        with contextlib.suppress(TltrackError):  # the change's own error is the one to say
            _let_go(folder, name, mine)
        raise
    _let_go(folder, name, mine)


def _let_go(folder: Folder, name: str, mine: bytes) -> None:
    """Remove the holder file while it is still this writer's: someone may have removed it, as
    the lock_held message advises, and another writer made its own. One left behind stops
    every writer, so a failed removal (a disk error of a moment) is tried again, then said."""
    failure: OSError | None = None
    for attempt in range(3):
        try:
            with os.fdopen(folder.open(name, os.O_RDONLY), "rb") as handle:
                if handle.read(len(mine) + 1) != mine:
                    return
            folder.unlink(name)
            return
        except (FileNotFoundError, NotRegularFileError):
            return  # gone, or not the file this writer made: not its to remove
        except OSError as exc:
            failure = exc
            time.sleep(0.05 * (attempt + 1))
    assert failure is not None
    raise os_error(failure, "write", folder.path / name)


def _holder_said(folder: Folder, name: str) -> str:
    """Who holds the lock, as its holder file says: process, machine, since when."""
    try:
        with os.fdopen(folder.open(name, os.O_RDONLY), "rb") as handle:
            return handle.read(200).decode("utf-8", "replace").strip() or "?"
    except OSError:
        return "?"
