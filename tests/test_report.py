"""tltrack report: the bulletin in Markdown, self-contained HTML and xlsx."""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

AS_OF = ("--as-of", "2025-07-20")


def test_markdown_bulletin_in_chinese(month) -> None:
    result = month("report", *AS_OF)
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("# 通辽市2025年政府工作报告目标 月度调度通报\n\n截至2025年7月20日\n")
    # The lead paragraph, in the words of a 通报, its counts those of `status`.
    assert (
        "截至6月底，全市73项目标任务中，已完成1项，超进度0项，进度正常2项，滞后2项，严重滞后3项，"
        "未填报65项。滞后较多的是商品房销售面积滞后时序进度13.3个百分点、网上办事率低于目标2个"
        "百分点、社会消费品零售总额增长低于目标1.5个百分点。商品房销售面积等1项数据已超过45天"
        "未更新。"
    ) in md
    assert (
        "共 73 项: 已完成 1 · 超进度 0 · 进度正常 2 · 滞后 2 · 严重滞后 3 · 未完成 0 · 未填报 65"
    ) in md
    lagging = re.findall(r"^\d+\. (.*)$", md, flags=re.M)
    assert lagging == [
        "商品房销售面积：30万平方米（2025年4月），严重滞后，滞后时序进度13.3个百分点",
        "网上办事率：93%（2025年6月），严重滞后，低于目标2个百分点",
        "社会消费品零售总额增长：2.5%（2025年6月），严重滞后，低于目标1.5个百分点",
        "综合治沙：150万亩（2025年6月），滞后，滞后时序进度7.1个百分点",
        "地区生产总值增长：5.8%（2025年上半年），滞后，低于目标0.2个百分点",
    ]
    assert "数据过期(超过 45 天): 商品房销售面积 (2025-04)" in md
    for category in ("## 主要指标", "## 农牧业", "## 生态环保"):
        assert category in md
    assert (
        "| 开复工重点项目 | 421个 | 2025-06 | ≥500个 | 84.2% | 80% | +4.2 | 526个 | 进度正常 |"
    ) in md


def test_markdown_bulletin_in_english(month) -> None:
    md = month("report", *AS_OF, "--lang", "en").stdout
    assert md.startswith(
        "# 通辽市2025年政府工作报告目标 Monthly progress bulletin\n\nas of 20 July 2025"
    )
    assert "Targets furthest behind" in md
    assert "综合治沙: 150万亩 (2025-06), behind, 7.1 pp behind pace" in md
    assert "at risk" in md and "进度正常" not in md


