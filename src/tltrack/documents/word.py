"""The bulletin as a Word document laid out as a government 通报: A4 with 公文 margins, a red
heading with the issue number, the issuing office and the date, a lead paragraph in words, the
lagging targets, the lead offices and regions, then a table per category.

Fonts are named as Word on a Chinese Windows knows them (方正小标宋简体, 黑体, 仿宋_GB2312,
楷体_GB2312); the document's font table gives each a fallback Word uses where it is missing
(宋体, 黑体, 仿宋, 楷体)."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree  # type: ignore[import-untyped]  # python-docx's XML library

from tltrack.documents.bulletin import TOP_LAGGING, Bulletin, kind_of, table_headers, table_row
from tltrack.documents.sections import notes, owner_rows, ranking_header, ranking_rows
from tltrack.documents.words import date_words, lag_line
from tltrack.text.lang import Lang, text
from tltrack.text.safe import printable

TITLE_FONT, HEADING_FONT, BODY_FONT, SUBHEADING_FONT = (
    "方正小标宋简体",
    "黑体",
    "仿宋_GB2312",
    "楷体_GB2312",
)
FALLBACKS = {TITLE_FONT: "宋体", HEADING_FONT: "SimHei", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体"}
RED = "C00000"
NUMERALS = "一二三四五六七八九十"


def docx_bytes(b: Bulletin, lang: Lang) -> bytes:

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    # GB/T 9704 公文: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _font_fallbacks(document)
    _style_defaults(document)

    r = b.report
    # The title on two lines, as a 通报's heading: whose targets, then what kind of bulletin.
    heading = " ".join(part for part in (b.title, b.whose) if part)
    _paragraph(document, heading, TITLE_FONT, 22, centre=True, colour=RED)
    _paragraph(document, kind_of(b, lang), TITLE_FONT, 22, centre=True, colour=RED)
    _page_numbers(section)
    if b.options.issue is not None:
        issue = text(lang, "issue_no", issue=b.options.issue)
        _paragraph(document, issue, BODY_FONT, 16, centre=True)
    # The issuing office on the left, the date on the right, a red rule under both.
    line = _paragraph(document, b.options.issuer or "", BODY_FONT, 16)
    line.runs[0].add_tab()
    _font(line.add_run(date_words(lang, r.as_of)), BODY_FONT, 16)
    width = section.page_width - section.left_margin - section.right_margin
    line.paragraph_format.tab_stops.add_tab_stop(width, alignment=WD_TAB_ALIGNMENT.RIGHT)
    _red_rule(line)

    headings = iter(NUMERALS)
    _heading(document, lang, next(headings), text(lang, "headline"))
    _paragraph(document, b.lead(lang), BODY_FONT, 16, indent=True)
    _heading(document, lang, next(headings), text(lang, "most_behind"))
    if b.lagging:
        for index, a in enumerate(b.lagging[:TOP_LAGGING], start=1):
            _paragraph(document, f"{index}. {lag_line(lang, a)}", BODY_FONT, 16, indent=True)
    else:
        _paragraph(document, text(lang, "none_behind"), BODY_FONT, 16, indent=True)
    if b.sections.owners is not None:
        _heading(document, lang, next(headings), text(lang, "owners_heading"))
        header, rows = owner_rows(lang, b.sections.owners)
        _table(document, header, rows, OWNER_WIDTHS)
    if b.sections.regions is not None and b.sections.regions.rankings:
        _heading(document, lang, next(headings), text(lang, "regions_heading"))
        for name, ranked in ranking_rows(lang, b.sections.regions):
            _paragraph(document, name, SUBHEADING_FONT, 14).paragraph_format.keep_with_next = True
            _table(document, ranking_header(lang), [cells for _, cells in ranked])
    _heading(document, lang, next(headings), text(lang, "by_category"))
    for index, (category, items) in enumerate(b.categories()):
        sub = f"（{NUMERALS[index % 10]}）{category}" if lang == "zh" else category
        _paragraph(document, sub, SUBHEADING_FONT, 16).paragraph_format.keep_with_next = True
        _table(document, table_headers(b, lang), [table_row(b, lang, a) for a in items])
    if b.stale:
        note = text(lang, "stale_note", mark="*", days=r.stale_after_days)
        _paragraph(document, note, BODY_FONT, 12)
    for line in notes(lang, r, b.sections):  # partial totals, review marks, who is missing
        _paragraph(document, line, BODY_FONT, 12)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _heading(document: Any, lang: Lang, numeral: str, title: str) -> None:
    shown = f"{numeral}、{title}" if lang == "zh" else title
    _paragraph(document, shown, HEADING_FONT, 16).paragraph_format.keep_with_next = True


def _page_numbers(section: Any) -> None:
    """— 1 — centred at the foot of every page, as a 公文 numbers its pages."""

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("— "), BODY_FONT, 14)
    run = footer.add_run()
    _font(run, BODY_FONT, 14)
    for kind, content in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
        else:
            field = OxmlElement("w:instrText")
            field.set(qn("xml:space"), "preserve")
            field.text = content
        run._r.append(field)
    _font(footer.add_run(" —"), BODY_FONT, 14)


def _paragraph(
    document: Any,
    content: str,
    font: str,
    size: float,
    centre: bool = False,
    indent: bool = False,
    colour: str | None = None,
) -> Any:

    paragraph = document.add_paragraph()
    run = paragraph.add_run(printable(content))
    _font(run, font, size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:  # 首行缩进两字
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.space_after = Pt(4)
    return paragraph


# Column widths in mm across the 156 mm between the margins: the name column wide enough for
# a target's name, the figures as narrow as their numbers.
WIDTHS = {
    9: (28, 17, 15, 20, 14, 14, 14, 17, 17),  # a category's targets
    11: (24, 14, 14, 16, 12, 12, 13, 13, 14, 13, 11),  # and last year's figure, 同比
    7: (12, 30, 22, 22, 20, 20, 30),  # a target's regions, ranked
}
OWNER_WIDTHS = (22, 10, 11, 11, 11, 11, 11, 11, 11, 14, 33)  # the lead offices


def _table(
    document: Any,
    header: list[str],
    rows: list[list[str]],
    widths: tuple[int, ...] | None = None,
) -> None:

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for cell, label in zip(table.rows[0].cells, header, strict=True):
        _cell_text(cell, label, HEADING_FONT)
    # The header row repeats on every page; no row is split across two.
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for cells in rows:
        row = table.add_row()
        keep = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(keep)
        for cell, shown in zip(row.cells, cells, strict=True):
            _cell_text(cell, shown, BODY_FONT)
    widths = widths or WIDTHS.get(len(header))
    if widths is not None:
        for index, width in enumerate(widths):
            table.columns[index].width = Mm(width)
            for cell in table.columns[index].cells:
                cell.width = Mm(width)


def _cell_text(cell: Any, content: str, font: str) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(printable(content))
    _font(run, font, 9)  # 小五: a table of nine columns across a portrait page


def _font(run: Any, name: str, size: float) -> None:
    """A font for Chinese text: Word takes the East Asian font from w:eastAsia, not w:ascii."""

    run.font.size = Pt(size)
    run.font.name = "Times New Roman"
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _style_defaults(document: Any) -> None:

    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _red_rule(paragraph: Any) -> None:
    """The red line under the issuing office and date (版头分隔线)."""

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", RED)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _font_fallbacks(document: Any) -> None:
    """Tell Word which font stands in for each where it is not installed (w:altName)."""

    part = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    table = parse_xml(part.blob)
    for name, fallback in FALLBACKS.items():
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{fallback}"/>'
                '<w:charset w:val="86"/><w:family w:val="modern"/></w:font>'
            )
        )

    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
