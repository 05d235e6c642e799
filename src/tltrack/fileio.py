"""Reading and atomically writing data files, with OS errors turned into tltrack errors."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tltrack.errors import (
    CannotCreateError,
    LockBusyError,
    NoInputError,
    PermissionDeniedError,
    Problem,
    StorageIOError,
    TltrackError,
)

_BOM = "\ufeff"


def os_error(exc: OSError, doing: str, path: Path) -> TltrackError:
    """The tltrack error (and so the exit code) for an OS error met while `doing` to `path`."""
    reason = exc.strerror or str(exc)
    message = f"cannot {doing} {path}: {reason}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PermissionDeniedError(message)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR) and doing == "read":
        return NoInputError(message)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST):
        return CannotCreateError(message)
    return StorageIOError(message)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError as exc:
        raise NoInputError(f"cannot read {path}: it is a folder") from exc
    except OSError as exc:
        if exc.errno == errno.ENOENT and path.is_symlink():
            raise NoInputError(f"cannot read {path}: the link points nowhere") from exc
        raise os_error(exc, "read", path) from exc


def decode(path: Path, data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text (a leading BOM, as Windows Notepad writes, is dropped) or the problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex()
        return None, [
            Problem(path.name, f"not UTF-8 text (byte 0x{bad}); save the file as UTF-8", line)
        ]
    return text.removeprefix(_BOM), []


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the whole old file or the whole new one.

    The bytes go to a temporary file in the same folder, are flushed to disk, take the old file's
    mode, and replace the old file in one rename; then the folder itself is flushed so the rename
    survives a power cut. Only then does this return: success means the data is on disk. On any
    failure the temporary file is removed and the old file is untouched. A symlinked data file
    is written through: the link stays a link.
    """
    real = path.resolve() if path.is_symlink() else path
    folder = real.parent
    try:
        mode = stat.S_IMODE(real.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as exc:
        raise os_error(exc, "write", path) from exc
    if real.exists() and not os.access(real, os.W_OK):
        # Replacing by rename would bypass a read-only file's mode: respect it instead.
        raise os_error(OSError(errno.EACCES, "the file is read-only"), "write", path)
    temp: Path | None = None
    backup: Path | None = None
    replaced = False
    try:
        temp = folder / f".{real.name}.{os.urandom(6).hex()}{TEMP_SUFFIX}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            half = len(data) // 2
            _write_all(fd, data[:half])
            pause_point("mid_write")
            _write_all(fd, data[half:])
            os.fsync(fd)
            _set_mode(fd, temp, mode)
        finally:
            os.close(fd)
        if real.exists():
            # A second name for the old bytes, to put them back if the rename cannot be made
            # durable.
            backup = folder / f".{real.name}.{os.urandom(6).hex()}.old{TEMP_SUFFIX}"
            os.link(real, backup)
        pause_point("before_replace")
        os.replace(temp, real)  # noqa: PTH105 (every file call goes through `os`: tests fault it)
        temp, replaced = None, True
        fsync_dir(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            if replaced and backup is not None:
                os.replace(backup, real)  # noqa: PTH105
                backup = None
            elif replaced:
                os.unlink(real)  # noqa: PTH108
            if replaced:
                fsync_dir(folder)
        for leftover in (temp, backup):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)  # noqa: PTH108
        if isinstance(exc, OSError):
            raise os_error(exc, "write", path) from exc
        raise
    if backup is not None:
        with contextlib.suppress(OSError):
            os.unlink(backup)  # noqa: PTH108


TEMP_SUFFIX = ".tmp"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def remove_stale_temps(path: Path) -> None:
    """Remove temporary files a killed writer left beside `path`. Call only under the lock:
    then no live writer has one."""
    real = path.resolve() if path.is_symlink() else path
    for leftover in real.parent.glob(f".{real.name}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def pause_point(step: str) -> None:
    """Test-only: with TLTRACK_TEST_PAUSE_AT=<step>, announce the step on stderr and wait, so a
    test can kill the writer exactly there. Does nothing otherwise."""
    if os.environ.get("TLTRACK_TEST_PAUSE_AT") != step:
        return
    os.write(2, f"tltrack-test: paused at {step}\n".encode())
    time.sleep(float(os.environ.get("TLTRACK_TEST_PAUSE_SECONDS", "30")))


def _set_mode(fd: int, path: Path, mode: int) -> None:
    if sys.platform == "win32":  # no fchmod there; only the read-only bit means anything
        path.chmod(mode)
    else:
        os.fchmod(fd, mode)


def fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # a folder cannot be opened for fsync there
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive flock on a separate lock file (never the data file) for a change.

    Waits up to `timeout` seconds for another writer, then fails with exit 75.
    """
    if os.environ.get("TLTRACK_TEST_NO_LOCK") == "1":
        # Test-only: shows that without the lock concurrent writers lose records.
        yield
        return
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666 & ~_umask())
    except OSError as exc:
        raise os_error(exc, "lock", lock_path) from exc
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                _try_lock(fd)
                break
            except (BlockingIOError, PermissionError):
                if time.monotonic() >= deadline:
                    raise LockBusyError(
                        f"{lock_path.name} is held by another tltrack writer for over"
                        f" {timeout:g} s; try again"
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> None:
    """Take the lock or raise BlockingIOError (PermissionError on Windows) at once."""
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
