"""Reading and atomically writing data files, with OS errors turned into tltrack errors.

tltrack runs as root from cron in folders other users can write, so no write here ever goes
through a link: new files are created with O_EXCL, an existing file is opened without
following a link (open_regular), and a records file reached through a link is resolved by
`real_data_file` first.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import stat
from pathlib import Path

from tltrack.errors import (
    CannotCreateError,
    DataError,
    Message,
    NoInputError,
    PermissionDeniedError,
    Problem,
    StorageIOError,
    TltrackError,
    msg,
)
from tltrack.files import platform

_BOM = "\ufeff"
TEMP_SUFFIX = ".tmp"
_TEMP_RE = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{12}(\.old)?\.tmp")
# A new file, never an existing one or a link: O_EXCL refuses both (with O_NOFOLLOW or not).
_CREATE_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


_OS_REASONS = {"EACCES", "EPERM", "EROFS", "ENOENT", "ENOTDIR", "EEXIST", "ENOSPC", "EIO"}
_OS_REASONS |= {"EFBIG", "EDQUOT"}


def os_reason(exc: OSError) -> Message:
    """Why the operating system said no, in words the catalogs have for the common cases."""
    name = errno.errorcode.get(exc.errno or 0, "")
    if name in _OS_REASONS:
        return msg(f"os_{name}")
    return msg("os_other", reason=exc.strerror or str(exc), name=name or type(exc).__name__)


def os_error(exc: OSError, doing: str, path: Path) -> TltrackError:
    """The tltrack error (and so the exit code) for an OS error met while `doing` to `path`:
    `doing` is read, write, create or lock."""
    message = msg(f"cannot_{doing}", path=path, reason=os_reason(exc))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PermissionDeniedError(message)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR) and doing == "read":
        return NoInputError(message)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST):
        return CannotCreateError(message)
    if exc.errno in (errno.ELOOP, errno.EMLINK) and doing != "read":
        return CannotCreateError(f"cannot_{doing}", path=path, reason=msg("link_refused"))
    return StorageIOError(message)


class NotRegularFileError(OSError):
    """What open_regular found is no regular file: a FIFO, a device, a folder."""


def open_regular(path: Path, flags: int, mode: int = 0o600) -> int:
    """os.open of a regular file that never follows a link planted at the path's last
    component: O_NOFOLLOW where the system has it (an ELOOP error for a link); elsewhere the
    path is looked at first and again after opening, and what was opened must be the file
    looked at (the same ELOOP error otherwise), so a link swapped in between is caught too.
    It never waits on a FIFO planted there (O_NONBLOCK): anything but a regular file raises
    NotRegularFileError."""
    flags |= getattr(os, "O_NONBLOCK", 0)
    before = None if platform.NOFOLLOW else _looked_at(path)
    fd = os.open(path, flags | platform.NOFOLLOW, mode)
    try:
        opened = os.fstat(fd)
        if not platform.NOFOLLOW:
            after = _looked_at(path)
            for seen in (before, after):
                if seen is not None and (seen.st_dev, seen.st_ino) != (
                    opened.st_dev,
                    opened.st_ino,
                ):
                    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
        if not stat.S_ISREG(opened.st_mode):
            raise NotRegularFileError(errno.EINVAL, "not a regular file", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _looked_at(path: Path) -> os.stat_result | None:
    """The path itself, not through a link: a link is refused (ELOOP), as O_NOFOLLOW would."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    return info


