"""Multi-year plans: plan.toml's goals followed by the year files' targets (status --plan)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

PLAN = """\
[plan]
title = "示例规划主要指标"
base_year = 2025
end_year = 2030

[[goal]]
id = "forest_cover"
name = "森林覆盖率"
kind = "level"
base = 20.0
target = 25.0
unit = "%"
path = "linear"
quote = "示例"

[[goal]]
id = "gdp_total"
name = "地区生产总值"
kind = "level"
base = 1600
target = 2100
unit = "亿元"
quote = "示例"

[[goal]]
id = "farmland_total"
name = "新建高标准农田"
kind = "cumulative"
target = 1500
unit = "万亩"
quote = "示例"

[[goal]]
id = "energy_use"
name = "万元地区生产总值能耗"
kind = "level"
base = 1.0
target = 0.9
unit = "吨标准煤"
direction = "at_most"
quote = "示例"
"""

YEAR = """\
[meta]
year = {year}

[[target]]
id = "forest_cover"
name = "森林覆盖率"
category = "生态"
kind = "level"
target = 21
unit = "%"
plan = "forest_cover"
quote = "示例"

[[target]]
id = "gdp_total"
name = "地区生产总值"
category = "经济"
kind = "level"
target = 1700
unit = "亿元"
plan = "gdp_total"
quote = "示例"

[[target]]
id = "farmland"
name = "新建高标准农田"
category = "农业"
kind = "cumulative"
target = 300
unit = "万亩"
pace = "year_end"
plan = "farmland_total"
quote = "示例"

