"""Reading a records file in tltrack's own form without a TOML parser.

Every figure tltrack writes is one line in a fixed form (ledger.render_line). A line that
matches that form exactly, field by field, is read with one regular expression; a line that
does not (an escaped quote in a note, a hand edit) is read by the TOML parser and checked like
any hand-written entry. A file is hand-edited when a line is not what tltrack would write, which
is known line by line, without rendering the whole file again.

Anything else (comments, entries over several lines, a byte-order mark, CRLF) is left to the
full parser: None.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import datetime
from typing import Any

import tomli

from tltrack.domain import Record

# Digits are [0-9], never \d: Python's \d takes any script's digits (१, ١), which int() and
# float() read but TOML refuses.
_TIME = (
    r"([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?[+-][0-9]{2}:[0-9]{2})"
)
# A string as tomli-w writes it with nothing to escape: no quote, backslash or control
# character but the tab. C1 controls (\x80-\x9f) are left to the full check, which refuses
# them.
_TEXT = r'"([^"\\\x00-\x08\x0a-\x1f\x7f-\x9f]*)"'
_LINE = re.compile(
    r"  \{ metric = " + _TEXT + r"(?:, region = " + _TEXT + r")?, period = " + _TEXT + r", "
    r"value = (-?(?:[0-9]+\.[0-9]+(?:e[+-][0-9]+)?|[0-9]+e[+-][0-9]+)), note = "
    + _TEXT
    + r", by = "
    + _TEXT
    + r", at = "
    + _TIME
    + r"(, correction = true)?(?:, revision = ([1-9][0-9]{0,6}))? \},"
)


def _bounded_text(most: int) -> str:
    """A string as _TEXT, of at most `most` characters and no outer white space (the full
    reading strips it): model.RecordEntry's limits, so a whole file is matched at once."""
    return rf'"((?!\s)[^"\\\x00-\x08\x0a-\x1f\x7f-\x9f]{{0,{most}}}(?<!\s))"'


# Every line of a file in tltrack's form at once, for the common case of a file no one edited
# by hand. A region's name is checked apart (and once per name): see _region.
_LINES = re.compile(
    r"^  \{ metric = " + _bounded_text(200) + r'(?:, region = "([^"\\\x00-\x1f\x7f-\x9f]{1,100})")?'
    r", period = " + _bounded_text(20) + r", "
    r"value = (-?(?:[0-9]+\.[0-9]+(?:e[+-][0-9]+)?|[0-9]+e[+-][0-9]+)), note = "
    + _bounded_text(2000)
    + r", by = "
    + _bounded_text(200)
    + r", at = "
    + _TIME
    + r"(, correction = true)?(?:, revision = (1000000|[1-9][0-9]{0,5}))? \},$",
    re.MULTILINE,
)
# model.RecordEntry's bound on a figure; its limits on text are checked in _canonical.
_MAX_FIGURE = 1e15
# An import writes many figures in one second: each time is parsed once.
_TIMES: dict[str, datetime] = {}
# A region's name is checked once: a province's file names each some 100,000 times.
_REGIONS: dict[str, bool] = {}


# A figure's fields in Record's order, as a plain tuple: what the cache keeps.
Row = tuple[Any, ...]


def read_canonical(text: str, header: str) -> tuple[list[Record], bool] | None:
    """The figures of `text` and whether any line is not in tltrack's form; None when the
    file is not laid out as tltrack writes it (`header`, one figure a line, "]"), or a line
    does not check."""
    read = read_canonical_rows(text, header)
    if read is None:
        return None
    rows, hand_edited = read
    return [tuple.__new__(Record, row) for row in rows], hand_edited


def read_canonical_rows(text: str, header: str) -> tuple[list[Row], bool] | None:
    """read_canonical's figures as plain tuples, for the cache: no Record is made where the
    figures are only kept (a big file read ahead)."""
    if not text.startswith(header) or not text.endswith("]\n"):
        return None
    body = text[len(header) : -2]
    if not body:
        return [], False
    if not body.endswith("\n"):
        return None
    whole = _whole(body[:-1])
    if whole is not None:
        return whole, False
    rows: list[Row] = []
    hand_edited = False
    for line in body[:-1].split("\n"):
        record = _canonical(line)
        if record is None:
            record = _parsed(line)
            if record is None:
                return None
            hand_edited = hand_edited or not _written_as(record, line)
        rows.append(tuple(record))
    return rows, hand_edited


