"""A CSV file of figures, or a returned CSV form: UTF-8 with or without a byte-order mark,
UTF-16 'Unicode text', else GB18030 as Chinese Excel saves it; commas, or tabs where the
header has more of them. Read once: a form is known by its header."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tltrack.domain.forms import (
    EXPLANATION_HEADER,
    HEADERS,
    PERIOD_HEADER,
    REPORTER_HEADER,
    SEAL_HEADER,
)
from tltrack.errors import DataError
from tltrack.sources.rows import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    FormTable,
    SourceFile,
    Where,
    figure_rows,
)


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


def read_csv(path: Path, data: bytes, chosen: Mapping[str, str]) -> SourceFile:
    """The file's rows of figures, or its form when its header is a form's."""
    text = decode_csv(path, data)
    end = text.find("\n")
    first_line = text if end == -1 else text[:end]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    rows = _bounded(path, reader)
    try:
        first = next(rows, None)
        if first is None:
            raise DataError("empty_file", file=path.name)
        header = first[1]
        if [cell.strip() for cell in header[: len(HEADERS)]] == list(HEADERS):
            return SourceFile(path, [], _form(path, [header, *(row for _, row in rows)]))
        body = ((("row_line", line), row) for line, row in rows)
        return SourceFile(path, figure_rows(path, header, body, chosen))
    except csv.Error as exc:
        raise DataError("csv_error", file=path.name, line=reader.line_num, reason=exc) from None


def _lines(text: str) -> Iterator[str]:
    """The text's lines, each with its end, one at a time: a StringIO of the whole text would
    hold it again at four bytes a character."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _bounded(path: Path, reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """The rows as they are parsed, each with its line, counted: blank ones too (a file of
    blank rows costs as much to read), their cells too, and no row wider than a file of
    figures is."""
    cells = 0
    for number, row in enumerate(reader):
        cells += len(row)
        if number > MAX_ROWS:
            raise DataError("too_many_rows", file=path.name, limit=MAX_ROWS)
        if cells > MAX_CELLS:
            raise DataError("too_many_cells", file=path.name, limit=MAX_CELLS, rows=MAX_ROWS)
        if len(row) > MAX_COLUMNS:
            line = getattr(reader, "line_num", number + 1)
            raise DataError(
                "too_many_cells_in_row",
                file=path.name,
                line=line,
                count=len(row),
                limit=MAX_COLUMNS,
            )
        yield getattr(reader, "line_num", number + 1), row


def _form(path: Path, table: list[list[str]]) -> FormTable:
    """A CSV form (for offices without Excel) carries its office or region and its period as
    columns, the same in every row."""
    header = [cell.strip() for cell in table[0]]
    extra = header[len(HEADERS) :]
    by = next((b for b, word in REPORTER_HEADER.items() if word in extra), None)
    if by is None or PERIOD_HEADER not in extra:
        raise DataError("form_marks", file=path.name)
    name_at, period_at = header.index(REPORTER_HEADER[by]), header.index(PERIOD_HEADER)
    names = {row[name_at].strip() for row in table[1:] if len(row) > name_at and any(row)}
    periods = {row[period_at].strip() for row in table[1:] if len(row) > period_at and any(row)}
    if len(names) > 1 or len(periods) > 1:
        raise DataError("form_mixed", file=path.name)
    body: list[tuple[Where, list[Any]]] = [
        (("row_line", n), list(row[: len(HEADERS)])) for n, row in enumerate(table[1:], start=2)
    ]
    seal_at = header.index(SEAL_HEADER) if SEAL_HEADER in extra else None
    row_marks: list[tuple[Any, Any, Any]] = [
        (_at(row, name_at), _at(row, period_at), _at(row, seal_at)) for row in table[1:]
    ]
    name, period = next(iter(names), ""), next(iter(periods), "")
    said_at = header.index(EXPLANATION_HEADER) if EXPLANATION_HEADER in extra else None
    explanations = [_at(row, said_at) for row in table[1:]]
    return FormTable(
        by, name, period, None, None, header, body, row_marks=row_marks, explanations=explanations
    )


def _at(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""
