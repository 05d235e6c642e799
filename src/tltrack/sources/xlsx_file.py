"""An .xlsx workbook of figures (its first sheet), or a returned form, known by its marks
sheet. The workbook is read with openpyxl, read-only, once, within bounds."""

from __future__ import annotations

import io
import itertools
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tltrack.domain.forms import (
    EXPLANATION_HEADER,
    FORM_SHEET,
    HEADERS,
    LOCKED,
    MARK,
    MARKS_SHEET,
    SEAL_FIELD,
)
from tltrack.errors import DataError, TltrackError, msg
from tltrack.files.disk import read_bytes
from tltrack.sources.rows import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_XLSX_UNPACKED,
    FormTable,
    SourceFile,
    Where,
    figure_rows,
)


def open_xlsx(path: Path, follow: bool = True, data: bytes | None = None) -> Any:
    """An .xlsx workbook opened read-only, its unpacked size checked first (a zip bomb is
    refused); `data`: its bytes, where they were read already. The caller closes it."""
    from openpyxl import load_workbook  # only an .xlsx file read pays for openpyxl

    if data is None:  # read here: also the usual errors for a missing file
        data = read_bytes(path, MAX_FILE_BYTES, follow)
    with xlsx_errors(path):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            if unpacked > MAX_XLSX_UNPACKED:
                too_big = {"size": unpacked, "limit": MAX_XLSX_UNPACKED}
                raise DataError("xlsx_bomb", file=path.name, **too_big)
            _check_counts(path, archive)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


# What a workbook holds, counted in its XML before openpyxl parses any of it (a minute for
# 16 million cells, or 5 million styles): cells and shared texts in whichever part holds
# them (a sheet may live at any path its relations name), and the elements of the
# stylesheet, which openpyxl reads whole when it opens a workbook. A tag is counted with or
# without a namespace prefix: <c r="A1">, <x:c>, <c/>, <si>.
_COUNTED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(c|si)[\s/>]")
_ELEMENT = re.compile(rb"<[A-Za-z_]")
_STYLES = "xl/styles.xml"  # where openpyxl reads it, whatever the relations say
_CHUNK = 1 << 20
MAX_STRINGS = MAX_ROWS * 2  # distinct texts: a note and a name for each row at most
MAX_STYLE_ELEMENTS = 300_000  # a workbook's styles: a few thousand, tens at most


def _check_counts(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook that holds more cells, shared texts or style entries than a file of
    figures, counted as its parts are unpacked a megabyte at a time."""
    cells = strings = 0
    for member in archive.infolist():  # every part: a sheet's relations may name any path
        styles = member.filename == _STYLES
        elements = 0
        tail = b""
        with archive.open(member) as part:
            while True:
                chunk = part.read(_CHUNK)
                window = tail + chunk
                # A tag cut at the chunk's end is counted with the next chunk.
                cut = max(window.rfind(b"<"), len(window) - 16, 0) if chunk else len(window)
                kinds = _COUNTED.findall(window, 0, cut)
                strings += kinds.count(b"si")
                cells += len(kinds) - kinds.count(b"si")
                if styles:
                    elements += len(_ELEMENT.findall(window, 0, cut))
                _bounded(path, cells, strings, elements)
                if not chunk:
                    break
                tail = window[cut:]


def _bounded(path: Path, cells: int, strings: int, style_elements: int) -> None:
    if cells > MAX_CELLS:
        raise DataError("too_many_cells", file=path.name, limit=MAX_CELLS, rows=MAX_ROWS)
    for part, count, limit in (
        ("xlsx_shared_texts", strings, MAX_STRINGS),
        ("xlsx_styles", style_elements, MAX_STYLE_ELEMENTS),
    ):
        if count > limit:
            raise DataError("xlsx_part_too_big", file=path.name, part=msg(part), limit=limit)


@contextmanager
def xlsx_errors(path: Path) -> Iterator[None]:
    """openpyxl raises whatever its parsers meet in a broken workbook (IndexError, zlib.error,
    XML syntax errors, KeyError...): each means a file tltrack cannot read as one (exit 65).
    Its warnings (a date cell out of range) are not for the user: the cell's value is
    checked as any other."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except (TltrackError, MemoryError, RecursionError):
        raise  # not the file's fault, or said already
    except Exception as exc:
        raise DataError("not_xlsx", file=path.name, reason=exc) from None


def sheet_cells(path: Path, sheet: Any, columns: int = MAX_COLUMNS) -> list[list[Any]]:
    """Every row of a read-only sheet, past a stale dimension too, at most MAX_ROWS + 1, each
    of its first `columns` cells only: a cell far to the right (XFD) must not make every row
    16,384 cells wide."""
    declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
    if declared > MAX_ROWS + 1:
        raise DataError("too_many_rows", file=path.name, limit=MAX_ROWS)
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True, max_col=columns)
    cells = [list(row) for row in itertools.islice(rows, MAX_ROWS + 2)]
    if len(cells) > MAX_ROWS + 1:
        raise DataError("too_many_rows", file=path.name, limit=MAX_ROWS)
    return cells


def read_xlsx(path: Path, data: bytes, chosen: Mapping[str, str]) -> SourceFile:
    """The first sheet's rows of figures, or the form when the workbook carries a form's marks
    (a sheet `表单信息` that starts with tltrack's mark): the workbook is opened once."""
    workbook = open_xlsx(path, data=data)
    try:
        with xlsx_errors(path):
            if MARKS_SHEET in workbook.sheetnames and FORM_SHEET in workbook.sheetnames:
                marks = sheet_cells(path, workbook[MARKS_SHEET], len(LOCKED))
                if marks and marks[0] and marks[0][0] == MARK:
                    # The form's columns, its marks and its 核实说明 after them.
                    table = sheet_cells(path, workbook[FORM_SHEET], len(HEADERS) + 3)
                    return SourceFile(path, [], _form(marks, table))
            cells = sheet_cells(path, workbook.worksheets[0], MAX_COLUMNS + 1)
    finally:
        workbook.close()
    if not cells:
        raise DataError("sheet_empty", file=path.name)
    header = cells[0]
    body: list[tuple[Where, Sequence[Any]]] = [
        (("row_sheet", i), row) for i, row in enumerate(cells[1:], start=2)
    ]
    return SourceFile(path, figure_rows(path, list(header), body, chosen))


def _form(marks: list[list[Any]], table: list[list[Any]]) -> FormTable:
    """The marks sheet: a few fields (类型, 填报单位, 期间, 年度), then the locked cells of each
    row as the form was sent; the form sheet: a header and the rows."""
    fields = {str(row[0]): row[1] for row in marks[1:6] if len(row) >= 2 and row[0]}
    snapshot = {str(row[0]): row[: len(LOCKED)] for row in marks[7:] if row and row[0]}
    by = str(fields.get("类型", ""))
    body: list[tuple[Where, list[Any]]] = [
        (("row_sheet", n), row) for n, row in enumerate(table[1:], start=2)
    ]
    header = table[0] if table else None
    said_at = None
    if header is not None and EXPLANATION_HEADER in header[len(HEADERS) :]:
        said_at = list(header).index(EXPLANATION_HEADER)
    explanations = [
        row[said_at] if said_at is not None and said_at < len(row) else None for row in table[1:]
    ]
    body = [(where, row[: len(HEADERS)]) for where, row in body]
    return FormTable(
        by,
        fields.get("填报单位"),
        fields.get("期间"),
        fields.get("年度"),
        snapshot,
        header,
        body,
        seal=fields.get(SEAL_FIELD),
        explanations=explanations,
    )
