"""Fill-in forms: template writes one per unit, a unit fills it in as it would in Excel (here
with openpyxl), import takes the returned forms back, all or nothing, and knows a form by its
own marks."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from conftest import records_file
from units_catalog import CATALOG, REGIONS, write_catalog


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "targets")


@pytest.fixture
def forms(cli, tmp_path: Path) -> Path:
    """Each region's form for July, after June figures from 开鲁县 and the city."""
    assert (
        cli(
            "record", "key_projects_started", "30", "--period", "2025-06", "--region", "开鲁县"
        ).exit_code
        == 0
    )
    assert cli("record", "fixed_investment", "190", "--period", "2025-06").exit_code == 0
    folder = tmp_path / "回收"
    run = cli("template", "--by", "region", "--period", "2025-07", "-o", str(folder))
    assert run.exit_code == 0, run.stderr
    return folder


def fill(
    path: Path,
    values: dict[str, object],
    notes: dict[str, str] | None = None,
    explanations: dict[str, str] | None = None,
) -> None:
    """What a unit does: type figures into 本期数值 (and 备注, 核实说明) by the row's 指标代码,
    save."""
    book = load_workbook(path)
    sheet = book["填报"]
    header = [cell.value for cell in sheet[1]]
    value_col, note_col = header.index("本期数值") + 1, header.index("备注") + 1
    said_col = header.index("核实说明") + 1
    for row in range(2, sheet.max_row + 1):
        metric = sheet.cell(row, 1).value
        if metric in values:
            sheet.cell(row, value_col).value = values[metric]
        if notes and metric in notes:
            sheet.cell(row, note_col).value = notes[metric]
        if explanations and metric in explanations:
            sheet.cell(row, said_col).value = explanations[metric]
    book.save(path)


def test_a_form_explains_an_unusual_figure(cli, forms: Path, data_dir: Path) -> None:
    """A July total below June's is refused from a form without a 核实说明, kept with one."""
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 28})
    refused = cli("import", str(forms / "开鲁县.xlsx"))
    assert refused.exit_code == 65
    assert "累计数 28个 低于上期（2025-06）的 30个" in refused.stderr
    said = "2个项目经核查不符合开工条件，予以核减"
    fill(forms / "开鲁县.xlsx", {}, explanations={"key_projects_started": said})
    run = cli("import", str(forms / "开鲁县.xlsx"))
    assert run.exit_code == 0, run.stderr
    kept = json.loads(cli("export", "--format", "json").stdout)["records"][-1]
    assert (kept["value"], kept["explanation"], kept["unit"]) == (28.0, said, "开鲁县")
    assert kept["source"].endswith(" 开鲁县.xlsx")


def test_one_form_per_region_with_its_own_targets(forms: Path) -> None:
    assert sorted(p.name for p in forms.iterdir()) == sorted(f"{r}.xlsx" for r in REGIONS)
    book = load_workbook(forms / "开鲁县.xlsx")
    assert book.sheetnames[:2] == ["填报", "填报说明"]
    sheet = book["填报"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        *("指标代码", "指标", "单位", "目标", "上期数值", "上期期间", "本期数值", "备注"),
        *("地区", "期间"),  # whose form and which period, on every row
        "核实说明",  # why a figure a review rule finds unusual is right
    ]
    mine = ["开鲁县", "2025-07", None]
    assert rows[1:] == [
        ["key_projects_started", "开复工重点项目", "个", 60, 30, "2025-06", None, None, *mine],
        ["gdp_growth", "地区生产总值增长", "%", 6, None, None, None, None, *mine],
        ["fixed_investment", "固定资产投资", "亿元", 80, None, None, None, None, *mine],
    ]
    # Only the figure and the note can be typed in; the figure must be a number.
    assert sheet.protection.sheet is True
    locked = [sheet.cell(2, c).protection.locked for c in range(1, 11)]
    assert locked == [True] * 6 + [False] * 2 + [True] * 2
    validation = sheet.data_validations.dataValidation[0]
    assert (validation.type, str(validation.sqref)) == ("decimal", "G2:G4")
    guide = "\n".join(str(c.value) for c in book["填报说明"]["A"])
    assert "填报单位（旗县市区）：开鲁县" in guide and "截至2025年7月底" in guide
    assert [s.sheet_state for s in book.worksheets] == ["visible", "visible", "veryHidden"]
    assert len(list(load_workbook(forms / "库伦旗.xlsx")["填报"].iter_rows())) == 3  # 2 targets


