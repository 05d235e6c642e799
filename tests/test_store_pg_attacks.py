"""The PostgreSQL store against roles that try to hurt the others: a row no reader takes, the
year's lock, a pinned revision, a forged name, grants to names that do not exist."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pg_fixtures import as_role, numbers

psycopg = pytest.importorskip("psycopg")

_INSERT = (
    "INSERT INTO tltrack.figure (year, metric, region, period, period_end, value, note,"
    " recorded_by, at, correction, revision) VALUES (2025, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_KAILU_ROW = ("key_projects_started", "开鲁县", "2025-06", "2025-06-30", "36.0", "", "县里",
              "2025-07-01T00:00:00+00:00", False, 0)  # fmt: skip

# What an attacker's read found a county role could store, each making the year unreadable for
# every office: texts ending or starting in spaces no reader keeps, a leap second, 24:00.
_HOSTILE = {
    "note ends in U+3000": {5: "已完成\u3000"},
    "note ends in NBSP": {5: "已完成\u00a0"},
    "note ends in U+2028": {5: "已完成\u2028"},
    "note starts with a tab": {5: "\t已完成"},
    "by ends in U+3000": {6: "张三\u3000"},
    "metric ends in a space": {0: "key_projects_started "},
    "a leap second": {7: "2025-07-01T23:59:60+00:00"},
    "24:00": {7: "2025-07-01T24:00:00+00:00"},
    "revision 1000000": {9: 1000000},
}


def _row(changes: dict[int, object]) -> tuple[object, ...]:
    row = list(_KAILU_ROW)
    for index, value in changes.items():
        row[index] = value
    return tuple(row)


def _every_reader_reads(cli) -> None:
    for args in (
        ("status", "--as-of", "2025-07-20"),
        ("check", "--as-of", "2025-07-20"),
        ("report", "--as-of", "2025-07-20"),
        ("export", "--format", "json"),
        ("missing", "--period", "2025-06"),
        ("show", "key_projects_started"),
        ("history", "key_projects_started", "--region", "开鲁县"),
    ):
        run = cli(*args)
        assert run.exit_code in (0, 1), (args, run.exit_code, run.stderr)  # 1: check's verdict


@pytest.mark.parametrize("name", list(_HOSTILE))
def test_a_row_a_county_stores_never_locks_the_year(db, cli, monkeypatch, name) -> None:
    """Whatever the database takes from a county role, every command reads; and the office
    still corrects the county's figure."""
    refused = (psycopg.errors.CheckViolation, psycopg.errors.DataError)
    with contextlib.suppress(*refused), psycopg.connect(db("kailu")) as connection:
        connection.execute(_INSERT, _row(_HOSTILE[name]))  # or refused: nothing stored
    as_role(monkeypatch, db("office"))
    _every_reader_reads(cli)
    run = cli("record", "key_projects_started", "40", "--period", "2025-06", "--region", "开鲁县",
              "--correct")  # fmt: skip
    assert run.exit_code == 0, run.stderr
    shown = cli("history", "key_projects_started", "--region", "开鲁县", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    assert '"value": 40.0' in shown.stdout


def test_a_bad_row_however_it_came_is_named_and_skipped(db, pg, cli, monkeypatch) -> None:
    """A row from before the database checked figures (its checks are NOT VALID for those):
    every reader skips it, saying which row; validate names it and fails."""
    pg.sql(
        "ALTER TABLE tltrack.figure DROP CONSTRAINT figure_text;"
        " INSERT INTO tltrack.figure (year, metric, region, period, period_end, value, note,"
        " recorded_by, at, correction, revision) VALUES (2025, 'key_projects_started',"
        " '开鲁县', '2025-06', '2025-06-30', '36.0', E'已完成\\u3000', 'x',"
        " '2025-07-01T00:00:00+00:00', false, 0);"
        " ALTER TABLE tltrack.figure ADD CONSTRAINT figure_text"
        " CHECK (note !~ '\u3000$') NOT VALID",
        db.name,
    )
    with psycopg.connect(db("office")) as connection:
        bad = connection.execute("SELECT max(seq) FROM tltrack.figure").fetchone()[0]
    as_role(monkeypatch, db("office"))
    assert cli("record", "key_projects_started", "300", "--period", "2025-06").exit_code == 0
    run = cli("status", "--as-of", "2025-07-20", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert '"actual": 300.0' in run.stdout
    warning = [line for line in run.stderr.splitlines() if "警告" in line]
    assert len(warning) == 1 and f"第 {bad} 行" in warning[0], run.stderr
    _every_reader_reads(cli)
    checked = cli("validate")
    assert checked.exit_code == 65
    assert f"PostgreSQL (2025):{bad}: 该行不是有效数据" in checked.stdout


def test_no_role_can_move_the_year_lock(db, cli, monkeypatch) -> None:
    for role in ("kailu", "office"):
        with psycopg.connect(db(role)) as connection, pytest.raises(psycopg.Error):
            connection.execute("UPDATE tltrack.year_lock SET year = year + 10000")
        with psycopg.connect(db(role)) as connection, pytest.raises(psycopg.Error):
            connection.execute("DELETE FROM tltrack.year_lock")
    as_role(monkeypatch, db("kailu"))
    run = cli("record", "key_projects_started", "36", "--period", "2025-06", "--region", "开鲁县")
    assert run.exit_code == 0, run.stderr


def test_the_database_numbers_revisions(db, cli, monkeypatch) -> None:
    """A county's own row saying revision 1000000 (and not a correction) does not pin its
    figure: the database numbers each row one above those before it, for its period."""
    with psycopg.connect(db("kailu")) as connection:
        connection.execute(_INSERT, _row({9: 1000000}))
        connection.execute(_INSERT, _row({4: "37.0", 8: True, 9: 0}))
        revisions = connection.execute(
            "SELECT revision, correction FROM tltrack.figure ORDER BY seq"
        ).fetchall()
    assert revisions == [(0, False), (1, True)]
    as_role(monkeypatch, db("office"))
    run = cli("record", "key_projects_started", "40", "--period", "2025-06", "--region", "开鲁县",
              "--correct")  # fmt: skip
    assert run.exit_code == 0, run.stderr
    with psycopg.connect(db("office")) as connection:
        last = connection.execute(
            "SELECT revision, value FROM tltrack.figure ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert last == (2, "40.0")


def test_history_and_show_name_the_database_role(db, cli, monkeypatch) -> None:
    as_role(monkeypatch, db("kailu"))
    run = cli("record", "key_projects_started", "36", "--period", "2025-06", "--region", "开鲁县",
              "--by", "市长")  # fmt: skip
    assert run.exit_code == 0, run.stderr
    for args in (
        ("history", "key_projects_started", "--region", "开鲁县"),
        ("show", "key_projects_started", "--region", "开鲁县"),
    ):
        shown = cli(*args)
        assert shown.exit_code == 0, shown.stderr
        assert re.search(r"市长 *[（(]数据库角色 kailu[)）]", shown.stdout), shown.stdout


def test_grant_checks_names_and_revoke_takes_the_right_away(db, cli, monkeypatch) -> None:
    run = cli("db", "grant", "kailu", "--region", "开鲁")  # not a region of the target file
    assert run.exit_code == 2
    assert "开鲁县" in run.stderr and len(run.stderr.splitlines()) == 1  # did you mean
    run = cli("db", "grant", "fgw", "--owner", "市发展改革委")
    assert run.exit_code == 2
    run = cli("db", "revoke", "kailu")
    assert run.exit_code == 0, run.stderr
    as_role(monkeypatch, db("kailu"))
    run = cli("record", "key_projects_started", "36", "--period", "2025-06", "--region", "开鲁县")
    assert run.exit_code == 77
    assert cli("status").exit_code == 77  # no reading either: the role has no grant left


# Texts a county might type or forge: the spaces and marks no reader keeps at an end, controls,
# and plain words.
_EDGES = "\t\n\r \u00a0\u1680\u2000\u2028\u2029\u202f\u205f\u3000\u200b\ufeff\x1b\x7f\x85"
_TEXT = st.text(alphabet=st.sampled_from([*_EDGES, "开", "鲁", "a", "1", "_", "-"]), max_size=6)
_TIME = st.sampled_from(
    ["2025-07-01T00:00:00+00:00", "2025-07-01T23:59:60+00:00", "2025-07-01T24:00:00+00:00",
     "2025-07-01T08:00:00+08:00", "2025-07-01 08:00:00+08:00", "2025-07-01T08:00:00",
     "2025-07-01T08:00:00.123456+08:00", "2025-07-01T08:00:00+16:00", "0001-01-01T00:00:00+00:00"]
)  # fmt: skip
_VALUE = st.sampled_from(["36.0", "-0.0", "1e15", "1e16", "inf", "NaN", "3.", ".5", "1e-7", "0"])
_PERIOD = st.sampled_from(
    [("2025-06", "2025-06-30"), ("2025-Q2", "2025-06-30"), ("2025", "2025-12-31"),
     ("2025-06", "2025-06-29"), ("2024-06", "2024-06-30"), ("2025-6", "2025-06-30")]
)  # fmt: skip


@pytest.fixture(scope="module")
def county_url(pg) -> str:
    """A database with the schema and a county role, kailu, granted its region 开鲁县."""
    from tltrack.stores.postgresql.store import grant, init_schema

    name = f"t{os.getpid()}_{next(numbers)}"
    pg.sql(f"CREATE DATABASE {name}")
    pg.sql("DO $$ BEGIN CREATE ROLE kailu LOGIN; EXCEPTION WHEN duplicate_object THEN"
           " NULL; END $$")  # fmt: skip
    init_schema(pg.url("admin", name), [(2025, ())])
    grant(pg.url("admin", name), "kailu", "开鲁县", None)
    return pg.url("kailu", name)


@settings(max_examples=120, deadline=None)
@given(
    metric=st.sampled_from(["key_projects_started"]) | _TEXT,
    note=_TEXT,
    by=_TEXT,
    at=_TIME,
    value=_VALUE,
    period=_PERIOD,
    revision=st.sampled_from([0, 1, 1000000, -1]),
    correction=st.booleans(),
)
def test_whatever_the_database_takes_from_a_county_every_reader_reads(
    county_url: str, metric, note, by, at, value, period, revision, correction
) -> None:
    """Rows a county role sends with its own SQL: the database stores only what the one rule
    of a figure allows, so a read of the year skips none."""
    from tltrack.stores.base import take_skipped
    from tltrack.stores.postgresql.store import PgStore

    row = (metric, "开鲁县", *period, value, note, by, at, correction, revision)
    refused = (
        psycopg.errors.DataError,
        psycopg.errors.IntegrityError,
        psycopg.errors.CheckViolation,
    )
    try:
        with psycopg.connect(county_url) as connection:
            connection.execute(_INSERT, row)
    except refused:
        pass
    take_skipped()
    store = PgStore(county_url, 2025)
    assert store.check().problems == []
    store.read()
    assert take_skipped() == [], row


def test_a_connection_cut_mid_import_is_one_line(db, pg, data_dir, tmp_path) -> None:
    """The server ends the import's connection while its rows are on the way (psycopg sends
    them in a pipeline): one line and the exit code, no psycopg "error ignored" line
    before it, and nothing written."""
    figures = tmp_path / "figures.csv"
    rows = "".join(f"key_projects_started,开鲁县,2025-{m:02d},{m}\n" for m in range(1, 13))
    figures.write_text("metric,region,period,value\n" + rows, encoding="utf-8")
    env = {**os.environ, "TLTRACK_DATA_DIR": str(data_dir), "TLTRACK_STORE": db("office")}
    env |= {"TLTRACK_LANG": "en", "TLTRACK_LOCK_TIMEOUT": "60"}
    admin = pg.url("admin", db.name)
    with psycopg.connect(admin) as holder, psycopg.connect(admin, autocommit=True) as watch:
        holder.execute("LOCK TABLE tltrack.figure IN SHARE MODE")  # inserts wait; reads do not
        importing = subprocess.Popen(
            [sys.executable, "-m", "tltrack", "import", str(figures)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        waiting = None
        for _ in range(600):
            waiting = watch.execute(  # outside the holder's transaction, which sees one moment
                "SELECT pid FROM pg_stat_activity WHERE usename = 'office'"
                " AND wait_event_type = 'Lock'"
            ).fetchone()
            if waiting is not None or importing.poll() is not None:
                break
            time.sleep(0.05)
        assert waiting is not None, importing.communicate()
        watch.execute("SELECT pg_terminate_backend(%s)", waiting)
        _, stderr = importing.communicate(timeout=60)
    assert importing.returncode == 69, stderr
    assert stderr.startswith("tltrack: error: ") and stderr.count("\n") == 1, stderr
    with psycopg.connect(db("office")) as connection:
        assert connection.execute("SELECT count(*) FROM tltrack.figure").fetchone()[0] == 0


def test_what_psycopg_ignores_is_not_printed() -> None:
    """psycopg logs the error it ignores while ending a pipeline that already failed (the
    server gone mid-import): with no handler of its own, Python printed it on stderr before
    tltrack's one line. Run in a process of its own: pytest's capture is a handler."""
    said = (
        "import logging\n"
        "from tltrack.stores.postgresql.store import _psycopg\n"
        "_psycopg()\n"
        "logging.getLogger('psycopg').warning('error ignored terminating <Pipeline [BAD]>')\n"
    )
    run = subprocess.run([sys.executable, "-c", said], capture_output=True, text=True)
    assert run.returncode == 0 and run.stderr == ""


def test_no_wait_is_no_wait_in_the_database_too(db, pg, cli, monkeypatch) -> None:
    """TLTRACK_LOCK_TIMEOUT=0 is not to wait, as in the records file: PostgreSQL's own 0 is
    to wait for ever."""
    with psycopg.connect(pg.url("admin", db.name)) as holder:
        holder.execute("SELECT tltrack.lock_year(2025)")  # another writer, mid-change
        as_role(monkeypatch, db("office"))
        monkeypatch.setenv("TLTRACK_LOCK_TIMEOUT", "0")
        run = cli("record", "key_projects_started", "300", "--period", "2025-06")
    assert run.exit_code == 75, run.stderr
