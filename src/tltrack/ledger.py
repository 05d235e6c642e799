"""The recorded-actuals store: `<year>.records.toml` beside the target file.

It is written only by tltrack (tomli-w), append-only: a correction is a new entry that
supersedes the old one for its period, and the old entry stays. Every change holds an exclusive
lock on a separate lock file from read to write, and the file is replaced atomically.
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
    "# with 'tltrack record' (a correction needs --correct); do not edit it by hand.\n\n"
)
DEFAULT_LOCK_TIMEOUT = 10.0


def records_path(target_file: Path) -> Path:
    return target_file.with_name(f"{target_file.stem}.records.toml")


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def render(records: Sequence[Record]) -> str:
    """The exact text tltrack writes for `records`: deterministic and diff-friendly."""
    entries = [_entry(r) for r in records]
    return HEADER + (tomli_w.dumps({"record": entries}) if entries else "")


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
        return None, pydantic_problems(path, exc, raw, TomlLines(text, "record"), "record"), text
    return list(parsed.record), [], text


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
        # Parse back what is about to be written: nothing tltrack cannot read reaches the disk.
        if [*RecordsFile.model_validate(tomllib.loads(text)).record] != list(records):
            raise DataError(f"refusing to write {self.path.name}: it would not read back the same")
        write_atomic(self.path, text.encode("utf-8"))
        self.records = list(records)


@contextmanager
def open_for_change(path: Path) -> Iterator[Ledger]:
    """Lock the records file, read it, and hand it over for one change."""
    with exclusive_lock(lock_path(path), _lock_timeout()):
        remove_stale_temps(path)
        records, problems, text = check_records(path)
        pause_point("after_read")
        if records is None:
            raise ValidationFailed(problems)
        if is_hand_edited(path, records, text):
            raise DataError(
                f"{path.name} was edited by hand, and tltrack will not rewrite it and lose those"
                " edits; run 'tltrack validate', then restore the file from git or see README,"
                " 'Repairing a records file'"
            )
        yield Ledger(path, records)
