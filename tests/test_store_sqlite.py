"""The SQLite store: the same commands, outputs and promises as the TOML records file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from conftest import records_file
from units_catalog import write_catalog

AS_OF = ("--as-of", "2025-07-20")


@pytest.fixture
def both(cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """The same month recorded in the TOML file and, through TLTRACK_STORE, in SQLite."""

    def month() -> None:
        for args in [
            ("key_projects_started", "120", "--period", "2025-03"),
            ("key_projects_started", "421", "--period", "2025-06", "--note", "市发改委调度"),
            ("key_projects_started", "425", "--period", "2025-06", "--correct"),
            ("gdp_growth", "5.8", "--period", "2025-H1"),
            ("gahaishan_reservoir", "70%", "--period", "2025-06"),
            ("inferior_v_water_sections", "-0", "--period", "2025-06"),
        ]:
            assert cli("record", *args).exit_code == 0

    month()
    toml = status(cli)
    records_file(data_dir).rename(data_dir / "kept.toml")
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    month()
    return toml


@pytest.fixture
def gdp_in_sqlite(cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite store holding one figure (GDP growth for 2025-H1): its database."""
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    return data_dir / "2025.records.sqlite"


def status(cli) -> dict:
    report = json.loads(cli("status", "--format", "json", *AS_OF).stdout)
    for target in report["targets"]:
        del target["recorded_at"]  # the two months were recorded seconds apart
    return report


def test_the_same_month_gives_the_same_status(both, cli, data_dir: Path) -> None:
    assert status(cli) == both
    assert (data_dir / "2025.records.sqlite").is_file()
    assert not records_file(data_dir).exists()
    history = json.loads(cli("history", "key_projects_started", "--format", "json").stdout)
    june = history["periods"][-1]
    assert (june["value"], [r["value"] for r in june["superseded"]]) == (425.0, [421.0])
    again = cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    assert again.exit_code == 0 and "已有相同数据" in again.stderr
    assert cli("record", "gdp_growth", "5.9", "--period", "2025-H1").exit_code == 65


def test_migrate_round_trip_keeps_every_figure(cli, data_dir: Path, monkeypatch) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06", "--note", 'a"b\\c\tz')
    cli("record", "key_projects_started", "425", "--period", "2025-06", "--correct", "--by", "乙")
    cli("record", "inferior_v_water_sections", "-0", "--period", "2025-06")
    text = records_file(data_dir).read_text(encoding="utf-8")
    # A figure recorded in another time zone keeps its offset.
    records_file(data_dir).write_text(
        text.replace("]\n", '  { metric = "gdp_growth", period = "2025-H1", value = 5.8, '
                     'note = "", by = "丙", at = 2025-07-08 10:14:09.250000+08:00 },\n]\n'),
        encoding="utf-8",
    )  # fmt: skip
    exported = cli("export", "--format", "json").stdout
    run = cli("migrate", "--to", "sqlite")
    assert run.exit_code == 0, run.stderr
    assert "已将 4 条数据从 2025.records.toml 复制到 2025.records.sqlite" in run.stderr
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    from_sqlite = json.loads(cli("export", "--format", "json").stdout)
    assert from_sqlite["records"] == json.loads(exported)["records"]
    assert from_sqlite["records"][2]["value"] == -0.0 and str(from_sqlite["records"][2]["value"])
    assert "-0.0" in cli("export", "--format", "json").stdout
    original = records_file(data_dir).read_bytes()
    records_file(data_dir).rename(data_dir / "old.toml")
    assert cli("migrate", "--to", "toml").exit_code == 0
    assert records_file(data_dir).read_bytes() == original  # byte for byte, back again
    refused = cli("migrate", "--to", "toml")
    assert refused.exit_code == 73 and "已有 4 条数据" in refused.stderr


def test_export_csv_lists_every_figure(cli, data_dir: Path) -> None:
    write_catalog(data_dir)
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    run = cli("record", "key_projects_started", "58", "--period", "2025-06", "--region", "开鲁县")
    assert run.exit_code == 0, run.stderr
    cli("record", "key_projects_started", "420", "--period", "2025-06", "--correct")
    lines = cli("export").stdout.splitlines()
    assert lines[0] == (
        "metric,region,period,value,note,by,at,correction,revision,explanation,unit,source"
    )
    assert lines[1].startswith("key_projects_started,,2025-06,421,,tester,")
    assert lines[2].startswith("key_projects_started,开鲁县,2025-06,58,,tester,")
    assert lines[2].endswith(",false,0,,开鲁县,typed") and lines[3].endswith(",true,1,,,typed")


