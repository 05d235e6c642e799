"""The calendar's edges: every day of a year and the turn to the next, as a clerk lives them
(DESIGN §3, issue of the year's turn): January's bulletin of the closing year, a new year's
target file still being filled in, a period written without its year, rankings after the
year. On the test city of units_catalog (lead offices and regions: 示例数据)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tltrack.app.importing import import_figures
from tltrack.errors import ValidationFailed
from tltrack.workspace.folder import open_workspace, open_years
from units_catalog import write_catalog

JUNE = ("--period", "2025-06")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "targets")


@pytest.fixture
def a_year(cli):
    """Figures of some offices and regions through the year, none for others."""
    for args in [
        ("key_projects_started", "30", "--period", "2025-03", "--region", "开鲁县"),
        ("key_projects_started", "35", *JUNE, "--region", "开鲁县"),
        ("key_projects_started", "40", *JUNE, "--region", "库伦旗"),
        ("key_projects_started", "260", *JUNE),
        ("gdp_growth", "5.8", *JUNE),
        ("gdp_growth", "6.1", *JUNE, "--region", "科尔沁区"),
    ]:
        run = cli("record", *args)
        assert run.exit_code == 0, run.stderr
    return cli


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_every_day_from_january_to_the_next_february_gives_a_verdict(a_year, data_dir) -> None:
    """check, report and missing on every day of 2025 and of January-February 2026, with the
    2026 target file started (待填) on the way: 0 or 1, never 65 or 70."""
    assert a_year("init", str(data_dir), "--from", "2025", "--year", "2026").exit_code == 0
    codes: dict[tuple[str, int], list[str]] = {}
    for day in _days(date(2025, 1, 1), date(2026, 2, 28)):
        when = ("--as-of", day.isoformat())
        for command in (("check",), ("report",), ("missing",)):
            run = a_year(*command, *when)
            codes.setdefault((command[0], run.exit_code), []).append(day.isoformat())
            assert run.exit_code in (0, 1), (command, day, run.stderr)
    assert {code for _, code in codes} <= {0, 1}
    assert len(codes[("missing", 0)]) == 424  # every day of the walk


@pytest.mark.parametrize("day", ["2025-01-01", "2025-01-31"])
def test_in_the_years_january_nothing_is_due_yet(a_year, day: str) -> None:
    when = ("--as-of", day)
    run = a_year("check", *when, "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["missing"] is None
    missing = a_year("missing", *when, "--format", "json")
    assert json.loads(missing.stdout) == {"year": 2025, "period": None, "missing": []}
    table = a_year("missing", *when)
    assert f"截至 {day}，2025 年尚无到期的填报期间，无须报送" in table.stdout
    report = a_year("report", *when)
    assert report.exit_code == 0, report.stderr
    said = f"截至2025年1月{int(day[-2:])}日，全市8项目标任务中"
    assert said in report.stdout


@pytest.mark.parametrize("day", ["2026-01-01", "2026-01-31"])
def test_januarys_bulletin_is_the_closing_years(a_year, data_dir, day: str) -> None:
    """In January the closing year's 全年 is due, even once the new year's file validates."""
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    (data_dir / "2026.toml").write_text(text.replace("2025", "2026"), encoding="utf-8")
    when = ("--as-of", day)
    check = a_year("check", *when, "--format", "json")
    assert check.exit_code == 0, check.stderr  # mid-year figures lag no more: 未报全年数据
    assert json.loads(check.stdout)["year"] == 2025
    assert json.loads(check.stdout)["missing"]["period"] == "2025"
    assert check.stderr == ""
    report = a_year("report", *when)
    assert "年度目标完成情况通报" in report.stdout and "2025年全年" in report.stdout
    missing = json.loads(a_year("missing", *when, "--format", "json").stdout)
    assert (missing["year"], missing["period"]) == (2025, "2025")
    # From February the new year is judged, its January due.
    february = json.loads(a_year("missing", "--as-of", "2026-02-01", "--format", "json").stdout)
    assert (february["year"], february["period"]) == (2026, "2026-01")


def test_a_new_year_still_to_fill_in_is_named_and_the_old_one_used(a_year, data_dir) -> None:
    """After init --from, commands without --year keep working on 2025, with a warning,
    until 2026.toml validates; then they turn to 2026."""
    assert a_year("init", "--from", "2025", "--year", "2026").exit_code == 0
    warning = (
        "tltrack: 警告: 2026.toml 尚有 8 项目标待填，暂按 2025 年统计；"
        "填完并通过校验后自动改用新年度（也可用 --year 指定）\n"
    )
    status = a_year("status", "--as-of", "2026-03-10", "--format", "json")
    assert status.exit_code == 0 and status.stderr == warning
    assert json.loads(status.stdout)["year"] == 2025
    record = a_year("record", "key_projects_started", "512")  # today: the closing year's 全年
    assert record.exit_code == 0, record.stderr
    assert record.stderr.startswith(warning)
    records = (data_dir / "2025.records.toml").read_text(encoding="utf-8")
    assert 'period = "2025", value = 512.0' in records
    assert a_year("check", "--as-of", "2026-03-10").exit_code == 0
    # Filled in: every target its value and the report's words, and 2026 is the year.
    text = (data_dir / "2026.toml").read_text(encoding="utf-8")
    filled = text.replace('quote = "待填"', 'quote = "示例数据"').replace(
        'kind = "cumulative"\n', 'kind = "cumulative"\ntarget = 100\n'
    )
    filled = filled.replace('kind = "growth"\n', 'kind = "growth"\ntarget = 6\n')
    filled = filled.replace('kind = "level"\n', 'kind = "level"\ntarget = 95\n')
    (data_dir / "2026.toml").write_text(filled, encoding="utf-8")
    assert a_year("validate").exit_code == 0, a_year("validate").stdout
    status = a_year("status", "--as-of", "2026-03-10", "--format", "json")
    assert status.stderr == "" and json.loads(status.stdout)["year"] == 2026


def test_a_new_year_broken_otherwise_is_said_not_passed_over(a_year, data_dir) -> None:
    assert a_year("init", "--from", "2025", "--year", "2026").exit_code == 0
    path = data_dir / "2026.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[oops\n", encoding="utf-8")
    run = a_year("status", "--as-of", "2026-03-10")
    assert run.exit_code == 65 and "2026.toml" in run.stderr


def test_a_period_without_its_year_is_refused_while_two_years_are_open(
    a_year, data_dir, tmp_path
) -> None:
    """From a new year's February to its March's end both years take figures: 1-6月 of
    which? Refused, naming both; the year written, or --year, decides."""
    assert a_year("init", "--from", "2025", "--year", "2026").exit_code == 0
    sheet = tmp_path / "开鲁县.csv"
    sheet.write_text(
        "指标,期间,数值,地区\n开复工重点项目,1-6月,36,开鲁县\n开复工重点项目,2025年1-6月,41,库伦旗\n",
        encoding="utf-8",
    )
    workspace = open_workspace(data_dir, 2025)
    assert [open_years(workspace, day) for day in TURN] == [
        [2025],  # January: 2026 has nothing due yet
        [2025, 2026],
        [2025, 2026],
        [2025, 2026],  # April: 2025 is the year worked on (2026's file is unfinished)
    ]
    # 1-6月 in April 2026 can only be 2025's; 1-3月 is either year's.
    april = date(2026, 4, 10)
    june = tmp_path / "6月.csv"
    june.write_text("指标,期间,数值,地区\n开复工重点项目,1-6月,37,开鲁县\n", encoding="utf-8")
    found = import_figures(
        workspace, [june], correct=True, dry_run=True, years_open=[2025, 2026], today=april
    )
    assert [c.record.period for c in found.changes] == ["2025-06"]
    march = tmp_path / "3月.csv"
    march.write_text("指标,期间,数值,地区\n开复工重点项目,1-3月,20,开鲁县\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        import_figures(workspace, [march], years_open=[2025, 2026], today=april)
    said = [p.say("zh") for p in refused.value.problems]
    assert said == [
        "3月.csv: 第 1 行(文件第 2 行): 期间“1-3月”未写年份，而 2025 至 2026 年均在填报："
        "请写明年份（如“2025年1-3月”）或用 --year 指定"
    ]
    assert not (data_dir / "2026.records.toml").exists()
    # Named: the year given, or the year written.
    named = a_year("import", str(sheet), "--year", "2025", "--correct")
    assert named.exit_code == 0, named.stderr
    records = (data_dir / "2025.records.toml").read_text(encoding="utf-8")
    assert 'period = "2025-06", value = 36.0' in records
    assert 'period = "2025-06", value = 41.0' in records


TURN = (date(2026, 1, 20), date(2026, 2, 10), date(2026, 3, 31), date(2026, 4, 1))


def test_last_years_file_kept_for_baselines_does_not_make_1_6_ambiguous(
    a_year, data_dir, tmp_path
) -> None:
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    (data_dir / "2024.toml").write_text(text.replace("2025", "2024"), encoding="utf-8")
    workspace = open_workspace(data_dir, 2025)
    assert open_years(workspace, date(2025, 7, 20)) == [2025]
    assert open_years(workspace, date(2025, 3, 20)) == [2024, 2025]
    assert open_years(workspace, date(2025, 4, 1)) == [2025]  # 2024's close-out is over


def test_a_period_without_its_year_is_this_years_while_one_year_is_open(
    a_year, data_dir, tmp_path
) -> None:
    sheet = tmp_path / "开鲁县.csv"
    sheet.write_text("指标,期间,数值,地区\n开复工重点项目,1-9月,50,开鲁县\n", encoding="utf-8")
    assert a_year("import", str(sheet)).exit_code == 0
    records = (data_dir / "2025.records.toml").read_text(encoding="utf-8")
    assert 'period = "2025-09", value = 50.0' in records


def test_after_the_year_only_full_year_figures_are_ranked(a_year) -> None:
    """In 2026 the regions' June figures say nothing of 2025: 未报全年数据, unranked."""
    ranked = a_year("status", "--by", "region", "--as-of", "2026-01-20", "--format", "json")
    regions = _projects(ranked.stdout)
    assert regions["开鲁县"]["actual"] == 35 and regions["库伦旗"]["actual"] == 40
    assert all((r["rank"], r["status"]) == (None, "no_data") for r in regions.values())
    while_the_year_runs = a_year(
        "status", "--by", "region", "--as-of", "2025-07-20", "--format", "json"
    )
    assert _projects(while_the_year_runs.stdout)["库伦旗"]["rank"] == 1
    table = a_year("status", "--by", "region", "--as-of", "2026-01-20").stdout
    assert table.count("未报全年数据") >= 2
    # A full-year figure is ranked, alone.
    run = a_year("record", "key_projects_started", "61", "--period", "2025", "--region", "开鲁县")
    assert run.exit_code == 0, run.stderr
    ranked = a_year("status", "--by", "region", "--as-of", "2026-01-20", "--format", "json")
    ranks = {name: (r["rank"], r["status"]) for name, r in _projects(ranked.stdout).items()}
    assert {name: v for name, v in ranks.items() if v[0]} == {"开鲁县": (1, "achieved")}


