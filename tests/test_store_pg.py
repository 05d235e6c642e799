"""The PostgreSQL store against a real server: the same figures and outputs, roles that may
record only their region's or their unit's figures (enforced by the database), concurrent
writers, and a writer killed mid-transaction."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings

from pg_fixtures import as_role, numbers
from pg_server import Server
from test_figure_rule import _SOME_FIGURES, _exact, _period_end
from units_catalog import write_catalog

psycopg = pytest.importorskip("psycopg")


def test_the_same_figures_give_the_same_status(db, cli, data_dir, monkeypatch) -> None:
    figures = [
        ("key_projects_started", "36", "--period", "2025-06", "--region", "开鲁县"),
        ("key_projects_started", "300", "--period", "2025-06"),
        ("key_projects_started", "310", "--period", "2025-06", "--correct", "--note", "复核"),
        ("gdp_growth", "5.8", "--period", "2025-H1"),
    ]
    as_role(monkeypatch, db("office"))
    for args in figures:
        assert cli("record", *args).exit_code == 0
    from_db = json.loads(cli("status", "--format", "json", "--as-of", "2025-07-20").stdout)
    exported = json.loads(cli("export", "--format", "json").stdout)["records"]
    monkeypatch.setenv("TLTRACK_STORE", "toml")
    for args in figures:
        assert cli("record", *args).exit_code == 0
    from_toml = json.loads(cli("status", "--format", "json", "--as-of", "2025-07-20").stdout)
    for report in (from_db, from_toml):
        for target in report["targets"]:
            del target["recorded_at"]
    assert from_db == from_toml
    assert [r["value"] for r in exported] == [36.0, 300.0, 310.0, 5.8]
    assert exported[2]["revision"] == 1 and exported[2]["note"] == "复核"


def test_a_county_records_only_its_own_figures(db, cli, monkeypatch) -> None:
    as_role(monkeypatch, db("kailu"))
    mine = cli("record", "key_projects_started", "36", "--period", "2025-06", "--region", "开鲁县")
    assert mine.exit_code == 0, mine.stderr
    other = cli("record", "key_projects_started", "9", "--period", "2025-06", "--region", "奈曼旗")
    assert other.exit_code == 77
    assert other.stderr.startswith("tltrack: error: PostgreSQL (2025)：数据库拒绝了当前角色的")
    assert len(other.stderr.splitlines()) == 1
    city = cli("record", "key_projects_started", "300", "--period", "2025-06")
    assert city.exit_code == 77
    # psql is no way around it: the database itself refuses.
    with (
        psycopg.connect(db("kailu")) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        connection.execute(
            "INSERT INTO tltrack.figure (year, metric, region, period, period_end, value,"
            " note, recorded_by, at, correction, revision) VALUES (2025,"
            " 'key_projects_started', '奈曼旗', '2025-06', '2025-06-30', '9.0', '', 'x',"
            " '2025-07-01T00:00:00+00:00', false, 0)"
        )
    with (
        psycopg.connect(db("kailu")) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        connection.execute("UPDATE tltrack.figure SET value = '99.0'")
    with (
        psycopg.connect(db("office")) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        connection.execute("DELETE FROM tltrack.figure")


def test_a_lead_unit_records_its_targets(db, cli, monkeypatch) -> None:
    as_role(monkeypatch, db("fgw"))  # 市发改委 leads key_projects_started, not gdp_growth
    assert cli("record", "key_projects_started", "300", "--period", "2025-06").exit_code == 0
    run = cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    assert run.exit_code == 77


def test_concurrent_writers_lose_nothing(db, data_dir: Path) -> None:
    env = {**os.environ, "TLTRACK_DATA_DIR": str(data_dir), "TLTRACK_STORE": db("office")}
    env["TLTRACK_CACHE_DIR"] = "off"

    def record(*args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "tltrack", "record", *args, "--lang", "en"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    months = [record("key_projects_started", str(m * 10), "--period", f"2025-{m:02d}")
              for m in range(1, 13)]  # fmt: skip
    # The same first figure from four machines, different values: one is recorded, the
    # others are told it is already there; never two first figures for one period.
    rivals = [record("gdp_growth", value, "--period", "2025-Q3") for value in "5678"]
    assert [p.wait() for p in months] == [0] * 12
    codes = sorted(p.wait() for p in rivals)
    assert codes == [0, 65, 65, 65]
    with psycopg.connect(db("office")) as connection:
        rows = connection.execute(
            "SELECT period, value FROM tltrack.figure WHERE metric = 'key_projects_started'"
            " ORDER BY period"
        ).fetchall()
        rivals_kept = connection.execute(
            "SELECT count(*) FROM tltrack.figure WHERE metric = 'gdp_growth'"
        ).fetchone()[0]
    assert rows == [(f"2025-{m:02d}", repr(float(m * 10))) for m in range(1, 13)]
    assert rivals_kept == 1


def test_a_writer_killed_mid_transaction_leaves_nothing(db, data_dir: Path, cli, monkeypatch):
    script = (
        "import sys, time\n"
        "from datetime import UTC, datetime\n"
        "from tltrack.domain.figures import Record\n"
        "from tltrack.stores.postgresql.store import PgStore\n"
        "store = PgStore(sys.argv[1], 2025)\n"
        "with store.change() as change:\n"
        "    change.append([Record('gdp_growth', '2025-H1', 5.8, datetime.now(UTC), '', 'x')])\n"
        "    print('inside', flush=True)\n"
        "    time.sleep(60)\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script, db("office")], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "inside\n"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    as_role(monkeypatch, db("office"))
    monkeypatch.setenv("TLTRACK_LOCK_TIMEOUT", "20")  # the server notices the dead writer
    run = cli("record", "gdp_growth", "5.9", "--period", "2025-H1")
    assert run.exit_code == 0, run.stderr
    exported = json.loads(cli("export", "--format", "json").stdout)["records"]
    assert [(r["metric"], r["value"]) for r in exported] == [("gdp_growth", 5.9)]


def test_the_schema_is_versioned(db, cli, pg: Server, monkeypatch) -> None:
    again = cli("db", "init", "--lang", "en")
    assert again.exit_code == 0
    assert again.stderr.startswith("the database's tltrack schema is at version 6 (it was 6)")
    pg.sql("UPDATE tltrack.schema_version SET version = 99", db.name)
    newer = cli("db", "init", "--lang", "en")
    assert newer.exit_code == 65 and "later tltrack (schema 99)" in newer.stderr
    assert cli("status", "--lang", "en").exit_code == 65  # every command, not only db init


def test_an_older_schema_is_migrated(pg: Server, cli, data_dir, monkeypatch) -> None:
    from tltrack.stores.postgresql.schema import MIGRATIONS

    name = f"t{os.getpid()}_{next(numbers)}"
    pg.sql(f"CREATE DATABASE {name}")
    pg.sql(
        f"CREATE SCHEMA tltrack; {MIGRATIONS[0]} UPDATE tltrack.schema_version SET version = 1",
        name,
    )
    write_catalog(data_dir)
    monkeypatch.setenv("TLTRACK_STORE", pg.url("admin", name))
    assert cli("status").exit_code == 66  # the old schema wants db init first
    run = cli("db", "init", "--lang", "en")
    assert run.stderr.startswith("the database's tltrack schema is at version 6 (it was 1)")
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0


def test_a_role_that_only_connects_cannot_stop_the_writers(db, cli, pg: Server, monkeypatch):
    pg.sql("DO $$ BEGIN CREATE ROLE stranger LOGIN; EXCEPTION WHEN duplicate_object THEN"
           " NULL; END $$")  # fmt: skip
    as_role(monkeypatch, db("office"))
    monkeypatch.setenv("TLTRACK_LOCK_TIMEOUT", "2")
    with psycopg.connect(db("stranger"), autocommit=True) as stranger:
        # The advisory lock writers took before (0x746C7472, the year), which any role can
        # hold: held now, it stops nobody.
        stranger.execute("SELECT pg_advisory_lock(1953264754, 2025)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            stranger.execute("SELECT year FROM tltrack.year_lock WHERE year = 2025 FOR UPDATE")
        assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0


@pytest.mark.parametrize("seconds", ["1e308", "99999999999", "0"])
def test_any_lock_timeout_is_one_the_server_takes(db, cli, monkeypatch, seconds: str) -> None:
    """A wait too long for PostgreSQL is a day's; 0 is not to wait, as in the other stores
    (PostgreSQL's own 0 would be to wait for ever)."""
    as_role(monkeypatch, db("office"))
    monkeypatch.setenv("TLTRACK_LOCK_TIMEOUT", seconds)
    run = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "en")
    assert run.exit_code == 0, run.stderr
    with psycopg.connect(db("admin"), autocommit=True) as holder:
        holder.execute("BEGIN")
        holder.execute("SELECT year FROM tltrack.year_lock WHERE year = 2025 FOR UPDATE")
        if seconds == "0":  # held by another: refused at once, not waited on
            run = cli("record", "gdp_growth", "5.9", "--period", "2025-Q3", "--lang", "en")
            assert run.exit_code == 75, run.stderr
        holder.execute("ROLLBACK")