def read_bytes(path: Path, limit: int | None = None, follow: bool = True) -> bytes:
    """The bytes of a regular file; a FIFO or device is refused rather than waited on, and a
    file larger than `limit` bytes is refused without reading it all. With `follow` False a
    link is refused at the moment of opening (a file found in a folder others can write may
    be swapped for a link after it was listed)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags) if follow else open_regular(path, flags)
    except IsADirectoryError as exc:
        raise NoInputError("cannot_read", path=path, reason=msg("is_a_folder")) from exc
    except NotRegularFileError as exc:
        if os.path.isdir(path):
            raise NoInputError("cannot_read", path=path, reason=msg("is_a_folder")) from exc
        raise DataError("cannot_read", path=path, reason=msg("not_regular")) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise DataError("cannot_read", path=path, reason=msg("link_not_read")) from exc
        if exc.errno == errno.ENOENT and path.is_symlink():
            raise NoInputError("cannot_read", path=path, reason=msg("link_nowhere")) from exc
        raise os_error(exc, "read", path) from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NoInputError("cannot_read", path=path, reason=msg("is_a_folder"))
        if not stat.S_ISREG(info.st_mode):
            raise DataError("cannot_read", path=path, reason=msg("not_regular"))
        if limit is not None and info.st_size > limit:
            too_large = msg("too_large", size=info.st_size, limit=limit)
            raise DataError("cannot_read", path=path, reason=too_large)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read() if limit is None else handle.read(limit + 1)
    except OSError as exc:
        raise os_error(exc, "read", path) from exc
    finally:
        with contextlib.suppress(OSError):  # closing what was only read loses nothing
            os.close(fd)
    if limit is not None and len(data) > limit:  # it grew while being read
        raise DataError("cannot_read", path=path, reason=msg("grew", limit=limit))
    return data


def decode(path: Path, data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text (a leading BOM, as Windows Notepad writes, is dropped) or the problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex()
        return None, [Problem(path.name, msg("not_utf8", byte=bad), line)]
    return text.removeprefix(_BOM), []


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the whole old file or the whole new one
    (a PreparedWrite, committed at once)."""
    PreparedWrite(path, data).commit()


