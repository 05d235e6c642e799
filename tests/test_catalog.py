"""The shipped 2025 catalog, and validation of hand-written target files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED_TARGETS, SOURCE_ARTICLE, Run
from tltrack.files.target_file import load_catalog

CATALOG = load_catalog(SHIPPED_TARGETS / "2025.toml")
BY_ID = CATALOG.by_id


def test_the_catalog_holds_73_targets_and_the_readme_says_so() -> None:
    assert len(CATALOG.targets) == 73
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "73 targets" in readme


def test_every_quote_is_the_reports_own_words() -> None:
    article = SOURCE_ARTICLE.read_text(encoding="utf-8")
    for target in CATALOG.targets:
        assert target.quote in article, target.id
        if target.baseline_quote:
            assert target.baseline_quote in article, target.id


def test_every_target_figure_appears_in_its_quote() -> None:
    for t in CATALOG.targets:
        if t.kind == "milestone":
            continue
        figure = f"{t.target:g}"
        words = {"1000": ["1000", "千亿"], "0": ["清零"], "100": ["全覆盖", "全部"]}
        assert any(w in t.quote for w in [figure, *words.get(figure, [])]), t.id
        if t.baseline is not None:
            assert f"{t.baseline:g}" in (t.baseline_quote or ""), t.id


@pytest.mark.parametrize(
    ("target_id", "kind", "value", "unit", "stretch", "baseline"),
    [
        ("gdp_growth", "growth", 6, "%", False, 1686),
        ("key_projects_started", "cumulative", 500, "个", False, None),
        ("key_projects_investment", "cumulative", 600, "亿元", True, None),
        ("grain_output", "cumulative", 200, "亿斤", True, 194.1),
        ("beef_chain_output", "cumulative", 500, "亿元", False, None),
        ("desertification_control", "cumulative", 350, "万亩", False, 410),
        ("high_standard_farmland", "cumulative", 300, "万亩", True, 313),
        ("new_energy_capacity_added", "cumulative", 400, "万千瓦", False, None),
        ("online_service_rate", "level", 95, "%", False, None),
        ("inferior_v_water_sections", "level", 0, "个", False, None),
        ("rural_income_growth", "growth", 6.5, "%", False, 6.7),
        ("yinchuo_jiliao_phase2_water", "milestone", None, "", False, None),
        ("gahaishan_reservoir", "milestone", None, "", False, None),
    ],
)
def test_headline_targets(
    target_id: str, kind: str, value: float | None, unit: str, stretch: bool, baseline: float | None
) -> None:
    t = BY_ID[target_id]
    assert (t.kind, t.target, t.unit, t.stretch, t.baseline) == (
        kind,
        value,
        unit,
        stretch,
        baseline,
    )


def test_special_targets() -> None:
    assert BY_ID["grain_output"].pace == "year_end"
    assert BY_ID["inferior_v_water_sections"].direction == "at_most"
    water = BY_ID["industrial_water_use_reduction"]
    assert (water.base_year, water.change, water.target) == (2020, "decrease", 13.5)
    assert BY_ID["gdp_growth"].baseline_unit == "亿元"


def test_no_owner_is_invented() -> None:
    # The report names no lead department for any target.
    assert all(t.owner is None for t in CATALOG.targets)


def test_every_category_of_the_report_is_present() -> None:
    categories = list(dict.fromkeys(t.category for t in CATALOG.targets))
    assert categories == [
        "主要指标",
        "项目与投资",
        "农牧业",
        "工业",
        "服务业",
        "科技创新与营商环境",
        "城乡建设",
        "生态环保",
    ]


def test_shipped_files_are_valid(cli) -> None:
    result: Run = cli("validate", "--lang", "en")
    assert result.exit_code == 0
    assert "2025.toml: valid (73 entries)" in result.stderr


BROKEN = """\
[meta]
year = 2025

[[target]]
id = "ok_one"
name = "好的"
category = "c"
kind = "cumulative"
target = 10
quote = "q"