[[target]]
id = "energy_use"
name = "万元地区生产总值能耗"
category = "生态"
kind = "level"
target = 0.98
unit = "吨标准煤"
direction = "at_most"
plan = "energy_use"
quote = "示例"
"""


@pytest.fixture
def planned(cli, data_dir: Path):
    (data_dir / "2025.toml").unlink()
    (data_dir / "plan.toml").write_text(PLAN, encoding="utf-8")
    for year in (2026, 2027):
        (data_dir / f"{year}.toml").write_text(YEAR.format(year=year), encoding="utf-8")
    for metric, value, period in [
        ("forest_cover", "21.2", "2026"),
        ("gdp_total", "1710", "2026"),
        ("farmland", "310", "2026"),
        ("energy_use", "0.99", "2026"),
        ("forest_cover", "21", "2027-06"),
        ("gdp_total", "1750", "2027-06"),
    ]:
        run = cli("record", metric, value, "--period", period)
        assert run.exit_code == 0, run.stderr
    return cli


def goals(cli, *args: str) -> dict[str, dict]:
    run = cli("status", "--plan", "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    return {g["id"]: g for g in json.loads(run.stdout)["goals"]}


def test_each_goal_along_its_path(planned) -> None:
    found = goals(planned, "--as-of", "2027-07-20")
    # 1.5 years into 5: the linear path stands at 20 + 5 * 0.3 = 21.5; 21 is 20% of the way.
    forest = found["forest_cover"]
    assert (forest["actual"], forest["period"], forest["path_value"]) == (21.0, "2027-06", 21.5)
    assert (forest["progress"], forest["expected"], forest["gap"]) == (20.0, 30.0, -10.0)
    assert forest["status"] == "at_risk"  # 20 / 30 = 0.67 of the pace, below 0.75
    # Compound: 1600 * (2100/1600) ** 0.3 = 1736.0; 150 of 500 is 30%, the path 27.2%.
    gdp = found["gdp_total"]
    assert gdp["path_value"] == pytest.approx(1736.0, abs=0.01)
    assert (gdp["progress"], gdp["expected"], gdp["status"]) == (30.0, 27.2, "on_track")
    # A total: 310 of 1500 after one year of five (2027 has no figure yet: year_end pace).
    farmland = found["farmland_total"]
    assert (farmland["actual"], farmland["expected"], farmland["status"]) == (
        310.0,
        20.0,
        "on_track",
    )
    assert farmland["progress"] == pytest.approx(20.6667)
    # A ceiling coming down: 0.99 is 10% of the way from 1.0 to 0.9, the path 20.9% by 2026.
    energy = found["energy_use"]
    assert energy["path_value"] == pytest.approx(0.9791, abs=1e-4)  # 1.0 * 0.9 ** 0.2
    assert energy["progress"] == pytest.approx(10.0)
    assert energy["status"] == "at_risk"
    assert [y["year"] for y in forest["years"]] == [2026, 2027]


def test_achieved_missed_and_no_data(planned, data_dir: Path) -> None:
    assert goals(planned, "--as-of", "2026-01-01")["gdp_total"]["status"] == "no_data"
    planned("record", "forest_cover", "25.1", "--period", "2027-09")
    assert goals(planned, "--as-of", "2027-10-20")["forest_cover"]["status"] == "achieved"
    (data_dir / "2030.toml").write_text(YEAR.format(year=2030), encoding="utf-8")
    planned("record", "gdp_total", "2050", "--period", "2030")
    late = goals(planned, "--as-of", "2031-02-01")["gdp_total"]
    assert (late["status"], late["period"]) == ("missed", "2030")


def test_the_table_in_chinese_at_80_columns(planned, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = planned("status", "--plan", "--as-of", "2027-07-20")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[0] == "示例规划主要指标 · 完成进度 · 截至 2027-07-20"
    assert max(cell_len(line.rstrip()) for line in lines) <= 80
    assert "2030年目标" in lines[1] and "基数1600亿元" in run.stdout  # the base under the target
    assert "共 4 项: 已完成 0 · 超进度 0 · 进度正常 2" in run.stdout
    assert not re.findall(r"[A-Za-z]{2,}", run.stdout)


def test_validate_checks_the_plan_and_what_follows_it(planned, data_dir: Path) -> None:
    year = data_dir / "2027.toml"
    text = year.read_text(encoding="utf-8")
    year.write_text(
        text.replace('plan = "gdp_total"', 'plan = "gdp"').replace('unit = "万亩"', 'unit = "亩"'),
        encoding="utf-8",
    )
    plan = data_dir / "plan.toml"
    plan.write_text(PLAN.replace("base = 1.0", "base = 0.0"), encoding="utf-8")
    run = planned("validate", "--lang", "en")
    assert run.exit_code == 65
    assert (
        "plan.toml:" in run.stdout and "compound path needs base and target above 0" in run.stdout
    )
    plan.write_text(PLAN, encoding="utf-8")
    lines = planned("validate", "--lang", "en").stdout.splitlines()
    assert "2027.toml: target 'gdp_total': field 'plan': no goal 'gdp' in plan.toml" in lines
    assert (
        "2027.toml: target 'farmland': field 'plan': goal 'farmland_total' is in 万亩: "
        "the target must use that unit" in lines
    )
    plan.unlink()
    assert "no plan.toml in" in planned("validate", "--lang", "en").stdout
    run = planned("status", "--plan")
    assert run.exit_code == 66
    assert run.stderr.startswith("tltrack: error: ") and "中没有规划文件 plan.toml" in run.stderr


def test_next_years_file_keeps_following_the_goal(planned, data_dir: Path) -> None:
    assert planned("init", str(data_dir), "--from", "2027", "--year", "2028").exit_code == 0
    text = (data_dir / "2028.toml").read_text(encoding="utf-8")
    assert 'plan = "forest_cover"' in text and 'plan = "farmland_total"' in text


def test_why_a_goal_has_no_status(planned, data_dir: Path) -> None:
    before = goals(planned, "--as-of", "2025-12-01")
    assert {g["reason"] for g in before.values()} == {"not_started"}
    plan = data_dir / "plan.toml"
    plan.write_text(
        PLAN + '\n[[goal]]\nid = "jobs"\nname = "城镇新增就业"\nkind = "cumulative"\n'
        'target = 10\nunit = "万人"\nquote = "示例"\n',
        encoding="utf-8",
    )
    jobs = goals(planned, "--as-of", "2027-07-20")["jobs"]
    assert (jobs["status"], jobs["reason"]) == ("no_data", "unlinked")
    table = planned("status", "--plan", "--as-of", "2027-07-20").stdout
    assert "未关联年度指标" in table
    # The plan is over and its last year's figure is not in: not judged by a 2027 figure.
    late = goals(planned, "--as-of", "2031-03-01")["gdp_total"]
    assert (late["status"], late["reason"], late["actual"]) == ("no_data", "awaiting_end", 1750.0)


def test_an_old_figure_is_marked_stale(planned) -> None:
    gdp = goals(planned, "--as-of", "2028-03-01")["gdp_total"]  # 2027-06 is 244 days old
    assert gdp["stale"] is True and gdp["period"] == "2027-06"
    table = planned("status", "--plan", "--as-of", "2028-03-01").stdout
    assert "2027-06*" in table and "最新数据已超过 45 天" in table
    assert goals(planned, "--as-of", "2027-07-20")["gdp_total"]["stale"] is False


def test_a_total_of_past_years_is_due_whole(planned) -> None:
    # 310 in 2026; 2027's year_end pace has nothing due in June: one year of five is due.
    planned("record", "farmland", "100", "--period", "2027-06")
    farmland = goals(planned, "--as-of", "2027-07-20")["farmland_total"]
    assert (farmland["actual"], farmland["expected"]) == (410.0, 20.0)
    planned("record", "farmland", "280", "--period", "2027")
    farmland = goals(planned, "--as-of", "2028-02-01")["farmland_total"]
    assert (farmland["actual"], farmland["expected"], farmland["status"]) == (
        590.0,
        40.0,
        "on_track",  # 39.3% of the way against 40%: a pace ratio of 0.98
    )


@pytest.mark.parametrize(
    "option",
    [("--region", "开鲁县"), ("--by", "region"), ("--year", "2026"), ("--status", "behind")],
)
def test_plan_refuses_options_it_would_ignore(planned, option: tuple[str, str]) -> None:
    run = planned("status", "--plan", *option)
    assert run.exit_code == 2
    assert run.stderr == f"tltrack: error: --plan 查看规划目标，不能与 {option[0]} 同用\n"


def test_a_cumulative_goal_is_a_total_to_reach(planned, data_dir: Path) -> None:
    plan = data_dir / "plan.toml"
    plan.write_text(PLAN.replace('unit = "万亩"', 'unit = "万亩"\ndirection = "at_most"'), "utf-8")
    run = planned("validate", "--lang", "en")
    assert run.exit_code == 65
    assert "a cumulative goal is a total to reach: its direction is at_least" in run.stdout


def test_a_link_ends_with_its_plan(planned, data_dir: Path) -> None:
    plan = data_dir / "plan.toml"
    plan.write_text(PLAN.replace("end_year = 2030", "end_year = 2027"), encoding="utf-8")
    assert planned("init", str(data_dir), "--from", "2027", "--year", "2028").exit_code == 0
    assert "plan = " not in (data_dir / "2028.toml").read_text(encoding="utf-8")
    # The next plan replaces plan.toml: the years of the last one are not checked against it.
    plan.write_text(PLAN.replace("2025", "2027").replace("2030", "2032"), encoding="utf-8")
    problems = planned("validate").stdout
    assert "2026.toml: 目标" not in problems and "2027.toml: 目标" not in problems
