"""Reading the TOML store's `<year>.records.toml`: every figure, or only some metrics' lines
for a write, through the parse cache (a file's figures kept under the SHA-256 of its bytes,
and the bytes a pull or a write only added to read from the added lines alone).

The file is written only by tltrack, one figure a line (lines.py), changed under a lock and
replaced atomically (store.py).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tltrack.domain.figures import Record, others_years, year_problem
from tltrack.errors import Problem, ValidationFailed
from tltrack.files import cache
from tltrack.files.disk import decode, read_bytes
from tltrack.files.folder import real_path
from tltrack.files.toml_text import TomlLines, parse_toml, pydantic_problems
from tltrack.stores.toml.lines import (
    ARRAY_END,
    ARRAY_START,
    HEADER,
    _toml_value,
    read_canonical,
    read_canonical_rows,
    render,
    rows_of_bytes,
)

if TYPE_CHECKING:
    from pydantic import ValidationError


def _validation_error() -> type[ValidationError]:
    from pydantic import ValidationError  # Pydantic only when a file is read afresh: a faster start

    return ValidationError


@dataclass(frozen=True)
class RecordsRead:
    parsed: list[Record] | None  # None when the file does not read, or came from the cache
    problems: list[Problem] = field(default_factory=list)
    hand_edited: bool = False  # its text is not what tltrack writes for these records
    data: bytes = b""  # the bytes read; empty when there is no file yet
    rows: list[tuple[Any, ...]] | None = None  # as plain tuples: from the cache, or a fast read
    partial: bool = False  # only some metrics' records were read (check_records_of)
    key: str = ""  # the SHA-256 of `data`, the cache's key for it

    @functools.cached_property
    def records(self) -> list[Record] | None:
        """Every record; made from the cached rows only when asked for."""
        if self.rows is not None:
            return list(map(Record._make, self.rows))
        return self.parsed

    def of(self, metrics: Collection[str]) -> list[Record]:
        """The records of some metrics only: for a write, far cheaper than all of them."""
        if self.rows is not None:
            return [Record._make(row) for row in self.rows if row[0] in metrics]
        return [r for r in self.parsed or [] if r.metric in metrics]


def check_records(path: Path, data: bytes | None = None) -> RecordsRead:
    """Read a records file: its records, or all its problems. `data`: its bytes, read by the
    caller (a writer reads them in the folder it holds open; no file is no bytes).

    The parsed records of bytes read before come from the cache: reading 100,000 figures with
    tomllib and checking them takes seconds, loading them takes a fraction of that."""
    if data is None:
        if not path.exists() and not path.is_symlink():
            return RecordsRead([])
        data = read_bytes(path)
    if not data.strip():  # an empty file (a truncated copy, `touch`) holds no figures yet
        return RecordsRead([])
    key = cache.digest(data)
    cached = _cached_rows(key)
    if cached is None and _extended(path, data, key):
        cached = _cached_rows(key)
    if cached is not None:
        _remember(path, data, key, cached[1])
        return RecordsRead(None, [], cached[1], data, cached[0], key=key)
    rows = rows_of_bytes(data, HEADER + ARRAY_START)
    if rows is not None:  # the common case: a file as tltrack writes it
        _keep(key, rows, False, path, data)
        return RecordsRead(None, [], False, data, rows, key=key)
    text, problems = decode(path, data)
    if text is None:
        return RecordsRead(None, problems, data=data)
    canonical = read_canonical_rows(text, HEADER + ARRAY_START, whole=False)
    if canonical is not None:
        rows, hand_edited = canonical
        _keep(key, rows, hand_edited, path, data)
        return RecordsRead(None, [], hand_edited, data, rows, key=key)
    raw, problems = parse_toml(path, text)
    if raw is None:
        return RecordsRead(None, problems, data=data)
    from tltrack.files.schema import read_records_file  # Pydantic only when a file is read afresh

    try:
        records = read_records_file(raw)
    except _validation_error() as exc:
        problems = pydantic_problems(path, exc, raw, RecordLines(text), "record")
        return RecordsRead(None, problems)
    # Line endings are not an edit: git with core.autocrlf makes them CRLF on Windows.
    hand_edited = text.replace("\r\n", "\n") != render(records)
    _keep(key, [tuple(r) for r in records], hand_edited, path, data)
    return RecordsRead(records, [], hand_edited, data, key=key)


def _keep(key: str, rows: list[tuple[Any, ...]], edited: bool, path: Path, data: bytes) -> None:
    """A file's figures into the cache, with whether it was edited by hand."""
    cache.store("records", key, ("full", rows, edited))
    cache.store("records-form", key, edited)
    _remember(path, data, key, edited)


# Past this many metrics a write reads the whole file instead of finding their lines.
TARGETED_METRICS = 32


def file_bytes(path: Path) -> bytes:
    """A records file's bytes; none when there is no file yet."""
    if not path.exists() and not path.is_symlink():
        return b""
    return read_bytes(path)


