"""The lines of a records file: each figure written as one line in tltrack's own form, and a
file in that form read back without a TOML parser.

Every figure tltrack writes is one line in a fixed form (render_line). A line that
matches that form exactly, field by field, is read with one regular expression; a line that
does not (an escaped quote in a note, a hand edit) is read by the TOML parser and checked like
any hand-written entry. A file is hand-edited when a line is not what tltrack would write, which
is known line by line, without rendering the whole file again.

Anything else (comments, entries over several lines, a byte-order mark, CRLF) is left to the
full parser: None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import tomli
import tomli_w

from tltrack.domain.figures import (
    CONTROLS,
    MAX_REVISION,
    SPACES,
    SURROGATES,
    TEXT_BOUNDS,
    Record,
    text_problem,
    time_problem,
    value_problem,
)

HEADER = (
    "# Figures recorded with tltrack. This file is written by tltrack: add or correct figures\n"
    "# with 'tltrack record' (a correction needs --correct); do not edit it by hand.\n"
    "# One figure a line; for a period, the highest revision counts, then the later line.\n\n"
)
ARRAY_START = "record = [\n"
ARRAY_END = "]\n"


def render(records: Sequence[Record]) -> str:
    """The exact text tltrack writes for `records`: deterministic and diff-friendly."""
    return HEADER + ARRAY_START + "".join(render_line(r) for r in records) + ARRAY_END


def render_line(record: Record) -> str:
    fields = ", ".join(f"{key} = {_toml_value(value)}" for key, value in _entry(record).items())
    return f"  {{ {fields} }},\n"


# Text with nothing to escape, which tomli-w writes as it is between quotes.
_PLAIN_TEXT = re.compile(f'[^"\\\\{CONTROLS}{SURROGATES}]*')


def _toml_value(value: Any) -> str:
    # What tomli-w writes, without its machinery for the common values (an import writes
    # 60,000 of them): a number or a time as str() gives it, text with nothing to escape.
    if isinstance(value, str):
        if _PLAIN_TEXT.fullmatch(value):
            return f'"{value}"'
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif isinstance(value, float | int | datetime):
        return str(value)
    # tomli-w does the escaping; it only writes whole documents, so write one key and cut it.
    return tomli_w.dumps({"v": value})[len("v = ") :].rstrip("\n")


def _entry(record: Record) -> dict[str, Any]:
    entry: dict[str, Any] = {"metric": record.metric}
    if record.region is not None:
        entry["region"] = record.region
    entry |= {
        "period": record.period,
        "value": record.value,
        "note": record.note,
        "by": record.by,
        "at": record.at,
    }
    if record.correction:
        entry["correction"] = True
    if record.revision:
        entry["revision"] = record.revision
    # Written only where a figure has them: a figure without is the line it always was.
    for field in ("explanation", "unit", "source"):
        if getattr(record, field):
            entry[field] = getattr(record, field)
    return entry


# --- reading --------------------------------------------------------------------------------------

# The expression of a line is made from the one rule of a figure (domain.figures): a line it
# matches holds texts within their bounds, with no control character and no outer space; what
# a pattern cannot say (a period as tltrack writes it, a region's invisible characters, a
# time's offset) is checked by the rule's own functions, once per distinct text.
# Digits are [0-9], never \d: Python's \d takes any script's digits (१, ١), which int() and
# float() read but TOML refuses.
_TIME = (
    r"([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?[+-][0-9]{2}:[0-9]{2})"
)
_SPACE = f"[{re.escape(SPACES)}]"


def _bounded_text(field: str, least: int = 0) -> str:
    """A string as tomli-w writes it with nothing to escape (no quote, backslash or control
    character), of `least` to the field's most characters, with no outer white space."""
    most = TEXT_BOUNDS[field]
    inner = f'[^"\\\\{CONTROLS}{SURROGATES}]'
    return f'"((?!{_SPACE}){inner}{{{least},{most}}}(?<!{_SPACE}))"'