def _projects(document: str) -> dict[str, dict]:
    """The regions' standings for 开复工重点项目, by region."""
    rankings = json.loads(document)["rankings"]
    projects = next(r for r in rankings if r["id"] == "key_projects_started")
    return {r["name"]: r for r in projects["regions"]}


def test_a_finished_new_year_that_lost_a_value_is_said_not_passed_over(a_year, data_dir):
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    (data_dir / "2026.toml").write_text(
        text.replace("2025", "2026").replace("target = 500\n", "", 1), encoding="utf-8"
    )
    run = a_year("status", "--as-of", "2026-03-10")
    assert run.exit_code == 65 and "2026.toml" in run.stderr


def test_a_file_named_for_no_year_leaves_the_default_year_alone(a_year, data_dir):
    (data_dir / "0000.toml").write_text("", encoding="utf-8")
    run = a_year("status", "--as-of", "2025-07-20", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["year"] == 2025


def test_a_period_given_names_its_year_for_template_missing_and_import(
    a_year, data_dir, tmp_path
) -> None:
    """With 2026 the year judged, `--period 2025-12` is 2025's, as it is for record."""
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    (data_dir / "2026.toml").write_text(text.replace("2025", "2026"), encoding="utf-8")
    forms = tmp_path / "forms"
    run = a_year("template", "--by", "region", "--period", "2025-12", "-o", str(forms))
    assert run.exit_code == 0, run.stderr
    missing = json.loads(a_year("missing", "--period", "2025-12", "--format", "json").stdout)
    assert (missing["year"], missing["period"]) == (2025, "2025-12")
    sheet = tmp_path / "12月.csv"
    sheet.write_text("指标,期间,数值,地区\n开复工重点项目,2025-12,58,开鲁县\n", encoding="utf-8")
    run = a_year("import", str(sheet), "--period", "2025-12")
    assert run.exit_code == 0, run.stderr
    assert 'period = "2025-12", value = 58.0' in (data_dir / "2025.records.toml").read_text("utf-8")
