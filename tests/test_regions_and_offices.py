"""Lead offices and regions: the split in the target file, figures by region, the city total
rolled up from them, the lights, ranking, check --by and who has not reported (DESIGN §7-§8).
Every expected number here is worked out by hand from the figures recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from units_catalog import CATALOG, REGIONS, write_catalog

JUNE = ("--period", "2025-06")
AS_OF = ("--as-of", "2025-07-15")  # a June figure: 50% of the year is due

# key_projects_started: shares 120, 60, 60, 60, 60, 50, 50, 60; 扎鲁特旗 reports late.
PROJECTS = {
    "科尔沁区": 70,  # 58.33%: +8.33 pp, ahead
    "霍林郭勒市": 30,  # 50%: on pace
    "开鲁县": 30,  # 50%
    "科尔沁左翼中旗": 24,  # 40%: -10 pp, behind (the yellow line is inclusive)
    "科尔沁左翼后旗": 33,  # 55%: +5 pp, ahead (the ahead line is inclusive)
    "库伦旗": 25,  # 50%
    "奈曼旗": 12,  # 24%: -26 pp, behind under gap_pp (at risk by the pace ratio 0.48)
}
GROWTH = {  # the regions' own growth targets: 6.5 for 科尔沁区, 5.5 for 库伦旗, else 6
    "科尔沁区": "6.8",  # +0.3: on track
    "霍林郭勒市": "5.1",  # -0.9: behind
    "开鲁县": "6",  # 0
    "科尔沁左翼中旗": "4.2",  # -1.8: at risk
    "科尔沁左翼后旗": "7.5",  # +1.5: ahead
    "库伦旗": "5.5",  # 0
    "奈曼旗": "6.0",  # 0
    "扎鲁特旗": "3",  # -3: at risk
}
ONE_BEHIND = ["科尔沁区", "霍林郭勒市", "开鲁县", "奈曼旗"]  # one target behind each
INVESTMENT = {"科尔沁区": 40, "开鲁县": 30, "奈曼旗": 35, "扎鲁特旗": 20, "霍林郭勒市": 50}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The test city's folder in place of the shipped one (the `cli` fixture runs on it)."""
    return write_catalog(tmp_path / "targets")


@pytest.fixture
def city(cli):
    """The June figures above: seven regions of eight for the projects, every region's growth
    rate and the city's, the investment of five regions and a city total that disagrees."""
    for region, value in PROJECTS.items():
        assert (
            cli("record", "key_projects_started", str(value), *JUNE, "--region", region).exit_code
            == 0
        )
    for region, value in GROWTH.items():
        assert cli("record", "gdp_growth", value, *JUNE, "--region", region).exit_code == 0
    assert cli("record", "gdp_growth", "5.8", *JUNE).exit_code == 0
    for region, value in INVESTMENT.items():
        assert (
            cli("record", "fixed_investment", str(value), *JUNE, "--region", region).exit_code == 0
        )
    assert cli("record", "fixed_investment", "190", *JUNE).exit_code == 0
    return cli


def as_json(run) -> dict:
    assert run.exit_code in (0, 1), run.stderr
    return json.loads(run.stdout)


def target(report: dict, metric: str) -> dict:
    return next(t for t in report["targets"] if t["id"] == metric)


# --- the target file ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('"扎鲁特旗" = 60\n\n[[target]]', '"扎鲁特" = 60\n\n[[target]]'),
         "分解中的 '扎鲁特' 不在 [meta] regions 中"),
        (('"科尔沁区" = 120', '"科尔沁区" = 90'), "各地区分解数合计 490，低于全市目标 500"),
        (('"库伦旗" = 50\n"奈曼旗" = 50', '"库伦旗" = 0\n"奈曼旗" = 50'),
         "'库伦旗' 的分解数必须大于零"),
        (('owner = "市水利局"\nquote = "示例数据"',
          'owner = "市水利局"\nquote = "示例数据"\n[target.split]\n"开鲁县" = 100'),
         "节点类目标不能分解到地区"),
        (('co_owners = ["市工信局", "市住建局"]', 'co_owners = ["市发改委"]'),
         "'市发改委' 已是牵头单位"),
        (('"库伦旗", "奈曼旗", "扎鲁特旗"]', '"库伦旗", "奈曼旗", "奈曼旗"]'), "'奈曼旗' 重复列出"),
    ],
)  # fmt: skip
def test_validate_checks_the_split(cli, data_dir: Path, change, problem) -> None:
    old, new = change
    assert old in CATALOG
    write_catalog(data_dir, CATALOG.replace(old, new, 1))
    run = cli("validate")
    assert run.exit_code == 65
    assert problem in run.stdout + run.stderr