def test_what_is_not_a_tltrack_database_is_refused(cli, data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    db = data_dir / "2025.records.sqlite"
    db.write_bytes(b"not a database at all, just some bytes" * 100)
    run = cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    assert run.exit_code == 65
    assert run.stderr.startswith("tltrack: error: 2025.records.sqlite 不是 tltrack 的数据库")
    db.unlink()
    with sqlite3.connect(db) as other:
        other.execute("CREATE TABLE accounts (id INTEGER)")
    run = cli("status")
    assert (run.exit_code, run.stderr) == (
        65,
        "tltrack: error: 2025.records.sqlite 不是 tltrack 的数据库：是其他程序的数据库\n",
    )
    monkeypatch.setenv("TLTRACK_STORE", "postgres")
    run = cli("status")
    assert run.exit_code == 2 and "存储方式 'postgres' 无效" in run.stderr


_COPY = (
    "INSERT INTO figure (metric, region, period, period_end, value, note, by, at, correction,"
    " revision) SELECT metric, region, {}, value, note, by, at, correction, revision FROM figure"
)


@pytest.mark.parametrize(
    ("edit", "row"),
    [
        ("UPDATE figure SET note = 'x' || char(27) || '[2J' WHERE seq = 1", 1),
        (_COPY.format("'0000', '0000-12-31'"), 2),  # a year no date has: not exit 70
    ],
)
def test_a_row_edited_with_sqlite3_is_a_problem(cli, gdp_in_sqlite, edit, row) -> None:
    with sqlite3.connect(gdp_in_sqlite) as db:
        db.execute(edit)
    run = cli("validate", "--lang", "en")
    assert run.exit_code == 65
    assert run.stdout.startswith(f"2025.records.sqlite:{row}: a row that does not read as a figure")
    if row == 1:  # the series' newest figure, which a status reads (a status reads no other)
        assert cli("status").exit_code == 65


def test_a_figure_s_period_cannot_be_edited_away(cli, gdp_in_sqlite) -> None:
    """A status reads each series by the day its period ends: a row edited to end later
    would drop out of it unseen. The database refuses the edit."""
    database = gdp_in_sqlite
    for edit in ("period_end = '2025-12-31'", "period = '2025', period_end = '2025-12-31'"):
        with (
            pytest.raises(sqlite3.IntegrityError, match="keeps the period"),
            sqlite3.connect(database) as db,
        ):
            db.execute(f"UPDATE figure SET {edit}")
    with sqlite3.connect(database) as db:
        db.execute("UPDATE figure SET note = 'checked'")  # a note may still be mended
    shown = json.loads(cli("status", "--format", "json", *AS_OF).stdout)
    gdp = next(t for t in shown["targets"] if t["id"] == "gdp_growth")
    assert (gdp["actual"], gdp["period"]) == (5.8, "2025-H1")


def test_a_store_of_the_first_version_is_brought_up_to_date(cli, data_dir, monkeypatch) -> None:
    """A store an earlier tltrack made is read as it is; the first write adds what the
    newer version keeps, and every figure stays."""
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    database = data_dir / "2025.records.sqlite"
    with sqlite3.connect(database) as db:  # as tltrack's schema 1 made it, word for word
        db.executescript(_FIRST_VERSION)
        db.executemany(
            "INSERT INTO figure (metric, region, period, period_end, value, note, by, at,"
            " correction, revision) VALUES (?, ?, ?, ?, ?, '', 'x', '2025-07-08T10:14:09+08:00',"
            " 0, 0)",
            [
                ("gdp_growth", None, "2025-H1", "2025-06-30", "5.8"),
                ("key_projects_started", None, "2025-06", "2025-06-30", "421"),
                ("key_projects_started", "开鲁县", "2025-06", "2025-06-30", "58"),
            ],
        )
    before = database.read_bytes()
    assert cli("status", *AS_OF).exit_code == 0
    assert database.read_bytes() == before
    assert cli("record", "gdp_growth", "5.9", "--period", "2025-Q3").exit_code == 0
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 4
        values = [r[0] for r in db.execute("SELECT value FROM figure ORDER BY seq")]
        assert values == ["5.8", "421", "58", "5.9"]
        # Schema 4: where each came from; the figures from before keep none.
        kept = db.execute("SELECT unit, source FROM figure ORDER BY seq").fetchall()
        assert kept == [("", ""), ("", ""), ("", ""), ("", "typed")]
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE figure SET period_end = '2025-12-31'")
        # The series of the figures already there are listed by the upgrade, each once,
        # those not written since too (a status reads the listed series only).
        assert db.execute("SELECT metric, region FROM series ORDER BY 1, 2").fetchall() == [
            ("gdp_growth", None),
            ("key_projects_started", None),
            ("key_projects_started", "开鲁县"),
        ]
    assert cli("validate").exit_code == 0
    for as_of, gdp in (("2025-07-20", 5.8), ("2025-10-20", 5.9)):
        shown = json.loads(cli("status", "--format", "json", "--as-of", as_of).stdout)
        actual = {t["id"]: t["actual"] for t in shown["targets"]}
        assert (actual["gdp_growth"], actual["key_projects_started"]) == (gdp, 421)


_FIRST_VERSION = """
CREATE TABLE figure (
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
);
CREATE INDEX figure_series ON figure (metric, region, period_end);
PRAGMA application_id = 1953264754;
PRAGMA user_version = 1;
"""


def test_a_link_planted_beside_the_database_is_refused(cli, data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    victim = data_dir.parent / "victim"
    victim.write_bytes(b"keep")
    (data_dir / "2025.records.sqlite-wal").symlink_to(victim)
    run = cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    assert run.exit_code == 73
    assert victim.read_bytes() == b"keep"


def test_concurrent_writers_lose_nothing(data_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TLTRACK_DATA_DIR": str(data_dir), "TLTRACK_STORE": "sqlite"}
    env["TLTRACK_CACHE_DIR"] = "off"
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tltrack", "record", "housing_sales", str(month * 10),
             "--period", f"2025-{month:02d}", "--by", f"w{month}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        for month in range(1, 13)
    ]  # fmt: skip
    assert [w.wait() for w in writers] == [0] * 12
    with sqlite3.connect(data_dir / "2025.records.sqlite") as db:
        rows = db.execute("SELECT period, value FROM figure ORDER BY period").fetchall()
    assert rows == [(f"2025-{m:02d}", repr(float(m * 10))) for m in range(1, 13)]


def test_a_database_with_a_planted_trigger_is_refused(cli, gdp_in_sqlite) -> None:
    db = gdp_in_sqlite
    with sqlite3.connect(db) as other:
        other.execute("CREATE TABLE stolen (note TEXT)")
        other.execute(
            "CREATE TRIGGER copy AFTER INSERT ON figure BEGIN"
            " INSERT INTO stolen VALUES (new.note); END"
        )
    run = cli("record", "housing_sales", "30", "--period", "2025-06", "--note", "秘密")
    assert run.exit_code == 65
    assert "其中有 tltrack 不会建立的对象(table stolen, trigger copy)" in run.stderr
    with sqlite3.connect(db) as other:
        assert other.execute("SELECT count(*) FROM stolen").fetchone()[0] == 0


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE figure SET note = CAST('x' AS BLOB)",
        # Rows added, as a figure's period cannot be edited (the database refuses it).
        "INSERT INTO figure (metric, region, period, period_end, value, note, by, at,"
        " correction, revision) VALUES (5, NULL, 6, '2025-06-30', 7, 9, 10, 8, 0, 0)",
        _COPY.format("period, '2099-12-31'"),  # another period's end
        "UPDATE figure SET value = '1_000'",
        "UPDATE figure SET note = ' padded '",
        "UPDATE figure SET region = '开鲁县' || char(8203)",  # a zero-width space
        # Python's time parser takes any character between day and time, and a NUL after.
        "UPDATE figure SET at = '2025-07-01' || char(27) || '00:00:00+00:00'",
        "UPDATE figure SET at = at || char(0)",
        "UPDATE figure SET at = '2025-07-01T00:00:00'",  # no offset: whose clock?
        "UPDATE figure SET at = '2025-02-30T00:00:00+00:00'",
        "UPDATE figure SET at = 20250701",
    ],
)
def test_a_row_tltrack_would_not_write_is_refused(cli, gdp_in_sqlite, change) -> None:
    with sqlite3.connect(gdp_in_sqlite) as db:
        db.execute(change)
    assert cli("validate").exit_code == 65
    if "2099" not in change:  # status asks only for rows ending by its date
        assert cli("status").exit_code == 65


