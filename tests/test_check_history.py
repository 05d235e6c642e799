"""tltrack check (exit codes per --fail-on level) and tltrack history."""

from __future__ import annotations

import json

import pytest

AS_OF = ("--as-of", "2025-07-20")


@pytest.fixture
def month(cli):
    """A month with one target of each status: on track, behind, at risk, missed, stale."""
    for args in [
        ("key_projects_started", "421", "--period", "2025-06"),  # on_track
        ("gdp_growth", "5.8", "--period", "2025-06"),  # behind
        ("retail_sales_growth", "2.5", "--period", "2025-06"),  # at_risk
        ("housing_sales", "30", "--period", "2025-04"),  # at_risk and stale on 2025-07-20
    ]:
        assert cli("record", *args).exit_code == 0
    return cli


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [
        ((), 1),
        (("--fail-on", "behind"), 1),
        (("--fail-on", "at_risk"), 1),
        (("--fail-on", "missed"), 0),
        (("--fail-on", "missed,stale"), 1),
        (("--fail-on", "missed", "--fail-on", "stale"), 1),
    ],
)
def test_check_exit_codes_mid_year(month, fail_on: tuple[str, ...], code: int) -> None:
    result = month("check", *AS_OF, *fail_on)
    assert result.exit_code == code, result.stdout + result.stderr


def test_check_lists_the_worst_first_with_a_summary(month) -> None:
    result = month("check", *AS_OF, "--lang", "en")
    lines = result.stdout.splitlines()
    assert lines[-1] == (
        "check FAILED: 3 lagging (behind 1, at_risk 2, missed 0), 1 stale; --fail-on behind"
    )
    order = [
        name
        for name in ("商品房销售面积", "社会消费品零售总额增长", "地区生产总值增长")
        if name in result.stdout
    ]
    positions = [result.stdout.index(name) for name in order]
    assert positions == sorted(positions) and len(order) == 3
    assert "开复工重点项目" not in result.stdout
    assert "Stale (older than 45 days): 商品房销售面积 (2025-04)" in result.stdout
    zh = month("check", *AS_OF).stdout.splitlines()
    assert zh[-1] == (
        "检查未通过: 未达进度 3 项（滞后 1，严重滞后 2，未完成 0），数据过期 1 项；--fail-on behind"
    )
    assert "数据过期(超过 45 天): 商品房销售面积 (2025-04)" in zh


def test_check_json(month) -> None:
    result = month("check", *AS_OF, "--fail-on", "at_risk", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["failed"], report["fail_on"]) == (True, ["at_risk"])
    assert [t["id"] for t in report["lagging"]] == [
        "housing_sales",
        "retail_sales_growth",
        "gdp_growth",
    ]
    assert [t["id"] for t in report["stale"]] == ["housing_sales"]
    assert report["summary"]["at_risk"] == 2


def test_check_after_the_year(cli) -> None:
    cli("record", "grain_output", "199", "--period", "2025")
    cli("record", "key_projects_started", "510", "--period", "2025")
    assert cli("check", "--as-of", "2026-02-01", "--fail-on", "missed").exit_code == 1
    cli("record", "grain_output", "201.3", "--period", "2025", "--correct")
    assert cli("check", "--as-of", "2026-02-01", "--fail-on", "missed").exit_code == 0


def test_check_passes_when_nothing_lags(cli) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06")
    result = cli("check", *AS_OF, "--lang", "en")
    assert result.exit_code == 0
    assert "no target lags" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("check passed: 0 lagging")


def test_check_rejects_an_unknown_level(cli) -> None:
    result = cli("check", "--fail-on", "late", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr == (
        "tltrack: error: --fail-on 'late' is not a level; use behind, at_risk, missed, stale\n"
    )


def test_history_shows_every_period_and_corrections(cli) -> None:
    cli("record", "key_projects_started", "120", "--period", "2025-03", "--by", "甲")
    cli("record", "key_projects_started", "421", "--period", "2025-06", "--by", "乙")
    cli("record", "key_projects_started", "430", "--period", "2025-07", "--by", "乙")
    cli(
        "record",
        "key_projects_started",
        "470",
        "--period",
        "2025-07",
        "--correct",
        "--note",
        "复核",
        "--by",
        "丙",
    )
    result = cli("history", "开复工重点项目")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("开复工重点项目  (key_projects_started)  目标 ≥500个")
    rows = [line for line in lines if line.lstrip().startswith("2025-")]
    assert [r.split()[0] for r in rows] == ["2025-03", "2025-06", "2025-07"]
    assert "24%" in rows[0] and "20%" in rows[0] and "+4" in rows[0]
    assert "94%" in rows[2] and "88%" in rows[2] and "+6" in rows[2] and "复核" in rows[2]
    assert any("更正前 430个" in line and "乙" in line for line in lines)
    assert lines[-1] == "趋势  ▁▇█"

    data = json.loads(cli("history", "key_projects_started", "--format", "json").stdout)
    july = data["periods"][-1]
    assert (july["value"], july["status"], july["completion"], july["expected"]) == (
        470.0,
        "ahead",  # 6 pp ahead of the pace
        94.0,
        88.0,
    )
    assert [r["value"] for r in july["superseded"]] == [430.0]
    csv_lines = cli("history", "key_projects_started", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == (
        "period,value,completion,expected,gap,status,note,by,unit,source,at,corrects"
    )
    # For scripts: plain numbers, the status word, the superseded value in its own column.
    assert csv_lines[3].startswith("2025-07,470,94,88,6,ahead,复核,丙,,typed,")
    assert csv_lines[3].endswith(",430")
    assert len(csv_lines) == 4


def test_history_without_figures(cli) -> None:
    result = cli("history", "grain_output")
    assert result.exit_code == 0 and "尚未填报数据" in result.stdout
    english = cli("history", "grain_output", "--lang", "en")
    assert "no figures recorded yet" in english.stdout