def test_a_split_above_the_city_target_is_normal(cli) -> None:
    # The shares of the projects add up to 520 > 500 (层层加码); the investment's to 410 > 400.
    run = cli("validate")
    assert run.exit_code == 0, run.stdout + run.stderr


def test_a_split_needs_the_regions_listed(cli, data_dir: Path) -> None:
    start = CATALOG.index("regions = [")
    end = CATALOG.index("\n\n", start)
    write_catalog(data_dir, CATALOG[:start] + CATALOG[end:])
    run = cli("validate")
    assert run.exit_code == 65
    assert "分解中的 '科尔沁区' 不在 [meta] regions 中(现有地区: 无)" in run.stdout + run.stderr


# --- figures by region, and the city total --------------------------------------------------------


def test_a_region_figure_needs_a_listed_region_and_a_share(cli) -> None:
    typo = cli("record", "key_projects_started", "10", *JUNE, "--region", "开鲁")
    assert typo.exit_code == 2 and "您要找的是否是 开鲁县" in typo.stderr
    unsplit = cli("record", "beef_cattle", "10", *JUNE, "--region", "开鲁县")
    assert unsplit.exit_code == 65 and "肉牛存栏 未分解到 开鲁县" in unsplit.stderr


def test_a_partial_roll_up_is_judged_and_labelled(city) -> None:
    report = as_json(city("status", *AS_OF, "--format", "json"))
    projects = target(report, "key_projects_started")
    # 70+30+30+24+33+25+12 = 224 of 500 = 44.8%, 5.2 pp below the pace: on track under gap_pp.
    assert (projects["actual"], projects["completion"], projects["gap"]) == (224.0, 44.8, -5.2)
    assert (projects["source"], projects["regions_reported"]) == ("partial", [7, 8])
    assert projects["status"] == "on_track" and projects["rollup_sum"] is None
    table = city("status", *AS_OF, "--category", "项目建设").stdout
    assert "2025-06△" in table
    assert "△ 分地区汇总未齐，按已报送数评估: 开复工重点项目 7/8 地区已报送" in table


def test_the_last_region_completes_the_roll_up(city) -> None:
    assert city("record", "key_projects_started", "6", *JUNE, "--region", "扎鲁特旗").exit_code == 0
    projects = target(as_json(city("status", *AS_OF, "--format", "json")), "key_projects_started")
    assert (projects["actual"], projects["source"], projects["regions_reported"]) == (
        230.0,
        "rollup",
        [8, 8],
    )
    assert (projects["completion"], projects["gap"], projects["status"]) == (46.0, -4.0, "on_track")


def test_a_recorded_city_figure_wins_and_a_mismatch_is_shown(city) -> None:
    report = as_json(city("status", *AS_OF, "--format", "json"))
    investment = target(report, "fixed_investment")
    # The regions' 40+30+35+20+50 = 175 is 15 off the city's 190: more than 0.5% of 400.
    assert (investment["actual"], investment["source"], investment["rollup_sum"]) == (
        190.0,
        "recorded",
        175.0,
    )
    assert investment["regions_reported"] == [5, 5] and investment["status"] == "on_track"
    gdp = target(report, "gdp_growth")  # a rate is never summed: the city's own figure
    assert (gdp["actual"], gdp["source"], gdp["rollup_sum"], gdp["status"]) == (
        5.8,
        "recorded",
        None,
        "behind",
    )
    mismatch = "数据衔接: 固定资产投资 2025-06 全市数 190亿元 与各地区合计 175亿元 不一致"
    assert mismatch in city("status", *AS_OF).stdout
    assert mismatch in city("check", *AS_OF).stdout
    assert city("record", "fixed_investment", "176", *JUNE, "--correct").exit_code == 0
    close = target(as_json(city("status", *AS_OF, "--format", "json")), "fixed_investment")
    assert close["rollup_sum"] is None  # 1 off: within 0.5% of the target (2)