def test_a_lead_units_form_carries_the_city_figures(cli, tmp_path: Path) -> None:
    cli("record", "fixed_investment", "190", "--period", "2025-06")
    run = cli("template", "--by", "owner", "--period", "2025-07", "-o", str(tmp_path / "f"))
    assert run.exit_code == 0
    assert sorted(p.stem for p in (tmp_path / "f").iterdir()) == sorted(
        ["市发改委", "市统计局", "市农牧局", "市政务服务局", "市人社局", "市水利局"]
    )
    rows = list(load_workbook(tmp_path / "f" / "市发改委.xlsx")["填报"].iter_rows(values_only=True))
    assert rows[1][:6] == ("key_projects_started", "开复工重点项目", "个", 500, None, None)
    assert rows[2][:6] == ("fixed_investment", "固定资产投资", "亿元", 400, 190, "2025-06")


def test_the_round_trip_shows_exactly_the_figures_filled_in(cli, forms: Path) -> None:
    fill(
        forms / "开鲁县.xlsx",
        {"key_projects_started": 36, "gdp_growth": 6.1, "fixed_investment": 40},
    )
    fill(
        forms / "奈曼旗.xlsx",
        {"key_projects_started": 20, "fixed_investment": "41"},
        {"gdp_growth": "数据待统计局核定"},
    )
    run = cli("import", str(forms))
    assert run.exit_code == 0, run.stderr
    assert "8 个文件: 新增 5，未变 0，更正 0" in run.stderr
    report = json.loads(
        cli("status", "--by", "region", "--as-of", "2025-08-15", "--format", "json").stdout
    )
    actual = {
        (ranking["id"], r["name"]): r["actual"]
        for ranking in report["rankings"]
        for r in ranking["regions"]
        if r["actual"] is not None
    }
    assert actual == {
        ("key_projects_started", "开鲁县"): 36.0,
        ("gdp_growth", "开鲁县"): 6.1,
        ("fixed_investment", "开鲁县"): 40.0,
        ("key_projects_started", "奈曼旗"): 20.0,
        ("fixed_investment", "奈曼旗"): 41.0,
    }
    # A blank figure is not reported: 奈曼旗 still owes its growth rate.
    missing = json.loads(
        cli("missing", "--period", "2025-07", "--by", "region", "--format", "json").stdout
    )
    naiman = next(m for m in missing["missing"] if m["unit"] == "奈曼旗")
    assert naiman["targets"] == ["gdp_growth"]
    # The same forms again change nothing (a cron retry).
    before = records_file(cli_data(cli)).read_bytes()
    assert cli("import", str(forms)).exit_code == 0
    assert records_file(cli_data(cli)).read_bytes() == before


def cli_data(cli) -> Path:
    return Path(os.environ["TLTRACK_DATA_DIR"])


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (lambda sheet: sheet.cell(2, 4, 10),
         "开鲁县.xlsx: 第 1 行(工作表第 2 行): 锁定单元格“目标”被改动"),
        (lambda sheet: sheet.cell(3, 2, "GDP"),
         "开鲁县.xlsx: 第 2 行(工作表第 3 行): 锁定单元格“指标”被改动"),
        (lambda sheet: [sheet.cell(5, c, v) for c, v in ((1, "beef_cattle"), (7, 3))],
         "开鲁县.xlsx: 第 4 行(工作表第 5 行): 肉牛存栏(beef_cattle)不是 开鲁县 承担的指标"),
        (lambda sheet: [sheet.cell(5, c, v) for c, v in ((1, "cattle"), (7, 3))],
         "开鲁县.xlsx: 第 4 行(工作表第 5 行): 目标文件中没有指标 'cattle'"),
        (lambda sheet: sheet.cell(2, 7, "三十"), "开鲁县.xlsx: 第 1 行(工作表第 2 行): "),
    ],
)  # fmt: skip
def test_a_tampered_form_is_refused_and_nothing_is_written(
    cli, forms: Path, tamper, problem
) -> None:
    fill(forms / "奈曼旗.xlsx", {"key_projects_started": 20})
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 36})
    book = load_workbook(forms / "开鲁县.xlsx")
    tamper(book["填报"])
    book.save(forms / "开鲁县.xlsx")
    before = records_file(cli_data(cli)).read_bytes()
    run = cli("import", str(forms))
    assert run.exit_code == 65
    assert problem in run.stderr
    assert "(回收/ 未导入任何数据: 1 个问题)" in run.stderr
    assert records_file(cli_data(cli)).read_bytes() == before