def test_a_table_of_another_definition_is_refused(cli, gdp_in_sqlite) -> None:
    db = gdp_in_sqlite
    with sqlite3.connect(db) as other:
        other.execute("DROP INDEX figure_series")
        other.execute("CREATE INDEX figure_series ON figure (metric)")
    run = cli("record", "gdp_growth", "5.9", "--period", "2025-Q3")
    assert run.exit_code == 65 and "是其他程序的数据库" in run.stderr


@pytest.mark.parametrize("space", ["\u00a0", "\u3000", "\u2028"])
def test_a_definition_spaced_with_what_sqlite_reads_as_a_name_is_refused(
    cli, gdp_in_sqlite, space
) -> None:
    """SQLite reads a no-break space as part of a name: `seq INTEGER PRIMARY KEY` with one
    is a plain column whose seq may be NULL, and a trigger `UPDATE OF metric, region`
    with one no longer fires. Neither is tltrack's definition."""
    with closing(sqlite3.connect(gdp_in_sqlite, isolation_level=None)) as db:
        db.execute("PRAGMA writable_schema=ON")
        db.execute(
            "UPDATE sqlite_master SET sql = replace(sql, 'INTEGER PRIMARY KEY',"
            " 'INTEGER' || ? || 'PRIMARY KEY') WHERE name = 'figure'",
            (space,),
        )
    with closing(sqlite3.connect(gdp_in_sqlite)) as db:
        assert next(c[5] for c in db.execute("PRAGMA table_info(figure)")) == 0  # seq: no key
    before = gdp_in_sqlite.read_bytes()
    for command in (
        ("status",),
        ("validate",),
        ("record", "gdp_growth", "5.9", "--period", "2025-Q3"),
    ):
        run = cli(*command, "--lang", "en")
        assert run.exit_code == 65, run
        assert "is not a tltrack figures database" in run.stderr + run.stdout
    assert gdp_in_sqlite.read_bytes() == before