def test_status_of_one_region(city) -> None:
    report = as_json(city("status", *AS_OF, "--region", "科尔沁区", "--format", "json"))
    rows = {
        t["id"]: (t["region"], t["target"], t["actual"], t["status"]) for t in report["targets"]
    }
    assert rows == {
        "key_projects_started": ("科尔沁区", 120.0, 70.0, "ahead"),
        "gdp_growth": ("科尔沁区", 6.5, 6.8, "on_track"),
        "fixed_investment": ("科尔沁区", 100.0, 40.0, "behind"),
    }
    assert report["summary"]["ahead"] == 1 and report["summary"]["behind"] == 1
    table = city("status", *AS_OF, "--region", "科尔沁区").stdout
    assert table.splitlines()[0] == "科尔沁区 · 2025 年目标进度 · 截至 2025-07-15"
    unknown = city("status", "--region", "科尔沁")
    assert unknown.exit_code == 2 and "您要找的是否是" in unknown.stderr


def test_status_of_one_lead_unit(city) -> None:
    report = as_json(city("status", *AS_OF, "--owner", "市发改委", "--format", "json"))
    assert [t["id"] for t in report["targets"]] == ["key_projects_started", "fixed_investment"]
    assert target(report, "key_projects_started")["co_owners"] == ["市工信局", "市住建局"]
    unknown = city("status", "--owner", "发改委")
    assert unknown.exit_code == 2 and "您要找的是否是 市发改委" in unknown.stderr


# --- the lights ----------------------------------------------------------------------------------


def test_gap_pp_and_pace_ratio_light_the_same_figures_differently(city, data_dir: Path) -> None:
    ranking = as_json(city("status", *AS_OF, "--by", "region", "--format", "json"))["rankings"]
    projects = {r["name"]: r["status"] for r in ranking[0]["regions"]}
    assert projects == {
        "科尔沁区": "ahead",
        "科尔沁左翼后旗": "ahead",
        "霍林郭勒市": "on_track",
        "开鲁县": "on_track",
        "库伦旗": "on_track",
        "科尔沁左翼中旗": "behind",
        "奈曼旗": "behind",
        "扎鲁特旗": "no_data",
    }
    write_catalog(data_dir, CATALOG.replace('rule = "gap_pp"', 'rule = "pace_ratio"'))
    ranking = as_json(city("status", *AS_OF, "--by", "region", "--format", "json"))["rankings"]
    by_ratio = {r["name"]: r["status"] for r in ranking[0]["regions"]}
    # 40/50 = 0.8: behind; 24/50 = 0.48: at risk; ahead is the same under both rules.
    assert by_ratio == projects | {"奈曼旗": "at_risk"}


def test_ahead_can_be_asked_for_by_status(city) -> None:
    report = as_json(
        city(
            "status", *AS_OF, "--region", "科尔沁左翼后旗", "--status", "超进度", "--format", "json"
        )
    )
    assert [t["id"] for t in report["targets"]] == ["key_projects_started", "gdp_growth"]


# --- ranking -------------------------------------------------------------------------------------


def test_regions_rank_by_their_share_on_pace_with_ties(city) -> None:
    assert city("record", "key_projects_started", "6", *JUNE, "--region", "扎鲁特旗").exit_code == 0
    report = as_json(city("status", *AS_OF, "--by", "region", "--format", "json"))
    assert set(report) == {"year", "as_of", "by", "groups", "rankings"}
    assert (report["year"], report["as_of"], report["by"]) == (2025, "2025-07-15", "region")
    groups = [(g["name"], g["rank"], g["on_pace_share"]) for g in report["groups"]]
    assert groups == [
        ("科尔沁左翼后旗", 1, 1.0),  # projects ahead, growth ahead
        ("库伦旗", 1, 1.0),
        ("科尔沁区", 3, 0.6667),  # the investment lags
        ("霍林郭勒市", 3, 0.6667),  # growth lags
        ("开鲁县", 3, 0.6667),
        ("奈曼旗", 3, 0.6667),
        ("科尔沁左翼中旗", 7, 0.0),
        ("扎鲁特旗", 7, 0.0),
    ]
    zarut = report["groups"][-1]["summary"]
    assert zarut == {
        "achieved": 0,
        "ahead": 0,
        "on_track": 0,
        "behind": 1,
        "at_risk": 2,
        "missed": 0,
        "no_data": 0,
    }
    projects, growth, investment = report["rankings"]
    assert (projects["id"], projects["name"]) == ("key_projects_started", "开复工重点项目")
    assert [(r["name"], r["rank"], r["completion"]) for r in projects["regions"]] == [
        ("科尔沁区", 1, 58.3333),
        ("科尔沁左翼后旗", 2, 55.0),
        ("霍林郭勒市", 3, 50.0),
        ("开鲁县", 3, 50.0),
        ("库伦旗", 3, 50.0),
        ("科尔沁左翼中旗", 6, 40.0),
        ("奈曼旗", 7, 24.0),
        ("扎鲁特旗", 8, 10.0),
    ]
    assert [(r["name"], r["rank"], r["gap"]) for r in growth["regions"]] == [
        ("科尔沁左翼后旗", 1, 1.5),
        ("科尔沁区", 2, 0.3),
        ("开鲁县", 3, 0.0),
        ("库伦旗", 3, 0.0),
        ("奈曼旗", 3, 0.0),
        ("霍林郭勒市", 6, -0.9),
        ("科尔沁左翼中旗", 7, -1.8),
        ("扎鲁特旗", 8, -3.0),
    ]
    assert [r["name"] for r in investment["regions"]] == [
        "奈曼旗",
        "霍林郭勒市",
        "科尔沁区",
        "开鲁县",
        "扎鲁特旗",
    ]
    assert investment["regions"][0] == {
        "name": "奈曼旗",
        "actual": 35.0,
        "completion": 58.3333,
        "gap": 8.3333,
        "status": "ahead",
        "rank": 1,
    }


