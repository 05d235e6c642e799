"""A recorded figure (Record), and the one rule for what a figure may hold.

The rule is checked before any store writes a figure and by every store's reader, so what one
writes, every other reads: the TOML records file's line reader is made from these bounds, the
database rows' check calls these functions, and the PostgreSQL constraints are written from
them (the tests hold each reader against this rule).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from tltrack.domain.periods import parse_period
from tltrack.errors import DataError, Message, msg

# The longest text each field may hold, in characters.
TEXT_BOUNDS = {
    "metric": 200,
    "period": 20,
    "note": 2000,
    "by": 200,
    "region": 100,
    "explanation": 2000,
    "unit": 100,
    "source": 400,  # a file's name (255 at most on most systems) and its SHA-256
}
# Where a figure typed on the command line came from.
TYPED = "typed"
# Above this, a figure in the report's units (亿元, 万亩, %) is certainly a typo.
MAX_FIGURE = 1e15
MAX_REVISION = 1_000_000
# The control characters no text of a figure holds (C0 but the tab, DEL, C1): they would
# break a line of the records file, or a terminal. As ranges, and as a regular expression's
# class.
CONTROL_RANGES = ((0x00, 0x08), (0x0A, 0x1F), (0x7F, 0x9F))
CONTROLS = "".join(f"\\x{first:02x}-\\x{last:02x}" for first, last in CONTROL_RANGES)
# What Python's str.strip() takes away (str.isspace): no text begins or ends with one. People
# type "张三 " and "完成　"; the input is trimmed, and a stored text must already be.
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The rule itself, as text: a reading kept under another rule (an older tltrack's, in the
# parse cache) is never taken for one under this.
RULE = repr(
    (
        TEXT_BOUNDS,
        MAX_FIGURE,
        MAX_REVISION,
        CONTROL_RANGES,
        SPACES,
        "period as written, of the year",
        "explanation, unit and source; an explanation has a letter a reader sees",
    )
)
_CONTROL = re.compile(f"[{CONTROLS}]")
# Halves of a pair UTF-16 needs for one character, alone: no file can hold one.
SURROGATES = "\\ud800-\\udfff"
_SURROGATE = re.compile(f"[{SURROGATES}]")


class Record(NamedTuple):
    """One recorded figure. Records are only ever appended; the newest per period counts."""

    metric: str
    period: str
    value: float
    at: datetime
    note: str = ""
    by: str = ""
    correction: bool = False  # supersedes an earlier, different value for the same period
    # A correction's revision is one above the figure it supersedes; for a period the highest
    # revision counts, and the clock (`at`) never decides. 0: a first figure, or an older
    # correction that did not write one (its revision follows from its place in the file).
    revision: int = 0
    region: str | None = None  # a region's own figure (旗县市区); None: the city's
    # 核实说明: why a figure a review rule found unusual is right (DESIGN §9); "" without.
    explanation: str = ""
    # Who sent it (报送单位): the office or region of a form or a file's row; not a measure.
    unit: str = ""
    # Where it came from: TYPED, or a file's name and SHA-256 (source_of); "" when older
    # than tltrack's keeping of it.
    source: str = ""


def source_of(name: str, sha256: str) -> str:
    """A file's figures' source: its SHA-256 and its name ("sha256:9f2c… 开鲁县.xlsx"), the
    digest first so that any name reads back. A name is the sender's: what no text of a
    figure may hold (a control character, a lone surrogate, outer spaces) is replaced, and
    a name too long is cut, so that a file's name never stops its figures."""
    shown = _SURROGATE.sub("\ufffd", _CONTROL.sub("\ufffd", name)).strip(SPACES) or "\ufffd"
    room = TEXT_BOUNDS["source"] - len("sha256:") - len(sha256) - 1
    return f"sha256:{sha256} {shown[:room].rstrip(SPACES) or chr(0xFFFD)}"


def source_parts(source: str) -> tuple[str, str | None]:
    """source_of's name and digest; TYPED or an older figure's "" with no digest (a file
    named `typed` has one: only the source TYPED itself is a typed figure's)."""
    digest, _, name = source.partition(" ")
    if digest.startswith("sha256:") and name:
        return name, digest.removeprefix("sha256:")
    return source, None


