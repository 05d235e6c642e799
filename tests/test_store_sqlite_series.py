"""The SQLite store's list of series (schema 3). A status seeks the newest figures of each
listed series, so every figure's series must be listed, whoever wrote the figure."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tltrack.domain.figures import Record
from tltrack.stores.sqlite import schema as sqlite_schema
from tltrack.stores.sqlite import store as store_sqlite
from tltrack.stores.sqlite.store import SqliteStore

AS_OF = ("--as-of", "2025-07-20")


@pytest.fixture
def database(cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite store holding one figure (GDP growth for 2025-H1)."""
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    return data_dir / "2025.records.sqlite"


def actuals(cli, *metrics: str) -> list[tuple[float | None, str | None]]:
    shown = json.loads(cli("status", "--format", "json", *AS_OF).stdout)["targets"]
    by_id = {t["id"]: (t["actual"], t["period"]) for t in shown}
    return [by_id[metric] for metric in metrics]


def listed(path: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT metric, region FROM series ORDER BY 1, 2").fetchall()


def test_a_figure_inserted_with_sqlite3_is_listed_and_read(cli, database) -> None:
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO figure (metric, region, period, period_end, value, note, by, at,"
            " correction, revision) VALUES ('key_projects_started', NULL, '2025-06',"
            " '2025-06-30', '421', '', 'x', '2025-07-01T00:00:00+00:00', 0, 0)"
        )
    assert listed(database) == [("gdp_growth", None), ("key_projects_started", None)]
    assert actuals(cli, "key_projects_started", "gdp_growth") == [
        (421, "2025-06"),
        (5.8, "2025-H1"),
    ]


def test_a_figure_moved_to_another_metric_is_read_there(cli, database) -> None:
    with sqlite3.connect(database) as db:
        db.execute("UPDATE figure SET metric = 'key_projects_started', value = '430'")
    assert ("key_projects_started", None) in listed(database)
    assert actuals(cli, "key_projects_started", "gdp_growth") == [(430, "2025-H1"), (None, None)]


@pytest.mark.parametrize("edit", ["DELETE FROM series", "UPDATE series SET metric = 'other'"])
def test_the_database_keeps_every_series_listed(database, edit) -> None:
    with (
        pytest.raises(sqlite3.IntegrityError, match="keeps every series"),
        sqlite3.connect(database) as db,
    ):
        db.execute(edit)
    assert listed(database) == [("gdp_growth", None)]


def test_a_store_without_its_list_is_refused(cli, database) -> None:
    with sqlite3.connect(database) as db:
        db.execute("DROP TABLE series")
    run = cli("status", "--lang", "en")
    assert run.exit_code == 65
    assert "is not a tltrack figures database" in run.stderr


def test_a_figure_taken_off_the_list_is_found_by_validate(cli, database) -> None:
    """Only a hand edit that drops the trigger can do it, and put it back as it was: the
    schema is then tltrack's again, and validate must say what a status would miss."""
    trigger = next(
        text
        for made in sqlite_schema._VERSIONS
        for text in made
        if "TRIGGER series_kept BEFORE DELETE" in text
    )
    with sqlite3.connect(database) as db:
        db.execute("DROP TRIGGER series_kept")
        db.execute("DELETE FROM series")
        db.execute(trigger)
    run = cli("validate", "--lang", "en")
    assert run.exit_code == 65
    assert run.stdout.startswith(
        "2025.records.sqlite:1: a row whose series is missing from the database's list"
    )
    assert cli("validate", "--lang", "zh").stdout.startswith(
        "2025.records.sqlite:1: 该行所属的序列不在数据库的序列清单中"
    )


def test_a_series_listed_twice_is_read_once(cli, database) -> None:
    with sqlite3.connect(database) as db:
        db.executemany("INSERT INTO series VALUES ('gdp_growth', NULL)", [()] * 1000)
    assert len(SqliteStore(database).latest(date(2025, 7, 20))) == 1
    assert actuals(cli, "gdp_growth") == [(5.8, "2025-H1")]


PERIODS = ["2025-01", "2025-03", "2025-06", "2025-Q1", "2025-Q2", "2025-H1", "2025-Q3", "2025"]
FIGURES = st.lists(
    st.tuples(
        st.sampled_from(["gdp", "grain", "beef"]),
        st.sampled_from([None, "开鲁县", "科尔沁区"]),
        st.sampled_from(PERIODS),
        st.integers(0, 3),  # a correction's revision; 0: a first figure
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    FIGURES,
    FIGURES,
    st.sampled_from([1, 2, 3]),
    st.sampled_from(["2025-02-01", "2025-06-30", "2025-07-20", "2025-12-31"]),
)
def test_seeking_the_listed_series_finds_what_a_scan_finds(before, after, version, as_of) -> None:
    """The seek (schema 3) and the scan (a store read before its upgrade) choose the same
    rows, whatever the series, periods and corrections: in a store of `version` holding
    `before`, upgraded (its series listed), then given `after`."""
    with sqlite3.connect(":memory:", isolation_level=None) as db:
        for made in sqlite_schema._VERSIONS[:version]:
            for statement in made:
                db.execute(statement)
        db.execute(f"PRAGMA application_id = {sqlite_schema.APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {version}")
        insert(db, before)
        db.execute("BEGIN IMMEDIATE")
        sqlite_schema.upgrade(db, "memory")
        db.execute("COMMIT")
        insert(db, after)
        columns = store_sqlite._columns(sqlite_schema.SCHEMA_VERSION, "f.")
        seek = [
            row[0] for row in db.execute(store_sqlite._NEWEST.format(f_figure=columns), (as_of,))
        ]
        scan = [
            row[0]
            for row in db.execute(store_sqlite._NEWEST_BY_SCAN.format(f_figure=columns), (as_of,))
        ]
    assert seek == scan


def insert(db: sqlite3.Connection, figures: list) -> None:
    at = datetime(2025, 7, 1, tzinfo=UTC)
    rows = [
        store_sqlite._row(
            Record(metric, period, float(n), at, "", "x", revision > 0, revision, region)
        )[:10]  # the columns of every schema: explanation, unit and source came in 4
        for n, (metric, region, period, revision) in enumerate(figures)
    ]
    db.executemany(
        "INSERT INTO figure (metric, region, period, period_end, value, note, by, at,"
        " correction, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
