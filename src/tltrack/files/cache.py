"""A cache of parsed data files, keyed by the SHA-256 of their bytes.

Reading a big records file with tomllib and checking it with Pydantic takes seconds; loading
the result of a previous read takes a fraction of that. The key is the file's content, never
its size or time, so an edit is always seen, even one that keeps both. (A SQLite store's
database is too large to hash at every run: a read of it is kept under the file's identity,
size and times instead, where those tell every change; see stores.sqlite.files.files_state.)
Entries live in the user's cache folder ($TLTRACK_CACHE_DIR, else $XDG_CACHE_HOME/tltrack,
else ~/.cache/tltrack), not in the shared data folder; TLTRACK_CACHE_DIR=off turns the cache
off. A cache that cannot be read or written is ignored: it only ever saves time.

An entry is a pickle, and unpickling what another user wrote could run their code as the user
running tltrack (root, from cron). So an entry is read only from a folder that belongs to this
user and that nobody else may write, only from a regular file this user owns, and then only
with an unpickler that knows the few classes an entry holds and nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
from pathlib import Path
from typing import Any

from tltrack import __version__
from tltrack.domain.figures import RULE, Record
from tltrack.domain.targets import Meta, ReviewLimits, Target, Thresholds
from tltrack.files import platform

# Part of every key: a new version of tltrack, or a new field of a cached tuple, never reads
# an older entry.
_SCHEMA = ";".join(
    f"{cls.__name__}:{','.join(cls._fields)}"
    for cls in (Record, Target, Meta, Thresholds, ReviewLimits)
)
# The layout of the entries themselves: 2, target files' targets kept as plain tuples.
_LAYOUT = 2
# The rule a figure was checked by when its file was read: a reading under another rule (an
# older tltrack's) is read again, never taken for one under this.
_KEY = f"{_SCHEMA};{_LAYOUT};{RULE}"
FORMAT = f"{__version__}-{hashlib.sha256(_KEY.encode()).hexdigest()[:8]}"
# The only classes an entry may name; anything else in a pickle is refused.
_ALLOWED = {
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "timezone"),
    ("datetime", "timedelta"),
    *((cls.__module__, cls.__name__) for cls in (Record, Target, Meta, Thresholds, ReviewLimits)),
}


class _KnownClasses(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cache entry's class")
        return super().find_class(module, name)


KEEP = 24  # entries kept per kind; older ones are removed


def cache_dir() -> Path | None:
    chosen = os.environ.get("TLTRACK_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tltrack"


def usable() -> bool:
    """Whether entries can be kept: the folder exists (made now if need be), is this user's
    and only writable by them, and takes a file."""
    folder = cache_dir()
    if folder is None:
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return _private(folder.stat()) and os.access(folder, os.W_OK | os.X_OK)
    except OSError:
        return False


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entry(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{kind}-{FORMAT}-{key}.pickle"


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
    return mine and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(kind: str, key: str) -> Any | None:
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        if not _private(path.parent.stat()):
            return None
        fd = os.open(path, os.O_RDONLY | platform.NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or not _private(info):
                return None
            return _KnownClasses(handle).load()
    except Exception:  # missing, unreadable or from another Python: read the file instead
        return None


def store(kind: str, key: str, value: Any, keep: int = KEEP) -> None:
    path = _entry(kind, key)
    if path is None:
        return
    with contextlib.suppress(OSError, pickle.PicklingError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(path.parent.stat()):
            return  # another user could swap the entries: keep no cache there
        temp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL  # never an existing file or a link
        with os.fdopen(os.open(temp, flags, 0o600), "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)  # in frames, not whole
        temp.replace(path)
        _prune(path.parent, kind, keep)


def _prune(folder: Path, kind: str, keep: int) -> None:
    entries = sorted(folder.glob(f"{kind}-{FORMAT}-*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