_REVISION = f"({MAX_REVISION}|[1-9][0-9]{{0,{len(str(MAX_REVISION)) - 2}}})"
# A line in tltrack's form, matched a line or a megabyte of lines at a time.
_LINES = re.compile(
    r"^  \{ metric = "
    + _bounded_text("metric", 1)
    + r"(?:, region = "
    + _bounded_text("region", 1)
    + r")?, period = "
    + _bounded_text("period", 1)
    + r", value = (-?(?:[0-9]+\.[0-9]+(?:e[+-][0-9]+)?|[0-9]+e[+-][0-9]+)), note = "
    + _bounded_text("note")
    + r", by = "
    + _bounded_text("by")
    + r", at = "
    + _TIME
    + r"(, correction = true)?(?:, revision = "
    + _REVISION
    + r")?(?:, explanation = "
    + _bounded_text("explanation", 1)
    + r")?(?:, unit = "
    + _bounded_text("unit", 1)
    + r")?(?:, source = "
    + _bounded_text("source", 1)
    + r")? \},$",
    re.MULTILINE,
)
# An import writes many figures in one second: each time is parsed once (see moment).
_TIMES: dict[str, datetime] = {}


def moment(text: str) -> datetime | None:
    """A time as tltrack writes it, parsed once per text; None when it is no time (2025-02-30,
    24:00) or not one a figure may carry: then the TOML parser or the store's check says what
    is wrong."""
    at = _TIMES.get(text)
    if at is None:
        try:
            at = datetime.fromisoformat(text)
        except ValueError:
            return None
        if time_problem(at) is not None:
            return None
        _TIMES[text] = at
    return at


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


def read_canonical_rows(
    text: str, header: str, whole: bool = True
) -> tuple[list[Row], bool] | None:
    """read_canonical's figures as plain tuples, for the cache: no Record is made where the
    figures are only kept. `whole=False`: rows_of_bytes found a line not in tltrack's form
    already, so the lines are read one by one at once."""
    if not text.startswith(header) or not text.endswith("]\n"):
        return None
    body = text[len(header) : -2]
    if not body:
        return [], False
    if not body.endswith("\n"):
        return None
    read = _whole(body[:-1]) if whole else None
    if read is not None:
        return read, False
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
    append, keep, times = rows.append, shared.setdefault, _TIMES
    for (
        metric,
        region,
        period,
        value_text,
        note,
        by,
        at_text,
        correction,
        revision,
        explanation,
        unit,
        source,
    ) in matches:
        value = float(value_text)
        if repr(value) != value_text or value_problem(value) is not None:
            return False  # not as tltrack writes it (1.50, 1E3), or out of bounds
        at = times.get(at_text) or moment(at_text)  # the dict first: this runs for every line
        if at is None or text_problem("period", period) is not None:
            return False
        if region and text_problem("region", region) is not None:
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
                explanation,
                keep(unit, unit),
                keep(source, source),
            )
        )
    return True


def _written_as(record: Record, line: str) -> bool:
    return render_line(record) == line + "\n"


def _canonical(line: str) -> Record | None:
    """One line in tltrack's form, by the same reading as a whole file."""
    rows: list[Row] = []
    return tuple.__new__(Record, rows[0]) if _read_chunk(line, rows, {}) else None


def _parsed(line: str) -> Record | None:
    """A line tltrack would not write as it is: read and checked as a hand-written entry."""
    if not line.rstrip().endswith(","):
        return None  # alone it reads, but not followed by another: the whole file decides
    try:
        # Followed by another element, as in the file: a comma inside a comment (`}#,`)
        # separates nothing, and the file would not read.
        raw: dict[str, Any] = tomli.loads(f"record = [\n{line}\n0]\n")
    except ValueError:  # TOMLDecodeError, or an integer of more than 4,300 digits
        return None
    raw["record"] = raw["record"][:-1]
    # Pydantic only for a line not in tltrack's form: a start without it is faster.
    from pydantic import ValidationError

    from tltrack.files.schema import read_records_file

    try:
        entries = read_records_file(raw)
    except ValidationError:
        return None
    if len(entries) != 1:
        return None
    return entries[0]