def test_an_upgrade_between_two_reads_of_the_schema_is_no_stranger(
    cli, data_dir, monkeypatch
) -> None:
    """Another tltrack upgrades the store after this one read its version and before it
    read its objects: one snapshot holds both, so the store is still known for tltrack's."""
    from tltrack.stores.sqlite import store as store_sqlite
    from tltrack.stores.sqlite.schema import upgrade

    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    database = data_dir / "2025.records.sqlite"
    old_store(database)
    checked = store_sqlite.same_file
    upgrades = []

    def another_writer_meanwhile(*args):  # runs between the reads of version and objects
        if not upgrades:
            with closing(sqlite3.connect(database, isolation_level=None)) as other:
                other.execute("BEGIN IMMEDIATE")
                upgrade(other, "2025.records.sqlite")
                other.execute("COMMIT")
            upgrades.append(True)
        return checked(*args)

    monkeypatch.setattr(store_sqlite, "same_file", another_writer_meanwhile)
    shown = cli("status", "--format", "json", *AS_OF)
    assert upgrades and shown.exit_code == 0, shown.stderr
    assert (
        next(t for t in json.loads(shown.stdout)["targets"] if t["id"] == "gdp_growth")["actual"]
        == 5.8
    )


def test_a_read_leaves_another_programs_database_as_it_was(cli, data_dir, monkeypatch) -> None:
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    db = data_dir / "2025.records.sqlite"
    with sqlite3.connect(db) as other:
        other.execute("CREATE TABLE history (url TEXT)")
    before = db.read_bytes()
    assert cli("status").exit_code == 65
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("postgresql+psycopg://u:s3cret@h/db", 2),  # no store tltrack knows
        ("PostgreSQL://u:s3cret@/db?host=/nonexistent&port=1&sslmode=disable", 69),  # no server
        ("pgsql://u:pa/s3cret@host/db", 2),  # a / in the password
        ("host=db user=u password=s3cret", 2),  # libpq's key/value text
        ("postgresql:///db?password=s3cret&host=/nonexistent&port=1", 69),  # in the query
        ("postgresql://u:s3%zzcret@/db?host=/nonexistent&port=1", 69),  # libpq quotes it
        ("postgresql:///db?host=/nonexistent&port=1&password=s3%zzcret", 69),
    ],
)
def test_a_store_address_with_a_password_is_not_printed(
    cli, monkeypatch, address: str, code: int
) -> None:
    monkeypatch.setenv("TLTRACK_STORE", address)
    run = cli("status", "--lang", "en")
    assert run.exit_code == code, run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert "s3" not in run.stderr and "cret" not in run.stderr, run.stderr


def test_two_regions_of_one_period_are_not_a_conflict(cli, data_dir: Path) -> None:
    write_catalog(data_dir)
    for region, value in (("开鲁县", "50"), ("科尔沁区", "200")):
        run = cli(
            "record", "key_projects_started", value, "--period", "2025-06", "--region", region
        )
        assert run.exit_code == 0
    run = cli("validate", "--lang", "en")
    assert run.exit_code == 0 and "without a correction" not in run.stdout + run.stderr


