"""A JSON file of figures: a list of objects, or `{"records": [...]}`, each object a row whose
keys are the columns."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tltrack.errors import DataError
from tltrack.sources.rows import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_VALUES,
    SourceFile,
    SourceRow,
    Where,
    figure_rows,
)

# The most bytes between two quotes: a cell's most characters, each at most twelve bytes as
# JSON writes it (a character past U+FFFF as two \uXXXX escapes), and room.
_LONG_TEXT = re.compile(b'"[^"]{%d}' % (12 * MAX_CELL_CHARS + 1024))


def read_json(path: Path, data: bytes, chosen: Mapping[str, str]) -> SourceFile:
    _bounded(path, data)
    try:
        loaded = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, or a 5,000-digit number
        raise DataError("not_json", file=path.name, reason=exc) from None
    except RecursionError:
        raise DataError("json_too_deep", file=path.name) from None
    items = loaded.get("records") if isinstance(loaded, dict) else loaded
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise DataError("json_shape", file=path.name)
    seen: dict[str, None] = {}
    for item in items:  # each key a column: every row would get a cell for each
        seen.update(dict.fromkeys(item))
        if len(seen) > MAX_COLUMNS:
            raise DataError("too_many_keys", file=path.name, limit=MAX_COLUMNS)
    keys = list(seen)
    body: list[tuple[Where, list[Any]]] = [
        (("row_item", i), [item.get(k) for k in keys]) for i, item in enumerate(items, start=1)
    ]
    for where, cells in body:
        if any(isinstance(c, dict | list) for c in cells):
            label = SourceRow(where[1], where, {}).label
            raise DataError("json_nested", file=path.name, row=label)
    return SourceFile(path, figure_rows(path, keys, body, chosen))


def _bounded(path: Path, data: bytes) -> None:
    """Refuse, before parsing, a file that would unfold into more objects or values than a
    file of figures holds, or hold a text longer than any cell: counted on its bytes (the
    quotes, braces and commas of UTF-8 text are never part of another character) in passes
    at C speed that build nothing the size of the file's parts. The braces and commas inside
    texts are counted too: a file of figures has far fewer than the bounds allow. (Decoded, a
    file with one character beyond U+FFFF takes four bytes a character, twice over once
    parsed: a text longer than a cell is refused first.)"""
    if data.count(b"{") > MAX_ROWS + 1:  # rows, and {"records": ...}
        raise DataError("too_many_rows", file=path.name, limit=MAX_ROWS)
    if data.count(b",") + 1 > MAX_VALUES:
        raise DataError("too_many_values", file=path.name, limit=MAX_VALUES, rows=MAX_ROWS)
    # Without its escapes (an escaped backslash first), a text runs from a quote to the next.
    plain = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    if _LONG_TEXT.search(plain):  # one pass: each quote's scan ends at the next quote
        raise DataError("json_text_too_long", file=path.name, limit=MAX_CELL_CHARS)