def test_a_form_for_another_period_is_refused(cli, forms: Path) -> None:
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 36})
    run = cli("import", str(forms / "开鲁县.xlsx"), "--period", "2025-08")
    assert run.exit_code == 65
    assert (
        run.stderr.strip()
        == "tltrack: error: 开鲁县.xlsx: 此表期间为 2025-07，本次导入的是 2025-08"
    )
    assert cli("import", str(forms / "开鲁县.xlsx"), "--period", "2025-07").exit_code == 0


def test_a_form_for_another_year_or_unit_is_refused(cli, forms: Path, data_dir: Path) -> None:
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 36})
    text = (data_dir / "2025.toml").read_text(encoding="utf-8")
    (data_dir / "2025.toml").write_text(text.replace("开鲁县", "开鲁"), encoding="utf-8")
    run = cli("import", str(forms / "开鲁县.xlsx"))  # the region was renamed since
    assert run.exit_code == 65 and "填报单位 '开鲁县' 不是目标文件中的旗县市区" in run.stderr
    (data_dir / "2025.toml").rename(data_dir / "2026.toml")
    (data_dir / "2026.toml").write_text(
        CATALOG.replace("year = 2025", "year = 2026"), encoding="utf-8"
    )
    run = cli("import", str(forms / "开鲁县.xlsx"))
    assert run.exit_code == 65 and "此表为 2025 年，目标文件为 2026 年" in run.stderr


def test_a_folder_is_read_without_following_links(cli, forms: Path, tmp_path: Path) -> None:
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 36})
    elsewhere = tmp_path / "elsewhere.xlsx"
    (forms / "奈曼旗.xlsx").rename(elsewhere)
    fill(elsewhere, {"key_projects_started": 99})
    (forms / "奈曼旗.xlsx").symlink_to(elsewhere)
    (forms / "~$开鲁县.xlsx").write_bytes(b"Excel's lock file")
    run = cli("import", str(forms), "--format", "json")
    assert run.exit_code == 0, run.stderr
    result = json.loads(run.stdout)
    assert "奈曼旗.xlsx" not in result["files"] and "~$开鲁县.xlsx" not in result["files"]
    assert [
        (c["metric"], c["region"], c["value"]) for c in result["changes"] if c["outcome"] == "added"
    ] == [("key_projects_started", "开鲁县", 36.0)]


def test_forms_already_there_are_not_replaced(cli, forms: Path) -> None:
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 36})
    filled = (forms / "开鲁县.xlsx").read_bytes()
    run = cli("template", "--by", "region", "--period", "2025-07", "-o", str(forms))
    assert run.exit_code == 73 and "回收的报表不会被覆盖" in run.stderr
    assert (forms / "开鲁县.xlsx").read_bytes() == filled
    assert (
        cli(
            "template", "--by", "region", "--period", "2025-07", "-o", str(forms), "--force"
        ).exit_code
        == 0
    )
    assert (forms / "开鲁县.xlsx").read_bytes() != filled


def test_a_csv_form_in_gb18030_round_trips(cli, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    run = cli(
        "template", "--by", "owner", "--period", "2025-06", "-o", str(folder), "--format", "csv"
    )
    assert run.exit_code == 0
    data = (folder / "市发改委.csv").read_bytes()
    text = data.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "指标代码",
        "指标",
        "单位",
        "目标",
        "上期数值",
        "上期期间",
        "本期数值",
        "备注",
        "牵头单位",
        "期间",
        "校验码",
        "核实说明",
    ]
    assert re.fullmatch("[0-9a-f]{64}", rows[1][-2])  # the row's seal
    assert rows[1][-1] == ""  # its 核实说明, to fill where a figure is unusual
    assert rows[1][:-2] == [
        "key_projects_started",
        "开复工重点项目",
        "个",
        "500",
        "",
        "",
        "",
        "",
        "市发改委",
        "2025-06",
    ]
    rows[1][6], rows[2][6], rows[2][7] = "262", "190", "含省重点项目"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    (folder / "市发改委.csv").write_bytes(out.getvalue().encode("gb18030"))
    run = cli("import", str(folder / "市发改委.csv"), "--period", "2025-06")
    assert run.exit_code == 0, run.stderr
    report = json.loads(
        cli("status", "--as-of", "2025-07-15", "--owner", "市发改委", "--format", "json").stdout
    )
    assert [(t["actual"], t["source"]) for t in report["targets"]] == [
        (262.0, "recorded"),
        (190.0, "recorded"),
    ]
    # A row for another unit's target, added to the CSV, is refused with its line.
    rows.append(
        ["gdp_growth", "地区生产总值增长", "%", "6", "", "", "5.9", "", "市发改委", "2025-06"]
    )
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    (folder / "市发改委.csv").write_bytes(out.getvalue().encode("gb18030"))
    run = cli("import", str(folder / "市发改委.csv"))
    assert run.exit_code == 65
    assert "地区生产总值增长(gdp_growth)不是 市发改委 承担的指标" in run.stderr


