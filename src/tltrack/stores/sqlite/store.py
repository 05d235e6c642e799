"""Figures in `<year>.records.sqlite` beside the target file, for folders too large for one
TOML file (chosen by `[meta] store = "sqlite"` or TLTRACK_STORE=sqlite).

One table of figures in recorded order, append-only as the TOML file is: a correction is a
new row with its revision. WAL mode; every change is one IMMEDIATE transaction, so no other
writer comes between the read that decides and the write (no lost update), and with
synchronous=FULL a commit is on disk before tltrack exits 0. Each row also keeps the day its
period ends, so a status asks the database for each series' newest figures only. In a
folder this user cannot write, the database is read as a snapshot (stores/sqlite/files.py).
"""

from __future__ import annotations

import os
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from tltrack.domain.figures import Record, check_figures
from tltrack.domain.periods import parse_period
from tltrack.errors import (
    DataError,
    LockBusyError,
    PermissionDeniedError,
    Problem,
    StorageIOError,
    TltrackError,
    ValidationFailed,
    msg,
)
from tltrack.files import cache
from tltrack.files.disk import create_new, real_data_file
from tltrack.files.folder import changeable_by_others
from tltrack.files.locking import lock_timeout
from tltrack.stores.base import RepairOutcome, StoreCheck, year_of
from tltrack.stores.rows import checked_record
from tltrack.stores.sqlite.files import (
    COMPANIONS,
    files_state,
    open_files,
    pending_changes,
    refuse_link,
    regular,
    same_file,
    snapshot_readable,
    stamp_of,
)
from tltrack.stores.sqlite.schema import APPLICATION_ID, SCHEMA_VERSION, check_schema, upgrade

T = TypeVar("T")
_CACHED = 2  # the layout of a kept read: Record's fields as a plain tuple
_COLUMNS = "metric, period, value, at, note, by, correction, revision, region, period_end"
# What schema 4 added; a store of an older one, read as it is, has none of them.
_KEPT_SINCE_4 = ("explanation", "unit", "source")


def _columns(version: int, prefix: str = "") -> str:
    """The columns a figure is read from, in checked_record's order, for a store of
    `version`; `prefix` names the table in a join (f.)."""
    named = [f"{prefix}{column}" for column in _COLUMNS.split(", ")]
    later = [f"{prefix}{c}" if version >= 4 else "''" for c in _KEPT_SINCE_4]
    return ", ".join([*named, *later])


# Each series' figures of the newest day its periods end by a date: one seek in the index
# per listed series (schema 3; CROSS JOIN keeps the series outside; DISTINCT, as a file
# from elsewhere may list a series a thousand times to make each read as many), ...
_NEWEST = (
    "SELECT f.seq, {f_figure} FROM (SELECT DISTINCT metric, region FROM series) s"
    " CROSS JOIN figure f"
    " ON f.metric = s.metric AND f.region IS s.region AND f.period_end = (SELECT MAX(period_end)"
    " FROM figure WHERE metric = s.metric AND region IS s.region AND period_end <= ?)"
    " ORDER BY f.seq"
)
# ... or, in a store without the list, found by scanning every figure's entry in the index.
_NEWEST_BY_SCAN = (
    "SELECT f.seq, {f_figure} FROM figure f JOIN (SELECT metric, region,"
    " MAX(period_end) AS e FROM figure WHERE period_end <= ? GROUP BY metric, region) n"
    " ON f.metric = n.metric AND f.region IS n.region AND f.period_end = n.e ORDER BY f.seq"
)


def sqlite_path(target_file: Path) -> Path:
    return target_file.with_name(f"{target_file.stem}.records.sqlite")


class SqliteChange:
    """One IMMEDIATE transaction on the store, begun by `SqliteStore.change`."""

    def __init__(self, store: SqliteStore, connection: _Connection | None) -> None:
        self.store = store
        self.connection = connection
        self.added: list[Record] = []

    def of(self, metrics: Collection[str], ends: Collection[date] | None = None) -> list[Record]:
        held: list[tuple[int, Record]] = []
        # Only the days asked for, where there are few enough to name: more is allowed.
        days = sorted(d.isoformat() for d in ends) if ends and len(ends) <= 400 else []
        if self.connection is not None:
            within = f" AND period_end IN ({','.join('?' * len(days))})" if days else ""
            wanted = sorted(metrics)
            for start in range(0, len(wanted), 500):  # SQLite's bound on parameters
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT seq, {{figure}} FROM figure WHERE metric IN ({marks}){within}"
                held += self.store.rows(self.connection, query, [*chunk, *days])
            held.sort(key=lambda pair: pair[0])
        return [*(r for _, r in held), *(r for r in self.added if r.metric in metrics)]

    def append(self, new: Sequence[Record]) -> None:
        if self.connection is None:
            raise DataError("dry_run_write")
        # The one rule of a figure, as every reader applies it.
        check_figures(new, self.store.year)
        with sqlite_errors(self.store.name):
            self.connection.executemany(
                "INSERT INTO figure (metric, region, period, period_end, value, note, by, at,"
                " correction, revision, explanation, unit, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_row(r) for r in new],
            )
        self.added += new


