"""Reading and atomically writing data files, with OS errors turned into tltrack errors.

tltrack runs as root from cron in folders other users can write, so no write here ever goes
through a link: each write opens its folder once (files.folder) and works relative to it; new
files are created with O_EXCL, an existing file is opened without following a link
(open_regular), and a records file reached through a link is resolved by `data_file` first.
"""

from __future__ import annotations

import contextlib
import errno
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
from tltrack.files.folder import MAX_LINKS, Folder, NotRegularFileError, open_folder, open_regular

_BOM = "\ufeff"
TEMP_SUFFIX = ".tmp"
_TEMP_RE = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{12}(\.old)?\.tmp")
# A new file, never an existing one or a link: O_EXCL refuses both (with O_NOFOLLOW or not).
_CREATE_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


_OS_REASONS = {"EACCES", "EPERM", "EROFS", "ENOENT", "ENOTDIR", "EEXIST", "ENOSPC", "EIO"}
_OS_REASONS |= {"EFBIG", "EDQUOT", "ENAMETOOLONG"}


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
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG) and doing == "read":
        return NoInputError(message)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST, errno.ENAMETOOLONG):
        return CannotCreateError(message)
    if exc.errno in (errno.ELOOP, errno.EMLINK) and doing != "read":
        return CannotCreateError(f"cannot_{doing}", path=path, reason=msg("link_refused"))
    return StorageIOError(message)


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
    return _read_opened(fd, path, limit)


def read_bytes_in(folder: Folder, name: str, limit: int | None = None) -> bytes:
    """The bytes of the regular file `name` in `folder` (never through a link planted there);
    none when there is no file."""
    path = folder.path / name
    try:
        fd = folder.open(name, os.O_RDONLY)
    except FileNotFoundError:
        return b""
    except NotRegularFileError as exc:
        raise DataError("cannot_read", path=path, reason=msg("not_regular")) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataError("cannot_read", path=path, reason=msg("link_not_read")) from exc
        raise os_error(exc, "read", path) from exc
    return _read_opened(fd, path, limit)


def _read_opened(fd: int, path: Path, limit: int | None) -> bytes:
    """Read the file open at `fd` (closing it): what read_bytes says."""
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
    with opened_folder(path, "write") as folder:
        PreparedWrite(folder, path.name, data).commit()


def opened_folder(path: Path, doing: str) -> Folder:
    """The folder of `path`, opened once for a write (files.folder), or the tltrack error."""
    try:
        return open_folder(path.parent)
    except OSError as exc:
        raise os_error(exc, doing, path) from exc


class PreparedWrite:
    """A file's new bytes, written and flushed to a temporary file in the same folder, with the
    old file's owner, group and mode, ready to replace it in one rename (`commit`), or to be
    dropped (`discard`). Several files are changed all or nothing by preparing each first:
    what fails for want of space or permission fails before any file is replaced.

    On commit the folder is flushed so the rename survives a power cut; success means the
    data is on disk. On any failure the temporary file is removed and the old file untouched.
    The file `name` in `folder` is never a link: a link planted there is refused, not written
    through. The folder must stay open until the write is committed or discarded."""

    def __init__(self, folder: Folder, name: str, data: bytes) -> None:
        self.folder, self.name = folder, name
        self.path = folder.path / name  # for messages
        self.old = _replaceable(folder, name)
        self.temp: str | None = f".{name}.{os.urandom(6).hex()}{TEMP_SUFFIX}"
        try:
            fd = folder.open(self.temp, _CREATE_NEW, 0o600)
            try:
                half = len(data) // 2
                _write_all(fd, data[:half])
                _write_all(fd, data[half:])
                os.fsync(fd)
                _take_over(fd, folder.path / self.temp, self.old, folder)
            finally:
                os.close(fd)
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise os_error(exc, "write", self.path) from exc
            raise

    def discard(self) -> None:
        if self.temp is not None:
            with contextlib.suppress(OSError):
                self.folder.unlink(self.temp)
            self.temp = None

    def commit(self) -> None:
        folder, name, temp = self.folder, self.name, self.temp
        assert temp is not None, "committed or discarded already"
        backup: str | None = None
        replaced = False
        try:
            if self.old is not None:
                # A second name for the old bytes, to put them back if the rename cannot be
                # made durable.
                backup = f".{name}.{os.urandom(6).hex()}.old{TEMP_SUFFIX}"
                folder.link(name, backup)
            folder.replace(temp, name)
            self.temp, replaced = None, True
            folder.fsync()
        except BaseException as exc:
            with contextlib.suppress(OSError):
                if replaced and backup is not None:
                    folder.replace(backup, name)
                    backup = None
                elif replaced:
                    folder.unlink(name)
                if replaced:
                    folder.fsync()
            self.discard()
            if backup is not None:
                with contextlib.suppress(OSError):
                    folder.unlink(backup)
            if isinstance(exc, OSError):
                raise os_error(exc, "write", self.path) from exc
            raise
        if backup is not None:
            with contextlib.suppress(OSError):
                folder.unlink(backup)


