"""A JSON file of figures: a list of objects, or `{"records": [...]}`, each object a row whose
keys are the columns."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tltrack.errors import DataError
from tltrack.sources.rows import SourceFile, SourceRow, Where, figure_rows


def read_json(path: Path, data: bytes, chosen: Mapping[str, str]) -> SourceFile:
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
    return SourceFile(path, figure_rows(path, keys, body, chosen))
