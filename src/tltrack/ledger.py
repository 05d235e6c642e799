"""The recorded-actuals store: `<year>.records.toml` beside the target file.

It is written only by tltrack (values escaped by tomli-w), append-only: a correction is a new
entry that supersedes the old one for its period, and the old entry stays. Every change holds
an exclusive lock on a separate lock file from read to write, and the file is replaced
atomically.

Each figure is one line, an inline table in the `record` array, so that git's line-based
`merge=union` joins the figures two clones recorded into a file that still reads.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from tltrack.catalog import TomlLines, parse_toml, pydantic_problems
from tltrack.errors import DataError, Problem, ValidationFailed
from tltrack.fileio import (
    decode,
    exclusive_lock,
    pause_point,
    read_bytes,
    remove_stale_temps,
    write_atomic,
)
from tltrack.model import Record, RecordsFile

HEADER = (
    "# Figures recorded with tltrack. This file is written by tltrack: add or correct figures\n"
    "# with 'tltrack record' (a correction needs --correct); do not edit it by hand.\n"
    "# One figure a line; for a period, the figure recorded last (by `at`) counts.\n\n"
)
ARRAY_START = "record = [\n"
ARRAY_END = "]\n"
DEFAULT_LOCK_TIMEOUT = 10.0


def records_path(target_file: Path) -> Path:
    return target_file.with_name(f"{target_file.stem}.records.toml")


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def render(records: Sequence[Record]) -> str:
    """The exact text tltrack writes for `records`: deterministic and diff-friendly."""
    return HEADER + ARRAY_START + "".join(render_line(r) for r in records) + ARRAY_END


def render_line(record: Record) -> str:
    fields = ", ".join(f"{key} = {_toml_value(value)}" for key, value in _entry(record).items())
    return f"  {{ {fields} }},\n"


def _toml_value(value: Any) -> str:
    # tomli-w does the escaping; it only writes whole documents, so write one key and cut it.
    return tomli_w.dumps({"v": value})[len("v = ") :].rstrip("\n")


def _entry(record: Record) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "metric": record.metric,
        "period": record.period,
        "value": record.value,
        "note": record.note,
        "by": record.by,
        "at": record.at,
    }
    if record.correction:
        entry["correction"] = True
    return entry


def check_records(path: Path) -> tuple[list[Record] | None, list[Problem], str | None]:
    """Parse a records file: its records, or all its problems; also its text."""
    if not path.exists() and not path.is_symlink():
        return [], [], None
    text, problems = decode(path, read_bytes(path))
    if text is None:
        return None, problems, None
    raw, problems = parse_toml(path, text)
    if raw is None:
        return None, problems, text
    try:
        parsed = RecordsFile.model_validate(raw)
    except ValidationError as exc:
        return None, pydantic_problems(path, exc, raw, RecordLines(text), "record"), text
    return list(parsed.record), [], text


class RecordLines(TomlLines):
    """Finds the line of the n-th figure: every figure is one line of the `record` array."""

    def __init__(self, text: str) -> None:
        super().__init__(text, "record")
        self.entry_starts = [
            i for i, line in enumerate(self.lines) if line.lstrip().startswith("{")
        ]

    def entry_line(self, index: int, key: str | None = None) -> int | None:
        return self.entry_starts[index] + 1 if index < len(self.entry_starts) else None


def read_records(path: Path) -> list[Record]:
    records, problems, _ = check_records(path)
    if records is None:
        raise ValidationFailed(problems)
    return records


def is_hand_edited(path: Path, records: Sequence[Record], text: str | None) -> bool:
    return text is not None and text.removeprefix("\ufeff") != render(records)


def _lock_timeout() -> float:
    raw = os.environ.get("TLTRACK_LOCK_TIMEOUT", "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT
    return value if math.isfinite(value) and value >= 0 else DEFAULT_LOCK_TIMEOUT


class Ledger:
    """An open, locked records file: read its records, then `save` the new list once."""

    def __init__(self, path: Path, records: list[Record]) -> None:
        self.path = path
        self.records = records

    def save(self, records: Sequence[Record]) -> None:
        text = render(records)
        # Parse back what is about to be written: nothing tltrack cannot read reaches the disk
        # (tomli-w itself writes nan and inf without complaint).
        try:
            read_back = list(RecordsFile.model_validate(tomllib.loads(text)).record)
        except (tomllib.TOMLDecodeError, ValidationError):
            read_back = None
        if read_back != list(records):
            raise DataError(f"refusing to write {self.path.name}: it would not read back the same")
        write_atomic(self.path, text.encode("utf-8"))
        self.records = list(records)


@contextmanager
def open_for_change(path: Path, accept_hand_edits: bool = False) -> Iterator[Ledger]:
    """Lock the records file, read it, and hand it over for one change."""
    with exclusive_lock(lock_path(path), _lock_timeout()):
        remove_stale_temps(path)
        records, problems, text = check_records(path)
        pause_point("after_read")
        if records is None:
            raise ValidationFailed(problems)
        if is_hand_edited(path, records, text) and not accept_hand_edits:
            raise DataError(
                f"{path.name} was edited by hand, and tltrack will not rewrite it and lose those"
                " edits; run 'tltrack validate', then 'tltrack repair' (see README, 'Repairing a"
                " records file')"
            )
        yield Ledger(path, records)