class PreparedWrite:
    """A file's new bytes, written and flushed to a temporary file in the same folder, with the
    old file's owner, group and mode, ready to replace it in one rename (`commit`), or to be
    dropped (`discard`). Several files are changed all or nothing by preparing each first:
    what fails for want of space or permission fails before any file is replaced.

    On commit the folder is flushed so the rename survives a power cut; success means the
    data is on disk. On any failure the temporary file is removed and the old file untouched.
    `path` itself is never a link: a link planted there is refused, not written through."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.old = _replaceable(path)
        self.temp: Path | None = path.parent / f".{path.name}.{os.urandom(6).hex()}{TEMP_SUFFIX}"
        try:
            fd = os.open(self.temp, _CREATE_NEW, 0o600)
            try:
                half = len(data) // 2
                _write_all(fd, data[:half])
                _write_all(fd, data[half:])
                os.fsync(fd)
                _take_over(fd, self.temp, self.old, path.parent)
            finally:
                os.close(fd)
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise os_error(exc, "write", path) from exc
            raise

    def discard(self) -> None:
        if self.temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)
            self.temp = None

    def commit(self) -> None:
        path, folder, temp = self.path, self.path.parent, self.temp
        assert temp is not None, "committed or discarded already"
        backup: Path | None = None
        replaced = False
        try:
            if self.old is not None:
                # A second name for the old bytes, to put them back if the rename cannot be
                # made durable.
                backup = folder / f".{path.name}.{os.urandom(6).hex()}.old{TEMP_SUFFIX}"
                os.link(path, backup)
            os.replace(temp, path)
            self.temp, replaced = None, True
            fsync_dir(folder)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                if replaced and backup is not None:
                    os.replace(backup, path)
                    backup = None
                elif replaced:
                    os.unlink(path)
                if replaced:
                    fsync_dir(folder)
            self.discard()
            if backup is not None:
                with contextlib.suppress(OSError):
                    os.unlink(backup)
            if isinstance(exc, OSError):
                raise os_error(exc, "write", path) from exc
            raise
        if backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup)


def _replaceable(path: Path) -> os.stat_result | None:
    """The file `path` names, which a write may replace: none yet, or a regular file this
    user may write (never a link, and a read-only file's mode is respected, not bypassed by
    a rename)."""
    try:
        old: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise os_error(exc, "write", path) from exc
    if old is not None and stat.S_ISLNK(old.st_mode):
        raise CannotCreateError("cannot_write", path=path, reason=msg("link_refused"))
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise CannotCreateError("cannot_write", path=path, reason=msg("not_regular"))
    if old is not None and not os.access(path, os.W_OK):
        raise PermissionDeniedError("cannot_write", path=path, reason=msg("read_only"))
    return old


def create_new(path: Path, data: bytes, like: Path | None = None) -> None:
    """Write `data` to a file that must not exist yet (never through a link), flushed to disk,
    with the owner, group and mode of `like`. On failure nothing is left behind."""
    try:
        fd = os.open(path, _CREATE_NEW, 0o600)
    except OSError as exc:
        raise os_error(exc, "create", path) from exc
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            _take_over(fd, path, os.stat(like) if like is not None else None, path.parent)
        finally:
            os.close(fd)
        fsync_dir(path.parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(path)
        if isinstance(exc, OSError):
            raise os_error(exc, "write", path) from exc
        raise


def real_data_file(path: Path) -> Path:
    """The file a records path names, every link resolved, so that all paths to one file share
    one lock and one folder of temporary files.

    A link is followed only to an existing regular file, and only when the link belongs to the
    user running tltrack or to the owner of the file it points to: a link another user planted
    must not lead a root run into writing a file that user could not write.
    """
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        return Path(os.path.realpath(path.parent)) / path.name
    except OSError as exc:
        raise os_error(exc, "read", path) from exc
    if not stat.S_ISLNK(link.st_mode):
        return Path(os.path.realpath(path.parent)) / path.name
    try:
        real = Path(os.path.realpath(path))
    except OSError as exc:  # the link was swapped while it was resolved
        raise os_error(exc, "read", path) from exc
    try:
        target = os.stat(real)
    except OSError:
        nowhere = msg("link_nowhere_no_create", real=real)
        raise NoInputError("cannot_read", path=path, reason=nowhere) from None
    if not stat.S_ISREG(target.st_mode):
        not_a_file = msg("links_to_nonfile", real=real)
        raise CannotCreateError("cannot_write", path=path, reason=not_a_file)
    if link.st_uid not in (_euid(), target.st_uid):
        foreign = msg("foreign_link", real=real)
        raise PermissionDeniedError("cannot_write", path=path, reason=foreign)
    return real


def _euid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1


def shared_mode(folder: Path) -> tuple[int, int | None]:
    """Mode and group for a new file in `folder`: in a folder its group may write (a shared
    `staff` folder) the file is group-writable and takes the folder's group, so every member
    of the group can go on writing it."""
    mode = 0o666 & ~_umask()
    try:
        info = os.stat(folder)
    except OSError:
        return mode, None
    if info.st_mode & stat.S_IWGRP:
        return mode | stat.S_IRGRP | stat.S_IWGRP, info.st_gid
    return mode, None


def _take_over(fd: int, path: Path, old: os.stat_result | None, folder: Path) -> None:
    """Give a new file the old file's owner, group and mode, or those of a new shared file."""
    uid: int | None = None
    gid: int | None
    if old is not None:
        mode, uid, gid = stat.S_IMODE(old.st_mode), old.st_uid, old.st_gid
    else:
        mode, gid = shared_mode(folder)
    if not platform.WINDOWS:
        mine = os.fstat(fd)
        wanted = (mine.st_uid if uid is None else uid, mine.st_gid if gid is None else gid)
        if wanted != (mine.st_uid, mine.st_gid):
            try:
                os.fchown(fd, *wanted)
            except PermissionError:  # only root gives a file away; a member keeps the group
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, -1, wanted[1])
    _set_mode(fd, path, mode)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def remove_stale_temps(real: Path) -> None:
    """Remove temporary files a killed writer left beside the records file `real` (a resolved
    path). Call only under its lock: then no live writer has one."""
    for leftover in real.parent.glob(f".{glob.escape(real.name)}.*{TEMP_SUFFIX}"):
        match = _TEMP_RE.fullmatch(leftover.name)
        if match is None or match.group("name") != real.name:
            continue
        with contextlib.suppress(OSError):
            os.unlink(leftover)


def _set_mode(fd: int, path: Path, mode: int) -> None:
    if platform.WINDOWS:  # no fchmod there; only the read-only bit means anything
        path.chmod(mode)
    else:
        os.fchmod(fd, mode)


def fsync_dir(folder: Path) -> None:
    if platform.WINDOWS:  # a folder cannot be opened for fsync there
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