[[target]]
id = "Bad Id"
name = "坏的"
category = "c"
kind = "cumulative"
target = "ten"
quote = "q"
colour = "red"

[[target]]
id = "ok_one"
name = "好的"
category = "c"
kind = "speed"
quote = "q"
"""


def test_validate_reports_every_problem_with_file_line_target_and_field(
    cli, data_dir: Path
) -> None:
    (data_dir / "2025.toml").write_text(BROKEN, encoding="utf-8")
    before = (data_dir / "2025.toml").read_bytes()
    result = cli("validate", "--lang", "en")
    assert result.exit_code == 65
    lines = result.stdout.splitlines()
    assert "2025.toml:13: target 'Bad Id': field 'id': should match the pattern" in lines[0]
    assert any(line.startswith("2025.toml:17: target 'Bad Id': field 'target':") for line in lines)
    assert (
        "2025.toml:19: target 'Bad Id': field 'colour': unknown field (check its spelling)" in lines
    )
    assert any(line.startswith("2025.toml:25: target 'ok_one': field 'kind':") for line in lines)
    assert (
        "2025.toml:22: target 'ok_one': field 'id': duplicate id 'ok_one' (first at line 5)"
        in lines
    )
    assert (
        "2025.toml:23: target 'ok_one': field 'name': duplicate name '好的' (first at line 6)"
        in lines
    )
    assert result.stderr.strip().endswith("problem(s) in 1 file(s)")
    assert (data_dir / "2025.toml").read_bytes() == before


def test_validate_json_lists_the_problems(cli, data_dir: Path) -> None:
    (data_dir / "2025.toml").write_text(BROKEN, encoding="utf-8")
    result = cli("validate", "--format", "json")
    assert result.exit_code == 65
    report = json.loads(result.stdout)
    assert report["valid"] is False
    fields = {(p["line"], p["target"], p["field"]) for p in report["problems"]}
    assert (19, "Bad Id", "colour") in fields


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[meta]\nyear = 2025\nyear = 2026\n", r"^tltrack: error: 2025.toml:3: not valid TOML"),
        ("[meta\n", r"^tltrack: error: 2025.toml:1: not valid TOML"),
        ("", r"field 'meta': missing \(required\) \(and 1 more"),
        (b"\xff\xfe[meta]", r"2025.toml:1: not UTF-8 text"),
        # TOML 1.1, which tomllib refuses: a file that reads only with a newer parser (tomli
        # 2.4 on) is not valid TOML 1.0, and tltrack's files are TOML 1.0.
        ("[meta]\nyear = 2025\nt = { a = 1, }\n", r"^tltrack: error: 2025.toml:3: not valid TOML"),
        ('[meta]\nyear = 2025\ntitle = "\\x41"\n', r"^tltrack: error: 2025.toml:3: not valid TOML"),
        ("[meta]\nyear = 2025\nt = 10:00\n", r"^tltrack: error: 2025.toml:3: not valid TOML"),
    ],
)
def test_a_broken_target_file_stops_status_with_one_line(
    cli, data_dir: Path, content: str | bytes, expected: str
) -> None:
    path = data_dir / "2025.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = cli("status", "--lang", "en")
    assert result.exit_code == 65
    assert len(result.stderr.splitlines()) == 1
    assert re.search(expected, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout


def test_a_year_mismatch_is_reported(cli, data_dir: Path) -> None:
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    (data_dir / "2025.toml").write_text(text.replace("year = 2025", "year = 2024", 1), "utf-8")
    result = cli("validate", "--lang", "en")
    assert result.exit_code == 65
    assert "meta.year is 2024 but the file is named for 2025" in result.stdout
    chinese = cli("validate", "--lang", "zh").stdout
    assert chinese == "2025.toml:34: 字段 'meta.year': meta.year 为 2024，但文件名是 2025 年\n"


def _shipped_targets() -> dict[str, dict]:
    import tomllib

    from conftest import SHIPPED_TARGETS

    data = tomllib.loads((SHIPPED_TARGETS / "2025.toml").read_text(encoding="utf-8"))
    return {t["id"]: t for t in data["target"]}


def test_a_baseline_measures_what_its_target_measures() -> None:
    targets = _shipped_targets()
    # Each 2024 figure below counts something else: it is in the note, not the baseline.
    for metric, figure in (
        ("superior_budget_funds", "200亿元"),  # includes 国债 funds, a lower bound (超)
        ("tech_enterprise_growth", "73家"),  # the net increase, not the stock
        ("urban_renewal_projects", "75个"),  # drainage-type projects only
        ("industrial_projects_completed", "105个"),  # the wider industrial list
    ):
        target = targets[metric]
        assert "baseline" not in target and figure in target["note"], metric


def test_seasonal_targets_keep_their_season() -> None:
    targets = _shipped_targets()
    for metric in ("high_standard_farmland", "beef_chain_output", "agri_service_firms"):
        assert targets[metric]["pace"] == "year_end", metric
    sand = targets["desertification_control"]["pace"]
    assert sand[5] == sand[7] == 0.5 and sand[4] < sand[5] and sand[8] > sand[7]  # no summer
    assert targets["dense_planting_area"]["pace"][4] == 1  # all sown by the end of May
    energy = targets["new_energy_capacity_added"]["pace"]
    assert energy[8] <= 0.3 and energy[11] == 1  # connected in the fourth quarter
    starts = targets["key_projects_started"]["pace"]
    assert starts[1] <= 0.05 and starts[5] >= 0.75  # winter stop, most started by June
    seasonal = ("desertification_control", "dense_planting_area", "new_energy_capacity_added")
    for metric in (*seasonal, "key_projects_started"):
        assert targets[metric]["note"], metric  # the reason is said


def test_stretch_covers_the_whole_clause_it_governs() -> None:
    # 力争实施高标准农田300万亩以上,推行…1000万亩以上,集中连片打造5个百万亩、3个十万亩…
    targets = _shipped_targets()
    clause = ("high_standard_farmland", "dense_planting_area")
    parks = ("demo_parks_million_mu", "demo_parks_100k_mu")
    assert all(targets[metric].get("stretch") for metric in clause + parks)


def test_commitments_with_a_result_in_the_year_are_milestones() -> None:
    from conftest import SHIPPED_TARGETS, SOURCE_ARTICLE

    article = SOURCE_ARTICLE.read_text(encoding="utf-8")
    targets = _shipped_targets()
    milestones = {
        "zhongbo_pv_glass_in_production": "中玻光伏玻璃",
        "shengbao_glass_products_in_production": "盛宝玻璃制品",
        "xinggu_phase1_expansion_in_production": "兴固一期扩能",
        "low_altitude_economy_plan": "制定低空经济发展规划",
        "low_altitude_industrial_park_started": "启动科尔沁区低空制造科技产业园建设",
        "mengdong_computing_park_started": "启动建设蒙东绿色数字智算产业园",
        "future_industries_plan": "科学编制未来产业发展规划",
        "xjtu_proof_of_concept_center": "建设西安交通大学通辽概念验证中心",
        "soe_reform_deepening": "高质量完成国企改革深化提升行动",
        "zero_based_budgeting_started": "启动零基预算改革",
        "zero_waste_city_started": "启动建设“无废城市”",
        "naiman_soda_ash_park": "开工建设奈曼天然碱产业园",  # the rule they share
    }
    for metric, words in milestones.items():
        target = targets[metric]
        assert target["kind"] == "milestone" and words in target["quote"], metric
        assert target["quote"] in article, metric  # the report's own words
    # 力促 pushes for it, as 力争 does: the three projects are stretch targets.
    assert all(targets[m].get("stretch") for m in list(milestones)[:3])
    # What stays out says why: 刚性增长 gives no rate to judge by.
    header = (SHIPPED_TARGETS / "2025.toml").read_text(encoding="utf-8").split("[meta]")[0]
    assert "保持财政科技资金投入刚性增长: a growth with no rate" in header
    assert "Add them as milestones if the office tracks them" not in header
