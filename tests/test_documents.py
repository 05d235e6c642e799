"""The bulletin as documents a leader reads: a Word 通报, an A4 PDF, a short bulletin."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from docx import Document
from docx.shared import Mm

AS_OF = ("--as-of", "2025-07-20")
STATUS_WORDS_EN = ("on track", "behind", "at risk", "no data", "achieved", "missed", "ahead")


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_a_word_bulletin_laid_out_as_a_tongbao(month, tmp_path: Path) -> None:
    out = tmp_path / "通报.docx"
    run = month(
        "report", *AS_OF, "-o", str(out), "--issue", "7", "--issuer", "通辽市人民政府办公室"
    )
    assert run.exit_code == 0, run.stderr
    document = Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[:2] == ["通辽市2025年政府工作报告目标", "月度调度通报"]
    assert paragraphs[2] == "第7期"
    assert paragraphs[3] == "通辽市人民政府办公室\t2025年7月20日"
    assert paragraphs[4] == "一、总体情况"
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.left_margin)
    # A4 and the 公文 margins, to the twip Word stores them in.
    assert [round(size / Mm(1)) for size in sizes] == [210, 297, 37, 28]
    # The lead paragraph's counts are status's.
    summary = json.loads(month("status", *AS_OF, "--format", "json").stdout)["summary"]
    lead = paragraphs[5]
    assert lead.startswith("截至6月底，全市73项目标任务中，")
    said = {
        status: int(re.search(label + r"(\d+)项", lead).group(1))
        for status, label in (
            ("achieved", "已完成"),
            ("ahead", "超进度"),
            ("on_track", "进度正常"),
            ("behind", "，滞后"),
            ("at_risk", "严重滞后"),
            ("no_data", "未填报"),
        )
    }
    assert said == {k: v for k, v in summary.items() if k in said}
    # A table per category with figures, the header row repeated on every page.
    tables = document.tables
    listed = json.loads(month("list", "--format", "json").stdout)
    assert len(tables) == len({t["category"] for t in listed})  # a table per category
    assert [c.text for c in tables[0].rows[0].cells][:3] == ["指标", "实际", "期间"]
    assert tables[0]._tbl.xpath("./w:tr[1]/w:trPr/w:tblHeader")
    text = docx_text(document)
    assert "综合治沙：150万亩（2025年6月），滞后，滞后时序进度7.1个百分点" in text
    assert not [word for word in STATUS_WORDS_EN if word in text]
    # Chinese text in the fonts Word on a Chinese Windows knows, each with its stand-in.
    body = document.paragraphs[5].runs[0]._element.rPr.rFonts
    assert (
        body.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "仿宋_GB2312"
    )
    fonts = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    ).blob.decode("utf-8")
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts


def test_a_word_bulletin_of_one_region(cli, tmp_path: Path, monkeypatch) -> None:
    from units_catalog import write_catalog

    folder = write_catalog(tmp_path / "city")
    monkeypatch.setenv("TLTRACK_DATA_DIR", str(folder))
    cli("record", "key_projects_started", "30", "--period", "2025-06", "--region", "开鲁县")
    out = tmp_path / "开鲁县.docx"
    assert cli("report", *AS_OF, "--region", "开鲁县", "-o", str(out)).exit_code == 0
    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    assert paragraphs[:2] == ["示例市 2025 年目标（示例数据） 开鲁县", "月度调度通报"]
    assert paragraphs[4].startswith(
        "截至6月底，开鲁县3项目标任务中，已完成0项，超进度0项，进度正常1项"
    )


def test_a_short_bulletin_leaves_out_what_does_not_lag(month) -> None:
    md = month("report", *AS_OF, "--only", "lagging").stdout
    rows = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line]
    shown = [line.split(" | ")[-1].rstrip(" |") for line in rows if not line.startswith("| 指标 |")]
    assert sorted(shown) == ["严重滞后", "严重滞后", "严重滞后", "滞后", "滞后"]
    assert "未填报65项" in md  # the counts stay those of every target
    hidden = month("report", *AS_OF, "--hide", "no_data").stdout
    assert "| 未填报 |" not in hidden and "| 进度正常 |" in hidden
    assert month("report", "--hide", "late").exit_code == 2


def test_the_pdf_is_a4_with_chinese_text_and_repeated_headers(cli, tmp_path: Path) -> None:
    # A full year of every target: a bulletin of several pages.
    rows = ["metric,period,value"]
    listed = json.loads(cli("list", "--format", "json").stdout)
    for target in listed:
        if target["kind"] == "milestone":
            rows.append(f"{target['id']},2025-06,60%")
        elif target["kind"] == "cumulative":
            rows.append(f"{target['id']},2025-06,{target['target'] * 0.4}")
        else:
            rows.append(f"{target['id']},2025-06,{target['target']}")
    figures = tmp_path / "june.csv"
    figures.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli("import", str(figures)).exit_code == 0
    out = tmp_path / "通报.pdf"
    run = cli("report", *AS_OF, "-o", str(out))
    assert run.exit_code == 0, run.stderr
    assert out.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 3
    # Reading order: a name folded in its cell still reads whole, as text, not an image.
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    joined = text.replace(" ", "").replace("\n", "")
    for target in listed:
        assert target["name"] in joined, target["name"]
    by_page = text.split("\f")
    with_table = [page for page in by_page if "开复工重点项目" in page or "粮食产量" in page]
    headed = [page for page in by_page[1:] if "时序进度" in page]
    assert with_table and len(headed) >= pages - 2  # the table header repeats on each page


def test_a_pdf_without_a_renderer_says_what_to_install(month, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    run = month("report", *AS_OF, "-o", str(tmp_path / "b.pdf"))
    assert run.exit_code == 69
    assert "chromium" in run.stderr and len(run.stderr.splitlines()) == 1
    assert not (tmp_path / "b.pdf").exists()
