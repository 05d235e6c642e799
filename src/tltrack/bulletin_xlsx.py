"""The bulletin as a workbook people can compute with: a summary sheet (通报) and the full
table (明细) whose figures are numbers with number formats, filtered, frozen, fitted to its
Chinese text and set up to print on A4; the units' sheets where units exist."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from tltrack.bulletin import STATUS_COLOURS, TOP_LAGGING, Bulletin, full_title
from tltrack.bulletin_text import lag_line
from tltrack.bulletin_units import count_sentence, xlsx_sheets
from tltrack.i18n import Lang, status_label, text
from tltrack.safetext import spreadsheet_cell
from tltrack.statuses import STATUSES
from tltrack.texttable import width_of

PERCENT = "0.0%"
FIGURE = "General"  # 500 stays 500 and 2.4 stays 2.4 (a "0.##" format would show "500.")
DATE_FORMAT = {"zh": 'yyyy"年"m"月"d"日"', "en": "d mmmm yyyy"}


def _argb(status: str) -> str:
    return "FF" + STATUS_COLOURS[status][1:].upper()


def xlsx_bytes(b: Bulletin, lang: Lang) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    r = b.report
    workbook = Workbook()
    summary: Any = workbook.worksheets[0]
    summary.title = "通报" if lang == "zh" else "Bulletin"
    summary.append([spreadsheet_cell(full_title(b, lang))])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([text(lang, "as_of", as_of=""), r.as_of])
    summary.cell(2, 2).number_format = DATE_FORMAT[lang]
    summary.cell(2, 2).alignment = Alignment(horizontal="left")
    summary.append([spreadsheet_cell(b.lead(lang))])
    summary.cell(3, 1).alignment = Alignment(wrap_text=True, vertical="top")
    summary.row_dimensions[3].height = 90
    summary.merge_cells("A3:C3")
    summary.append([])
    summary.append([text(lang, "status"), text(lang, "col_targets"), text(lang, "share")])
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    total = sum(r.summary.values()) or 1
    for status in STATUSES:
        summary.append([status_label(lang, status), r.summary[status], r.summary[status] / total])
        summary.cell(summary.max_row, 1).font = Font(color=_argb(status), bold=True)
        summary.cell(summary.max_row, 3).number_format = PERCENT
    summary.append([text(lang, "total"), sum(r.summary.values()), 1])
    summary.cell(summary.max_row, 3).number_format = PERCENT
    summary.append([spreadsheet_cell(count_sentence(lang, r.summary))])
    summary.append([])
    summary.append([text(lang, "most_behind")])
    summary.cell(summary.max_row, 1).font = Font(bold=True)
    for a in b.lagging[:TOP_LAGGING]:
        summary.append([spreadsheet_cell(lag_line(lang, a))])
    if not b.lagging:
        summary.append([text(lang, "none_behind")])
    summary.column_dimensions["A"].width = 60
    summary.column_dimensions["B"].width = 18
    summary.column_dimensions["C"].width = 12
    _print_setup(summary, landscape=False)

    _details(workbook, b, lang)
    xlsx_sheets(workbook, lang, r, b.sections)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _details(workbook: Any, b: Bulletin, lang: Lang) -> None:
    """明细: one row a target, every figure a number."""
    from openpyxl.styles import Alignment, Font, PatternFill

    details = workbook.create_sheet("明细" if lang == "zh" else "Details")
    keys = (
        "category",
        "name",
        "col_id",
        "unit",
        "target",
        "actual",
        "period",
        "completion",
        "expected",
        "gap",
        "projected",
        "status",
        "col_stale",
    )
    extra = ("last_year", "yoy") if b.last_year else ()
    details.append([text(lang, key) for key in (*keys, *extra)])
    for cell in details[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    formats = {5: FIGURE, 6: FIGURE, 8: PERCENT, 9: PERCENT, 10: "0.0", 11: FIGURE}
    if b.last_year:
        formats |= {14: FIGURE, 15: PERCENT}
    # The row is counted, not asked of the sheet: max_row scans every row, once per row.
    at = 1
    fills = {s: PatternFill("solid", fgColor=_argb(s)) for s in STATUSES}
    white = Font(color="FFFFFF", bold=True)
    for _, items in b.categories():
        for a in items:
            t = a.target
            row = [
                spreadsheet_cell(t.category),
                spreadsheet_cell(t.name),
                t.id,
                spreadsheet_cell(t.unit or ("%" if t.kind == "milestone" else "")),
                t.target,
                a.value,
                str(a.period) if a.period else None,
                _fraction(a.completion),
                _fraction(a.expected),
                a.gap,
                None if t.kind == "milestone" else a.projected,
                status_label(lang, a.status),
                text(lang, "yes_mark") if a.stale else "",
            ]
            if b.last_year:
                before = b.last_year.get(t.id)
                change = None
                if before is not None and before != 0 and a.value is not None:
                    change = (a.value - before) / abs(before)
                row += [before, change]
            details.append(row)
            at += 1
            for column, number_format in formats.items():
                details.cell(at, column).number_format = number_format
            status_cell = details.cell(at, 12)
            status_cell.fill = fills[a.status]
            status_cell.font = white
    details.freeze_panes = "C2"
    details.auto_filter.ref = details.dimensions
    _fit_widths(details)
    _print_setup(details, landscape=True)


def _fit_widths(sheet: Any) -> None:
    """Columns as wide as their text, a Chinese character counting two, within bounds."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    measured: dict[object, int] = {}  # 10,000 rows repeat their categories, units, statuses
    for row in sheet.iter_rows(values_only=True):  # values only: no cell objects to make
        for column, value in enumerate(row, 1):
            if value is None:
                continue
            width = measured.get(value)
            if width is None:
                shown = value.isoformat() if isinstance(value, date) else str(value)
                width = measured[value] = width_of(shown)
            if width > widths.get(column, 0):
                widths[column] = width
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 40)


def _print_setup(sheet: Any, landscape: bool) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _fraction(percent: float | None) -> float | None:
    # 84.2 / 100 is 0.8420000000000001 in binary: the cell holds what a person would type.
    return None if percent is None else round(percent / 100, 12)
