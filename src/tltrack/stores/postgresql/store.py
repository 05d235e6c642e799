"""Figures in a PostgreSQL database, for many offices writing to one place
(TLTRACK_STORE=postgresql://…, or `[meta] store = "postgresql"` with the connection in
TLTRACK_DATABASE_URL or libpq's PG* variables).

Every office logs in as its own role. `tltrack db grant` maps a role to a region, a lead office
or the whole office, and row-level security lets a role insert only the figures of its region
or of the targets its office leads: the database refuses the rest, from tltrack or from psql.
No role may update or delete a figure: corrections are new rows, as in the TOML file. Every
change is one transaction holding the lock of its year's row in tltrack.year_lock, so writers
on many machines take turns between the read that decides and the write, and lose nothing.
Only a role granted by `db grant` may take that lock (an advisory lock any role could hold).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from tltrack.domain.figures import Record, check_figures
from tltrack.domain.periods import parse_period
from tltrack.domain.targets import Target
from tltrack.errors import (
    DataError,
    LockBusyError,
    NoInputError,
    PermissionDeniedError,
    Problem,
    TltrackError,
    UnavailableError,
    ValidationFailed,
    msg,
)
from tltrack.files.locking import lock_timeout
from tltrack.stores.base import RepairOutcome, StoreCheck, skip
from tltrack.stores.postgresql.schema import MIGRATIONS, SCHEMA_VERSION
from tltrack.stores.rows import checked_record
from tltrack.text.safe import without_password

_COLUMNS = (
    "seq, metric, period, value, at, note, recorded_by, correction::int, revision, region,"
    " period_end::text, explanation, unit, source"
)


def _psycopg() -> Any:
    try:
        import psycopg  # an optional dependency: tltrack[postgresql]
    except ImportError:
        raise UnavailableError("needs_psycopg") from None
    # psycopg logs what it ignores while ending a pipeline or a transaction that already
    # failed ("error ignored terminating <psycopg.Pipeline [BAD]>"); with no handler of its
    # own, Python's last resort printed that on stderr before tltrack's one line.
    logger = logging.getLogger("psycopg")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    return psycopg


def connect(url: str) -> Any:
    psycopg = _psycopg()
    try:
        connection = psycopg.connect(url, connect_timeout=10)
    except psycopg.Error as exc:
        raise UnavailableError("db_unreachable", reason=_first_line(exc, url)) from None
    return connection


def _schema_checked(connection: Any, name: str) -> Any:
    """The connection, once its schema is the one this tltrack writes: a later one is
    refused (as SQLite's is), an earlier one needs `db init`."""
    version = connection.execute("SELECT version FROM tltrack.schema_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise DataError("store_too_new", file=name, version=version)
    if version < SCHEMA_VERSION:
        raise NoInputError("db_no_schema", store=name)
    return connection


def _first_line(exc: BaseException, url: str = "") -> str:
    """The server's or libpq's first line, without a password it may quote (of `url`, the
    address it was given, too)."""
    return without_password((str(exc).strip().splitlines() or [type(exc).__name__])[0], url)


def _refused(exc: Exception, name: str) -> TltrackError:
    """A database error as the one line tltrack says, with its exit code."""
    psycopg = _psycopg()
    errors = psycopg.errors
    reason = _first_line(exc)
    if isinstance(exc, errors.InsufficientPrivilege):
        return PermissionDeniedError("db_refused", store=name, reason=reason)
    if isinstance(exc, errors.LockNotAvailable | errors.QueryCanceled):
        return LockBusyError("lock_busy", file=name, seconds=lock_timeout())
    if isinstance(exc, errors.UndefinedTable | errors.InvalidSchemaName):
        return NoInputError("db_no_schema", store=name)
    if isinstance(exc, psycopg.OperationalError):
        return UnavailableError("db_unreachable", reason=reason)
    return DataError("not_a_store", file=name, reason=reason)


class PgChange:
    def __init__(self, store: PgStore, connection: Any, dry_run: bool) -> None:
        self.store = store
        self.connection = connection
        self.dry_run = dry_run
        self.added: list[Record] = []

    def of(self, metrics: Collection[str], ends: Collection[date] | None = None) -> list[Record]:
        query = f"SELECT {_COLUMNS} FROM tltrack.figure WHERE year = %s AND metric = ANY(%s)"
        params: list[Any] = [self.store.year, list(metrics)]
        if ends is not None:
            query += " AND period_end = ANY(%s)"
            params.append(list(ends))
        cursor = self.connection.execute(query + " ORDER BY seq", params)
        held = self.store.rows(cursor)
        return [*held, *(r for r in self.added if r.metric in metrics)]

    def append(self, new: Sequence[Record]) -> None:
        if self.dry_run:
            raise DataError("dry_run_write")
        # The one rule of a figure, as every reader and the database apply it.
        check_figures(new, self.store.year)
        numbered = []
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO tltrack.figure (year, metric, region, period, period_end, value,"
                " note, recorded_by, at, correction, revision, explanation, unit, source)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " RETURNING revision, correction",
                [self.store.row(r) for r in new],
                returning=True,
            )
            # The database numbers each figure's revision (schema 5): keep what it stored.
            for record in new:
                revision, correction = cursor.fetchone()
                numbered.append(record._replace(revision=revision, correction=correction))
                cursor.nextset()
        self.added += numbered


class PgStore:
    """One year's figures in the database."""

    def __init__(self, url: str, year: int) -> None:
        self.url = url
        self.year = year
        self.roles: dict[Record, str] = {}  # who wrote each figure read_of read

    @property
    def name(self) -> str:
        return f"PostgreSQL ({self.year})"

    def paths(self) -> list[Any]:
        return []

    def row(self, r: Record) -> tuple[Any, ...]:
        end = parse_period(r.period).end
        value = repr(float(r.value))  # the exact text: -0.0 stays -0.0
        at = r.at.isoformat()  # with the offset it was recorded in
        note, by, correction, revision = r.note, r.by, r.correction, r.revision
        return (
            self.year,
            r.metric,
            r.region,
            r.period,
            end,
            value,
            note,
            by,
            at,
            correction,
            revision,
            r.explanation,
            r.unit,
            r.source,
        )

    def rows(self, cursor: Any, strict: bool = False, roles: bool = False) -> list[Record]:
        """The rows as figures. A row that is no figure (stored before the database checked
        them, or by its owner by hand) is skipped and named once in the run (rows.skip):
        one county's row must not make the year unreadable for every office. `strict`
        (validate): such rows are the problems raised. `roles`: each row ends with the
        database role that wrote it, kept for `role_of`."""
        out = []
        problems = []
        for seq, *fields in cursor:
            role = fields.pop() if roles else None
            record = checked_record(fields, self.year)
            if record is None:
                if strict:
                    problems.append(Problem(self.name, msg("bad_store_row"), seq))
                else:
                    skip(self.name, seq)
                continue
            out.append(record)
            if role is not None:
                self.roles[record] = role
        if problems:
            raise ValidationFailed(problems)
        return out

    def role_of(self, record: Record) -> str | None:
        """The database role that wrote a figure read by `read_of`: the one name the
        database vouches for (a figure's `by` is what the writer typed)."""
        return self.roles.get(record)

    def _select(
        self,
        query: str,
        params: Sequence[Any],
        big: bool = False,
        strict: bool = False,
        roles: bool = False,
    ) -> list[Record]:
        """Rows as records (see `rows`); `big`: a query over every figure of the year, for
        which the server's defaults cost seconds (its JIT compiles the query for longer than
        the query runs, and 4 MB of sort memory spills a province's figures to disk)."""
        psycopg = _psycopg()
        connection = connect(self.url)
        try:
            with connection:
                checked = _schema_checked(connection, self.name)
                if big:
                    checked.execute("SET LOCAL jit = off")
                    checked.execute("SET LOCAL work_mem = '64MB'")
                return self.rows(checked.execute(query, params), strict, roles)
        except psycopg.Error as exc:
            raise _refused(exc, self.name) from None

    def read(self, strict: bool = False) -> list[Record]:
        return self._select(
            f"SELECT {_COLUMNS} FROM tltrack.figure WHERE year = %s ORDER BY seq",
            (self.year,),
            strict=strict,
        )

    def read_of(self, metrics: Collection[str]) -> list[Record]:
        return self._select(
            f"SELECT {_COLUMNS}, db_role FROM tltrack.figure WHERE year = %s"
            " AND metric = ANY(%s) ORDER BY seq",
            (self.year, sorted(metrics)),
            roles=True,
        )

    def latest(self, as_of: date) -> list[Record]:
        """Each series' figures of the newest day a period ends by `as_of`, in recorded
        order (see SqliteStore.latest). One pass ranking each series' rows by day: a join
        back to a grouped query had to match the city's series on NULL regions, which no
        index or hash serves (2.5 M figures: about 3 s instead of 6)."""
        return self._select(
            f"SELECT {_COLUMNS} FROM (SELECT {_COLUMNS}, rank() OVER"
            " (PARTITION BY metric, region ORDER BY period_end DESC) AS newest"
            " FROM tltrack.figure WHERE year = %s AND period_end <= %s) f"
            " WHERE newest = 1 ORDER BY seq",
            (self.year, as_of),
            big=True,
        )

    def check(self) -> StoreCheck:
        try:
            records = self.read(strict=True)
        except ValidationFailed as exc:
            found = [p for p in exc.problems if isinstance(p, Problem)]
            return StoreCheck(None, found, exists=True)
        except TltrackError as exc:
            return StoreCheck(None, [Problem(self.name, exc.msg)], exists=True)
        return StoreCheck(records, exists=True, line_of=lambda index: None)

    @contextmanager
    def change(
        self, metrics: Collection[str] | None = None, dry_run: bool = False
    ) -> Iterator[PgChange]:
        psycopg = _psycopg()
        connection = connect(self.url)
        try:
            with connection:
                _schema_checked(connection, self.name)
                # 0 would be to wait for ever here: not to wait is the least it takes.
                milliseconds = max(1, int(lock_timeout() * 1000))
                connection.execute(f"SET LOCAL lock_timeout = {milliseconds}")
                if not dry_run:
                    locked = connection.execute(
                        "SELECT tltrack.lock_year(%s)", (self.year,)
                    ).fetchone()[0]
                    if not locked:
                        raise NoInputError("db_no_year", store=self.name, year=self.year)
                change = PgChange(self, connection, dry_run)
                yield change
                if dry_run:
                    connection.rollback()
        except psycopg.Error as exc:
            raise _refused(exc, self.name) from None

    def repair(self, now: datetime) -> RepairOutcome:
        return RepairOutcome(None, len(self.read()))  # nothing is written by hand here


def init_schema(url: str, owners: Sequence[tuple[int, Sequence[Target]]]) -> tuple[int, int]:
    """Create or migrate the schema, and load which office leads each target of each year (the
    database checks an owner's writes against it). Returns (version before, version now)."""
    psycopg = _psycopg()
    connection = connect(url)
    try:
        with connection:
            connection.execute("CREATE SCHEMA IF NOT EXISTS tltrack")
            exists = connection.execute(
                "SELECT to_regclass('tltrack.schema_version') IS NOT NULL"
            ).fetchone()[0]
            before = 0
            if exists:
                before = connection.execute(
                    "SELECT version FROM tltrack.schema_version"
                ).fetchone()[0]
            if before > SCHEMA_VERSION:
                raise DataError("store_too_new", file="PostgreSQL", version=before)
            for step in MIGRATIONS[before:]:
                connection.execute(step)
            connection.execute("UPDATE tltrack.schema_version SET version = %s", (SCHEMA_VERSION,))
            for year, targets in owners:
                connection.execute(
                    "INSERT INTO tltrack.year_lock VALUES (%s) ON CONFLICT DO NOTHING", (year,)
                )
                connection.execute("DELETE FROM tltrack.target_owner WHERE year = %s", (year,))
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO tltrack.target_owner (year, metric, owner)"
                        " VALUES (%s, %s, %s)",
                        [(year, t.id, t.owner) for t in targets if t.owner is not None],
                    )
    except psycopg.Error as exc:
        raise _refused(exc, "PostgreSQL") from None
    return before, SCHEMA_VERSION


def grant(url: str, role: str, region: str | None, owner: str | None) -> None:
    """Let `role` read every figure and insert those of its region, of the targets its office
    leads, or (neither) of the whole office."""
    _change_role(
        url,
        role,
        (
            "GRANT USAGE ON SCHEMA tltrack TO {}",
            "GRANT SELECT, INSERT ON tltrack.figure TO {}",
            "GRANT SELECT ON tltrack.year_lock TO {}",
            "GRANT EXECUTE ON FUNCTION tltrack.lock_year(integer) TO {}",  # to take turns
            "GRANT SELECT ON tltrack.role_grant, tltrack.target_owner,"
            " tltrack.schema_version TO {}",
        ),
        "INSERT INTO tltrack.role_grant (role, everything, region, owner)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT (role) DO UPDATE SET"
        " everything = excluded.everything, region = excluded.region,"
        " owner = excluded.owner",
        (role, region is None and owner is None, region, owner),
    )


def revoke(url: str, role: str) -> None:
    """Take back what `grant` gave `role`: it may no longer read or record figures."""
    _change_role(
        url,
        role,
        (
            "REVOKE ALL ON tltrack.figure, tltrack.year_lock, tltrack.role_grant,"
            " tltrack.target_owner, tltrack.schema_version FROM {}",
            "REVOKE ALL ON FUNCTION tltrack.lock_year(integer) FROM {}",
            "REVOKE USAGE ON SCHEMA tltrack FROM {}",
        ),
        "DELETE FROM tltrack.role_grant WHERE role = %s",
        (role,),
    )


def _change_role(
    url: str, role: str, statements: Sequence[str], kept: str, params: Sequence[Any]
) -> None:
    """Run each of `statements` for the existing role `role` (its name as an identifier in
    place of {}), then `kept` with `params` (what role_grant says of it), in one
    transaction."""
    psycopg = _psycopg()
    sql = psycopg.sql
    connection = connect(url)
    try:
        with connection:
            known = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if known.fetchone() is None:
                raise NoInputError("db_no_role", role=role)
            who = sql.Identifier(role)
            for statement in statements:
                connection.execute(sql.SQL(statement).format(who))
            connection.execute(kept, params)
    except psycopg.Error as exc:
        raise _refused(exc, "PostgreSQL") from None
