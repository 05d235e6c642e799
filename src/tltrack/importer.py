"""Reading figure files for `tltrack import`: CSV (UTF-8 with or without BOM, GB18030 as
Chinese Excel writes it, UTF-16 'Unicode text'), .xlsx and JSON, into rows of text.

Nothing here judges a value; rows keep their numbers so problems can name them.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tltrack.bureau import header_unit
from tltrack.errors import DataError, Message, TltrackError, msg
from tltrack.files.disk import read_bytes

# Accepted headers for each column, in English and Chinese (compared without case or spaces).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "metric": ("metric", "id", "指标", "指标名称"),
    "period": ("period", "期间", "时期"),
    "value": ("value", "数值", "完成值"),
    "note": ("note", "备注", "说明"),
    "by": ("by", "填报人"),
    "unit": ("unit", "单位"),
    "region": ("region", "地区", "旗县区", "旗县市区"),
    "owner": ("owner", "责任单位", "牵头单位"),  # checked against the target's units
    "ignore": ("序号", "序", "行次", "编号", "no."),  # bookkeeping a bureau's form carries
}
REQUIRED = ("metric", "period", "value")

# Files come from other offices: these bound the time and memory one can cost.
MAX_FILE_BYTES = 64 * 1024 * 1024  # a CSV, JSON or .xlsx file as sent
MAX_XLSX_UNPACKED = 256 * 1024 * 1024  # an .xlsx's parts once unzipped (a zip bomb is refused)
MAX_ROWS = 300_000  # data rows in one file
MAX_CELL_CHARS = 10_000  # characters in one cell
MAX_COLUMNS = 64  # columns of a sheet read; a figures file has at most seven


@dataclass(frozen=True)
class SourceRow:
    number: int  # the n-th data row, counting from 1 below the header
    where: Where  # where a person finds it: line 18, sheet row 18, item 3
    fields: dict[str, str]

    @property
    def label(self) -> Message:
        kind, place = self.where
        return msg(kind, number=self.number, line=place)


# How a place in a file is said (a message id) and its number: ("row_line", 18).
Where = tuple[str, int]


def read_rows(
    path: Path, follow: bool = True, chosen: Mapping[str, str] | None = None
) -> list[SourceRow]:
    """Every non-empty data row of a CSV, .xlsx or JSON file of figures. `follow` False: a
    link is refused (see fileio.read_bytes)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(path, follow, chosen or {})
    data = read_bytes(path, MAX_FILE_BYTES, follow)
    if suffix == ".json":
        return _json_rows(path, data, chosen or {})
    if suffix in (".csv", ".txt", ".tsv", ""):
        return _csv_rows(path, data, chosen or {})
    raise DataError("import_suffix", file=path.name)


