"""Fill-in forms as files: a protected .xlsx with instructions and the form's own marks, or a
GB18030 CSV; one per lead office or region, written to a folder."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from tltrack.documents.words import period_name
from tltrack.domain.figures import records_by_metric
from tltrack.domain.forms import (
    BY_WORD,
    CSV_SEALED,
    EXPLANATION_HEADER,
    FORM_SHEET,
    GUIDE_SHEET,
    HEADERS,
    LOCKED,
    MARK,
    MARKS_SHEET,
    PERIOD_HEADER,
    REPORTER_HEADER,
    SEAL_FIELD,
    SEAL_HEADER,
    Form,
    build_forms,
    file_name,
    reporters_of,
    seal,
)
from tltrack.domain.periods import default_period, parse_period
from tltrack.domain.ranking import By
from tltrack.domain.rollup import series_of
from tltrack.errors import CannotCreateError, UsageError, msg
from tltrack.files.disk import os_error, write_atomic
from tltrack.files.folder import make_folder
from tltrack.files.form_key import form_key
from tltrack.text.safe import spreadsheet_cell
from tltrack.workspace.folder import Workspace


def _safe(cells: tuple[str, ...]) -> list[str]:
    """Text cells that cannot start a formula in the office's spreadsheet."""
    return [spreadsheet_cell(cell) for cell in cells]


