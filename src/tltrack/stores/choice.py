"""The one place that decides where a year's figures are kept, and opens that store.

$TLTRACK_STORE wins over the target file's `[meta] store`. Either names `toml` (the records
file beside the target file), `sqlite` (a database beside it) or PostgreSQL: `postgresql`,
whose connection is $TLTRACK_DATABASE_URL or libpq's PG* variables, or a
`postgresql://…` address. Words are read without regard to case or surrounding spaces.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, NamedTuple

from tltrack.domain.targets import Target
from tltrack.errors import UsageError
from tltrack.stores.base import RecordStore
from tltrack.stores.toml.read_ahead import reading_ahead as toml_reading_ahead
from tltrack.stores.toml.store import TomlStore, records_path
from tltrack.text.safe import without_password

STORE_ENV = "TLTRACK_STORE"
URL_ENV = "TLTRACK_DATABASE_URL"
STORES = ("toml", "sqlite")  # the stores in a folder; PostgreSQL is a server's
_ADDRESS = ("postgresql://", "postgres://")

Kind = Literal["toml", "sqlite", "postgresql"]


class Choice(NamedTuple):
    kind: Kind
    url: str = ""  # PostgreSQL's connection; "": libpq's PG* variables


def chosen(configured: str = "toml", environ: Mapping[str, str] | None = None) -> Choice:
    """The store a year's figures are kept in: $TLTRACK_STORE, else `configured` (the target
    file's `[meta] store`). An unknown word is a usage error (exit 2) that never prints the
    password of an address."""
    env = os.environ if environ is None else environ
    given = env.get(STORE_ENV, "").strip() or configured.strip()
    word = given.lower()
    if word in ("toml", "sqlite"):
        return Choice(word)  # type: ignore[arg-type]  # one of the two, as checked
    if word == "postgresql":
        return Choice("postgresql", env.get(URL_ENV, "").strip())
    if word.startswith(_ADDRESS):
        scheme, rest = given.split("://", 1)
        return Choice("postgresql", f"{scheme.lower()}://{rest}")  # libpq knows it in lower case
    known = "toml, sqlite, postgresql, postgresql://…"
    # A password never reaches cron's mail.
    raise UsageError(
        "unknown_store", store=without_password(given, given), env=STORE_ENV, known=known
    )


def open_store(target_file: Path, configured: str = "toml") -> RecordStore:
    """The store of a target file's figures (see `chosen`)."""
    return store_of(target_file, chosen(configured))


def store_of(target_file: Path, choice: Choice) -> RecordStore:
    if choice.kind == "postgresql":
        from tltrack.stores.postgresql.store import PgStore  # psycopg only where it is used

        return PgStore(choice.url, int(target_file.stem))
    if choice.kind == "sqlite":
        from tltrack.stores.sqlite.store import SqliteStore, sqlite_path  # sqlite3 likewise

        return SqliteStore(sqlite_path(target_file))
    return TomlStore(records_path(target_file))


def folder_store(target_file: Path, kind: str) -> RecordStore:
    """One of the stores kept in the data folder (STORES), whatever the folder chooses: what
    `migrate` copies from and to."""
    if kind not in STORES:
        raise UsageError("unknown_store", store=kind, env=STORE_ENV, known=", ".join(STORES))
    return store_of(target_file, Choice(kind))  # type: ignore[arg-type]  # one of STORES


def every_store(target_file: Path) -> list[RecordStore]:
    """Each store a target file may have in its folder: none of their files is a document."""
    return [folder_store(target_file, kind) for kind in STORES]


@contextmanager
def reading_ahead(target_file: Path) -> Iterator[Callable[[str], None]]:
    """While the caller reads the target file, the TOML store's figures are read ahead into
    the cache, unless the environment chooses another store. The caller is handed a function
    to call with the file's `[meta] store` once it knows it: another store stops the
    reading."""
    try:
        by_environment = chosen().kind
    except UsageError:
        by_environment = None  # said by open_store, after the target file's own problems
    if by_environment != "toml":
        yield lambda configured: None
        return
    with toml_reading_ahead(records_path(target_file)) as ahead:

        def keep_if(configured: str) -> None:
            if chosen(configured).kind != "toml":
                ahead.cancel()  # a file left beside another store: not the figures

        yield keep_if


def database_url(configured: str) -> str:
    """The PostgreSQL database a folder's figures are kept in, for `tltrack db`; refused when
    they are kept elsewhere."""
    choice = chosen(configured)
    if choice.kind != "postgresql":
        raise UsageError("db_not_postgresql", env=STORE_ENV)
    return choice.url


def init_database(url: str, owners: Sequence[tuple[int, Sequence[Target]]]) -> tuple[int, int]:
    """Create or migrate the PostgreSQL schema (see stores.postgresql.store.init_schema)."""
    from tltrack.stores.postgresql.store import init_schema  # psycopg only where it is used

    return init_schema(url, owners)


def grant_role(url: str, role: str, region: str | None, owner: str | None) -> None:
    """Let a database role record the figures of a region, a lead office or the whole office
    (see stores.postgresql.store.grant)."""
    from tltrack.stores.postgresql.store import grant  # psycopg only where it is used

    grant(url, role, region, owner)


def revoke_role(url: str, role: str) -> None:
    """Take back what grant_role gave (see stores.postgresql.store.revoke)."""
    from tltrack.stores.postgresql.store import revoke  # psycopg only where it is used

    revoke(url, role)