def _row(r: Record) -> tuple[Any, ...]:
    end = parse_period(r.period).end.isoformat()
    at = r.at.isoformat()
    # The figure as its shortest exact text: a REAL column would turn -0.0 into 0.
    value = repr(float(r.value))
    return (
        r.metric,
        r.region,
        r.period,
        end,
        value,
        r.note,
        r.by,
        at,
        int(r.correction),
        r.revision,
        r.explanation,
        r.unit,
        r.source,
    )


class _Connection(sqlite3.Connection):
    """A connection that knows whether it reads a snapshot: the file as it was when opened,
    without SQLite's locks (see files.snapshot_readable)."""

    snapshot_of: tuple[Path, tuple[int, ...]] | None = None
    version = SCHEMA_VERSION  # the schema the database has (an older one is read as it is)

    def unchanged(self) -> bool:
        """Whether what was read is what the file held: a snapshot is read again when a
        writer changed the file meanwhile."""
        if self.snapshot_of is None:
            return True
        path, stamp = self.snapshot_of
        return stamp_of(path) == stamp and pending_changes(path) is None


class SqliteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.year = year_of(path)

    @property
    def name(self) -> str:
        return self.path.name

    def role_of(self, record: Record) -> str | None:
        return None  # a file vouches for no one: its figures say only `by`

    def paths(self) -> list[Path]:
        return [self.path, *(self.path.with_name(self.path.name + s) for s in COMPANIONS)]

    def exists(self) -> bool:
        return self.path.exists() or self.path.is_symlink()

    def _connect(self, create: bool, real: Path | None = None) -> _Connection | None:
        """The database, opened for tltrack: never through a planted link, its schema made
        on first write, refused if it is another program's or a later tltrack's. `real`:
        the file the caller found the path leads to (else found now)."""
        real = real_data_file(self.path) if real is None else real
        shared = changeable_by_others(real.parent)
        if shared is not None:
            # A read there opens the database file alone, as a snapshot (SQLite makes no side
            # file for it), when no -wal or -journal holds changes: a root cron's status on a
            # shared `staff` folder still reads.
            if not create and pending_changes(real) is None:
                if not (real.exists() or real.is_symlink()):
                    return None
                return self._open(real, create, snapshot=True)
            reason = msg("shared_sqlite_folder", folder=shared)
            doing = "cannot_write" if create else "cannot_read"
            raise PermissionDeniedError(doing, path=self.name, reason=reason)
        for companion in (real.with_name(real.name + s) for s in COMPANIONS):
            refuse_link(companion)
        if not (real.exists() or real.is_symlink()):
            if not create:
                return None
            try:
                create_new(real, b"")
            except TltrackError:
                if not real.is_file() or real.is_symlink():
                    raise  # not another writer's new database: a real failure

        try:
            return self._open(real, create, snapshot=False)
        except TltrackError as failed:
            if create and not os.access(real.parent, os.W_OK):
                # What is wrong with the store itself (not ours, too new) is said first.
                opened = self._open(real, create=False, snapshot=True)
                if opened is not None:
                    opened.close()
                reason = msg("folder_not_writable", folder=real.parent)
                raise PermissionDeniedError("cannot_write", path=self.name, reason=reason) from None
            # A read on a full disk (SQLite cannot make its -shm file) reads the database as a
            # snapshot too, when no -wal or -journal holds changes.
            full = isinstance(failed, StorageIOError) and pending_changes(real) is None
            if create or not (full or snapshot_readable(real)):
                raise
        return self._open(real, create, snapshot=True)

    def _open(self, real: Path, create: bool, snapshot: bool) -> _Connection | None:
        # No descriptor of our own is held on the file: closing one would drop the locks
        # SQLite holds on it (POSIX locks are the process's), and writers would collide.
        checked = regular(real)
        before = open_files()
        try:
            if snapshot:  # read as a file no one changes; `unchanged` checks it afterwards
                uri = f"file:{urllib.parse.quote(str(real.absolute()))}?mode=ro&immutable=1"
                connection = sqlite3.connect(
                    uri, uri=True, isolation_level=None, factory=_Connection
                )
            else:
                connection = sqlite3.connect(
                    real, timeout=lock_timeout(), isolation_level=None, factory=_Connection
                )
        except sqlite3.Error as exc:
            raise DataError("not_a_store", file=self.name, reason=str(exc)) from None
        if snapshot:  # SQLite reads no page before the first query
            connection.snapshot_of = (real, stamp_of(real))
        try:
            # A database from a folder others can write may carry triggers or views: they
            # are refused below, and nothing in its schema may call a function meanwhile.
            connection.execute("PRAGMA trusted_schema=OFF")
            # One snapshot for the version and the objects it names: a writer upgrading the
            # store between the two reads would make it look like another program's.
            connection.execute("BEGIN")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            same_file(checked, before, real)
            owner = connection.execute("PRAGMA application_id").fetchone()[0]
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if version == 0 and owner == 0 and tables:
                raise DataError("not_a_store", file=self.name, reason=msg("not_tltrack_db"))
            if version == 0 and owner == 0:
                if not create:
                    connection.close()
                    return None
            elif owner != APPLICATION_ID:
                raise DataError("not_a_store", file=self.name, reason=msg("not_tltrack_db"))
            elif version > SCHEMA_VERSION:
                raise DataError("store_too_new", file=self.name, version=version)
            else:
                check_schema(connection, self.name, version)
            connection.execute("COMMIT")
            # A write brings an older schema up to date in its own transaction (change).
            connection.version = SCHEMA_VERSION if create else version
            if create:  # only a write changes the file, and only once it is known for ours
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=FULL")
        except sqlite3.OperationalError as exc:
            connection.close()
            raise _busy_or(exc, self.name) from None
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise DataError("not_a_store", file=self.name, reason=str(exc)) from None
        except TltrackError:
            connection.close()
            raise
        return connection

    def rows(
        self, connection: _Connection, query: str, params: Sequence[Any]
    ) -> list[tuple[int, Record]]:
        """The rows a query selects as records, each checked as a records file's line is: a
        database anyone may have edited with sqlite3 is read, not trusted. The query names
        a figure's columns {figure} (or {f_figure} in a join): those of the store's schema."""
        version = connection.version
        asked = query.format(figure=_columns(version), f_figure=_columns(version, "f."))
        try:
            rows = connection.execute(asked, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "decode" in str(exc):  # text that is not UTF-8: no figure tltrack wrote
                raise DataError("store_not_utf8", file=self.name) from None
            raise _busy_or(exc, self.name) from None
        except sqlite3.DatabaseError as exc:
            raise DataError("not_a_store", file=self.name, reason=str(exc)) from None
        out = [(row[0], checked_record(row[1:], self.year)) for row in rows]
        problems = [Problem(self.name, msg("bad_store_row"), seq) for seq, r in out if r is None]
        if problems:
            raise ValidationFailed(problems)
        return out  # type: ignore[return-value]  # no None is left

    def _select(
        self, query: str, params: Sequence[Any] = (), real: Path | None = None
    ) -> list[Record]:
        return self._read_whole(
            lambda connection: [r for _, r in self.rows(connection, query, params)], real
        )

    def _read_whole(
        self, read: Callable[[_Connection], list[T]], real: Path | None = None
    ) -> list[T]:
        """What `read` finds in the database. A snapshot a writer changed meanwhile may have
        read a torn page (an error) or a mix (no error): either way it is read again."""
        for attempt in range(3):
            connection = self._connect(create=False, real=real)
            if connection is None:
                return []
            with closing(connection):
                try:
                    found = read(connection)
                except TltrackError:
                    if connection.unchanged():
                        raise
                else:
                    if connection.unchanged():
                        return found
            time.sleep(0.1 * (attempt + 1))
        raise LockBusyError("store_kept_changing", file=self.name)

    def read(self) -> list[Record]:
        return self._select("SELECT seq, {figure} FROM figure ORDER BY seq")

    def read_of(self, metrics: Collection[str]) -> list[Record]:
        if len(metrics) > 500:  # SQLite's bound on parameters
            return [r for r in self.read() if r.metric in metrics]
        marks = ",".join("?" * len(metrics))
        query = f"SELECT seq, {{figure}} FROM figure WHERE metric IN ({marks}) ORDER BY seq"
        return self._select(query, sorted(metrics))

    def latest(self, as_of: date) -> list[Record]:
        """Each series' figures of the newest day a period ends by `as_of`, in recorded
        order: all that judging a target at `as_of` reads (see assess.latest_actual).

        Kept in the parse cache under the database's state (files.files_state),
        from the second read of one state on: a status run a third time before the next
        write loads the figures, checked, instead of asking the database and checking every
        row again. Keeping them costs the read a tenth of its time, and many a state is read
        once only (a cron job's check after an import)."""
        real = real_data_file(self.path)
        state = files_state(real)
        # This tltrack's reading of this file's state at this date (a build that reads a
        # store otherwise, or refuses it, has another schema or layout: another key).
        mine = f"{_CACHED}|{SCHEMA_VERSION}|{real}|{state}|{as_of}"
        key = None if state is None else cache.digest(mine.encode())
        if key is not None:
            hit = cache.load("sqlite-latest", key)
            if isinstance(hit, list):
                return [tuple.__new__(Record, row) for row in hit]

        def newest(connection: _Connection) -> list[Record]:
            query = _NEWEST if connection.version >= 3 else _NEWEST_BY_SCAN
            return [r for _, r in self.rows(connection, query, (as_of.isoformat(),))]

        found = self._read_whole(newest, real)
        if key is not None and files_state(real) == state:  # no writer came between
            if cache.load("sqlite-read", key) is None:
                cache.store("sqlite-read", key, True)
            else:
                cache.store("sqlite-latest", key, [tuple(r) for r in found], keep=4)
        return found

    def check(self) -> StoreCheck:
        try:
            records = self.read()
        except ValidationFailed as exc:
            return StoreCheck(
                None, [p for p in exc.problems if isinstance(p, Problem)], exists=True
            )
        except TltrackError as exc:
            return StoreCheck(None, [Problem(self.name, exc.msg)], exists=self.exists())
        damage = self._damage()
        if damage:
            problem = msg("store_damaged", count=len(damage), first=damage[0])
            return StoreCheck(None, [Problem(self.name, problem)], exists=True)
        unlisted = self._read_whole(self._unlisted)
        if unlisted:
            problems = [Problem(self.name, msg("series_unlisted"), seq) for seq in unlisted]
            return StoreCheck(None, problems, exists=True)
        return StoreCheck(records, exists=self.exists(), line_of=lambda index: index + 1)

    def _damage(self) -> list[str]:
        """What SQLite's integrity check finds: a damaged page, or an index that lacks rows
        (a status, which reads by the index, would not see them). Every row reads alike
        from the table, so only this check finds the second."""

        def check(connection: _Connection) -> list[str]:
            try:
                found = [str(row[0]) for row in connection.execute("PRAGMA integrity_check(100)")]
            except sqlite3.OperationalError as exc:
                raise _busy_or(exc, self.name) from None
            except sqlite3.DatabaseError as exc:
                found = [str(exc)]
            if found != ["ok"] and not connection.unchanged():
                raise DataError("not_a_store", file=self.name, reason=found[0])  # read again
            return [] if found == ["ok"] else found

        return self._read_whole(check)

    def _unlisted(self, connection: _Connection) -> list[int]:
        """The figures whose series is not listed (schema 3): a status, which reads the
        listed series only, would not see them. Only a hand edit past the triggers does it."""
        if connection.version < 3:
            return []
        query = (
            "SELECT seq FROM figure f WHERE NOT EXISTS (SELECT 1 FROM series s"
            " WHERE s.metric = f.metric AND s.region IS f.region) ORDER BY seq LIMIT 100"
        )
        with sqlite_errors(self.name):
            return [row[0] for row in connection.execute(query)]

    @contextmanager
    def change(
        self, metrics: Collection[str] | None = None, dry_run: bool = False
    ) -> Iterator[SqliteChange]:
        connection = self._connect(create=not dry_run)
        if connection is None:
            yield SqliteChange(self, None)
            return
        with closing(connection):
            try:
                connection.execute("BEGIN" if dry_run else "BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise _busy_or(exc, self.name) from None
            change = SqliteChange(self, connection)
            try:
                if not dry_run:
                    with sqlite_errors(self.name):
                        upgrade(connection, self.name)
                yield change
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            try:
                connection.execute("ROLLBACK" if dry_run else "COMMIT")
            except sqlite3.OperationalError as exc:
                raise _busy_or(exc, self.name) from None

    def repair(self, now: datetime) -> RepairOutcome:
        return RepairOutcome(None, len(self.read()))  # nothing is written by hand here


@contextmanager
def sqlite_errors(name: str) -> Iterator[None]:
    """SQLite's errors as tltrack's: a busy, read-only or full database as such, anything
    else a file that is not a store tltrack can read."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise _busy_or(exc, name) from None
    except sqlite3.DatabaseError as exc:
        raise DataError("not_a_store", file=name, reason=str(exc)) from None


def _busy_or(exc: sqlite3.OperationalError, name: str) -> TltrackError:
    if "locked" in str(exc) or "busy" in str(exc):
        return LockBusyError("lock_busy", file=name, seconds=lock_timeout())
    if "readonly" in str(exc) or "read-only" in str(exc):
        return PermissionDeniedError("cannot_write", path=name, reason=msg("read_only"))
    if "disk is full" in str(exc):  # SQLITE_FULL: the disk, not the store, is at fault
        return StorageIOError("cannot_write", path=name, reason=msg("os_ENOSPC"))
    if "disk I/O error" in str(exc):
        return StorageIOError("cannot_write", path=name, reason=msg("os_EIO"))
    return DataError("not_a_store", file=name, reason=str(exc))