@pytest.mark.linux_only
def test_a_database_swapped_while_opened_is_refused(cli, gdp_in_sqlite, data_dir, monkeypatch):
    """A link swapped in between tltrack's checks and SQLite's own open: SQLite opens another
    database; tltrack sees the file it opened is not the one it checked."""
    elsewhere = data_dir.parent / "victim.sqlite"
    (data_dir / "2025.records.sqlite").rename(elsewhere)
    assert cli("record", "gdp_growth", "5.9", "--period", "2025-Q3").exit_code == 0  # anew
    before = elsewhere.read_bytes()
    from tltrack.stores.sqlite import store as store_sqlite

    real_connect = store_sqlite.sqlite3.connect
    monkeypatch.setattr(
        store_sqlite.sqlite3, "connect", lambda path, **kw: real_connect(elsewhere, **kw)
    )
    run = cli("record", "housing_sales", "30", "--period", "2025-06")
    assert run.exit_code == 73 and "打开时文件被替换" in run.stderr
    assert elsewhere.read_bytes() == before


def test_an_import_decides_against_its_own_periods(cli, data_dir, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    for period, value in (("2025-05", "200"), ("2025-06", "250")):
        assert cli("record", "key_projects_started", value, "--period", period).exit_code == 0
    file = tmp_path / "f.csv"
    file.write_text(
        "metric,period,value\nkey_projects_started,2025-06,250\nkey_projects_started,2025-07,300\n"
        "gdp_growth,2025-H1,5.8\n",
        encoding="utf-8",
    )
    run = cli("import", str(file), "--lang", "en")
    assert run.exit_code == 0 and run.stderr.endswith("added 2, unchanged 1, corrected 0\n")
    file.write_text("metric,period,value\nkey_projects_started,2025-05,210\n", encoding="utf-8")
    assert cli("import", str(file)).exit_code == 65  # another value for a recorded period
    run = cli("import", str(file), "--correct", "--lang", "en")
    assert run.stderr.endswith("added 0, unchanged 0, corrected 1\n")
    history = json.loads(cli("history", "key_projects_started", "--format", "json").stdout)
    may = history["periods"][0]
    assert (may["value"], [r["value"] for r in may["superseded"]]) == (210.0, [200.0])


def test_a_copy_that_does_not_read_back_is_removed(cli, data_dir: Path, monkeypatch) -> None:
    cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    cli("record", "housing_sales", "30", "--period", "2025-06")
    original = records_file(data_dir).read_bytes()
    from tltrack.stores.sqlite.store import SqliteStore

    real_read = SqliteStore.read
    calls = iter(range(10))
    # The first read finds the store empty; the read-back after the copy loses a figure.
    monkeypatch.setattr(
        SqliteStore, "read", lambda self: real_read(self)[: 1 if next(calls) else None]
    )
    run = cli("migrate", "--to", "sqlite")
    assert run.exit_code == 73 and "已删除" in run.stderr
    assert not (data_dir / "2025.records.sqlite").exists()
    assert records_file(data_dir).read_bytes() == original


@pytest.mark.parametrize("value", ["12.0", "\u0661\u0662.0", "1\u0660", "12.0 "])
def test_a_row_s_figure_is_read_only_in_ascii_digits(value: str) -> None:
    from tltrack.stores.rows import checked_record

    row = ("gdp", "2025-06", value, "2025-07-01T00:00:00+00:00", "", "", 0, 0, None)
    record = checked_record((*row, "2025-06-30", "", "", ""), 2025)
    assert (record is not None) == (value == "12.0")  # int() and float() read ١٢; TOML does not


def test_text_that_is_not_utf8_is_a_problem_for_every_command(cli, gdp_in_sqlite) -> None:
    database = gdp_in_sqlite
    with sqlite3.connect(database) as db:
        db.execute("UPDATE figure SET note = CAST(X'61FF62' AS TEXT)")
    before = database.read_bytes()
    for command in (
        ("record", "gdp_growth", "5.9", "--period", "2025-H1", "--correct"),
        ("status", *AS_OF),
        ("export",),
    ):
        run = cli(*command, "--lang", "en")
        assert run.exit_code == 65, (command, run.stderr)
        assert run.stderr == (
            "tltrack: error: 2025.records.sqlite holds a row whose text is not UTF-8:"
            " no figure tltrack wrote\n"
        )
    assert database.read_bytes() == before


def test_an_index_that_lacks_rows_is_found_by_validate(cli, gdp_in_sqlite) -> None:
    """An index rebuilt partial, its schema text then written back as tltrack's: the table
    reads whole, but a status, which reads by the index, would not see the left-out rows."""
    assert cli("record", "grain_output", "201.3", "--period", "2025").exit_code == 0
    with sqlite3.connect(gdp_in_sqlite, isolation_level=None) as db:
        made = db.execute("SELECT sql FROM sqlite_master WHERE name = 'figure_series'").fetchone()
        db.execute("DROP INDEX figure_series")
        db.execute(
            "CREATE INDEX figure_series ON figure (metric, region, period_end)"
            " WHERE metric != 'gdp_growth'"
        )
        db.execute("PRAGMA writable_schema = ON")
        db.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'figure_series'", made)
        db.execute("PRAGMA writable_schema = OFF")
        version = db.execute("PRAGMA schema_version").fetchone()[0]
        db.execute(f"PRAGMA schema_version = {version + 1}")
    run = cli("validate", "--lang", "en")
    assert run.exit_code == 65
    assert run.stdout.startswith(
        "2025.records.sqlite: the database is damaged: SQLite's integrity check found 2"
        " problem(s), the first: row 1 missing from index figure_series;"
    )
    assert cli("validate", "--lang", "zh").stdout.startswith(
        "2025.records.sqlite: 数据库已损坏：SQLite 完整性检查发现 2 处问题；"
    )


def test_an_upgrade_never_writes_over_a_later_tltrack_s(gdp_in_sqlite) -> None:
    """Two writers: this one found an older schema, a later tltrack upgraded the store
    before this one's transaction began. Its upgrade refuses, and leaves the later schema
    as it is."""
    from tltrack.errors import DataError
    from tltrack.stores.sqlite.schema import upgrade

    with closing(sqlite3.connect(gdp_in_sqlite, isolation_level=None)) as db:
        db.execute("PRAGMA user_version = 5")
        db.execute("BEGIN IMMEDIATE")
        with pytest.raises(DataError, match="later tltrack"):
            upgrade(db, "2025.records.sqlite")
        db.execute("ROLLBACK")
        assert db.execute("PRAGMA user_version").fetchone()[0] == 5


def test_a_refused_write_leaves_an_older_store_as_it_was(cli, data_dir, monkeypatch) -> None:
    """The upgrade is part of the write's transaction: a figure refused (here, one already
    recorded without --correct) leaves the file byte for byte, its schema too."""
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    database = data_dir / "2025.records.sqlite"
    old_store(database)
    before = database.read_bytes()
    run = cli("record", "gdp_growth", "5.9", "--period", "2025-H1", "--lang", "en")
    assert run.exit_code == 65 and "--correct" in run.stderr
    assert database.read_bytes() == before
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1


def old_store(database: Path) -> None:
    """A store as tltrack's schema 1 made it, holding GDP growth for 2025-H1, in WAL mode."""
    with closing(sqlite3.connect(database, isolation_level=None)) as db:
        db.executescript(_FIRST_VERSION)
        db.execute(
            "INSERT INTO figure (metric, region, period, period_end, value, note, by, at,"
            " correction, revision) VALUES ('gdp_growth', NULL, '2025-H1', '2025-06-30', '5.8',"
            " '', 'x', '2025-07-08T10:14:09+08:00', 0, 0)"
        )
        assert db.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)  # as tltrack's are


