"""Review rules (审核, DESIGN §9) and who sent what (§10), as a county clerk and a 督查室 clerk
meet them: unit slips refused unless explained, explained figures marked, a figure nobody
explained kept out of every ranking and lead paragraph. On the test city of units_catalog
with 综合治沙 split among the eight 旗县市区 (示例数据)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import SHIPPED_TARGETS
from units_catalog import CATALOG, REGIONS, write_catalog

SHARES = (100, 20, 40, 70, 50, 20, 30, 20)  # 万亩: 350 in all
DESERT = (
    '\n[[target]]\nid = "desertification_control"\nname = "综合治沙"\ncategory = "生态"\n'
    'kind = "cumulative"\ntarget = 350\nunit = "万亩"\nowner = "市林草局"\nquote = "示例数据"\n'
    "[target.split]\n" + "".join(f'"{r}" = {s}\n' for r, s in zip(REGIONS, SHARES, strict=True))
)
JUNE = ("--period", "2025-06")
AS_OF = ("--as-of", "2025-07-15")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "targets", CATALOG + DESERT)


def form(tmp_path: Path, name: str, rows: list[str], header: str = "指标,期间,数值,地区") -> Path:
    path = tmp_path / name
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def records(data_dir: Path) -> str:
    path = data_dir / "2025.records.toml"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_a_unit_slip_is_refused_naming_the_row_and_what_it_needs(cli, data_dir, tmp_path):
    """科尔沁左翼中旗 typed 综合治沙 in 亩 against a 70万亩 share; 开鲁县 wrote 1,020 for
    10.2: both refused, the rows named, nothing written; the good rows wait with them."""
    sheet = form(
        tmp_path,
        "6月.csv",
        [
            "综合治沙,2025年1-6月,420000,科尔沁左翼中旗",
            '综合治沙,2025年1-6月,"1,020",开鲁县',
            "综合治沙,2025年1-6月,48,科尔沁区",
        ],
    )
    run = cli("import", str(sheet))
    assert run.exit_code == 65
    lines = run.stderr.splitlines()
    assert lines[0] == (
        "6月.csv: 第 1 行(文件第 2 行): 综合治沙（科尔沁左翼中旗） 2025-06 = "
        "420000万亩：420000万亩 与时序应完成的 35万亩 相差 12000 倍，疑为单位填错（亩/万亩、"
        "万元/亿元）；如确认无误，请附核实说明（--explain 或“核实说明”列）"
    )
    assert lines[1].startswith("6月.csv: 第 2 行(文件第 3 行): 综合治沙（开鲁县） 2025-06")
    assert "1020万亩 与时序应完成的 20万亩 相差 51 倍" in lines[1]
    assert lines[2] == "6月.csv 未导入任何数据: 2 个问题"
    assert records(data_dir) == ""
    dry = cli("import", str(sheet), "--dry-run")
    assert dry.exit_code == 65 and dry.stderr.count("请附核实说明") == 2
    # Written in its unit, the figure converts and passes.
    fixed = form(tmp_path, "6月改.csv", ["综合治沙,2025年1-6月,420000亩,科尔沁左翼中旗"])
    run = cli("import", str(fixed))
    assert run.exit_code == 0, run.stderr
    assert "420000亩 → 42万亩" in run.stderr
    assert 'region = "科尔沁左翼中旗", period = "2025-06", value = 42.0,' in records(data_dir)


def test_an_explained_figure_is_accepted_and_marked(cli, data_dir, tmp_path):
    """A total that falls (52 in June, 45 in July) needs a 核实说明; with one, it is kept,
    marked 核 in the table, and its words are in show, review and the bulletin."""
    assert (
        cli("record", "desertification_control", "52", *JUNE, "--region", "奈曼旗").exit_code == 0
    )
    july = ("desertification_control", "45", "--period", "2025-07", "--region", "奈曼旗")
    refused = cli("record", *july)
    assert refused.exit_code == 65
    assert "累计数 45万亩 低于上期（2025-06）的 52万亩" in refused.stderr
    said = "6月数含外县代报面积，7月核减"
    run = cli("record", *july, "--explain", said)
    assert run.exit_code == 0, run.stderr
    assert f'explanation = "{said}", unit = "奈曼旗", source = "typed"' in records(data_dir)
    table = cli("status", "--region", "奈曼旗", "--as-of", "2025-08-15").stdout
    assert "2025-07核" in table
    assert f"核 综合治沙（奈曼旗）核实说明：{said}" in table
    shown = cli("show", "desertification_control", "--region", "奈曼旗", "--format", "json")
    figures = json.loads(shown.stdout)["records"]
    assert [(f["value"], f["explanation"]) for f in figures] == [(52.0, None), (45.0, said)]
    listed = json.loads(cli("review", "--format", "json").stdout)
    assert [(f["unit"], f["period"], f["rules"], f["review"]) for f in listed["figures"]] == [
        ("奈曼旗", "2025-07", ["falling"], "explained")
    ]
    bulletin = cli("report", "--as-of", "2025-08-15").stdout
    assert f"核 综合治沙（奈曼旗）核实说明：{said}" in bulletin


@pytest.mark.parametrize(
    ("args", "found"),
    [
        (("gdp_growth", "65", *JUNE), "增速 65% 超出 -30%～50% 的合理范围"),
        (("gdp_growth", "-31", *JUNE), "增速 -31% 超出 -30%～50% 的合理范围"),
        (
            ("key_projects_started", "800", "--period", "2025-03"),
            "时序进度仅 25%，累计 800个 已是全年目标 500个 的 1.6 倍",
        ),
    ],
)
def test_rates_and_early_totals_out_of_bounds_need_an_explanation(cli, data_dir, args, found):
    run = cli("record", *args)
    assert run.exit_code == 65 and found in run.stderr, run.stderr
    assert records(data_dir) == ""
    assert cli("record", *args, "--explain", "经统计局核实").exit_code == 0


def test_a_growth_rate_that_jumps_from_the_period_before(cli, data_dir):
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    run = cli("record", "gdp_growth", "12", "--period", "2025-Q3")
    assert run.exit_code == 65
    assert "增速 12% 较上期（2025-H1）的 5.8% 变动 6.2 个百分点，超过 5 个百分点" in run.stderr
    assert cli("record", "gdp_growth", "6.1", "--period", "2025-Q3").exit_code == 0


def test_a_stock_recorded_as_additions_is_caught(cli, data_dir):
    """新能源装机突破1410万千瓦 is a stock: recorded into 新增新能源装机 (400) mid-year it is
    3.5 times the year's goal while little of it is due. On the shipped catalog."""
    shutil.copy(SHIPPED_TARGETS / "2025.toml", data_dir / "2025.toml")
    run = cli("record", "new_energy_capacity_added", "1410", *JUNE)
    assert run.exit_code == 65
    assert "已是全年目标 400万千瓦 的 3.5 倍" in run.stderr