def test_a_year_db_init_has_not_loaded_is_one_line(db, cli, data_dir: Path, monkeypatch):
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    (data_dir / "2026.toml").write_text(text.replace("year = 2025", "year = 2026"), "utf-8")
    as_role(monkeypatch, db("office"))
    run = cli("record", "gdp_growth", "5.8", "--period", "2026-H1", "--lang", "en")
    assert run.exit_code == 66
    assert "has no year 2026 yet" in run.stderr and len(run.stderr.splitlines()) == 1


def test_the_database_checks_each_row(db) -> None:
    columns = (
        "INSERT INTO tltrack.figure (year, metric, region, period, period_end, value, note,"
        " recorded_by, at, correction, revision) VALUES"
    )
    good = "(2025, 'key_projects_started', '开鲁县', '2025-02', '2025-02-28', '5.0', '', 'k',"
    bad_rows = [
        "(2025, 'key_projects_started', '开鲁县', '2025-02', '2025-02-28', 'abc', '', 'k',"
        " '2025-03-01T00:00:00+00:00', false, 0)",  # not a number
        good + " 'x', false, 0)",  # not a time
        "(2025, 'key_projects_started', '开鲁县', '2025-02', '2099-12-31', '5.0', '', 'k',"
        " '2025-03-01T00:00:00+00:00', false, 0)",  # another period's end
        "(2025, 'key_projects_started', '开鲁县', '2025-02', '2025-02-28', '5.0', E'\x1b[2J',"
        " 'k', '2025-03-01T00:00:00+00:00', false, 0)",
    ]
    for row in bad_rows:
        with psycopg.connect(db("kailu")) as connection, pytest.raises(psycopg.errors.Error):
            connection.execute(f"{columns} {row}")
    with psycopg.connect(db("kailu")) as connection:
        connection.execute(
            columns.replace("(year,", "(seq, year,").replace(
                " VALUES", " OVERRIDING SYSTEM VALUE VALUES"
            )
            + " (1000000, "
            + good[1:]
            + " '2025-03-01T00:00:00+00:00', false, 0)"
        )
        seq = connection.execute("SELECT max(seq) FROM tltrack.figure").fetchone()[0]
    assert seq < 1000000  # the database numbers the rows, not the role