def test_a_file_another_program_fills_before_the_first_write_is_not_stamped(
    cli, data_dir, monkeypatch
) -> None:
    """The first write found the file empty; another program made a table in it before the
    write's transaction began. The write refuses it rather than make it tltrack's."""
    from tltrack.stores.sqlite.store import SqliteStore

    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    database = data_dir / "2025.records.sqlite"
    connect = SqliteStore._connect

    def another_program_meanwhile(self, create, real=None):
        connection = connect(self, create, real)
        if create:
            with closing(sqlite3.connect(database, isolation_level=None)) as other:
                other.execute("CREATE TABLE accounts (id INTEGER)")
        return connection

    monkeypatch.setattr(SqliteStore, "_connect", another_program_meanwhile)
    run = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "en")
    assert run.exit_code == 65 and "table accounts" in run.stderr
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("accounts",)]


def test_a_full_disk_during_the_upgrade_is_an_io_error(cli, data_dir, monkeypatch) -> None:
    from tltrack.stores.sqlite import schema as sqlite_schema
    from tltrack.stores.sqlite import store as store_sqlite

    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    database = data_dir / "2025.records.sqlite"
    old_store(database)
    before = database.read_bytes()
    upgrade = sqlite_schema.upgrade

    def on_a_full_disk(connection, name):  # no page beyond those the store has
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        upgrade(connection, name)

    monkeypatch.setattr(store_sqlite, "upgrade", on_a_full_disk)
    run = cli("record", "gdp_growth", "5.9", "--period", "2025-Q3", "--lang", "en")
    assert (run.exit_code, run.stderr) == (
        74,
        "tltrack: error: cannot write 2025.records.sqlite: No space left on device\n",
    )
    assert database.read_bytes() == before