def test_regions_summing_far_above_the_city(cli, data_dir):
    assert cli("record", "desertification_control", "150", *JUNE).exit_code == 0
    for region, value in (("科尔沁区", "50"), ("开鲁县", "20"), ("库伦旗", "10")):
        run = cli("record", "desertification_control", value, *JUNE, "--region", region)
        assert run.exit_code == 0, run.stderr
    run = cli("record", "desertification_control", "120", *JUNE, "--region", "奈曼旗")
    assert run.exit_code == 65
    assert "各地区合计 200万亩 是全市数 150万亩 的 1.3 倍（超过 1.2 倍须核实）" in run.stderr


def hand_written(data_dir: Path, lines: list[str]) -> None:
    """Figures in the records file that no review checked: an older tltrack's, or a hand's."""
    path = data_dir / "2025.records.toml"
    text = records(data_dir) or (
        "# Figures recorded with tltrack. This file is written by tltrack: add or correct "
        "figures\n# with 'tltrack record' (a correction needs --correct); do not edit it by "
        "hand.\n# One figure a line; for a period, the highest revision counts, then the later"
        " line.\n\nrecord = [\n]\n"
    )
    body = "".join(
        f'  {{ metric = "desertification_control", {line}, note = "", by = "x", '
        "at = 2025-07-08 10:00:00+08:00 },\n"
        for line in lines
    )
    path.write_text(text[: -len("]\n")] + body + "]\n", encoding="utf-8")


