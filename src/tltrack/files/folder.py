"""A folder opened once, by descriptor, for a write: every later step (lock, clean-up,
temporary file, link, rename, flush) works relative to that descriptor.

tltrack runs as root from cron in folders others can write. A path is looked up again by
every call that takes one: someone who can swap a folder on the way (exchange it with a link
to a root-only folder, between two calls) would lead the later calls elsewhere. A folder
opened once cannot be swapped: a rename moves the name, not the folder a descriptor holds.

The folder itself is reached without letting anyone else's link lead the way: each part of
the path is opened on its own, never through a link, and a link on the way is followed only
when it belongs to this user or root, or leads to a folder of the link's own owner (what the
kernel's protected_symlinks asks only in sticky folders, asked everywhere).

Where the system has no descriptor-relative calls (Windows), the folder is its path, as
before: files.platform says which.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from tltrack.errors import PermissionDeniedError, msg
from tltrack.files import platform

_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
MAX_LINKS = 40  # as the kernel's own limit on links in one lookup


class NotRegularFileError(OSError):
    """What open_regular found is no regular file: a FIFO, a device, a folder."""


class Folder:
    """An open folder: `path` is where it was found (for messages, and for SQLite, which opens
    by path); `fd` its descriptor, None where the system has no descriptor-relative calls."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None

    def _at(self, name: str) -> str | Path:
        """`name` as the calls below take it: relative to the descriptor, or the whole path."""
        if os.sep in name or (os.altsep and os.altsep in name) or name in ("", ".", ".."):
            raise ValueError(f"not a name in a folder: {name!r}")
        return name if self.fd is not None else self.path / name

    def stat(self) -> os.stat_result:
        return os.fstat(self.fd) if self.fd is not None else os.stat(self.path)

    def lstat(self, name: str) -> os.stat_result:
        """The entry `name`, not through a link."""
        return os.stat(self._at(name), dir_fd=self.fd, follow_symlinks=False)

    def readlink(self, name: str) -> str:
        return os.readlink(self._at(name), dir_fd=self.fd)

    def open(self, name: str, flags: int, mode: int = 0o600) -> int:
        """os.open of `name` here: a new file (O_EXCL, which refuses whatever is there), or
        an existing regular file never reached through a link planted at it (open_regular)."""
        flags |= getattr(os, "O_CLOEXEC", 0)
        if flags & os.O_EXCL:
            return os.open(self._at(name), flags, mode, dir_fd=self.fd)
        return open_regular(Path(self._at(name)), flags, mode, dir_fd=self.fd)

    def writable(self, name: str) -> bool:
        """Whether this user may write the file `name` (its mode is respected, not bypassed by
        a rename over it)."""
        if self.fd is None:
            return os.access(self._at(name), os.W_OK)
        # No AT_SYMLINK_NOFOLLOW: some C libraries refuse it, and a link was refused already.
        return os.access(name, os.W_OK, dir_fd=self.fd)

    def unlink(self, name: str) -> None:
        os.unlink(self._at(name), dir_fd=self.fd)

    def link(self, source: str, new: str) -> None:
        """A second name for the file `source`, never for what a link there points to."""
        os.link(
            self._at(source),
            self._at(new),
            src_dir_fd=self.fd,
            dst_dir_fd=self.fd,
            follow_symlinks=False,
        )

    def replace(self, source: str, target: str) -> None:
        os.replace(self._at(source), self._at(target), src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def names(self) -> list[str]:
        return os.listdir(self.path if self.fd is None else self.fd)  # it reads a duplicate

    def fsync(self) -> None:
        """Flush the folder, so a rename in it survives a power cut."""
        if platform.WINDOWS:  # a folder cannot be opened for fsync there
            return
        if self.fd is not None:
            os.fsync(self.fd)
            return
        fd = os.open(self.path, _DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def open_folder(path: Path) -> Folder:
    """The folder `path` names, opened once (see the module's note). Raises OSError as
    os.open would (ENOENT, ENOTDIR, EACCES, ELOOP for too many links), and a
    PermissionDeniedError for a link of another user that leads to someone else's folder."""
    if not platform.DIR_FD:
        if not stat.S_ISDIR(os.stat(path).st_mode):  # there, and a folder, as opening says
            raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
        return Folder(real_path(path), None)
    todo: list[str | int] = list(reversed((Path.cwd() / path).parts))
    where: list[str] = []
    fd = os.open(os.sep, _DIRECTORY)
    links = 0
    try:
        while todo:
            part = todo.pop()
            if isinstance(part, int):  # the end of a link another user made: whose folder
                if os.fstat(fd).st_uid != part:
                    raise PermissionDeniedError(
                        "cannot_write",
                        path=path,
                        reason=msg("foreign_folder_link", real=Path(os.sep, *where)),
                    )
                continue
            if part in ("", ".", os.sep):
                continue
            try:
                opened = os.open(part, _DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                if exc.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise
                found = _link_at(fd, part, exc)
                links += 1
                if links > MAX_LINKS:
                    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from None
                if found is None:  # swapped back for a folder meanwhile: open it again
                    todo.append(part)
                    continue
                target, owner = found
                if owner not in _trusted():
                    todo.append(owner)
                if target.startswith(os.sep):
                    root = os.open(os.sep, _DIRECTORY)
                    os.close(fd)
                    fd, where = root, []
                todo.extend(reversed(Path(target).parts))
                continue
            os.close(fd)
            fd = opened
            if part == "..":
                if where:
                    where.pop()
            else:
                where.append(part)
    except BaseException:
        os.close(fd)
        raise
    return Folder(Path(os.sep, *where), fd)


def real_path(path: Path) -> Path:
    """os.path.realpath, for a name to say or compare: it fails (EINVAL) when a link on the
    way is swapped for a folder as it reads it, so it is tried again, and at last the path is
    only made absolute."""
    for _ in range(3):
        try:
            return Path(os.path.realpath(path))
        except OSError:
            continue
    return Path(os.path.abspath(path))


def make_folder(path: Path) -> None:
    """Make the folder `path` and any missing above it (mkdir -p), each in its parent opened
    with open_folder: no one's link leads a new folder elsewhere. A folder already there is
    left as it is."""
    if path.name in ("", ".", ".."):
        open_folder(path).close()  # nothing to make: it must be there
        return
    try:
        parent = open_folder(path.parent)
    except FileNotFoundError:
        make_folder(path.parent)
        parent = open_folder(path.parent)
    with parent:
        try:
            os.mkdir(parent._at(path.name), 0o777, dir_fd=parent.fd)
        except FileExistsError:
            open_folder(path).close()  # a folder (or a link allowed to lead to one) is fine


def changeable_by_others(folder: Path) -> Path | None:
    """The first folder on the way to `folder` (a path free of links, as open_folder gives)
    that a user other than this one and root could change, so as to lead a program that
    opens files there by name elsewhere: `folder` itself, if another user may write it; a
    folder above, if another user may write it and rename what is in it (a sticky folder
    lets each rename only their own). None when there is none; always None where files have
    no owners (Windows)."""
    if not hasattr(os, "geteuid"):
        return None
    child: os.stat_result | None = None  # the folder on the way inside `here`
    for here in (folder, *folder.parents):
        try:
            info = os.lstat(here)
        except OSError:
            return here
        if stat.S_ISLNK(info.st_mode):
            return here  # changed since it was opened
        if _others_may_write(info):
            # A sticky folder of this user's or root's: others add to it, but rename only
            # their own (and no one but its owner renames the folder on the way).
            kept = child is not None and child.st_uid in _trusted()
            if not (kept and info.st_mode & stat.S_ISVTX and info.st_uid in _trusted()):
                return here
        child = info
    return None


def _others_may_write(info: os.stat_result) -> bool:
    """Whether a user other than this one and root may write the folder `info`: its owner,
    anyone where all may, the members of its group where they may. Root trusts no group; a
    member of the group trusts its members (the people the folder is shared with)."""
    if info.st_uid not in _trusted():
        return True
    if info.st_mode & stat.S_IWOTH:
        return True
    if info.st_mode & stat.S_IWGRP:
        return os.geteuid() == 0 or info.st_gid not in {os.getegid(), *os.getgroups()}
    return False


def _link_at(fd: int, name: str, failure: OSError) -> tuple[str, int] | None:
    """What the link `name` in the folder `fd` says, and whose link it is; None when it is a
    folder again (swapped back since it was found a link). The link is looked at before and
    after reading it: a link swapped for another between is a new file."""
    before = os.stat(name, dir_fd=fd, follow_symlinks=False)
    if stat.S_ISDIR(before.st_mode):
        return None
    if not stat.S_ISLNK(before.st_mode):
        raise failure
    try:
        target = os.readlink(name, dir_fd=fd)
    except OSError as exc:
        if exc.errno == errno.EINVAL:  # no longer a link
            return None
        raise
    after = os.stat(name, dir_fd=fd, follow_symlinks=False)
    if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
        return None  # another file by now: look again
    return target, before.st_uid


def _trusted() -> tuple[int, ...]:
    """Whose links lead anywhere: this user's and root's."""
    return (os.geteuid(), 0) if hasattr(os, "geteuid") else ()


def open_regular(path: Path, flags: int, mode: int = 0o600, dir_fd: int | None = None) -> int:
    """os.open of a regular file that never follows a link planted at the path's last
    component: O_NOFOLLOW where the system has it (an ELOOP error for a link); elsewhere the
    path is looked at first and again after opening, and what was opened must be the file
    looked at (the same ELOOP error otherwise), so a link swapped in between is caught too.
    It never waits on a FIFO planted there (O_NONBLOCK): anything but a regular file raises
    NotRegularFileError. `dir_fd`: the folder `path` is relative to."""
    flags |= getattr(os, "O_NONBLOCK", 0)
    before = None if platform.NOFOLLOW else _looked_at(path, dir_fd)
    fd = os.open(path, flags | platform.NOFOLLOW, mode, dir_fd=dir_fd)
    try:
        opened = os.fstat(fd)
        if not platform.NOFOLLOW:
            after = _looked_at(path, dir_fd)
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


def _looked_at(path: Path, dir_fd: int | None) -> os.stat_result | None:
    """The path itself, not through a link: a link is refused (ELOOP), as O_NOFOLLOW would."""
    try:
        info = os.stat(path, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    return info