def test_a_writer_killed_mid_transaction_leaves_nothing(cli, gdp_in_sqlite) -> None:
    """kill -9 while a writer holds the database with its figure appended, not committed:
    the next writer waits for nothing, and only what was committed is there."""
    import signal

    script = (
        "import sys, time\n"
        "from datetime import UTC, datetime\n"
        "from pathlib import Path\n"
        "from tltrack.domain.figures import Record\n"
        "from tltrack.stores.sqlite.store import SqliteStore\n"
        "with SqliteStore(Path(sys.argv[1])).change() as change:\n"
        "    change.append([Record('gdp_growth', '2025-Q3', 9.9, datetime.now(UTC), '', 'x')])\n"
        "    print('inside', flush=True)\n"
        "    time.sleep(60)\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(gdp_in_sqlite)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "inside\n"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert gdp_in_sqlite.with_name("2025.records.sqlite-wal").exists()  # as the kill left it
    run = cli("record", "grain_output", "201.3", "--period", "2025")
    assert run.exit_code == 0, run.stderr
    exported = json.loads(cli("export", "--format", "json").stdout)["records"]
    assert [(r["metric"], r["value"]) for r in exported] == [
        ("gdp_growth", 5.8),
        ("grain_output", 201.3),
    ]
    assert cli("validate").exit_code == 0


def _with_last_year(data_dir: Path) -> None:
    write_catalog(data_dir)
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    (data_dir / "2024.toml").write_text(text.replace("2025", "2024"), encoding="utf-8")


def _last_year_cell(cli) -> str:
    md = cli("report", "--as-of", "2025-07-20").stdout
    header = next(line for line in md.splitlines() if line.startswith("| 指标 |"))
    row = next(line for line in md.splitlines() if line.startswith("| 开复工重点项目 |"))
    cells = dict(zip(header.split(" | "), row.split(" | "), strict=True))
    return cells.get("上年同期", "(no column)")


def test_last_years_figures_are_read_from_its_store(cli, data_dir: Path, monkeypatch) -> None:
    """上年同期 comes from the store last year's figures are kept in: after `migrate --to sqlite`
    and a correction there, the corrected figure, not the TOML file left behind; and with no
    TOML file at all, still there."""
    _with_last_year(data_dir)
    assert cli("record", "key_projects_started", "390", "--period", "2024-06").exit_code == 0
    assert cli("migrate", "--to", "sqlite", "--year", "2024").exit_code == 0
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    run = cli("record", "key_projects_started", "400", "--period", "2024-06", "--correct")
    assert run.exit_code == 0, run.stderr
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    assert _last_year_cell(cli) == "400个"
    (data_dir / "2024.records.toml").unlink()
    assert _last_year_cell(cli) == "400个"


def test_the_store_is_one_word_in_any_case(cli, data_dir: Path, monkeypatch) -> None:
    """TLTRACK_STORE and [meta] store are read alike everywhere: ' SQLite ' is the SQLite store
    for a write, a status and the year before's figures."""
    _with_last_year(data_dir)
    monkeypatch.setenv("TLTRACK_STORE", " SQLite ")
    assert cli("record", "key_projects_started", "390", "--period", "2024-06").exit_code == 0
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    assert not (data_dir / "2025.records.toml").exists()
    assert (data_dir / "2025.records.sqlite").is_file()
    assert _last_year_cell(cli) == "390个"
    monkeypatch.delenv("TLTRACK_STORE")
    assert cli("migrate", "--to", "TOML").exit_code == 0
    assert "2025-06" in records_file(data_dir).read_text(encoding="utf-8")
    monkeypatch.setenv("TLTRACK_STORE", " SQLite ")
    run = cli("db", "init")
    assert run.exit_code == 2 and "PostgreSQL" in run.stderr


def test_the_target_files_own_store_is_each_years(cli, data_dir: Path) -> None:
    """`[meta] store` chooses each year's store: 2024 in SQLite, 2025 in its TOML file, and the
    bulletin's 上年同期 reads 2024's figures from where 2024's file keeps them."""
    _with_last_year(data_dir)
    last_year = data_dir / "2024.toml"
    text = last_year.read_text(encoding="utf-8")
    # Read as TLTRACK_STORE is: in any case, spaces around it.
    last_year.write_text(text.replace("[meta]\n", '[meta]\nstore = " SQLite "\n', 1), "utf-8")
    assert cli("record", "key_projects_started", "390", "--period", "2024-06").exit_code == 0
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    assert (data_dir / "2024.records.sqlite").is_file()
    assert not (data_dir / "2024.records.toml").exists()
    assert records_file(data_dir).is_file() and not (data_dir / "2025.records.sqlite").exists()
    assert _last_year_cell(cli) == "390个"


@pytest.mark.parametrize("store", ["toml", "sqlite"])
def test_a_figure_of_another_year_is_named_where_it_stands_and_never_copied(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    """2025's store keeps 2025's figures, as PostgreSQL's checks say too: one of 2024, put in
    by hand, is named with its line or row by every command, and migrate copies nothing."""
    monkeypatch.setenv("TLTRACK_STORE", store)
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    if store == "sqlite":
        with closing(sqlite3.connect(data_dir / "2025.records.sqlite")) as db, db:
            db.execute(
                "INSERT INTO figure (metric, region, period, period_end, value, note, by, at,"
                " correction, revision) VALUES ('gdp_growth', NULL, '2024-06', '2024-06-30',"
                " '1.0', '', '', '2025-07-01T00:00:00+08:00', 0, 0)"
            )
        where = "2025.records.sqlite:2:"  # its row
    else:
        path = records_file(data_dir)
        text = path.read_text(encoding="utf-8")
        line = '  { metric = "gdp_growth", period = "2024-06", value = 1.0, note = "", by = "",'
        line += " at = 2025-07-01T00:00:00+08:00 },\n"
        path.write_text(text.replace("]\n", line + "]\n"), encoding="utf-8")
        number = path.read_text(encoding="utf-8").splitlines().index(line.rstrip("\n")) + 1
        where = f"2025.records.toml:{number}:"  # its line
    before = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()}
    monkeypatch.delenv("TLTRACK_STORE")
    for command in (
        ["status"],
        ["check"],
        ["validate"],
        ["record", "gdp_growth", "6", "--period", "2025-Q3"],
        ["migrate", "--to", "toml" if store == "sqlite" else "sqlite"],
    ):
        monkeypatch.setenv("TLTRACK_STORE", store)
        if command[0] == "migrate":
            monkeypatch.delenv("TLTRACK_STORE")
        run = cli(*command, "--lang", "en")
        if command == ["status"] and store == "sqlite":
            # A database's status reads each series' newest figures only: 2025-H1 here.
            assert run.exit_code == 0 and "5.8" in run.stdout
            continue
        assert run.exit_code == 65, (command, run.stderr)
        said = run.stdout + run.stderr  # validate lists its problems on stdout
        assert where in said, (command, said)
        assert "a figure of 2024-06 is not one of 2025" in said or (
            store == "sqlite" and "a period of another year" in said
        )
        after = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()}
        assert after == before, command