def check_records_of(path: Path, metrics: Collection[str], data: bytes) -> RecordsRead:
    """Read only the lines of some metrics, for a write that adds figures for them (`data`:
    the file's bytes, as check_records takes them).

    Possible when the cache knows these bytes are in tltrack's own form: then each figure is
    one line starting `  { metric = "<id>", `, found with a byte search, not a parse."""
    if len(metrics) > TARGETED_METRICS:
        return check_records(path, data)
    if not data.strip():
        return RecordsRead([])
    key = cache.digest(data)
    if cache.load("records-form", key) is not False and not _extended(path, data, key):
        return check_records(path, data)  # unknown or edited by hand: read it all
    lines = []
    for metric in metrics:
        needle = f"  {{ metric = {_toml_value(metric)}, ".encode()
        start = data.find(needle)
        while start != -1:
            end = data.index(b"\n", start) + 1
            lines.append(data[start:end].decode("utf-8"))
            start = data.find(needle, end)
    # The cache vouches for these lines (the whole file was checked, or tltrack wrote it): they
    # are read by the line reader, without Pydantic, or the whole file is read after all.
    read = read_canonical(HEADER + ARRAY_START + "".join(lines) + ARRAY_END, HEADER + ARRAY_START)
    if read is None or read[1]:
        return check_records(path, data)
    records = read[0]
    # Each metric's lines were found in file order, which decides between figures recorded
    # in the same second; figures of different metrics never compete.
    return RecordsRead(records, [], False, data, partial=True, key=key)


# A write stores only what it appended, on top of the entry of the bytes it appended to; a
# chain of FOLD_AT such links is folded into one full entry, by the write that would make it
# longer or by a read, so a chain stays shorter than the entries the cache keeps (no cliff
# after many writes). MAX_CHAIN only bounds a read of a damaged cache.
MAX_CHAIN = 1000
FOLD_AT = 8


def _store_appended(key: str, previous: str, new: Sequence[Record]) -> None:
    """Remember bytes `key` as bytes `previous` with the figures `new` added."""
    depth = cache.load("records-depth", previous)
    depth = depth + 1 if isinstance(depth, int) else 1
    folded = _cached_rows(previous) if depth >= FOLD_AT else None
    if folded is not None:
        cache.store("records", key, ("full", folded[0] + [tuple(r) for r in new], folded[1]))
        depth = 0
    else:
        cache.store("records", key, ("delta", previous, [tuple(r) for r in new]))
    cache.store("records-depth", key, depth)
    cache.store("records-form", key, False)


def _path_key(path: Path) -> str:
    return cache.digest(os.fsencode(real_path(path)))


def _remember(path: Path, data: bytes, key: str, hand_edited: bool) -> None:
    """Remember the last bytes of `path` read or written in tltrack's form, so that bytes
    that only add figures to them (a git pull, another office's record) are read from the
    added lines alone."""
    if hand_edited or not data.endswith(ARRAY_END.encode()):
        return
    size = len(data) - len(ARRAY_END)
    last = cache.load("records-tail", _path_key(path))
    if isinstance(last, tuple) and len(last) == 3 and last[2] == key:
        return
    cache.store("records-tail", _path_key(path), (size, cache.digest(data[:size]), key))


def _extended(path: Path, data: bytes, key: str) -> bool:
    """Whether `data` is the bytes last remembered for `path` with figures added before the
    closing bracket, each line in tltrack's form; if so the cache now knows `key`."""
    last = cache.load("records-tail", _path_key(path))
    if not isinstance(last, tuple) or len(last) != 3:
        return False
    size, prefix, previous = last
    if not isinstance(size, int) or not 0 < size < len(data):
        return False
    if cache.load("records-form", previous) is not False or cache.digest(data[:size]) != prefix:
        return False
    try:
        added = data[size:].decode("utf-8")
    except UnicodeDecodeError:
        return False
    read = read_canonical(HEADER + ARRAY_START + added, HEADER + ARRAY_START)
    if read is None or read[1]:
        return False
    _store_appended(key, previous, read[0])
    _remember(path, data, key, False)
    return True


def _cached_rows(key: str) -> tuple[list[tuple[Any, ...]], bool] | None:
    appended: list[list[tuple[Any, ...]]] = []
    first_key = key
    for depth in range(MAX_CHAIN + 1):
        entry = cache.load("records", key)
        if not isinstance(entry, tuple) or not entry:
            return None
        if entry[0] == "delta" and len(entry) == 3:
            key = entry[1]
            appended.append(entry[2])
            continue
        if entry[0] != "full" or len(entry) != 3:
            return None
        rows = list(entry[1])
        for block in reversed(appended):
            rows += block
        if depth >= FOLD_AT:
            cache.store("records", first_key, ("full", rows, entry[2]))
        return rows, bool(entry[2])
    return None


class RecordLines(TomlLines):
    """Finds the line of the n-th figure: every figure is one line of the `record` array."""

    def __init__(self, text: str) -> None:
        super().__init__(text, "record")
        self.entry_starts = [
            i for i, line in enumerate(self.lines) if line.lstrip().startswith("{")
        ]

    def entry_line(self, index: int, key: str | None = None) -> int | None:
        return self.entry_starts[index] + 1 if index < len(self.entry_starts) else None


def read_records(path: Path, year: int | None) -> list[Record]:
    read = of_the_year(check_records(path), path, year)
    if read.records is None:
        raise ValidationFailed(read.problems)
    return read.records


def of_the_year(read: RecordsRead, path: Path, year: int | None) -> RecordsRead:
    """`read`, or its figures of periods outside `year` as problems, each with its line: the
    file is `year`'s store (the one rule of a figure, domain.figures.year_problem). Checked
    after the cache, whose readings are of bytes, whichever file holds them."""
    rows = read.rows if read.rows is not None else read.parsed
    if year is None or not rows:
        return read
    strays = others_years((row[1] for row in rows), year)
    if not strays:
        return read
    lines = None if read.partial else RecordLines(read.data.decode("utf-8-sig"))
    problems = []
    for index in strays:
        metric, period = rows[index][0], rows[index][1]
        problem = year_problem(period, year)
        assert problem is not None
        line = None if lines is None else lines.entry_line(index)
        problems.append(Problem(path.name, problem, line, f"{metric} {period}", "period"))
    return RecordsRead(None, problems, data=read.data)