def test_a_region_without_figures_has_no_rank(city) -> None:
    projects = as_json(city("status", *AS_OF, "--by", "region", "--format", "json"))["rankings"][0]
    assert projects["regions"][-1] == {
        "name": "扎鲁特旗",
        "actual": None,
        "completion": None,
        "gap": None,
        "status": "no_data",
        "rank": None,
    }


def test_lead_units_rank_by_their_share_on_pace(city) -> None:
    report = as_json(city("status", *AS_OF, "--by", "owner", "--format", "json"))
    groups = [(g["name"], g["rank"], g["on_pace_share"]) for g in report["groups"]]
    assert groups == [
        ("市发改委", 1, 1.0),  # the projects' partial sum and the investment keep pace
        ("市统计局", 2, 0.0),  # growth 5.8 against 6: behind
        ("市农牧局", None, None),  # nothing reported: nothing to rank by
        ("市政务服务局", None, None),
        ("市人社局", None, None),
        ("市水利局", None, None),
    ]
    assert report["rankings"] == []


def test_the_ranking_table_at_80_columns(city, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    table = city("status", *AS_OF, "--by", "region").stdout
    lines = table.splitlines()
    assert lines[0] == "2025 年目标进度（按旗县市区） · 截至 2025-07-15"
    assert all(len(line) <= 80 for line in lines)
    assert "绿灯" in lines[1] and "红灯" in lines[1] and "未填报" in lines[1]
    assert (
        "【开复工重点项目】" in table and "各指标分地区排名（累计类按完成率，其余按差距）" in table
    )
    first = next(line for line in lines if "科尔沁左翼后旗" in line)
    assert first.split()[:2] == ["1", "科尔沁左翼后旗"]


# --- check --by ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "level", "code", "failing"),
    [
        ("region", "behind", 1, ["科尔沁左翼中旗", "扎鲁特旗", *ONE_BEHIND]),
        ("region", "at_risk", 1, ["科尔沁左翼中旗", "扎鲁特旗"]),
        ("region", "missed", 0, []),
        ("owner", "behind", 1, ["市统计局"]),
        ("owner", "at_risk", 0, []),
    ],
)  # fmt: skip
def test_check_by_unit_fails_on_a_lagging_unit(city, by, level, code, failing) -> None:
    run = city("check", *AS_OF, "--by", by, "--fail-on", level, "--format", "json")
    assert run.exit_code == code
    report = json.loads(run.stdout)
    assert report["failed"] is bool(code)
    assert [u["name"] for u in report["units"] if u["failed"]] == failing


def test_check_by_region_lists_the_worst_first(city) -> None:
    run = city("check", *AS_OF, "--by", "region", "--fail-on", "at_risk")
    assert run.exit_code == 1
    # 中旗 and 扎鲁特旗 each have one target at risk and one behind (扎鲁特旗's projects are not
    # in yet): the worst, in the file's order; then the four with one target behind.
    names = [line.split()[1] for line in run.stdout.splitlines()[3:9]]
    assert names == ["科尔沁左翼中旗", "扎鲁特旗", "科尔沁区", "霍林郭勒市", "开鲁县", "奈曼旗"]
    units = json.loads(city("check", *AS_OF, "--by", "region", "--format", "json").stdout)["units"]
    assert [u["name"] for u in units][:2] == ["科尔沁左翼中旗", "扎鲁特旗"]
    assert units[1]["lagging"] == ["gdp_growth", "fixed_investment"]
    assert "检查未通过: 8 个旗县市区中有 2 个存在预警目标(--fail-on at_risk)" in run.stdout


