"""The one place that decides where a year's figures are kept, and opens that store."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tltrack.errors import (
    UsageError,
)
from tltrack.stores.base import RecordStore
from tltrack.stores.toml.store import TomlStore, records_path

STORE_ENV = "TLTRACK_STORE"


STORES = ("toml", "sqlite")  # the stores in a folder; PostgreSQL is a server's


def open_store(target_file: Path, configured: str = "toml") -> RecordStore:
    """The store of a target file's figures: $TLTRACK_STORE, else the file's `[meta] store`:
    the TOML records file beside it, or an SQLite database beside it."""
    return store_of_kind(target_file, os.environ.get(STORE_ENV, "").strip() or configured)


def store_of_kind(target_file: Path, kind: str) -> RecordStore:
    if kind.lower() == "postgresql" or kind.startswith(("postgresql://", "postgres://")):
        from tltrack.stores.postgresql.store import PgStore  # psycopg only where it is used

        return PgStore("" if kind.lower() == "postgresql" else kind, int(target_file.stem))
    if kind.lower() == "sqlite":
        from tltrack.stores.sqlite.store import SqliteStore, sqlite_path  # sqlite3 likewise

        return SqliteStore(sqlite_path(target_file))
    if kind.lower() != "toml":
        known = "toml, sqlite, postgresql://…"
        said = re.sub(r"//[^@/]*@", "//…@", kind)  # a password never reaches cron's mail
        raise UsageError("unknown_store", store=said, env=STORE_ENV, known=known)
    return TomlStore(records_path(target_file))


def every_store(target_file: Path) -> list[RecordStore]:
    """Each kind of store a target file may have: none of their files is a document."""
    return [store_of_kind(target_file, kind) for kind in STORES]
