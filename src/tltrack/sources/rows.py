"""The rows of a file of figures, as text: which column holds what (by its header, in English
or Chinese), every non-empty row with where a person finds it, and the bounds that keep a
file sent by another office from costing much time or memory. Also what reading one file
gives (SourceFile): its figure rows, or a returned form's marks and table.

Nothing here judges a value; rows keep their numbers so problems can name them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from tltrack.errors import DataError, Message, msg
from tltrack.sources.cells import header_unit

# Accepted headers for each column, in English and Chinese (compared without case or spaces).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "metric": ("metric", "id", "指标", "指标名称"),
    "period": ("period", "期间", "时期"),
    "value": ("value", "数值", "完成值"),
    "note": ("note", "备注", "说明"),
    "by": ("by", "填报人"),
    "unit": ("unit", "单位"),
    "region": ("region", "地区", "旗县区", "旗县市区"),
    "owner": ("owner", "责任单位", "牵头单位"),  # checked against the target's offices
    "reporter": ("reporter", "报送单位", "填报单位"),  # who sent the figure, if not the above
    "explanation": ("explanation", "核实说明"),  # why a figure a review flags is right
    "ignore": ("序号", "序", "行次", "编号", "no."),  # bookkeeping a bureau's form carries
}
REQUIRED = ("metric", "period", "value")

# Files come from other offices: these bound the time and memory one can cost.
MAX_FILE_BYTES = 64 * 1024 * 1024  # a CSV, JSON or .xlsx file as sent
MAX_XLSX_UNPACKED = 256 * 1024 * 1024  # an .xlsx's parts once unzipped (a zip bomb is refused)
MAX_ROWS = 300_000  # data rows in one file
MAX_CELL_CHARS = 10_000  # characters in one cell
MAX_COLUMNS = 64  # columns of a sheet read; a figures file has at most seven
# Counted before a file is parsed, so a file within MAX_FILE_BYTES that would unfold into
# millions of objects (64 MB of `{},` is 20 million dicts) is refused at once:
MAX_VALUES = MAX_ROWS * 16  # JSON values: a row's fields and a few ignored, for every row
MAX_CELLS = MAX_ROWS * 16  # cells of a CSV or an .xlsx's sheets, counted the same way


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
        name = cell_text(cell).replace(" ", "").lower()
        if not name:
            continue
        column = lookup.get(name)
        unit = None
        if column is None:
            bare, unit = header_unit(name)
            column = lookup.get(bare)
        if column is None:
            unknown.append(cell_text(cell))
        elif column == "ignore":
            mapping[index] = column  # read past, never stored
        elif column in mapping.values():
            raise DataError("column_twice", file=path.name, column=column)
        else:
            mapping[index] = column
            if unit is not None:
                units[column] = unit
    if unknown:
        names: str | Message = ", ".join(map(repr, unknown[:_NAMED]))
        if len(unknown) > _NAMED:
            names = msg("names_and_more", names=names, count=len(unknown))
        raise DataError("unknown_columns", file=path.name, columns=names, accepted=_accepted())
    missing = [c for c in REQUIRED if c not in mapping.values()]
    if missing:
        names = " / ".join(missing)
        raise DataError("missing_columns", file=path.name, columns=names, accepted=_accepted())
    return mapping, units


_NAMED = 10  # unknown columns named in the message; the rest are counted


def _accepted() -> str:
    known = (aliases for column, aliases in COLUMN_NAMES.items() if column != "ignore")
    return "; ".join(" / ".join(aliases) for aliases in known)


def cell_text(cell: Any) -> str:
    """A cell as text: text stripped, a number as Python writes it, a boolean as true or false,
    an integer too long to print by its size."""
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


def figure_rows(
    path: Path,
    header: Sequence[Any],
    body: Iterable[tuple[Where, Sequence[Any]]],
    chosen: Mapping[str, str],
) -> list[SourceRow]:
    """The non-empty rows under `header`, each cell by its column (`chosen`: --map)."""
    mapping, units = _columns(path, header, chosen)
    rows = []
    number = 0
    for where, cells in body:
        if all(not cell_text(c) for c in cells):
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
                if mapping[index] == "period" and isinstance(cell, float) and not cell.is_integer():
                    # Excel keeps 2025.10 typed as a number as 2025.1: October or January?
                    label = SourceRow(number, where, {}).label
                    raise DataError("period_a_number", file=path.name, row=label, period=cell)
                if mapping[index] != "ignore":
                    fields[mapping[index]] = _typed_cell_text(mapping[index], cell)
            elif cell_text(cell):
                raise DataError(
                    "more_cells", file=path.name, row=SourceRow(number, where, {}).label
                )
        for column, unit in units.items():  # 数值(亿元): the header's unit, unless a row has one
            if column == "value" and not fields.get("unit"):
                fields["unit"] = unit
        rows.append(SourceRow(number, where, fields))
    return rows


def _typed_cell_text(column: str, cell: Any) -> str:
    # Excel turns "2025-06" typed into a cell into a date; read it back as the month it was.
    if column == "period" and isinstance(cell, datetime | date):
        return f"{cell.year}-{cell.month:02d}"
    if column == "period" and isinstance(cell, int) and not isinstance(cell, bool):
        return str(cell)[:20]  # a year typed as a number; a longer one is refused as a period
    if column == "period" and isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell_text(cell)


class FormTable(NamedTuple):
    """A returned form as its file holds it: its own marks and the rows of its table, not yet
    checked against the target file (sources.forms does that)."""

    by: str  # "owner" or "region", as the form says; anything else is refused
    reporter: Any  # the lead office or region the form is for, as written
    period: Any
    year: Any  # None in a CSV form, which carries the period only
    snapshot: Mapping[str, Sequence[Any]] | None  # the locked cells as sent; CSV: None
    header: Sequence[Any] | None  # the table's header row; None: the sheet is empty
    body: list[tuple[Where, list[Any]]]
    seal: Any = None  # an .xlsx form's seal of its marks and locked cells
    # A CSV form's marks on each row of `body`: its office or region, period and seal.
    row_marks: list[tuple[Any, Any, Any]] | None = None
    # Each row's 核实说明, where the form has the column (forms sent before it have none).
    explanations: list[Any] | None = None


class SourceFile(NamedTuple):
    """What one file holds, read once: rows of figures, or a returned form."""

    path: Path
    rows: list[SourceRow]
    form: FormTable | None = None
    sha256: str = ""  # of the bytes read
