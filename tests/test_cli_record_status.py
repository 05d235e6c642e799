"""record -> status scenarios through the real CLI, on a temporary copy of the data."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from conftest import Run, records_file

AS_OF_JULY = ("--as-of", "2025-07-20")

CONTRACT_FIELDS = {
    "id",
    "name",
    "category",
    "owner",
    "kind",
    "direction",
    "unit",
    "target",
    "baseline",
    "actual",
    "period",
    "completion",
    "expected",
    "gap",
    "projected",
    "status",
    "stale",
}


def status_json(cli, *args: str) -> dict[str, Any]:
    result: Run = cli("status", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def row(report: dict[str, Any], target_id: str) -> dict[str, Any]:
    return next(t for t in report["targets"] if t["id"] == target_id)


def test_status_json_follows_the_contract(cli) -> None:
    report = status_json(cli, "--as-of", "2025-07-20")
    assert set(report) == {"year", "as_of", "summary", "targets"}
    assert (report["year"], report["as_of"]) == (2025, "2025-07-20")
    assert report["summary"] == {
        "achieved": 0,
        "ahead": 0,
        "on_track": 0,
        "behind": 0,
        "at_risk": 0,
        "missed": 0,
        "no_data": 73,
    }
    assert len(report["targets"]) == 73
    for item in report["targets"]:
        assert set(item) >= CONTRACT_FIELDS
    gdp = row(report, "gdp_growth")
    assert gdp | {"recorded_at": None} == {
        "id": "gdp_growth",
        "name": "地区生产总值增长",
        "category": "主要指标",
        "owner": None,
        "co_owners": [],
        "region": None,
        "kind": "growth",
        "direction": "at_least",
        "unit": "%",
        "stretch": False,
        "target": 6.0,
        "baseline": 1686.0,
        "baseline_unit": "亿元",
        "actual": None,
        "period": None,
        "completion": None,
        "expected": None,
        "gap": None,
        "projected": None,
        "status": "no_data",
        "stale": None,
        "recorded_at": None,
        "source": None,
        "regions_reported": None,
        "rollup_sum": None,
        "review": None,
        "explanation": None,
    }


def test_a_month_for_every_kind(cli) -> None:
    steps = [
        ("key_projects_started", "421", "2025-06"),
        ("地区生产总值增长", "5.8", "2025-H1"),  # by its Chinese name
        ("grain_output", "120", "2025-06"),  # year_end: never behind mid-year
        ("online_service_rate", "96.5%", "2025-06"),
        ("inferior_v_water_sections", "1", "2025-06"),
        ("yinchuo_jiliao_phase2_water", "完成", "2025-06"),
        ("gahaishan_reservoir", "70%", "2025-06"),
        ("desertification_control", "150", "2025-06"),
        ("industrial_water_use_reduction", "11", "2025-06"),
    ]
    for metric, value, period in steps:
        result = cli("record", metric, value, "--period", period, "--note", "市发改委调度")
        assert result.exit_code == 0, result.stderr
    report = status_json(cli, *AS_OF_JULY)
    expected = {
        "key_projects_started": ("on_track", 421, 84.2, 80.0, 4.2, 526.25),
        "gdp_growth": ("behind", 5.8, None, None, -0.2, 5.8),
        "grain_output": ("on_track", 120, 60.0, 0.0, 60.0, None),
        "online_service_rate": ("ahead", 96.5, None, None, 1.5, 96.5),  # 1.5 points above
        "inferior_v_water_sections": ("at_risk", 1, None, None, -1.0, 1.0),
        "yinchuo_jiliao_phase2_water": ("achieved", 100, 100.0, None, None, None),
        "gahaishan_reservoir": ("on_track", 70, 70.0, None, None, None),
        "desertification_control": ("behind", 150, 42.8571, 50.0, -7.1429, 300.0),
        "industrial_water_use_reduction": ("behind", 11, 81.4815, 90.6399, -1.2364, 11.0),
    }
    for target_id, (status, actual, completion, exp, gap, projected) in expected.items():
        item = row(report, target_id)
        got = (
            item["status"],
            item["actual"],
            item["completion"],
            item["expected"],
            item["gap"],
            item["projected"],
        )
        assert got == pytest.approx((status, actual, completion, exp, gap, projected), abs=1e-3), (
            target_id
        )
        assert item["stale"] is False
    assert report["summary"]["no_data"] == 64
    assert sum(report["summary"].values()) == 73


def test_growth_short_by_more_than_one_point_is_at_risk(cli) -> None:
    assert cli("record", "retail_sales_growth", "2.9", "--period", "2025-06").exit_code == 0
    assert row(status_json(cli, *AS_OF_JULY), "retail_sales_growth")["status"] == "at_risk"


def test_the_full_year_decides(cli) -> None:
    cli("record", "grain_output", "201.3", "--period", "2025")
    cli("record", "key_projects_started", "480", "--period", "2025")
    cli("record", "gdp_growth", "6.1", "--period", "2025")
    report = status_json(cli, "--as-of", "2026-02-15")
    assert row(report, "grain_output")["status"] == "achieved"
    assert row(report, "key_projects_started")["status"] == "missed"
    assert row(report, "gdp_growth")["status"] == "achieved"
    assert report["summary"]["achieved"] == 2 and report["summary"]["missed"] == 1


def test_an_old_figure_is_flagged_stale(cli) -> None:
    cli("record", "key_projects_started", "200", "--period", "2025-04")
    item = row(status_json(cli, "--as-of", "2025-07-20"), "key_projects_started")
    assert (item["period"], item["stale"]) == ("2025-04", True)
    table = cli("status", "--as-of", "2025-07-20", "--status", "ahead,on_track,behind,at_risk")
    line = next(line for line in table.stdout.splitlines() if "开复工重点项目" in line)
    assert "2025-04*" in line
    assert table.stdout.rstrip().endswith("* 数据过期: 期间结束已超过 45 天")
    fresh = cli("status", "--as-of", "2025-05-31")
    assert "2025-04*" not in fresh.stdout and "数据过期" not in fresh.stdout


def test_a_figure_is_not_used_before_its_period_ends(cli) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06")
    assert row(status_json(cli, "--as-of", "2025-06-29"), "key_projects_started")["status"] == (
        "no_data"
    )


def test_record_prints_the_targets_status_line(cli) -> None:
    result = cli("record", "key_projects_started", "421", "--period", "2025-06")
    assert result.exit_code == 0
    assert result.stderr.strip() == "已填报 key_projects_started 2025-06 = 421个"
    line = next(line for line in result.stdout.splitlines() if "开复工重点项目" in line)
    for cell in (
        "421个",
        "2025-06",
        "≥500个",
        "84.2%",
        "80%",
        "+4.2",
        "526个",
        "进度正常",
    ):
        assert cell in line


def test_record_json(cli) -> None:
    result = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--format", "json")
    item = json.loads(result.stdout)
    assert (item["outcome"], item["actual"], item["gap"], item["period"]) == (
        "added",
        5.8,
        -0.2,
        "2025-H1",
    )


def test_records_file_holds_who_when_and_why(cli, data_dir: Path) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06", "--note", "市发改委调度")
    text = records_file(data_dir).read_text(encoding="utf-8")
    assert text.startswith("# Figures recorded with tltrack.")
    entry = tomllib.loads(text)["record"][0]
    assert {k: entry[k] for k in ("metric", "period", "value", "note", "by")} == {
        "metric": "key_projects_started",
        "period": "2025-06",
        "value": 421.0,
        "note": "市发改委调度",
        "by": "tester",
    }
    assert entry["at"].tzinfo is not None
    assert (data_dir / "2025.toml").read_bytes() == (
        Path(__file__).parent.parent / "targets" / "2025.toml"
    ).read_bytes()


def test_recording_the_same_figure_again_changes_nothing(cli, data_dir: Path) -> None:
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    before = records_file(data_dir).read_bytes()
    again = cli("record", "gdp_growth", "5.80", "--period", "2025-H1")
    assert again.exit_code == 0
    assert again.stderr == "已有相同数据: gdp_growth 2025-H1 = 5.8%，未作改动\n"
    assert records_file(data_dir).read_bytes() == before


def test_a_different_figure_needs_correct_and_keeps_the_old_one(cli, data_dir: Path) -> None:
    cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--by", "张三")
    before = records_file(data_dir).read_bytes()
    refused = cli("record", "gdp_growth", "5.9", "--period", "2025-H1", "--lang", "en")
    assert refused.exit_code == 65
    assert refused.stderr.count("\n") == 1
    assert "already has 5.8 for 2025-H1" in refused.stderr and "--correct" in refused.stderr
    assert records_file(data_dir).read_bytes() == before

    fixed = cli(
        "record",
        "gdp_growth",
        "5.9",
        "--period",
        "2025-H1",
        "--correct",
        "--note",
        "统计局修订",
        "--by",
        "李四",
    )
    assert fixed.exit_code == 0
    assert fixed.stderr == "已更正 gdp_growth 2025-H1: 5.8% -> 5.9%（原数据保留在记录中）\n"
    entries = tomllib.loads(records_file(data_dir).read_text(encoding="utf-8"))["record"]
    assert [(e["value"], e["by"], e.get("correction", False)) for e in entries] == [
        (5.8, "张三", False),
        (5.9, "李四", True),
    ]
    assert row(status_json(cli, *AS_OF_JULY), "gdp_growth")["actual"] == 5.9

    shown = cli("show", "gdp_growth", "--format", "json")
    records = json.loads(shown.stdout)["records"]
    assert [(r["value"], r["by"], r["current"], r["correction"]) for r in records] == [
        (5.8, "张三", False, False),
        (5.9, "李四", True, True),
    ]
    table = cli("show", "gdp_growth").stdout
    rows = [line for line in table.splitlines() if line.lstrip().startswith("2025-H1")]
    assert "张三" in rows[0] and rows[0].rstrip().endswith("否")  # superseded: no longer counts
    assert "统计局修订" in rows[1] and rows[1].rstrip().endswith("更正   是")


def test_the_default_period_of_a_finished_year_is_the_full_year(cli, data_dir: Path) -> None:
    # Today is after 2025, so a figure recorded without --period is the full-year figure.
    assert cli("record", "grain_output", "201.3").exit_code == 0
    entry = tomllib.loads(records_file(data_dir).read_text(encoding="utf-8"))["record"][0]
    assert entry["period"] == "2025"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("gdp_grwth", "5.8"),
            2,
            "unknown metric 'gdp_grwth' in 2025.toml; did you mean gdp_growth",
        ),
        (("地区生产总值", "5.8"), 2, "did you mean 地区生产总值增长"),
        (("gdp_growth", "nan"), 65, "bad value 'nan': nan and infinity are not figures"),
        (("gdp_growth", "inf"), 65, "nan and infinity"),
        (("gdp_growth", "1e309"), 65, "out of range"),
        (("gdp_growth", ""), 65, "empty value"),
        (("gdp_growth", "二百"), 65, "write the number in digits"),
        (("gdp_growth", "1,686"), 65, "thousands separators"),
        (("gdp_growth", "٥"), 65, "use the digits 0-9"),
        (("key_projects_started", "5.8%"), 65, "the target's unit is 个, not %"),
        (("key_projects_started", "-3"), 65, "cannot be negative"),
        (("gahaishan_reservoir", "maybe"), 65, "a milestone takes done/完成"),
        (("gdp_growth", "5.8", "--period", "2025-13"), 65, "bad period '2025-13'"),
        (("gdp_growth", "5.8", "--period", "2025-Q5"), 65, "bad period '2025-Q5'"),
        (("gdp_growth", "5.8", "--period", "2025-1"), 65, "two-digit month"),
        (("gdp_growth", "5.8", "--period", "2024-06"), 65, "not in the target year 2025"),
        (("gdp_growth", "5.8", "--note", "a\nb"), 65, "control characters"),
        (("gdp_growth", "5.8", "--note", "x" * 3000), 65, "too long"),
        (("gdp_growth",), 2, "Missing argument"),
        (("gdp_growth", "5.8", "--frobnicate"), 2, "unexpected extra argument(s) (--frobnicate)"),
        (("gdp_growth", "5.8", "--year", "2024"), 66, "no target file for 2024"),
    ],
)
def test_bad_input_is_refused_with_one_line_and_nothing_written(
    cli, data_dir: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    result = cli("record", *args, "--lang", "en")
    assert result.exit_code == code
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("tltrack: error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not records_file(data_dir).exists()


def test_a_rejected_input_leaves_existing_bytes_alone(cli, data_dir: Path) -> None:
    cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    before = records_file(data_dir).read_bytes()
    for value in ("nan", "1e309", "二百", ""):
        assert (
            cli("record", "gdp_growth", value, "--period", "2025-H1", "--correct").exit_code == 65
        )
    assert records_file(data_dir).read_bytes() == before


def test_status_filters(cli) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06")
    cli("record", "gdp_growth", "4.5", "--period", "2025-06")
    at_risk = status_json(cli, *AS_OF_JULY, "--status", "at_risk")
    assert [t["id"] for t in at_risk["targets"]] == ["gdp_growth"]
    ag = status_json(cli, *AS_OF_JULY, "--category", "农牧业")
    assert {t["category"] for t in ag["targets"]} == {"农牧业"} and len(ag["targets"]) == 14
    # The shipped catalog names no lead unit: an owner is an unknown name, not an empty table.
    unknown = cli("status", "--owner", "市发改委", "--lang", "zh")
    assert unknown.exit_code == 2 and "没有牵头或配合单位 '市发改委'" in unknown.stderr
    bad = cli("status", "--category", "农业", "--lang", "en")
    assert bad.exit_code == 2 and "no category '农业'" in bad.stderr
    bad = cli("status", "--status", "late", "--lang", "en")
    assert bad.exit_code == 2 and "'late' is not a status" in bad.stderr


def test_status_csv_and_markdown_carry_the_same_columns(cli) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06")
    csv_out = cli("status", "--format", "csv", *AS_OF_JULY).stdout.splitlines()
    assert csv_out[0] == (
        "id,name,actual,period,target,completion,expected,gap,projected,status,category,stale"
    )
    # For scripts: plain numbers and the status word, the same in every language.
    assert (
        "key_projects_started,开复工重点项目,421,2025-06,500,84.2,80,4.2,526.25,on_track,项目与投资,"
        "false"
    ) in csv_out
    assert len(csv_out) == 74
    english = cli("status", "--format", "csv", "--lang", "en", *AS_OF_JULY).stdout
    assert english.splitlines() == csv_out
    md = cli("status", "--format", "markdown", *AS_OF_JULY).stdout
    assert "## 项目与投资" in md
    assert (
        "| 开复工重点项目 | 421个 | 2025-06 | ≥500个 | 84.2% | 80% | +4.2 | 526个 | 进度正常 |"
    ) in md


def test_status_table_groups_categories_and_aligns_chinese_text(cli) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06")
    cli("record", "desertification_control", "150", "--period", "2025-06")
    out = cli("status", *AS_OF_JULY).stdout
    lines = out.splitlines()
    assert lines[0] == "2025 年目标进度 · 截至 2025-07-20"
    assert "【主要指标】" in out and "【生态环保】" in out
    assert out.index("【主要指标】") < out.index("【农牧业】") < out.index("【生态环保】")
    assert lines[-1] == (
        "共 73 项: 已完成 0 · 超进度 0 · 进度正常 1 · 滞后 1 · 严重滞后 0 · 未完成 0 · 未填报 71"
    )
    table = [line for line in lines[1:-1] if line.strip()]
    widths = {cell_len(line) for line in table if "进度正常" in line or "滞后" in line}
    assert len(widths) == 1  # the rows end in the same terminal column
    status_column = {cell_len(line[: line.index("滞后")]) for line in table if "滞后" in line}
    on_track_column = {
        cell_len(line[: line.index("进度正常")]) for line in table if "进度正常" in line
    }
    assert status_column == on_track_column
    projects = next(line for line in table if "开复工重点项目" in line)
    assert "84.2%" in projects and "+4.2" in projects and "████████░░" in projects


def test_no_color_and_plain_json(cli) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06")
    assert "\x1b[" not in cli("status", *AS_OF_JULY).stdout
    assert "\x1b[" not in cli("status", "--format", "json").stdout


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("gdp_growth", "nan"), "数值 'nan' 无效: nan 和 infinity 不是有效数字"),
        (
            ("gdp_grwth", "5"),
            "2025.toml 中没有指标 'gdp_grwth'；您要找的是否是 gdp_growth, rd_spending_growth？",
        ),
        (("gdp_growth", "5.8", "--period", "2025-13"), "期间 '2025-13' 无效: 月份须为 01 到 12"),
        (
            ("gdp_growth", "1,686"),
            "数值 '1,686' 无效: 请去掉千位分隔符或空格(如 1686，而不是 1,686)",
        ),
        (("gdp_growth",), "缺少参数 'value' (参见 'tltrack record --help')"),
        (("gdp_growth", "5", "--period", "2024-06"), "期间 2024-06 不在目标年度 2025 内"),
    ],
)
def test_errors_in_chinese(cli, data_dir: Path, args: tuple[str, ...], line: str) -> None:
    result = cli("record", *args, "--lang", "zh")
    assert result.stderr == f"tltrack: error: {line}\n"
    assert not records_file(data_dir).exists()


def test_a_conflict_in_chinese(cli) -> None:
    cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    result = cli("record", "gdp_growth", "5.9", "--period", "2025-H1")
    assert result.exit_code == 65
    assert result.stderr.startswith("tltrack: error: gdp_growth 在 2025-H1 已有数据 5.8(")
    assert result.stderr.endswith("由 tester 填报)；如需更正，请加 --correct 重新运行\n")


def test_status_filters_by_the_word_people_read(cli) -> None:
    cli("record", "desertification_control", "150", "--period", "2025-06")
    by_word = cli("status", "--status", "滞后", "--format", "json", *AS_OF_JULY).stdout
    by_code = cli("status", "--status", "behind", "--format", "json", *AS_OF_JULY).stdout
    assert by_word == by_code
    assert [t["id"] for t in json.loads(by_word)["targets"]] == ["desertification_control"]
    assert cli("status", "--status", "严重滞后，滞后", *AS_OF_JULY).exit_code == 0