def test_a_figure_nobody_explained_is_never_ranked_nor_counted_done(cli, data_dir):
    """A slip already in the store (600000 for a 70万亩 share) is shown 待核实: not ranked,
    not 已完成 in the lead paragraph, not in the city's sum."""
    hand_written(
        data_dir,
        [
            'region = "科尔沁左翼中旗", period = "2025-06", value = 600000.0',
            'region = "科尔沁区", period = "2025-06", value = 48.0',
        ],
    )
    ranked = json.loads(cli("status", "--by", "region", *AS_OF, "--format", "json").stdout)
    desert = next(r for r in ranked["rankings"] if r["id"] == "desertification_control")
    ranks = {r["name"]: (r["rank"], r["status"]) for r in desert["regions"]}
    assert ranks["科尔沁左翼中旗"] == (None, "no_data")
    assert ranks["科尔沁区"] == (1, "on_track")
    table = cli("status", "--by", "region", *AS_OF).stdout
    assert "待核实" in table and "600000万亩" in table
    assert "857142.9%" not in table  # no completion shown for it
    city = json.loads(cli("status", *AS_OF, "--format", "json").stdout)
    item = next(t for t in city["targets"] if t["id"] == "desertification_control")
    assert (item["actual"], item["source"], item["regions_reported"]) == (48.0, "partial", [1, 8])
    mine = json.loads(
        cli("status", "--region", "科尔沁左翼中旗", *AS_OF, "--format", "json").stdout
    )
    held = next(t for t in mine["targets"] if t["id"] == "desertification_control")
    assert (held["status"], held["review"], held["actual"]) == ("no_data", "pending", 600000.0)
    bulletin = cli("report", "--region", "科尔沁左翼中旗", *AS_OF).stdout
    assert "已完成0项" in bulletin
    assert "待核实 1 项: 综合治沙（科尔沁左翼中旗）" in bulletin
    listed = cli("review").stdout
    assert "【科尔沁左翼中旗】" in listed and "待核实" in listed
    assert "触发审核规则 1 项，其中待核实 1 项" in listed


def test_a_target_may_set_its_own_limits(cli, data_dir):
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    loosened = text.replace(
        'quote = "示例数据"\n[target.split]\n"科尔沁区" = 100',
        'quote = "示例数据"\nreview = { off = ["falling"], magnitude = 100 }\n'
        '[target.split]\n"科尔沁区" = 100',
    )
    (data_dir / "2025.toml").write_text(loosened + "\n[meta.review]\ngrowth_high = 70\n", "utf-8")
    assert cli("validate").exit_code == 0, cli("validate").stdout
    assert (
        cli("record", "desertification_control", "52", *JUNE, "--region", "奈曼旗").exit_code == 0
    )
    fell = cli(
        "record", "desertification_control", "45", "--period", "2025-07", "--region", "奈曼旗"
    )
    assert fell.exit_code == 0, fell.stderr
    assert cli("record", "desertification_control", "1000", *JUNE).exit_code == 0  # 5.7x
    assert cli("record", "gdp_growth", "65", *JUNE).exit_code == 0
    assert cli("record", "gdp_growth", "75", "--period", "2025-07", "--explain", "x").exit_code == 0
    broken = loosened.replace("magnitude = 100", "magnitude = 0.5")
    (data_dir / "2025.toml").write_text(broken, "utf-8")
    assert cli("validate").exit_code == 65