# --- who has not reported ------------------------------------------------------------------------


def test_missing_lists_units_and_regions(city) -> None:
    report = as_json(city("missing", "--period", "2025-06", "--format", "json"))
    assert report == {
        "year": 2025,
        "period": "2025-06",
        "missing": [
            {"unit": "市发改委", "by": "owner", "targets": ["key_projects_started"]},
            {"unit": "市农牧局", "by": "owner", "targets": ["beef_cattle", "grain_output"]},
            {"unit": "市政务服务局", "by": "owner", "targets": ["online_services"]},
            {"unit": "市人社局", "by": "owner", "targets": ["new_jobs"]},
            {"unit": "市水利局", "by": "owner", "targets": ["reservoir"]},
            {"unit": "扎鲁特旗", "by": "region", "targets": ["key_projects_started"]},
        ],
    }
    # The last region reports: the city total is complete, so the lead unit owes nothing.
    assert (
        city(
            "record", "key_projects_started", "6", "--period", "2025-Q2", "--region", "扎鲁特旗"
        ).exit_code
        == 0
    )
    regions = as_json(city("missing", "--period", "2025-06", "--by", "region", "--format", "json"))
    assert regions["missing"] == []
    owners = as_json(city("missing", "--period", "2025-06", "--by", "owner", "--format", "json"))
    assert owners["missing"][0]["unit"] == "市农牧局"
    table = city("missing", "--period", "2025-07").stdout
    assert "【扎鲁特旗（旗县市区）未报送 3 项】" in table


def test_check_notes_a_region_that_has_not_reported(city) -> None:
    run = city("check", *AS_OF)
    assert "未报送(2025-06): 市发改委 1 项、市农牧局 2 项" in run.stdout
    assert "扎鲁特旗 1 项" in run.stdout
    report = json.loads(city("check", *AS_OF, "--format", "json").stdout)
    assert report["missing"]["period"] == "2025-06"
    assert {"unit": "扎鲁特旗", "by": "region", "targets": ["key_projects_started"]} in report[
        "missing"
    ]["missing"]


def test_regions_are_listed_in_the_shipped_catalog(tmp_path: Path) -> None:
    from conftest import SHIPPED_TARGETS

    text = (SHIPPED_TARGETS / "2025.toml").read_text(encoding="utf-8")
    assert "regions = [" in text and all(f'"{r}"' in text for r in REGIONS)
    # The article names neither a lead unit nor a split.
    assert "\n[target.split]" not in text and "\nowner =" not in text


def test_by_takes_the_offices_own_words(city) -> None:
    in_words = as_json(city("status", *AS_OF, "--by", "地区", "--format", "json"))
    assert in_words == as_json(city("status", *AS_OF, "--by", "region", "--format", "json"))
    owners = as_json(city("check", *AS_OF, "--by", "牵头单位", "--format", "json"))
    assert owners["by"] == "owner"
    wrong = city("status", "--by", "部门")
    assert wrong.exit_code == 2 and "region (地区), owner (牵头单位)" in wrong.stderr


def test_a_region_s_target_is_the_city_s_with_its_share_and_no_baseline() -> None:
    from datetime import date

    from tltrack.domain.targets import Target

    city = Target(
        "beef", "肉牛全产业链产值", "产业", "cumulative", 500.0, "亿元", "at_least", True,
        400.0, "亿元", "2024年430亿元", 2020, "increase", "市农牧局", ("市发改委",), "even",
        date(2025, 12, 31), "力争500亿元", "注", (("开鲁县", 60.0), ("奈曼旗", 40.0)), "plan",
    )  # fmt: skip
    expected = city._replace(
        target=60.0, baseline=None, baseline_unit=None, baseline_quote=None, split=()
    )
    assert city.for_region("开鲁县") == expected
    assert city.for_region("开鲁县", 60.0)._asdict() == expected._asdict()
    assert type(city.for_region("开鲁县")) is Target