def test_a_unit_name_cannot_leave_the_folder(cli, data_dir: Path, tmp_path: Path) -> None:
    hostile = CATALOG.replace('owner = "市水利局"', 'owner = "../../水利局"')
    write_catalog(data_dir, hostile)
    folder = tmp_path / "out"
    assert cli("template", "--by", "owner", "--period", "2025-06", "-o", str(folder)).exit_code == 0
    assert sorted(p.name for p in folder.iterdir())[0] == "_.._水利局.xlsx"
    assert not (tmp_path.parent / "水利局.xlsx").exists()


def test_template_needs_by_and_a_folder(cli, tmp_path: Path) -> None:
    run = cli("template", "--period", "2025-06", "-o", str(tmp_path))
    assert run.exit_code == 2 and "--by owner" in run.stderr
    run = cli("template", "--by", "owner")
    assert run.exit_code == 2 and "-o" in run.stderr


# --- files from other offices ----------------------------------------------------------------


def test_a_control_character_in_a_note_is_refused_not_written(cli, forms: Path) -> None:
    # DEL and C1 controls (\x85, \x9b: a terminal's CSI) would make the records file unreadable.
    for note in ("a\x85b", "x\x9b31m", "del\x7f"):
        run = cli("record", "gdp_growth", "5", "--period", "2025-06", "--note", note)
        assert run.exit_code == 65 and "控制字符" in run.stderr, note
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 36}, {"key_projects_started": "x\x9b31m"})
    before = records_file(cli_data(cli)).read_bytes()
    run = cli("import", str(forms / "开鲁县.xlsx"))
    assert run.exit_code == 65 and "控制字符" in run.stderr
    assert records_file(cli_data(cli)).read_bytes() == before
    assert cli("status").exit_code == 0


def test_a_link_swapped_in_after_listing_is_not_read(tmp_path: Path) -> None:
    from tltrack.errors import DataError
    from tltrack.files.disk import read_bytes

    secret = tmp_path / "secret"
    secret.write_text("root:$6$hash\n", encoding="utf-8")
    (tmp_path / "z.csv").symlink_to(secret)
    with pytest.raises(DataError) as refused:
        read_bytes(tmp_path / "z.csv", 1024, follow=False)
    assert "符号链接" in refused.value.say("zh") and "$6$" not in refused.value.say("zh")
    assert read_bytes(tmp_path / "z.csv", 1024) == b"root:$6$hash\n"  # a file named: followed


def test_forms_are_never_written_through_a_linked_folder(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # `-o ''` must not write here either
    victim = tmp_path / "victim"
    victim.mkdir()
    (tmp_path / "out").symlink_to(victim)
    for force in ((), ("--force",)):
        run = cli(
            "template", "--by", "region", "--period", "2025-06", "-o", str(tmp_path / "out"), *force
        )
        assert run.exit_code == 73 and "符号链接" in run.stderr
    assert list(victim.iterdir()) == []
    assert cli("template", "--by", "region", "-o", "").exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "targets", "victim"]


def test_force_replaces_nothing_when_one_name_is_a_link(cli, forms: Path, tmp_path: Path) -> None:
    fill(forms / "科尔沁区.xlsx", {"key_projects_started": 70})
    filled = (forms / "科尔沁区.xlsx").read_bytes()
    (forms / "扎鲁特旗.xlsx").unlink()
    (forms / "扎鲁特旗.xlsx").symlink_to(tmp_path / "elsewhere.xlsx")
    run = cli("template", "--by", "region", "--period", "2025-07", "-o", str(forms), "--force")
    assert run.exit_code == 73 and "扎鲁特旗.xlsx" in run.stderr
    assert (forms / "科尔沁区.xlsx").read_bytes() == filled
    assert not (tmp_path / "elsewhere.xlsx").exists()


