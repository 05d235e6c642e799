"""The SQLite store's schema: each version's objects, the check that a database holds
exactly them, and the upgrade of an older store by the first write of a newer tltrack."""

from __future__ import annotations

import re
import sqlite3

from tltrack.errors import DataError, msg

SCHEMA_VERSION = 4
APPLICATION_ID = 0x746C7472  # "tltr": a database tltrack made
# A figure's series, listed unless it is (`IS`: the city's region is NULL).
_LIST_SERIES = """INSERT INTO series SELECT NEW.metric, NEW.region WHERE NOT EXISTS
    (SELECT 1 FROM series WHERE metric = NEW.metric AND region IS NEW.region);"""
# Each version's statements, applied in turn: a store of an older version is brought up to
# date by the first write of a newer tltrack (reading changes nothing).
_VERSIONS = (
    (
        """CREATE TABLE figure (
            seq INTEGER PRIMARY KEY,
            metric TEXT NOT NULL,
            region TEXT,
            period TEXT NOT NULL,
            period_end TEXT NOT NULL,
            value TEXT NOT NULL,
            note TEXT NOT NULL,
            by TEXT NOT NULL,
            at TEXT NOT NULL,
            correction INTEGER NOT NULL,
            revision INTEGER NOT NULL
        )""",
        "CREATE INDEX figure_series ON figure (metric, region, period_end)",
    ),
    # 2: a figure's period and the day it ends are kept as recorded. A status reads each
    # series by that day: a row edited with sqlite3 to end later would drop out of every
    # status unseen (validate finds it; status never reads it). tltrack never updates.
    (
        """CREATE TRIGGER figure_period_kept BEFORE UPDATE OF period, period_end ON figure
        BEGIN
            SELECT RAISE(ABORT, 'tltrack keeps the period a figure was recorded for');
        END""",
    ),
    # 3: every series (a metric, and a region or the city) is listed once, so a status
    # seeks each series' newest figures through the index instead of scanning every
    # figure's entry: its time follows the series, not the figures. The triggers list a
    # series whatever writes its figure, sqlite3 included; no series is taken off the list.
    (
        "CREATE TABLE series (metric TEXT NOT NULL, region TEXT)",
        "CREATE INDEX series_key ON series (metric, region)",
        f"""CREATE TRIGGER figure_series_listed AFTER INSERT ON figure
        BEGIN {_LIST_SERIES} END""",
        f"""CREATE TRIGGER figure_series_moved AFTER UPDATE OF metric, region ON figure
        BEGIN {_LIST_SERIES} END""",
        """CREATE TRIGGER series_kept BEFORE DELETE ON series
        BEGIN
            SELECT RAISE(ABORT, 'tltrack keeps every series a figure was recorded for');
        END""",
        """CREATE TRIGGER series_kept_as_listed BEFORE UPDATE ON series
        BEGIN
            SELECT RAISE(ABORT, 'tltrack keeps every series a figure was recorded for');
        END""",
    ),
    # 4: who sent a figure and from where, and the explanation of an unusual one (DESIGN
    # §9-§10). A figure recorded before is kept as it was, with none.
    tuple(
        f"ALTER TABLE figure ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
        for column in ("explanation", "unit", "source")
    ),
)
# What an upgrade does besides making objects: the series of the figures already there.
_FILLS = {3: "INSERT INTO series SELECT DISTINCT metric, region FROM figure ORDER BY 1, 2"}


# What SQLite's parser takes for space between words, and no other character: Python's
# split() also splits at a no-break space, which SQLite reads as part of a name (`INTEGER
# PRIMARY KEY` with one is a plain column's type, and its seq may be NULL).
_SQL_SPACE = re.compile("[ \t\n\f\r]+")


def _spaced(definition: str) -> str:
    return _SQL_SPACE.sub(" ", definition).strip(" ")


def _objects(version: int) -> tuple[set[tuple[str, str]], list[str]]:
    """The objects of a store of `version` and their definitions, as sqlite_master has them
    (whitespace aside)."""
    made: dict[tuple[str, str], str] = {}  # each object's definition, as SQLite keeps it
    for text in (text for statements in _VERSIONS[:version] for text in statements):
        verb, kind, name = text.split()[:3]
        if verb == "ALTER":  # SQLite writes the column into the table's definition
            column = _spaced(text).split(" ADD COLUMN ", 1)[1]
            table = made[("table", name)]
            made[("table", name)] = f"{table[: table.rindex(')')]}, {column})"
        else:
            made[(kind.lower(), name)] = text
    return set(made), sorted(_spaced(text) for text in made.values())


def check_schema(connection: sqlite3.Connection, name: str, version: int) -> None:
    """Exactly the objects tltrack makes: a trigger planted in a database someone swapped in
    would run on tltrack's insert, a view could show other figures."""
    rows = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    found = {(kind, what) for kind, what, _ in rows}
    objects, definitions = _objects(version)
    extra = ", ".join(sorted(f"{kind} {what}" for kind, what in found - objects))
    if extra:
        raise DataError("not_a_store", file=name, reason=msg("foreign_objects", found=extra))
    # The objects' own definitions too: a `figure` whose key replaces rows on conflict
    # would drop figures at every insert.
    made = sorted(_spaced(str(text)) for _, _, text in rows)
    if found != objects or made != definitions:
        raise DataError("not_a_store", file=name, reason=msg("not_tltrack_db"))


def upgrade(connection: sqlite3.Connection, name: str) -> None:
    """The objects of a new database, or those an older version lacks, made inside the
    write's own transaction (BEGIN IMMEDIATE): a write then refused leaves the store as it
    was, its schema too. Writers that found it empty or old together wait for the first,
    then find it made; what another writer made meanwhile (a later tltrack's upgrade) is
    checked again, never overwritten."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise DataError("store_too_new", file=name, version=version)
    if version == SCHEMA_VERSION:
        return
    # Still empty, or still the version the reader checked: a program that filled the file
    # meanwhile is refused here, not stamped as tltrack's.
    check_schema(connection, name, version)
    if version == 0:
        if connection.execute("PRAGMA application_id").fetchone()[0] != 0:
            raise DataError("not_a_store", file=name, reason=msg("not_tltrack_db"))
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for number, made in enumerate(_VERSIONS[version:], start=version + 1):
        for statement in made:
            connection.execute(statement)
        if version and number in _FILLS:  # a new store has nothing to fill in
            connection.execute(_FILLS[number])
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