def test_no_server_is_one_line(cli, data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("TLTRACK_STORE", "postgresql://nobody@/x?host=/nonexistent&port=1")
    run = cli("status")
    assert run.exit_code == 69
    assert run.stderr.startswith("tltrack: error: 无法连接 PostgreSQL 数据库：")
    assert len(run.stderr.splitlines()) == 1


def test_postgresql_named_by_a_word_in_any_case(pg, cli, data_dir, monkeypatch) -> None:
    """`TLTRACK_STORE=PostgreSQL` with the address in TLTRACK_DATABASE_URL is the same store
    for `db init`, a write, a status and last year's figures (上年同期)."""
    name = f"t{os.getpid()}_{next(numbers)}"
    pg.sql(f"CREATE DATABASE {name}")
    write_catalog(data_dir)
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    (data_dir / "2024.toml").write_text(text.replace("2025", "2024"), encoding="utf-8")
    monkeypatch.setenv("TLTRACK_STORE", " PostgreSQL ")
    monkeypatch.setenv("TLTRACK_DATABASE_URL", pg.url("admin", name))
    run = cli("db", "init")
    assert run.exit_code == 0, run.stderr
    assert cli("record", "key_projects_started", "390", "--period", "2024-06").exit_code == 0
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    assert not any(data_dir.glob("*.records.*"))
    status = json.loads(cli("status", "--format", "json", "--as-of", "2025-07-20").stdout)
    started = next(t for t in status["targets"] if t["id"] == "key_projects_started")
    assert started["actual"] == 421.0
    md = cli("report", "--as-of", "2025-07-20").stdout
    row = next(line for line in md.splitlines() if line.startswith("| 开复工重点项目 |"))
    assert row.endswith("| 390个 | +7.9% |")


@pytest.fixture(scope="module")
def figures_db(pg: Server) -> str:
    """A database with tltrack's schema and the year 2025, written to as its owner."""
    from tltrack.stores.postgresql.store import init_schema

    name = f"t{os.getpid()}_{next(numbers)}"
    pg.sql(f"CREATE DATABASE {name}")
    url = pg.url("admin", name)
    init_schema(url, [(2025, ())])
    return url


_ROW = (
    "INSERT INTO tltrack.figure (year, metric, region, period, period_end, value, note,"
    " recorded_by, at, correction, revision) VALUES (2025, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


@settings(max_examples=80, deadline=None)
@given(records=_SOME_FIGURES)
def test_the_database_keeps_exactly_what_the_rule_allows(figures_db: str, records) -> None:
    """The PostgreSQL store writes what the rule allows and reads it back exactly; and the
    database's own checks, which any role's INSERT meets, refuse each figure the rule
    refuses, so no row can make the year unreadable for every office."""
    from tltrack.domain.figures import figure_problem
    from tltrack.errors import DataError
    from tltrack.stores.postgresql.store import PgStore

    store = PgStore(figures_db, 2025)
    held = len(store.read())
    allowed = all(figure_problem(r, 2025) is None for r in records)
    try:
        with store.change() as change:
            change.append(records)
    except DataError:
        assert not allowed
    else:
        assert allowed
        # The database numbers each row one above the rows before it for its period.
        before = store.read()[:held]
        numbered = []
        for r in records:
            place = sum(
                (f.metric, f.region, f.period) == (r.metric, r.region, r.period)
                for f in [*before, *numbered]
            )
            numbered.append(r._replace(revision=place, correction=place > 0))
        assert _exact(store.read()[held:]) == _exact(numbered)
    with psycopg.connect(figures_db) as connection:
        for r in records:
            row = (r.metric, r.region, r.period, _period_end(r.period), repr(r.value), r.note,
                   r.by, r.at.isoformat(), r.correction, r.revision)  # fmt: skip
            try:
                with connection.transaction():
                    connection.execute(_ROW, row)
                    stored = True
                    raise _RolledBack
            except _RolledBack:
                pass
            except (psycopg.errors.DataError, psycopg.errors.IntegrityError, UnicodeEncodeError):
                stored = False
            assert stored == (figure_problem(r, 2025) is None), (r, figure_problem(r, 2025))


class _RolledBack(Exception):
    """Ends a transaction that only asked whether the database takes a row."""


def test_migration_4_is_what_the_rule_writes() -> None:
    """Schema 4's checks are kept as the text databases ran; the rule still writes the same.
    When this fails the rule has changed: write it into a new migration, never into 4."""
    from tltrack.stores.postgresql.schema import MIGRATIONS, figure_checks

    assert " ".join(figure_checks().split()) == " ".join(MIGRATIONS[3].split())


def test_migration_6_is_what_the_rule_writes() -> None:
    """Schema 6's checks of who sent a figure, from where and why are kept as the text
    databases ran; when this fails the rule has changed: write a new migration."""
    from tltrack.stores.postgresql.schema import MIGRATIONS, provenance_columns

    assert " ".join(provenance_columns().split()) == " ".join(MIGRATIONS[5].split())