def test_a_cell_far_to_the_right_costs_nothing(cli, forms: Path) -> None:
    book = load_workbook(forms / "开鲁县.xlsx")
    for row in range(2, 3000):
        book["表单信息"].cell(row + 20, 16384, "x")  # column XFD
        book["填报"].cell(row + 20, 16384, "x")
    book.save(forms / "开鲁县.xlsx")
    from tltrack.sources.xlsx_file import open_xlsx, sheet_cells

    workbook = open_xlsx(forms / "开鲁县.xlsx")
    assert {len(row) for row in sheet_cells(forms / "开鲁县.xlsx", workbook["填报"], 10)} == {10}
    workbook.close()
    run = cli("import", str(forms / "开鲁县.xlsx"))
    assert run.exit_code == 0, run.stderr  # the far cells are not read, the form has no figure


@pytest.mark.parametrize(
    ("cell", "written"),
    [("G2", "1" + "0" * 400), ("A2", "1" + "0" * 400), ("D2", "-" + "9" * 400), ("G2", "1e999")],
    ids=["figure", "code", "target", "infinity"],
)
def test_a_number_too_large_to_print_is_refused_with_its_row(
    cli, forms: Path, cell, written
) -> None:
    # openpyxl will not write such a number; a hand-made file holds it in the sheet's XML.
    book = load_workbook(forms / "开鲁县.xlsx")
    book["填报"][cell] = 987654321
    book.save(forms / "开鲁县.xlsx")
    patched = io.BytesIO()
    with zipfile.ZipFile(forms / "开鲁县.xlsx") as source, zipfile.ZipFile(patched, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            out.writestr(item, data.replace(b"<v>987654321</v>", f"<v>{written}</v>".encode()))
    (forms / "开鲁县.xlsx").write_bytes(patched.getvalue())
    run = cli("import", str(forms / "开鲁县.xlsx"))
    assert run.exit_code == 65, run.stderr
    assert "开鲁县.xlsx: 第 1 行(工作表第 2 行)" in run.stderr


def test_a_csv_field_past_the_parsers_limit_is_refused(cli, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_text(
        "指标代码,指标,单位,目标,上期数值,上期期间,本期数值,备注,牵头单位,期间\n"
        + "x" * 200_000
        + "\n"
    )
    run = cli("import", str(big))
    assert run.exit_code == 65 and "big.csv" in run.stderr
    plain = tmp_path / "plain.json"
    plain.write_text('[{"metric": "gdp_growth", "period": "2025-06", "value": ' + "9" * 5000 + "}]")
    assert cli("import", str(plain)).exit_code == 65


def test_a_figure_on_a_form_keeps_its_digits(cli, forms: Path) -> None:
    fill(forms / "开鲁县.xlsx", {"gdp_growth": 5.12345678, "key_projects_started": 35.0000004})
    assert cli("import", str(forms / "开鲁县.xlsx")).exit_code == 0
    report = json.loads(
        cli("status", "--region", "开鲁县", "--as-of", "2025-08-15", "--format", "json").stdout
    )
    assert {t["id"]: t["actual"] for t in report["targets"]}["gdp_growth"] == 5.12345678
    assert {t["id"]: t["actual"] for t in report["targets"]}["key_projects_started"] == 35.0000004


def test_a_csv_form_with_a_changed_target_is_refused(cli, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    cli("template", "--by", "owner", "--period", "2025-06", "-o", str(folder), "--format", "csv")
    rows = list(csv.reader(io.StringIO((folder / "市发改委.csv").read_bytes().decode("gb18030"))))
    rows[1][3], rows[1][6] = "400", "262"  # the target lowered to make the unit look better
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    (folder / "市发改委.csv").write_bytes(out.getvalue().encode("gb18030"))
    run = cli("import", str(folder / "市发改委.csv"))
    assert run.exit_code == 65 and "锁定单元格“目标”被改动" in run.stderr


@pytest.mark.parametrize(
    ("unit", "named"),
    [
        ("CON", "_CON.xlsx"),
        ("nul.txt", "_nul.txt.xlsx"),
        ("~$局", "_~$局.xlsx"),
        ("局" * 100, "局" * 66 + ".xlsx"),
    ],
)
def test_unit_names_make_safe_file_names(unit: str, named: str) -> None:
    from tltrack.domain.forms import file_name

    assert file_name(unit, ".xlsx") == named
    assert len(file_name(unit, ".xlsx").encode()) <= 255


def test_a_form_cut_short_is_a_problem_not_a_crash(cli, forms: Path) -> None:
    """A returned form whose sheet was cut in transit: the folder's import says which."""
    from test_broken_files import SHEET, part

    path = forms / "开鲁县.xlsx"
    path.write_bytes(part(SHEET, lambda b: b[: len(b) // 2])(path.read_bytes()))
    before = records_file(cli_data(cli)).read_bytes()
    run = cli("import", str(forms), "--lang", "zh")
    assert run.exit_code == 65
    assert "无法读取 开鲁县.xlsx: 不是 .xlsx 工作簿" in run.stderr
    assert "internal error" not in run.stderr
    assert records_file(cli_data(cli)).read_bytes() == before


def test_an_import_opens_each_file_once(cli, forms: Path, tmp_path: Path) -> None:
    """Returned forms (xlsx and CSV) and files of figures (CSV and JSON) are each opened once:
    the reader of the file's format tells a form by its marks from what it has read, not by
    reading it again."""
    import builtins

    from tltrack.files import disk

    fill(forms / "开鲁县.xlsx", {"key_projects_started": 36})
    as_csv = tmp_path / "csv-forms"
    assert cli("template", "--by", "region", "--period", "2025-07", "-o", str(as_csv),
               "--format", "csv").exit_code == 0  # fmt: skip
    (forms / "奈曼旗.xlsx").unlink()
    (as_csv / "奈曼旗.csv").rename(forms / "奈曼旗.csv")
    (forms / "figures.csv").write_text(
        "metric,period,value\nfixed_investment,2025-07,200\n", encoding="utf-8"
    )
    (forms / "figures.json").write_text(
        '[{"metric": "gdp_growth", "period": "2025-07", "value": 5.9}]', encoding="utf-8"
    )
    opened: list[str] = []
    real_open, real_builtin_open = os.open, builtins.open

    def counted(path: object, *args: object, **kwargs: object) -> int:
        opened.append(Path(str(path)).name)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def counted_builtin(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | Path):
            opened.append(Path(file).name)
        return real_builtin_open(file, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(disk.os, "open", counted)
        patch.setattr(builtins, "open", counted_builtin)
        run = cli("import", str(forms))
    assert run.exit_code == 0, run.stderr
    sent = sorted(p.name for p in forms.iterdir())
    assert {"奈曼旗.csv", "开鲁县.xlsx", "figures.csv", "figures.json"} <= set(sent)
    assert sorted(name for name in opened if name in sent) == sent  # each once, none twice


# --- the seal: a form is bound to its unit, period and locked cells ------------------------------


def test_a_form_edited_to_say_another_region_is_refused(cli, forms: Path, data_dir: Path) -> None:
    """An attacker's read: 开鲁县 edits its form's hidden sheet (and the visible column) to
    say 科尔沁区, and its 999 would have been 科尔沁区's figure."""
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 999})
    book = load_workbook(forms / "开鲁县.xlsx")
    book["表单信息"]["B5"] = "科尔沁区"
    for row in range(2, book["填报"].max_row + 1):
        book["填报"].cell(row, 9).value = "科尔沁区"
    book.save(forms / "开鲁县.xlsx")
    run = cli("import", str(forms / "开鲁县.xlsx"))
    assert run.exit_code == 65
    assert run.stderr == (
        "tltrack: error: 无法导入 开鲁县.xlsx: 生成后表中的隐藏标记或锁定单元格被改动(校验码不符)，"
        "或该表由使用其他密钥的数据文件夹生成；请重新向该单位发送填报表\n"
    )
    assert "999" not in cli("export").stdout


def test_a_locked_cell_changed_in_both_sheets_is_refused(cli, forms: Path) -> None:
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 36})
    book = load_workbook(forms / "开鲁县.xlsx")
    book["填报"]["D2"] = "1"  # the target, lowered
    marks = book["表单信息"]
    row = next(r for r in range(8, marks.max_row + 1) if marks.cell(r, 1).value)
    marks.cell(row, 4).value = "1"
    book.save(forms / "开鲁县.xlsx")
    run = cli("import", str(forms / "开鲁县.xlsx"))
    assert run.exit_code == 65 and "校验码不符" in run.stderr


def test_a_form_without_its_seal_is_refused(cli, forms: Path) -> None:
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 36})
    book = load_workbook(forms / "开鲁县.xlsx")
    book["表单信息"]["B6"] = None
    book.save(forms / "开鲁县.xlsx")
    run = cli("import", str(forms / "开鲁县.xlsx"))
    assert run.exit_code == 65 and "该表没有校验码" in run.stderr


def test_a_csv_form_edited_to_say_another_unit_is_refused(cli, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    args = ("--by", "region", "--period", "2025-06", "-o", str(folder), "--format", "csv")
    assert cli("template", *args).exit_code == 0
    sent = list(csv.reader(io.StringIO((folder / "开鲁县.csv").read_bytes().decode("gb18030"))))
    for column, said in ((8, "科尔沁区"), (9, "2025-05")):  # the unit, or the period
        rows = [list(row) for row in sent]
        for row in rows[1:]:
            row[6], row[column] = "999", said
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        (folder / "开鲁县.csv").write_bytes(out.getvalue().encode("gb18030"))
        run = cli("import", str(folder / "开鲁县.csv"))
        assert run.exit_code == 65, run.stderr
        assert "999" not in cli("export").stdout
    assert "校验码不符" in run.stderr  # the period: the locked cells alone are as sent


def test_the_key_is_the_folders_own_and_private(
    cli, forms: Path, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = data_dir / ".tltrack-form-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert re.fullmatch(rb"[0-9a-f]{64}\n", key.read_bytes())
    fill(forms / "开鲁县.xlsx", {"key_projects_started": 36})
    # Another data folder (an office that copies forms between folders) has no key...
    other = write_catalog(tmp_path / "other")
    monkeypatch.setenv("TLTRACK_DATA_DIR", str(other))
    run = cli("import", str(forms / "开鲁县.xlsx"))
    assert (
        run.exit_code == 65 and "本数据文件夹没有核验填报表的密钥(.tltrack-form-key)" in run.stderr
    )
    # ...until the key that sealed them is copied there, readable by its owner only.
    (other / ".tltrack-form-key").write_bytes(key.read_bytes())
    (other / ".tltrack-form-key").chmod(0o644)
    run = cli("import", str(forms / "开鲁县.xlsx"))
    assert run.exit_code == 77 and "权限 600" in run.stderr
    (other / ".tltrack-form-key").chmod(0o600)
    assert cli("import", str(forms / "开鲁县.xlsx")).exit_code == 0


def test_a_csv_form_saved_again_by_a_spreadsheet_still_imports(cli, tmp_path: Path) -> None:
    """Excel or WPS, opening a CSV, rewrites cells it takes for dates or long numbers when it
    saves (上期期间 2025-05 as 2025/5/1, 上期数值 as 1.23457E+13): cells the import does not
    check, which the row's seal leaves out."""
    assert cli("record", "key_projects_started", "262", "--period", "2025-05").exit_code == 0
    folder = tmp_path / "csv"
    args = ("--by", "owner", "--period", "2025-06", "-o", str(folder), "--format", "csv")
    assert cli("template", *args).exit_code == 0
    rows = list(csv.reader(io.StringIO((folder / "市发改委.csv").read_bytes().decode("gb18030"))))
    assert rows[1][4:6] == ["262", "2025-05"]
    rows[1][4], rows[1][5], rows[1][6] = "2.62E+02", "2025/5/1", "300"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    (folder / "市发改委.csv").write_bytes(out.getvalue().encode("gb18030"))
    run = cli("import", str(folder / "市发改委.csv"))
    assert run.exit_code == 0, run.stderr
    assert "key_projects_started,,2025-06,300," in cli("export").stdout


def test_a_form_sent_before_the_explanation_column_still_imports(cli, tmp_path: Path) -> None:
    """Forms already out with the offices have no 核实说明 column: they read as ever."""
    folder = tmp_path / "csv"
    cli("template", "--by", "owner", "--period", "2025-06", "-o", str(folder), "--format", "csv")
    path = folder / "市发改委.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"))))
    rows = [row[:-1] for row in rows]  # as tltrack wrote forms before
    rows[1][6] = "262"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_bytes(out.getvalue().encode("gb18030"))
    run = cli("import", str(path), "--period", "2025-06")
    assert run.exit_code == 0, run.stderr
    assert "新增 1" in run.stderr