def records_by_metric(records: Iterable[Record]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for record in records:
        grouped.setdefault(record.metric, []).append(record)
    return grouped


def line_problem(what: object, value: Any, limit: int) -> Message | None:
    """Why `value` cannot be one line of text people read (a figure's note, a bulletin's
    issuer): not text, longer than `limit`, or holding a lone surrogate or a control
    character. `what` names it in the message."""
    if type(value) is not str:
        return msg("figure_not_text", what=what)
    if len(value) > limit:
        return msg("too_long", what=what, length=len(value), limit=limit)
    if _SURROGATE.search(value):
        return msg("lone_surrogate", what=what)
    if _CONTROL.search(value):
        return msg("control_characters", what=what)
    return None


@functools.lru_cache(maxsize=65536)  # a province's rows repeat a few texts many times
def text_problem(field: str, value: Any) -> Message | None:
    """Why `value` cannot be the text of `field` (metric, period, note, by, region): None
    when it can. Any value may come from a file or a database row, so its type is checked."""
    what = msg(f"what_{field}")
    problem = line_problem(what, value, TEXT_BOUNDS[field])
    if problem is not None:
        return problem
    if not value and field in ("metric", "period", "region"):
        return msg("figure_empty", what=what)
    if value != value.strip():
        return msg("figure_spaces", what=what)
    if field == "region" and any(unicodedata.category(c) == "Cf" for c in value):
        return msg("figure_invisible", what=what)  # typed after --region: nothing unseen
    if field == "explanation" and value and not any(map(_seen, value)):
        return msg("figure_unseen", what=what)  # an explanation nobody can read is none
    if field == "period" and not _canonical_period(value):
        return msg("bad_period", period=value)
    return None


# Letters that show nothing: Hangul fillers, the blank Braille pattern.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _seen(char: str) -> bool:
    """Whether a reader sees `char`: not a space, a format or control character, a blank."""
    return not char.isspace() and char not in _BLANKS and unicodedata.category(char)[0] != "C"


def _canonical_period(text: str) -> bool:
    """A period as tltrack writes it: 2025, 2025-Q2, 2025-H1, 2025-06 (see periods.py)."""
    try:
        return parse_period(text).label == text
    except DataError:
        return False


def value_problem(value: Any) -> Message | None:
    """Why `value` cannot be a figure: not a float, not finite, or beyond ±MAX_FIGURE."""
    if type(value) is not float or not math.isfinite(value) or abs(value) > MAX_FIGURE:
        return msg("figure_value", value=value, limit=MAX_FIGURE)
    return None


def time_problem(at: Any) -> Message | None:
    """Why `at` cannot be when a figure was recorded: a time with a UTC offset of whole
    minutes within ±15:59 (PostgreSQL keeps no more), which every store writes and reads back
    as it was."""
    offset = at.utcoffset() if type(at) is datetime else None
    if offset is None:
        return msg("needs_offset")  # it cannot be compared with the others
    if offset % timedelta(minutes=1) or abs(offset) >= timedelta(hours=16):
        return msg("figure_time", at=at)
    return None


def year_problem(period: str, year: int | None) -> Message | None:
    """Why a figure of `period` (as tltrack writes it) cannot be kept in the store of `year`
    (a store keeps one year's figures; None: a store that is no year's, as in some tests)."""
    if year is None or not others_years([period], year):
        return None
    return msg("figure_other_year", period=period, year=year)


def others_years(periods: Iterable[str], year: int) -> list[int]:
    """The places of the periods (as tltrack writes them) not of `year`: year_problem for a
    whole store at once, without a call per figure (a status reads hundreds of thousands)."""
    prefix = f"{year:04d}"
    return [
        index
        for index, period in enumerate(periods)
        if period[:4] != prefix or period[4:5] not in ("", "-")
    ]


def figure_problem(record: Record, year: int | None = None) -> Message | None:
    """Why `record` cannot be stored in `year`'s store: the first of its fields that breaks
    the rule."""
    for field in ("metric", "period", "note", "by", "explanation", "unit", "source"):
        problem = text_problem(field, getattr(record, field))
        if problem is not None:
            return problem
    problem = year_problem(record.period, year)
    if problem is not None:
        return problem
    if record.region is not None:
        problem = text_problem("region", record.region)
        if problem is not None:
            return problem
    problem = value_problem(record.value) or time_problem(record.at)
    if problem is not None:
        return problem
    if type(record.correction) is not bool:
        return msg("figure_correction", correction=record.correction)
    if type(record.revision) is not int or not 0 <= record.revision <= MAX_REVISION:
        return msg("figure_revision", revision=record.revision, limit=MAX_REVISION)
    return None


def check_figures(records: Iterable[Record], year: int | None = None) -> None:
    """Refuse (exit 65) a figure that breaks the rule: what no store of `year` may write."""
    for record in records:
        problem = figure_problem(record, year)
        if problem is not None:
            raise DataError(problem)
