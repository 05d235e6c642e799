"""Reading and atomically writing data files, with OS errors turned into tltrack errors."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
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


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    return decode(path, read_bytes(path))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the whole old file or the whole new one.

    The bytes go to a temporary file in the same folder, are flushed to disk, take the old file's
    mode, and replace the old file in one rename; then the folder itself is flushed so the rename
    survives a power cut. A symlinked data file is written through: the link stays a link.
    """
    real = path.resolve() if path.is_symlink() else path
    folder = real.parent
    try:
        mode = stat.S_IMODE(real.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as exc:
        raise os_error(exc, "write", path) from exc
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise os_error(exc, "write", path) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(mode)
        temp.replace(real)
        fsync_dir(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise os_error(exc, "write", path) from exc
        raise


def fsync_dir(folder: Path) -> None:
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
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666 & ~_umask())
    except OSError as exc:
        raise os_error(exc, "lock", lock_path) from exc
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusyError(
                        f"{lock_path.name} is held by another tltrack writer for over"
                        f" {timeout:g} s; try again"
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
