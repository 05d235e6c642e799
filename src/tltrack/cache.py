"""A cache of parsed data files, keyed by the SHA-256 of their bytes.

Reading a big records file with tomllib and checking it with Pydantic takes seconds; loading
the result of a previous read takes a fraction of that. The key is the file's content, never
its size or time, so an edit is always seen, even one that keeps both. Entries live in the
user's cache folder ($TLTRACK_CACHE_DIR, else $XDG_CACHE_HOME/tltrack, else ~/.cache/tltrack),
not in the shared data folder; TLTRACK_CACHE_DIR=off turns the cache off. A cache that cannot
be read or written is ignored: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from tltrack import __version__

# Part of every key: a new version of tltrack never reads an older one's entries.
FORMAT = f"{__version__}-1"
KEEP = 24  # entries kept per kind; older ones are removed


def cache_dir() -> Path | None:
    chosen = os.environ.get("TLTRACK_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tltrack"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entry(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{kind}-{FORMAT}-{key}.pickle"


def load(kind: str, key: str) -> Any | None:
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # missing, unreadable or from another Python: read the file instead
        return None


def store(kind: str, key: str, value: Any) -> None:
    path = _entry(kind, key)
    if path is None:
        return
    with contextlib.suppress(OSError, pickle.PicklingError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
        temp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        temp.replace(path)
        _prune(path.parent, kind)


def _prune(folder: Path, kind: str) -> None:
    entries = sorted(folder.glob(f"{kind}-{FORMAT}-*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