def decode_csv(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (Chinese Excel's 'CSV')."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decoded(path, data, "utf-8", 3, "not_its_encoding")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decoded(path, data, "utf-16", 0, "not_its_encoding")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _decoded(path, data, "gb18030", 0, "not_csv_text")


def _decoded(path: Path, data: bytes, encoding: str, start: int, message: str) -> str:
    """The text, or the line of the first byte that is not `encoding` (exit 65)."""
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as exc:
        before = data[start : start + exc.start].decode(encoding, errors="replace")
        line = before.count("\n") + 1
        raise DataError(message, file=path.name, line=line, encoding=encoding.upper()) from None


def _columns(
    path: Path, header: Sequence[Any], chosen: Mapping[str, str]
) -> tuple[dict[int, str], dict[str, str]]:
    """Map each header cell to its column, and the units some headers give (数值(亿元));
    unknown or missing columns are errors. `chosen` (--map 完成情况=value) names the
    columns no alias knows."""
    lookup = {
        alias.replace(" ", "").lower(): column
        for column, aliases in COLUMN_NAMES.items()
        for alias in aliases
    }
    lookup |= {name.replace(" ", "").lower(): column for name, column in chosen.items()}
    mapping: dict[int, str] = {}
    units: dict[str, str] = {}
    unknown = []
    for index, cell in enumerate(header):
        name = _text(cell).replace(" ", "").lower()
        if not name:
            continue
        column = lookup.get(name)
        unit = None
        if column is None:
            bare, unit = header_unit(name)
            column = lookup.get(bare)
        if column is None:
            unknown.append(_text(cell))
        elif column == "ignore":
            mapping[index] = column  # read past, never stored
        elif column in mapping.values():
            raise DataError("column_twice", file=path.name, column=column)
        else:
            mapping[index] = column
            if unit is not None:
                units[column] = unit
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise DataError("unknown_columns", file=path.name, columns=names, accepted=_accepted())
    missing = [c for c in REQUIRED if c not in mapping.values()]
    if missing:
        names = " / ".join(missing)
        raise DataError("missing_columns", file=path.name, columns=names, accepted=_accepted())
    return mapping, units


def _accepted() -> str:
    known = (aliases for column, aliases in COLUMN_NAMES.items() if column != "ignore")
    return "; ".join(" / ".join(aliases) for aliases in known)


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell).lower()
    if isinstance(cell, int) and cell.bit_length() > 64:
        # Too long to print (Python refuses past 4,300 digits): its size, which the value's
        # own check refuses as beyond ±1e15.
        return f"{'-' if cell < 0 else ''}1e{cell.bit_length() * 0.30103:.0f}"
    if isinstance(cell, float):
        return repr(cell) if math.isfinite(cell) else str(cell)
    return str(cell).strip()


def _rows(
    path: Path,
    header: Sequence[Any],
    body: Iterable[tuple[Where, Sequence[Any]]],
    chosen: Mapping[str, str],
) -> list[SourceRow]:
    mapping, units = _columns(path, header, chosen)
    rows = []
    number = 0
    for where, cells in body:
        if all(not _text(c) for c in cells):
            continue
        number += 1
        if number > MAX_ROWS:
            raise DataError("too_many_rows", file=path.name, limit=MAX_ROWS)
        long = next((c for c in cells if isinstance(c, str) and len(c) > MAX_CELL_CHARS), None)
        if long is not None:
            label = SourceRow(number, where, {}).label
            raise DataError(
                "cell_too_long", file=path.name, row=label, length=len(long), limit=MAX_CELL_CHARS
            )
        fields = {column: "" for column in mapping.values() if column != "ignore"}
        for index, cell in enumerate(cells):
            if index in mapping:
                if mapping[index] != "ignore":
                    fields[mapping[index]] = _cell_text(mapping[index], cell)
            elif _text(cell):
                raise DataError(
                    "more_cells", file=path.name, row=SourceRow(number, where, {}).label
                )
        for column, unit in units.items():  # 数值(亿元): the header's unit, unless a row has one
            if column == "value" and not fields.get("unit"):
                fields["unit"] = unit
        rows.append(SourceRow(number, where, fields))
    return rows


def _cell_text(column: str, cell: Any) -> str:
    # Excel turns "2025-06" typed into a cell into a date; read it back as the month it was.
    if column == "period" and isinstance(cell, datetime | date):
        return f"{cell.year}-{cell.month:02d}"
    if column == "period" and isinstance(cell, int) and not isinstance(cell, bool):
        return str(cell)[:20]  # a year typed as a number; a longer one is refused as a period
    if column == "period" and isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return _text(cell)


def _csv_rows(path: Path, data: bytes, chosen: Mapping[str, str]) -> list[SourceRow]:
    text = decode_csv(path, data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise DataError("empty_file", file=path.name)
        body = [(("row_line", reader.line_num), row) for row in reader]
    except csv.Error as exc:
        raise DataError("csv_error", file=path.name, line=reader.line_num, reason=exc) from None
    return _rows(path, header, body, chosen)


def _json_rows(path: Path, data: bytes, chosen: Mapping[str, str]) -> list[SourceRow]:
    try:
        loaded = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, or a 5,000-digit number
        raise DataError("not_json", file=path.name, reason=exc) from None
    except RecursionError:
        raise DataError("json_too_deep", file=path.name) from None
    items = loaded.get("records") if isinstance(loaded, dict) else loaded
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise DataError("json_shape", file=path.name)
    keys = list(dict.fromkeys(k for item in items for k in item))
    body: list[tuple[Where, list[Any]]] = [
        (("row_item", i), [item.get(k) for k in keys]) for i, item in enumerate(items, start=1)
    ]
    for where, cells in body:
        if any(isinstance(c, dict | list) for c in cells):
            label = SourceRow(where[1], where, {}).label
            raise DataError("json_nested", file=path.name, row=label)
    return _rows(path, keys, body, chosen)


def open_xlsx(path: Path, follow: bool = True) -> Any:
    """An .xlsx workbook opened read-only, its unpacked size checked first (a zip bomb is
    refused). The caller closes it."""
    import zipfile

    from openpyxl import load_workbook  # only `import` of .xlsx files pays for it

    data = read_bytes(path, MAX_FILE_BYTES, follow)  # also the usual errors for a missing file
    with xlsx_errors(path):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED:
            raise DataError("xlsx_bomb", file=path.name, size=unpacked, limit=MAX_XLSX_UNPACKED)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


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


def _xlsx_rows(path: Path, follow: bool, chosen: Mapping[str, str]) -> list[SourceRow]:
    workbook = open_xlsx(path, follow)
    try:
        with xlsx_errors(path):
            cells = sheet_cells(path, workbook.worksheets[0], MAX_COLUMNS + 1)
    finally:
        workbook.close()
    if not cells:
        raise DataError("sheet_empty", file=path.name)
    header = cells[0]
    body = [(("row_sheet", i), row) for i, row in enumerate(cells[1:], start=2)]
    return _rows(path, list(header), body, chosen)