def csv_bytes(form: Form, key: bytes) -> bytes:
    """A form as CSV in GB18030, the encoding Chinese Excel and WPS open without asking; each
    row sealed (domain.forms.seal) over its locked cells, office or region and period."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    marks = [REPORTER_HEADER[form.by], PERIOD_HEADER, SEAL_HEADER]
    writer.writerow([*HEADERS, *marks, EXPLANATION_HEADER])
    unit_cell = spreadsheet_cell(form.reporter)
    for line in form.lines:
        locked = _safe(line.locked())
        sealed = seal(key, form.by, unit_cell, form.period.label, *locked[:CSV_SEALED])
        writer.writerow([*locked, "", "", unit_cell, form.period.label, sealed, ""])
    return out.getvalue().encode("gb18030")


def xlsx_bytes(form: Form, key: bytes) -> bytes:

    book = Workbook()
    sheet: Any = book.active  # openpyxl's stubs leave most of a sheet's parts optional
    sheet.title = FORM_SHEET
    # Whose form and for which period, on every row, so a printed page says it too.
    sheet.append([*HEADERS, REPORTER_HEADER[form.by], PERIOD_HEADER, EXPLANATION_HEADER])
    reporter = spreadsheet_cell(form.reporter)
    for line in form.lines:
        locked = _safe(line.locked()[:3])
        figures = [line.goal, line.latest, line.latest_period, None, None]
        sheet.append([*locked, *figures, reporter, form.period.label, None])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill, as offices mark them
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    last = len(form.lines) + 1
    for number_row in range(2, last + 1):
        for column in (7, 8, 11):  # 本期数值, 备注, 核实说明
            cell = sheet.cell(number_row, column)
            cell.protection = Protection(locked=False)
            cell.fill = fill
        sheet.cell(number_row, 2).alignment = Alignment(wrap_text=True, vertical="center")
    widths = (24, 36, 10, 12, 12, 12, 14, 30, 16, 10, 30)
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    if form.lines:
        numbers = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1000000000000000",
            formula2="1000000000000000",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请填写数字",
            error="本期数值只能填写数字（节点类指标填写完成百分比，完成填 100）。",
        )
        sheet.add_data_validation(numbers)
        numbers.add(f"G2:G{last}")
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # people may widen a column to read it
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    title = f"{spreadsheet_cell(form.reporter)} {period_name('zh', form.period)} 目标任务填报表"
    sheet.oddHeader.center.text = title.replace("&", "&&")
    _guide(book, form)
    _marks(book, form, key)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _guide(book: Workbook, form: Form) -> None:

    guide = book.create_sheet(GUIDE_SHEET)
    who = BY_WORD[form.by]
    lines = [
        f"{form.year}年目标任务填报表（{period_name('zh', form.period)}）",
        f"填报单位（{who}）：{spreadsheet_cell(form.reporter)}",
        "",
        "填报要求：",
        "1. 只填写“本期数值”“备注”和“核实说明”三列（浅黄色单元格），其余各列已预先填好，请勿改动。",
        f"2. “本期数值”填写截至{period_name('zh', form.period)}底的年度累计数或累计增速，"
        "单位与“单位”列一致，只填数字。",
        "3. 节点类指标填写完成百分比，已完成的填 100。",
        "4. 本期无数据的指标请留空，并在“备注”中说明原因。",
        "5. 数值与上期相比下降、与目标相差悬殊（如单位换算、口径调整）等异常情况，"
        "请在“核实说明”中写明原因，否则不予汇总。",
        "6. 请勿增删行、改动表名或另存为其他格式，填好后原文件报回。",
        f"7. 表中共 {len(form.lines)} 项指标。",
    ]
    for text in lines:
        guide.append([text])
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 100
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.protection.sheet = True


def _marks(book: Workbook, form: Form, key: bytes) -> None:
    """The hidden sheet of what the form was sent with, and its seal over all of it."""
    marks = book.create_sheet(MARKS_SHEET)
    reporter = spreadsheet_cell(form.reporter)
    locked = [_safe(line.locked()) for line in form.lines]
    sealed = seal(key, form.by, reporter, form.period.label, form.year, *itertools.chain(*locked))
    marks.append([MARK, 1])
    marks.append(["年度", form.year])
    marks.append(["期间", form.period.label])
    marks.append(["类型", form.by])
    marks.append(["填报单位", reporter])
    marks.append([SEAL_FIELD, sealed])
    marks.append(list(LOCKED))
    for cells in locked:
        marks.append(cells)
    marks.protection.sheet = True
    marks.sheet_state = "veryHidden"  # not in Excel's list of sheets to show


def write_forms(
    workspace: Workspace,
    by: By,
    period_text: str | None,
    folder: Path,
    fmt: str,
    replace: bool = False,
) -> list[tuple[Path, int]]:
    """One form per lead office or region in `folder`, named after it, for a period (default:
    the last complete month), with each target's newest figure before the period. A file
    already there is a returned form as likely as an old blank one, so none is replaced
    unless `replace`: then nothing is written at all."""
    catalog = workspace.catalog
    period = (
        parse_period(period_text, workspace.year)
        if period_text is not None
        else default_period(workspace.year, date.today())
    )
    series = {
        metric: series_of(items) for metric, items in records_by_metric(workspace.records()).items()
    }
    names = reporters_of(catalog, by)
    if not names:
        raise UsageError(f"no_{by}s")
    suffix = ".csv" if fmt == "csv" else ".xlsx"
    forms = build_forms(catalog, series, by, period, names)
    paths = [folder / file_name(form.reporter, suffix) for form in forms]
    if len(set(paths)) != len(paths):
        raise UsageError("form_names_clash", folder=folder)
    if not str(folder).strip():
        raise UsageError("needs_output_folder")
    try:
        if folder.is_symlink():  # a folder others can write may hold a link planted elsewhere
            raise CannotCreateError("cannot_create", path=folder, reason=msg("link_refused"))
        make_folder(folder)
    except OSError as exc:
        raise os_error(exc, "create", folder) from None
    there = [p for p in paths if p.exists() or p.is_symlink()]
    if there and not replace:
        raise CannotCreateError("forms_exist", file=there[0], count=len(there))
    # --force replaces forms, never a link or a folder: all are checked before one is written.
    odd = [p for p in there if p.is_symlink() or not p.is_file()]
    if odd:
        raise CannotCreateError("cannot_create", path=odd[0], reason=msg("not_a_form_file"))
    key = form_key(catalog.path.parent, create=True)
    assert key is not None  # made if it was not there
    for form, path in zip(forms, paths, strict=True):
        write_atomic(path, csv_bytes(form, key) if fmt == "csv" else xlsx_bytes(form, key))
    return [(path, len(form.lines)) for form, path in zip(forms, paths, strict=True)]