def test_who_sent_what_is_kept(cli, data_dir, tmp_path):
    """Each figure keeps the unit that sent it, the person and the file (name and SHA-256),
    and export and show print them."""
    sheet = form(
        tmp_path,
        "开鲁县6月.csv",
        ["综合治沙,2025年1-6月,21,开鲁县,王五"],
        header="指标,期间,数值,地区,填报人",
    )
    assert cli("import", str(sheet)).exit_code == 0
    assert cli("record", "desertification_control", "175", *JUNE, "--by", "李四").exit_code == 0
    digest = hashlib.sha256(sheet.read_bytes()).hexdigest()
    exported = json.loads(cli("export", "--format", "json").stdout)["records"]
    assert [(r["unit"], r["by"], r["source"]) for r in exported] == [
        ("开鲁县", "王五", f"sha256:{digest} 开鲁县6月.csv"),
        ("", "李四", "typed"),
    ]
    shown = json.loads(
        cli("show", "desertification_control", "--region", "开鲁县", "--format", "json").stdout
    )
    assert shown["records"][0] | {"at": None} == {
        "period": "2025-06",
        "value": 21.0,
        "note": "",
        "by": "王五",
        "at": None,
        "correction": False,
        "unit": "开鲁县",
        "source": "开鲁县6月.csv",
        "sha256": digest,
        "explanation": None,
        "current": True,
    }
    table = cli("show", "desertification_control", "--region", "开鲁县").stdout
    assert "开鲁县6月.csv" in table


@pytest.mark.parametrize("store", ["toml", "sqlite"])
@pytest.mark.parametrize("before", ["2025-06", "2025-03"])
def test_an_import_finds_the_figure_before_in_every_store(
    cli, data_dir, tmp_path, monkeypatch, store: str, before: str
):
    """An import reads only the days it needs: its periods' and, for each series, the last
    one before (found a month at a time where the store gives only the days asked)."""
    monkeypatch.setenv("TLTRACK_STORE", store)
    run = cli("record", "desertification_control", "25", "--period", before, "--region", "奈曼旗")
    assert run.exit_code == 0, run.stderr
    assert cli("record", "desertification_control", "40", "--period", "2025-01").exit_code == 0
    sheet = form(
        tmp_path,
        "7月.csv",
        ["综合治沙,2025年1-7月,20,奈曼旗", "综合治沙,2025年1-7月,60,科尔沁区"],
    )
    run = cli("import", str(sheet))
    assert run.exit_code == 65
    assert f"累计数 20万亩 低于上期（{before}）的 25万亩" in run.stderr
    assert "科尔沁区" not in run.stderr  # its first figure: nothing before it