def _replaceable(folder: Folder, name: str) -> os.stat_result | None:
    """The file `name` names, which a write may replace: none yet, or a regular file this
    user may write (never a link, and a read-only file's mode is respected, not bypassed by
    a rename)."""
    path = folder.path / name
    try:
        old: os.stat_result | None = folder.lstat(name)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise os_error(exc, "write", path) from exc
    if old is not None and stat.S_ISLNK(old.st_mode):
        raise CannotCreateError("cannot_write", path=path, reason=msg("link_refused"))
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise CannotCreateError("cannot_write", path=path, reason=msg("not_regular"))
    if old is not None and not folder.writable(name):
        raise PermissionDeniedError("cannot_write", path=path, reason=msg("read_only"))
    return old


def create_new(
    path: Path,
    data: bytes,
    like: os.stat_result | None = None,
    folder: Folder | None = None,
    private: bool = False,
) -> None:
    """Write `data` to a file that must not exist yet (never through a link), flushed to disk,
    with the owner, group and mode of `like` (`private`: this user's alone, mode 600). On
    failure nothing is left behind. `folder`: the folder of `path`, already open (else it is
    opened here)."""
    if folder is None:
        with opened_folder(path, "create") as opened:
            create_new(path, data, like, opened, private)
        return
    name = path.name
    try:
        fd = folder.open(name, _CREATE_NEW, 0o600)
    except OSError as exc:
        raise os_error(exc, "create", path) from exc
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            if not private:
                _take_over(fd, path, like, folder)
        finally:
            os.close(fd)
        folder.fsync()
    except BaseException as exc:
        with contextlib.suppress(OSError):
            folder.unlink(name)
        if isinstance(exc, OSError):
            raise os_error(exc, "write", path) from exc
        raise


def data_file(path: Path) -> tuple[Folder, str]:
    """The folder, opened once, and the name of the file a records path names, every link
    resolved, so that all paths to one file share one lock and one folder of temporary files,
    and every step of a write works in that one folder (files.folder).

    A link is followed only to an existing regular file, and only when the link belongs to the
    user running tltrack or to the owner of the file it points to: a link another user planted
    must not lead a root run into writing a file that user could not write. The caller closes
    the folder.
    """
    folder = opened_folder(path, "read")
    name = path.name
    try:
        for _ in range(MAX_LINKS):
            try:
                link = folder.lstat(name)
            except FileNotFoundError:
                return folder, name
            if not stat.S_ISLNK(link.st_mode):
                return folder, name
            folder, name = _followed(folder, name, link, path)
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    except OSError as exc:
        folder.close()
        raise os_error(exc, "read", path) from exc
    except BaseException:
        folder.close()
        raise


