"""tltrack import: CSV in UTF-8, UTF-8 with BOM and GB18030, .xlsx and JSON; all or nothing."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import SHIPPED_TARGETS, records_file

SHIPPED = SHIPPED_TARGETS / "2025.toml"


@pytest.fixture
def cli(cli, monkeypatch: pytest.MonkeyPatch):
    """These tests read the English messages; one test below reads the Chinese ones."""
    monkeypatch.setenv("TLTRACK_LANG", "en")
    return cli


CUMULATIVE = [
    "key_projects_started",
    "high_standard_farmland",
    "beef_leading_enterprises",
    "industrial_chain_projects_started",
    "service_key_projects",
    "innovation_consortia",
    "urban_renewal_projects",
    "power_grid_projects",
    "desertification_control",
    "new_energy_projects",
]


def sixty_rows() -> list[list[str]]:
    """60 distinct figures: ten cumulative targets, January to June, each a twelfth of its
    goal a month (figures no review rule finds unusual)."""
    goals = {t["id"]: t.get("target") for t in tomllib.loads(SHIPPED.read_text("utf-8"))["target"]}
    return [
        [metric, f"2025-{month:02d}", str(round(goals[metric] * month / 12, 2)), "市统计局"]
        for metric in CUMULATIVE
        for month in range(1, 7)
    ]


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def entries(data_dir: Path) -> list[dict]:
    return tomllib.loads(records_file(data_dir).read_text(encoding="utf-8"))["record"]


def test_a_60_row_csv_is_imported(cli, data_dir: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "figures.csv", ["metric", "period", "value", "note"], sixty_rows())
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == "figures.csv: added 60, unchanged 0, corrected 0"
    assert len(entries(data_dir)) == 60
    assert entries(data_dir)[0] | {"at": None} == {
        "metric": "key_projects_started",
        "period": "2025-01",
        "value": 41.67,
        "note": "市统计局",
        "by": "tester",
        "at": None,
        "source": f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()} figures.csv",
    }


def test_a_bad_row_17_writes_nothing_and_is_named(cli, data_dir: Path, tmp_path: Path) -> None:
    rows = sixty_rows()
    rows[16][2] = "二十"  # the 17th data row, line 18 of the file
    path = write_csv(tmp_path / "figures.csv", ["metric", "period", "value", "note"], rows)
    result = cli("import", str(path))
    assert result.exit_code == 65
    assert result.stderr == (
        "figures.csv: row 17 (line 18): bad value '二十': write the number in digits"
        " (200, not 二百) (nothing was imported from figures.csv: 1 problem(s))\n"
    )
    assert not records_file(data_dir).exists()


def test_every_bad_row_is_listed(cli, data_dir: Path, tmp_path: Path) -> None:
    rows = sixty_rows()
    rows[2][0] = "gdp_grwth"
    rows[4][1] = "2025-13"
    rows[9][2] = "nan"
    rows[11][1] = ""
    path = write_csv(tmp_path / "figures.csv", ["metric", "period", "value", "note"], rows)
    result = cli("import", str(path))
    assert result.exit_code == 65
    assert result.stderr.splitlines() == [
        "figures.csv: row 3 (line 4): unknown metric 'gdp_grwth' in 2025.toml; did you mean"
        " gdp_growth, rd_spending_growth?",
        "figures.csv: row 5 (line 6): bad period '2025-13': month must be 01 to 12",
        "figures.csv: row 10 (line 11): bad value 'nan': nan and infinity are not figures",
        "figures.csv: row 12 (line 13): high_standard_farmland: no period",
        "nothing was imported from figures.csv: 4 problem(s)",
    ]
    assert not records_file(data_dir).exists()


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_chinese_headers_in_the_encodings_excel_writes(
    cli, data_dir: Path, tmp_path: Path, encoding: str
) -> None:
    rows = [
        ["开复工重点项目", "2025-06", "262", "市发改委调度", "张三"],
        ["粮食产量", "2025", "201.3亿斤", "", "李四"],
        ["地区生产总值增长", "2025-H1", "5.8%", "", ""],
    ]
    path = write_csv(
        tmp_path / "6月.csv", ["指标", "期间", "数值", "备注", "填报人"], rows, encoding
    )
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    got = [(e["metric"], e["period"], e["value"], e["note"], e["by"]) for e in entries(data_dir)]
    assert got == [
        ("key_projects_started", "2025-06", 262.0, "市发改委调度", "张三"),
        ("grain_output", "2025", 201.3, "", "李四"),
        ("gdp_growth", "2025-H1", 5.8, "", "tester"),
    ]


def test_a_file_in_no_known_encoding_is_refused(cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"metric,period,value\r\ngdp_growth,2025-06,\x81\x30\r\n")
    result = cli("import", str(path))
    assert result.exit_code == 65
    assert result.stderr == (
        "tltrack: error: cannot read bad.csv: line 2 is neither UTF-8 nor GB18030 text\n"
    )


def test_xlsx(cli, data_dir: Path, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["指标", "期间", "数值", "备注"])
    sheet.append(["key_projects_started", "2025-06", 262, "调度"])
    sheet.append([None, None, None, None])  # a blank row is skipped
    sheet.append(["grain_output", 2025, 201.3, None])
    from datetime import datetime

    sheet.append(["housing_sales", datetime(2025, 6, 1), 71.5, "Excel made the period a date"])
    path = tmp_path / "2025年6月.xlsx"
    workbook.save(path)
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert [(e["metric"], e["period"], e["value"]) for e in entries(data_dir)] == [
        ("key_projects_started", "2025-06", 262.0),
        ("grain_output", "2025", 201.3),
        ("housing_sales", "2025-06", 71.5),
    ]


def test_xlsx_bad_row_names_the_sheet_row(cli, data_dir: Path, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["metric", "period", "value"])
    sheet.append(["key_projects_started", "2025-06", 262])
    sheet.append(["key_projects_started", "2025-07", "three hundred"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    result = cli("import", str(path))
    assert result.exit_code == 65
    assert result.stderr.startswith("f.xlsx: row 2 (sheet row 3): bad value 'three hundred'")
    assert not records_file(data_dir).exists()


def test_a_period_excel_keeps_as_a_number_is_refused(cli, data_dir: Path, tmp_path: Path) -> None:
    """2025.10 typed into a number cell is kept as 2025.1: October or January cannot be told,
    so the import stops and says how to write it; the same text in a CSV is October."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["指标", "期间", "数值"])
    sheet.append(["key_projects_started", 2025.10, 262])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    result = cli("import", str(path), "--lang", "en")
    assert result.exit_code == 65
    assert result.stderr == (
        "tltrack: error: cannot import f.xlsx: row 1 (sheet row 2) has the period 2025.1 as a"
        " number, which Excel keeps without its last zero (2025.10 as 2025.1): write it as"
        " text, 2025-10 or 2025年10月\n"
    )
    assert not records_file(data_dir).exists()
    sent = tmp_path / "f.csv"
    sent.write_text("指标,期间,数值\nkey_projects_started,2025.10,262\n", encoding="utf-8")
    assert cli("import", str(sent)).exit_code == 0
    assert [e["period"] for e in entries(data_dir)] == ["2025-10"]