def test_a_held_figure_is_explained_by_sending_it_again_with_words(cli, data_dir):
    hand_written(data_dir, ['region = "科尔沁左翼中旗", period = "2025-06", value = 600000.0'])
    mine = ("--region", "科尔沁左翼中旗", *AS_OF, "--format", "json")
    held = next(
        t
        for t in json.loads(cli("status", *mine).stdout)["targets"]
        if t["id"] == "desertification_control"
    )
    assert (held["completion"], held["gap"], held["projected"]) == (None, None, None)
    said = "含代管林场面积，已经市林草局核实"
    run = cli(
        "record", "desertification_control", "600000", *JUNE, "--region", "科尔沁左翼中旗",
        "--explain", said,
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert "已为 desertification_control（科尔沁左翼中旗） 2025-06 = 600000万亩 补充核实说明" in (
        run.stderr
    )
    assert 'revision = 1, explanation = "含代管林场面积' in records(data_dir)
    listed = json.loads(cli("review", "--format", "json").stdout)["figures"]
    assert [(f["review"], f["explanation"]) for f in listed] == [("explained", said)]
    again = cli(
        "record", "desertification_control", "600000", *JUNE, "--region", "科尔沁左翼中旗",
        "--explain", said,
    )  # fmt: skip
    assert again.exit_code == 0 and "未作改动" in again.stderr  # the same words: a repeat


def test_a_figure_that_makes_a_kept_one_unusual_is_the_one_refused(cli, data_dir):
    """The regions' figures are in; the city's total, recorded last, is far below their
    sum: the city's figure is refused, naming the region figure it would make unusual."""
    for region, value in (("科尔沁区", "60"), ("开鲁县", "30")):
        run = cli("record", "desertification_control", value, *JUNE, "--region", region)
        assert run.exit_code == 0, run.stderr
    run = cli("record", "desertification_control", "50", *JUNE)
    assert run.exit_code == 65
    assert (
        "综合治沙 2025-06 = 50万亩：各地区合计 90万亩 是全市数 50万亩 的 1.8 倍"
        # 开鲁县: the region standing highest against its share
        "（超过 1.2 倍须核实）（涉及已报送的 综合治沙（开鲁县） 2025-06）" in run.stderr
    )
    assert cli("record", "desertification_control", "95", *JUNE).exit_code == 0


def test_what_a_sender_puts_in_a_name_or_an_explanation(cli, data_dir, tmp_path):
    """A file's name with a control character is shown replaced, not a refusal of the
    file; an explanation nobody can see is none; a number beyond any decimal is refused."""
    odd = tmp_path / "开鲁\x1b[2J县.csv"
    odd.write_text("指标,期间,数值,地区\n综合治沙,2025年1-6月,21,开鲁县\n", encoding="utf-8")
    run = cli("import", str(odd))
    assert run.exit_code == 0, run.stderr
    exported = json.loads(cli("export", "--format", "json").stdout)["records"]
    assert exported[0]["source"].endswith(" 开鲁\ufffd[2J县.csv")
    unseen = cli("record", "gdp_growth", "65", *JUNE, "--explain", "\u200b\u3164")
    assert unseen.exit_code == 65 and "核实说明没有可见的文字" in unseen.stderr
    huge = cli("record", "desertification_control", "1e999999999亩", *JUNE)
    assert huge.exit_code == 65 and "超出范围" in huge.stderr
    typed_name = tmp_path / "typed"
    typed_name.write_text("指标,期间,数值,地区\n综合治沙,2025年1-6月,11,库伦旗\n", "utf-8")
    assert cli("import", str(typed_name)).exit_code == 0
    shown = cli("history", "desertification_control", "--region", "库伦旗").stdout
    assert "手工录入" not in shown and "typed" in shown


@pytest.mark.parametrize("store", ["toml", "sqlite"])
def test_a_held_region_leaves_the_citys_sum_alike_in_every_store(
    cli, data_dir, monkeypatch, store: str
):
    """A region whose newest figure is held is out of the city's sum, not summed at an
    older day: the TOML file holds every day, SQLite gives the newest only."""
    monkeypatch.setenv("TLTRACK_STORE", store)
    path = data_dir / "2025.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + '\n[meta.review]\noff = ["magnitude"]\n', encoding="utf-8")
    for region, period, value in (
        ("科尔沁区", "2025-05", "40"),
        ("开鲁县", "2025-05", "20"),
        ("科尔沁区", "2025-06", "5000"),  # a slip, written while the rule was off
    ):
        run = cli(
            "record", "desertification_control", value, "--period", period, "--region", region
        )
        assert run.exit_code == 0, run.stderr
    path.write_text(text, encoding="utf-8")  # the rule on again
    city = json.loads(cli("status", *AS_OF, "--format", "json").stdout)
    item = next(t for t in city["targets"] if t["id"] == "desertification_control")
    assert (item["actual"], item["period"], item["regions_reported"]) == (20.0, "2025-05", [1, 8])


def test_the_bulletin_says_where_its_figures_came_from(cli, data_dir, tmp_path):
    sheet = form(tmp_path, "开鲁县6月.csv", ["综合治沙,2025年1-6月,21,开鲁县"])
    assert cli("import", str(sheet)).exit_code == 0
    assert cli("record", "gdp_growth", "5.8", *JUNE).exit_code == 0
    bulletin = cli("report", *AS_OF).stdout
    assert "数据来源：报送文件 1 个（开鲁县6月.csv）、手工录入 1 项" in bulletin