def rows_of_bytes(data: bytes, header: str) -> list[Row] | None:
    """The figures of a file wholly in tltrack's form, read from its bytes a megabyte at a
    time; None for anything else (read_canonical_rows then reads the text). The file is never
    held whole as text: one Chinese note makes Python keep 70 MB of figures as 140 MB."""
    head = header.encode()
    if not data.startswith(head) or not data.endswith(b"]\n"):
        return None
    start, stop = len(head), len(data) - 2  # the lines, each ending in "\n"
    if start == stop:
        return []
    if data[stop - 1] != 0x0A:
        return None
    rows: list[Row] = []
    shared: dict[str, str] = {}
    last = stop - 1  # the lines without their last "\n"
    while True:
        end = data.find(b"\n", start + _CHUNK, last)
        end = last if end < 0 else end
        try:
            chunk = data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            return None
        if not _read_chunk(chunk, rows, shared):
            return None
        if end == last:
            return rows
        start = end + 1


def _whole(lines: str) -> list[Row] | None:
    """The figures of `lines` when every one is in tltrack's form; else None (the file is
    then read line by line). One search over the text, then a light loop: no per-line call
    of the regular expression engine, and each repeated name or time is kept once."""
    rows: list[Row] = []
    shared: dict[str, str] = {}
    start = 0
    while True:
        # A megabyte at a time: the matches of a whole file at once would hold every field
        # of every line as text beside the figures made of them. (An empty line, even the
        # last, is a chunk of its own that does not match.)
        end = lines.find("\n", start + _CHUNK)
        end = len(lines) if end < 0 else end
        if not _read_chunk(lines[start:end], rows, shared):
            return None
        if end == len(lines):
            return rows
        start = end + 1


_CHUNK = 1 << 20


def _read_chunk(lines: str, rows: list[Row], shared: dict[str, str]) -> bool:
    matches = _LINES.findall(lines)
    if len(matches) != lines.count("\n") + 1:
        return False  # a line does not match: one match a line at most, by ^ and $
    append, keep = rows.append, shared.setdefault
    times, regions = _TIMES, _REGIONS
    for metric, region, period, value_text, note, by, at_text, correction, revision in matches:
        value = float(value_text)
        if repr(value) != value_text or abs(value) > _MAX_FIGURE:
            return False
        at = times.get(at_text)
        if at is None:
            try:
                at = times[at_text] = datetime.fromisoformat(at_text)
            except ValueError:
                return False
        if region:
            known = regions.get(region)
            if known is None:
                known = regions[region] = _region(region)
            if not known:
                return False
        append(
            (
                keep(metric, metric),
                keep(period, period),
                value,
                at,
                note,
                keep(by, by),
                correction != "",
                int(revision) if revision else 0,
                keep(region, region) if region else None,
            )
        )
    return True


def _written_as(record: Record, line: str) -> bool:
    from tltrack.ledger import render_line

    return render_line(record) == line + "\n"


def _canonical(line: str) -> Record | None:
    match = _LINE.fullmatch(line)
    if match is None:
        return None
    metric, region, period, value_text, note, by, at_text, correction, revision = match.groups()
    value = float(value_text)
    if repr(value) != value_text or abs(value) > _MAX_FIGURE:
        return None  # not as tltrack writes it (1.50, 1E3), or out of bounds: the full check
    if len(metric) > 200 or len(period) > 20 or len(note) > 2000 or len(by) > 200:
        return None
    if revision is not None and int(revision) > 1_000_000:
        return None  # model.RecordEntry's bound: the full check says so with the line
    # Read as a hand-written entry is, a string loses its outer spaces: not tltrack's form.
    if metric.strip() != metric or period.strip() != period or note.strip() != note:
        return None
    if by.strip() != by or (region is not None and not _region(region)):
        return None
    at = _TIMES.get(at_text)
    if at is None:
        try:
            at = datetime.fromisoformat(at_text)
        except ValueError:
            return None  # 2025-02-30, 24:00, +24:00: the TOML parser says what is wrong
        _TIMES[at_text] = at
    return Record(
        metric,
        period,
        value,
        at,
        note,
        by,
        correction is not None,
        int(revision) if revision else 0,
        region,
    )


def _region(name: str) -> bool:
    return (
        0 < len(name) <= 100
        and name == name.strip()
        and not any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    )


def _parsed(line: str) -> Record | None:
    """A line tltrack would not write as it is: read and checked as a hand-written entry."""
    if not line.rstrip().endswith(","):
        return None  # alone it reads, but not followed by another: the whole file decides
    try:
        raw: dict[str, Any] = tomli.loads(f"record = [\n{line}\n]\n")
    except tomli.TOMLDecodeError:
        return None
    from pydantic import ValidationError

    from tltrack.model import read_records_file

    try:
        entries = read_records_file(raw)
    except ValidationError:
        return None
    if len(entries) != 1 or not math.isfinite(entries[0].value):
        return None
    return entries[0]