def test_html_bulletin_is_self_contained(month, tmp_path: Path) -> None:
    out = tmp_path / "bulletin.html"
    result = month("report", *AS_OF, "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith(f"已写入 {out} (")
    english = month("report", *AS_OF, "-o", str(tmp_path / "en.html"), "--lang", "en")
    assert english.stderr.startswith(f"wrote {tmp_path / 'en.html'} (")
    page = out.read_text(encoding="utf-8")
    assert page.startswith('<!doctype html>\n<html lang="zh-CN">')
    for forbidden in ("<script", "<link", "<img", "@import", "url(", "src="):
        assert forbidden not in page
    # The only address is the SVG namespace, which is a name and is never fetched.
    assert set(re.findall(r"https?://[^\"' )]+", page)) == {"http://www.w3.org/2000/svg"}
    rows = re.findall(r'<tr data-id="([^"]+)">(.*?)</tr>', page, flags=re.S)
    assert len(rows) == 73
    charted = {target_id for target_id, row in rows if "<svg" in row}
    assert charted == {
        "key_projects_started",
        "desertification_control",
        "gdp_growth",
        "retail_sales_growth",
        "housing_sales",
        "yinchuo_jiliao_phase2_water",
        "gahaishan_reservoir",
        "online_service_rate",
    }
    projects = dict(rows)["key_projects_started"]
    assert projects.count("<circle") == 2  # March and June
    assert 'stroke-dasharray="4 3"' in projects  # the pace line
    assert "“推动项目快建设早投产,全年开复工重点项目500个以上,力争投资突破600亿元”" in projects
    assert "Noto Sans CJK SC" in page and "Microsoft YaHei" in page


def test_html_bulletin_of_a_full_year_is_small_enough_to_mail(cli, tmp_path: Path) -> None:
    import json

    figures = []
    ids = [t["id"] for t in json.loads(cli("list", "--format", "json").stdout)]
    for target_id in ids:
        for month_number in range(1, 13):
            figures.append(f"{target_id},2025-{month_number:02d},{month_number * 3},示例")
    path = tmp_path / "year.csv"
    header = "metric,period,value,核实说明\n"  # figures no office sends: explained
    path.write_text(header + "\n".join(figures) + "\n", encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    out = tmp_path / "b.html"
    assert cli("report", "--as-of", "2026-01-31", "-o", str(out)).exit_code == 0
    assert out.stat().st_size < 300_000


def test_xlsx_bulletin_holds_numbers_people_can_compute_with(month, tmp_path: Path) -> None:
    out = tmp_path / "通报.xlsx"
    assert month("report", *AS_OF, "-o", str(out)).exit_code == 0
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["通报", "明细"]
    summary = workbook["通报"]
    column = [row[0] for row in summary.iter_rows(values_only=True)]
    assert column[0] == "通辽市2025年政府工作报告目标 月度调度通报"
    assert summary["B2"].value.date() == date(2025, 7, 20)
    assert summary["B2"].number_format == 'yyyy"年"m"月"d"日"'
    assert column[2].startswith("截至6月底，全市73项目标任务中，已完成1项")
    counts = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert (counts["状态"], counts["进度正常"], counts["未填报"], counts["合计"]) == (
        "指标数",
        2,
        65,
        73,
    )
    assert "综合治沙：150万亩（2025年6月），滞后，滞后时序进度7.1个百分点" in column
    details = workbook["明细"]
    rows = list(details.iter_rows(values_only=True))
    assert rows[0][:7] == ("类别", "指标", "指标代码", "单位", "目标", "实际", "期间")
    assert len(rows) == 74
    at = next(i for i, row in enumerate(rows, 1) if row[1] == "开复工重点项目")
    assert rows[at - 1][3:13] == (
        "个",
        500,
        421,
        "2025-06",
        0.842,
        0.8,
        4.2,
        526.25,
        "进度正常",
        None,  # not stale: an empty cell, no TRUE or FALSE
    )
    assert details.cell(at, 8).number_format == "0.0%"
    assert details.auto_filter.ref == f"A1:M{len(rows)}"
    assert details.freeze_panes == "C2"
    assert details.page_setup.orientation == "landscape" and details.page_setup.paperSize == 9
    assert details.print_title_rows == "$1:$1"
    assert details.column_dimensions["B"].width >= 20  # fitted to the longest Chinese name
    sand = next(i for i, row in enumerate(rows, 1) if row[1] == "综合治沙")
    assert details.cell(sand, 12).fill.fgColor.rgb == "FFBF8700"


def test_xlsx_needs_a_file_and_the_format_follows_the_suffix(month, tmp_path: Path) -> None:
    for fmt in ("xlsx", "docx", "pdf"):
        result = month("report", "--format", fmt, "--lang", "en")
        assert result.exit_code == 2 and f"a {fmt} bulletin needs a file" in result.stderr
    md = tmp_path / "b.md"
    assert month("report", *AS_OF, "-o", str(md)).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# 通辽市2025年政府工作报告目标 月度调度通报")


def test_report_into_a_missing_folder_is_exit_73(month, tmp_path: Path) -> None:
    result = month("report", "-o", str(tmp_path / "no" / "such" / "b.html"))
    assert result.exit_code == 73
    assert len(result.stderr.splitlines()) == 1


def test_a_figure_too_big_for_a_cell_leaves_it_empty(tmp_path: Path) -> None:
    import io

    import xlsxwriter

    from tltrack.documents.workbook import Sheet

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = Sheet(book, "x")
    sheet.append(["=1+1", math.inf, -math.inf, math.nan, 2.5])
    book.close()
    (tmp_path / "x.xlsx").write_bytes(buffer.getvalue())
    row = next(load_workbook(tmp_path / "x.xlsx")["x"].iter_rows(values_only=True))
    assert row == ("=1+1", None, None, None, 2.5)  # text stays text, never a formula