def test_json(cli, data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text(
        json.dumps(
            {
                "records": [
                    {"metric": "gdp_growth", "period": "2025-Q2", "value": 5.7, "note": "初步核算"},
                    {"metric": "key_projects_started", "period": "2025-06", "value": "262"},
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = cli("import", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["added"], report["unchanged"], report["corrected"]) == (2, 0, 0)
    assert report["changes"][0]["source"] == "row 1 (item 1)"
    assert len(entries(data_dir)) == 2


def test_repeats_are_unchanged_and_changes_need_correct(
    cli, data_dir: Path, tmp_path: Path
) -> None:
    header = ["metric", "period", "value"]
    first = write_csv(
        tmp_path / "a.csv",
        header,
        [
            ["key_projects_started", "2025-06", "262"],
            ["gdp_growth", "2025-H1", "5.8"],
        ],
    )
    assert cli("import", str(first)).exit_code == 0
    before = records_file(data_dir).read_bytes()
    again = cli("import", str(first))
    assert again.exit_code == 0
    assert again.stderr.strip() == "a.csv: added 0, unchanged 2, corrected 0"
    assert records_file(data_dir).read_bytes() == before

    revised = write_csv(
        tmp_path / "b.csv",
        header,
        [
            ["key_projects_started", "2025-06", "262"],
            ["gdp_growth", "2025-H1", "5.9"],
            ["housing_sales", "2025-06", "70"],
        ],
    )
    refused = cli("import", str(revised))
    assert refused.exit_code == 65
    assert refused.stderr.splitlines()[0].startswith(
        "b.csv: row 2 (line 3): gdp_growth already has 5.8 for 2025-H1"
    )
    assert records_file(data_dir).read_bytes() == before

    dry = cli("import", str(revised), "--correct", "--dry-run")
    assert dry.exit_code == 0
    assert dry.stderr.strip() == (
        "b.csv: would add 1, unchanged 1, would correct 1; dry run, nothing written"
    )
    assert records_file(data_dir).read_bytes() == before

    done = cli("import", str(revised), "--correct")
    assert done.stderr.strip() == "b.csv: added 1, unchanged 1, corrected 1"
    assert [(e["value"], e.get("correction", False)) for e in entries(data_dir)] == [
        (262.0, False),
        (5.8, False),
        (5.9, True),
        (70.0, False),
    ]


def test_the_same_period_twice_in_a_file(cli, data_dir: Path, tmp_path: Path) -> None:
    header = ["metric", "period", "value"]
    same = write_csv(tmp_path / "s.csv", header, [["gdp_growth", "2025-06", "5.8"]] * 2)
    assert cli("import", str(same)).stderr.strip() == "s.csv: added 1, unchanged 0, corrected 0"
    clash = write_csv(
        tmp_path / "c.csv",
        header,
        [
            ["housing_sales", "2025-06", "70"],
            ["housing_sales", "2025-06", "71"],
        ],
    )
    result = cli("import", str(clash))
    assert result.exit_code == 65
    assert result.stderr.splitlines()[0] == (
        "c.csv: row 2 (line 3): housing_sales 2025-06 is 71 here but 70 in row 1 (line 2)"
        " (nothing was imported from c.csv: 1 problem(s))"
    )


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (["metric", "value"], [["gdp_growth", "5"]], "no period column"),
        (
            ["metric", "period", "vaule"],
            [["gdp_growth", "2025-06", "5"]],
            "unknown column(s) 'vaule'",
        ),
        (["metric", "period", "value", "value"], [["a", "b", "c", "d"]], "appears twice"),
        (
            ["metric", "period", "value", "unit"],
            [["gdp_growth", "2025-06", "5", "亿元"]],
            "the unit is '亿元', but the target is in '%'",
        ),
        (["metric", "period", "value"], [], "holds no figures"),
    ],
)
def test_malformed_files(
    cli, data_dir: Path, tmp_path: Path, header: list[str], rows: list[list[str]], message: str
) -> None:
    path = write_csv(tmp_path / "m.csv", header, rows)
    result = cli("import", str(path))
    assert result.exit_code == 65
    assert message in result.stderr
    assert not records_file(data_dir).exists()


def test_missing_and_unsupported_files(cli, tmp_path: Path) -> None:
    missing = cli("import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 66 and "nope.csv" in missing.stderr
    odd = tmp_path / "f.ods"
    odd.write_bytes(b"x")
    assert cli("import", str(odd)).exit_code == 65
    broken = tmp_path / "f.xlsx"
    broken.write_bytes(b"not a zip")
    result = cli("import", str(broken))
    assert result.exit_code == 65 and "not an .xlsx workbook" in result.stderr


def test_messages_in_chinese(cli, tmp_path: Path) -> None:
    header = ["metric", "period", "value"]
    good = write_csv(tmp_path / "a.csv", header, [["gdp_growth", "2025-06", "5.8"]])
    assert cli("import", str(good), "--lang", "zh").stderr == "a.csv: 新增 1，未变 0，更正 0\n"
    bad = write_csv(tmp_path / "b.csv", header, [["gdp_growth", "2025-07", "x"]])
    assert cli("import", str(bad), "--lang", "zh").stderr == (
        "b.csv: 第 1 行(文件第 2 行): 数值 'x' 无效: 不是数字；请填写数字(可带小数点)，如 5.8"
        " (b.csv 未导入任何数据: 1 个问题)\n"
    )


def test_a_refused_import_lists_bad_rows_and_changed_figures_together(cli, tmp_path) -> None:
    assert cli("record", "key_projects_started", "262", "--period", "2025-06").exit_code == 0
    file = tmp_path / "mixed.csv"
    file.write_text(
        "metric,period,value\n"
        "gdp_growth,2025-13,5.8\n"
        "key_projects_started,2025-06,263\n"
        "housing_sales,2025-04,二十\n"
    )
    result = cli("import", str(file), "--lang", "en")
    assert result.exit_code == 65
    lines = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines[:3]] == [
        "row 1 (line 2)",
        "row 2 (line 3)",
        "row 3 (line 4)",
    ]
    assert "key_projects_started already has 262 for 2025-06" in lines[1]
    assert lines[1].endswith("; to replace it, run again with --correct")
    assert lines[3] == "nothing was imported from mixed.csv: 3 problem(s)"


def test_the_import_table_names_targets_as_people_wrote_them(cli, tmp_path) -> None:
    file = tmp_path / "names.csv"
    file.write_text("metric,period,value\n新建5G基站,2025-07,280\n", encoding="utf-8")
    table = cli("import", str(file), "--dry-run", "--lang", "zh", "--verbose").stdout
    assert "新建5G基站" in table and "new_5g_base_stations" not in table
    counted = cli("import", str(file), "--dry-run", "--lang", "zh")  # people get the counts
    assert counted.stdout == ""
    assert counted.stderr == "names.csv: 将新增 1，未变 0，将更正 0；试运行，未写入\n"
    scripts = cli("import", str(file), "--dry-run", "--format", "csv").stdout
    assert scripts.splitlines()[1].startswith("added,row 1 (line 2),new_5g_base_stations,,2025-07,")


@pytest.mark.parametrize("store", ["toml", "sqlite"])
def test_an_import_across_two_years_is_all_or_nothing(
    cli, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    """December's figure goes to 2025's store, June's to 2026's: when one cannot be written
    (a full disk, a database that refuses writes), the other is not written either."""
    import errno

    from tltrack.files import disk

    monkeypatch.setenv("TLTRACK_STORE", store)
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    (data_dir / "2026.toml").write_text(text.replace("year = 2025", "year = 2026"), "utf-8")
    assert (
        cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--year", "2025").exit_code == 0
    )
    before = _files(data_dir)
    sent = tmp_path / "two.csv"
    sent.write_text("metric,period,value\ngdp_growth,2026-06,6.1\ngdp_growth,2025-12,6.0\n")
    if store == "toml":  # the second file prepared finds the disk full
        real_take_over = disk._take_over
        prepared = []

        def full_on_the_second_file(*args: object) -> None:
            prepared.append(args)
            if len(prepared) > 1:
                raise OSError(errno.ENOSPC, "No space left on device")
            real_take_over(*args)

        monkeypatch.setattr(disk, "_take_over", full_on_the_second_file)
    else:  # 2025's database cannot be written: its insert fails
        from tltrack.stores.sqlite import store as sqlite_store

        real_connect = sqlite_store.SqliteStore._connect

        def full_database(self, *args, **kwargs):
            connection = real_connect(self, *args, **kwargs)
            if connection is not None and self.year == 2025:
                connection.execute("PRAGMA query_only = 1")
            return connection

        monkeypatch.setattr(sqlite_store.SqliteStore, "_connect", full_database)
    run = cli("import", str(sent))
    assert run.exit_code == {"toml": 74, "sqlite": 77}[store], run.stderr
    after = _files(data_dir)
    if store == "sqlite":  # the new year's database was opened, and holds nothing
        import sqlite3
        from contextlib import closing

        after.pop("2026.records.sqlite")
        with closing(sqlite3.connect(data_dir / "2026.records.sqlite")) as db:
            assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    assert after == before
    if store == "toml":
        monkeypatch.setattr(disk, "_take_over", real_take_over)
    else:
        monkeypatch.setattr(sqlite_store.SqliteStore, "_connect", real_connect)
    assert cli("import", str(sent)).exit_code == 0  # once it can be written, as if never tried


def _files(folder: Path) -> dict[str, bytes]:
    """The files of a folder and their bytes; lock files are made empty and left, as ever."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.endswith(".lock")}