@pytest.mark.parametrize("to", ["sqlite", "toml"])
def test_a_migration_stopped_before_its_read_back_leaves_no_store(
    cli, data_dir: Path, monkeypatch, to: str
) -> None:
    """The copy takes the store's name only once it reads back the same: a copy stopped
    after it was written (killed, here an error in the read-back) leaves no store that no
    one checked, and the next run copies again."""
    from tltrack.errors import StorageIOError
    from tltrack.stores.sqlite.store import SqliteStore
    from tltrack.stores.toml.store import TomlStore

    if to == "toml":
        monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    kind = SqliteStore if to == "sqlite" else TomlStore
    read = kind.read

    def stopped(self) -> list:  # type: ignore[no-untyped-def]
        if "migrating" in self.path.name:
            raise StorageIOError("interrupted")
        return read(self)

    monkeypatch.setattr(kind, "read", stopped)
    run = cli("migrate", "--to", to)
    assert run.exit_code == 74
    assert sorted(
        p.name for p in data_dir.iterdir() if "records" in p.name and p.name[0] != "."
    ) == [f"2025.records.{'toml' if to == 'sqlite' else 'sqlite'}"]
    assert not [p for p in data_dir.iterdir() if "migrating" in p.name]
    monkeypatch.setattr(kind, "read", read)
    again = cli("migrate", "--to", to)
    assert again.exit_code == 0, again.stderr
    monkeypatch.setenv("TLTRACK_STORE", to)
    assert "421个" in cli("status", "--as-of", "2025-07-20").stdout


def test_migrate_never_removes_a_file_in_the_stores_place(cli, data_dir: Path) -> None:
    """A store file there already, even with no figure (another run may be making it), is
    left alone and said; and the records file's lock is never removed."""
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    (data_dir / "2025.records.sqlite").write_bytes(b"")
    lock = data_dir / ".2025.records.toml.lock"  # where flock is (a holder file elsewhere)
    locked = lock.exists()
    run = cli("migrate", "--to", "sqlite")
    assert run.exit_code == 73, run.stderr
    assert "2025.records.sqlite 已存在(其中没有数据)" in run.stderr
    assert (data_dir / "2025.records.sqlite").read_bytes() == b""
    assert lock.exists() == locked
    (data_dir / "2025.records.sqlite").unlink()
    assert cli("migrate", "--to", "sqlite").exit_code == 0
    assert lock.exists() == locked