def _followed(folder: Folder, name: str, link: os.stat_result, path: Path) -> tuple[Folder, str]:
    """Where the link `name` in `folder` leads, checked as `data_file` says; `folder` is closed
    once the link is followed."""
    said = folder.readlink(name)
    again = folder.lstat(name)
    if (again.st_dev, again.st_ino) != (link.st_dev, link.st_ino):
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))  # swapped meanwhile
    real = Path(said) if os.path.isabs(said) else folder.path / said
    if real.name in ("", ".", ".."):  # a folder, whatever it holds
        raise CannotCreateError(
            "cannot_write", path=path, reason=msg("links_to_nonfile", real=real)
        )
    try:
        there = open_folder(real.parent)
    except OSError:
        nowhere = msg("link_nowhere_no_create", real=real)
        raise NoInputError("cannot_read", path=path, reason=nowhere) from None
    try:
        target = there.lstat(real.name)
    except OSError:
        there.close()
        nowhere = msg("link_nowhere_no_create", real=real)
        raise NoInputError("cannot_read", path=path, reason=nowhere) from None
    if not (stat.S_ISREG(target.st_mode) or stat.S_ISLNK(target.st_mode)):
        there.close()
        not_a_file = msg("links_to_nonfile", real=there.path / real.name)
        raise CannotCreateError("cannot_write", path=path, reason=not_a_file)
    # Another user's link leads only to a file of theirs in a folder of theirs: the lock and
    # the temporary file a write makes beside the file must not land in a folder they could
    # not write.
    foreign = link.st_uid != _euid()
    if link.st_uid not in (_euid(), target.st_uid) or (
        foreign and there.stat().st_uid != link.st_uid
    ):
        there.close()
        not_theirs = msg("foreign_link", real=there.path / real.name)
        raise PermissionDeniedError("cannot_write", path=path, reason=not_theirs)
    folder.close()
    return there, real.name


def put_in_place(staged: Path, final: Path) -> None:
    """Give the file `staged` the name `final` in the same folder, never over a file there
    (a writer that made one meanwhile keeps it: CannotCreateError), and flush the folder."""
    try:
        with open_folder(final.parent) as folder:
            folder.link(staged.name, final.name)
            folder.unlink(staged.name)
            folder.fsync()
    except OSError as exc:
        raise os_error(exc, "create", final) from exc


def remove_file(path: Path) -> None:
    """Remove the file `path` if it is there, in its folder opened once (files.folder)."""
    try:
        with open_folder(path.parent) as folder:
            folder.unlink(path.name)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise os_error(exc, "write", path) from exc


def real_data_file(path: Path) -> Path:
    """The path of the file a records path names (see `data_file`): for reading and for
    messages; a write opens the folder with `data_file` and keeps it."""
    folder, name = data_file(path)
    with folder:
        return folder.path / name


def _euid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1


def shared_mode(folder: Folder) -> tuple[int, int | None]:
    """Mode and group for a new file in `folder`: in a folder its group may write (a shared
    `staff` folder) the file is group-writable and takes the folder's group, so every member
    of the group can go on writing it."""
    mode = 0o666 & ~_umask()
    try:
        info = folder.stat()
    except OSError:
        return mode, None
    if info.st_mode & stat.S_IWGRP:
        return mode | stat.S_IRGRP | stat.S_IWGRP, info.st_gid
    return mode, None


def _take_over(fd: int, path: Path, old: os.stat_result | None, folder: Folder) -> None:
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


def remove_stale_temps(folder: Folder, name: str) -> None:
    """Remove temporary files a killed writer left beside the records file `name` in `folder`
    (its real folder). Call only under its lock: then no live writer has one. What cannot be
    removed stays for the next writer: the change itself does not need it gone."""
    try:
        names = folder.names()
    except OSError:
        return
    for leftover in names:
        match = _TEMP_RE.fullmatch(leftover)
        if match is None or match.group("name") != name:
            continue
        with contextlib.suppress(OSError):
            folder.unlink(leftover)


def _set_mode(fd: int, path: Path, mode: int) -> None:
    if platform.WINDOWS:  # no fchmod there; only the read-only bit means anything
        path.chmod(mode)
    else:
        os.fchmod(fd, mode)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
