"""A database row read as a figure (the SQLite and PostgreSQL stores): checked by the one rule
of a figure (domain.figures), since anyone may have edited the database with its own tools.
This runs for every row a status reads, so each text a province repeats is checked once."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tltrack.domain.figures import (
    CONTROLS,
    MAX_REVISION,
    Record,
    text_problem,
    time_problem,
    value_problem,
    year_problem,
)
from tltrack.domain.periods import parse_period
from tltrack.errors import TltrackError

_CONTROL = re.compile(f"[{CONTROLS}]")
# A figure as its shortest exact text (repr), which is how the stores keep it.
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?")


def checked_record(fields: Sequence[Any], year: int | None) -> Record | None:
    """A row of `year`'s store as a figure, checked as every figure is; None when it is not
    one. `fields`: the day the row says its period ends (which must be its period's) follows
    the region, then the explanation, who sent the figure and from where."""
    (metric, period, value, at, note, by, correction, revision, region, end) = fields[:10]
    explanation, unit, source = fields[10:]
    if not (_text("metric", metric) and _text("note", note) and _text("by", by)):
        return None
    if not _provenance(explanation, unit, source):
        return None
    if not _period_in(period, end, year):
        return None
    if region is not None and not _text("region", region):
        return None
    if type(revision) is not int or correction not in (0, 1) or not 0 <= revision <= MAX_REVISION:
        return None
    if type(value) is not str or not _NUMBER.fullmatch(value):
        return None
    figure = float(value)
    if value_problem(figure) is not None:
        return None
    when = _TIMES.get(at) or _aware_time(at)
    if when is None:
        return None
    # Built as a tuple: a status builds one per row it reads.
    return _new(
        Record,
        (
            metric,
            period,
            figure,
            when,
            note,
            by,
            correction == 1,
            revision,
            region,
            explanation,
            unit,
            source,
        ),
    )


_new = tuple.__new__
# The figures of one import share their time: each is parsed once. Bounded, as a store whose
# every figure has its own time would otherwise keep them all twice.
_TIMES: dict[str, datetime] = {}
_MAX_TIMES = 65536


def _aware_time(at: Any) -> datetime | None:
    """`at` as a time a figure may carry, or None. Python's time parser takes any character
    between the day and the time: `at` is searched for control characters as every other
    text is."""
    if type(at) is not str or _CONTROL.search(at):
        return None
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        return None
    if time_problem(when) is not None:
        return None
    if len(_TIMES) >= _MAX_TIMES:
        _TIMES.clear()
    _TIMES[at] = when
    return when


@functools.lru_cache(maxsize=4096)  # the figures of one file share their unit and source
def _provenance(explanation: Any, unit: Any, source: Any) -> bool:
    """Whether a row's explanation, sending unit and source are each a figure's."""
    return _text("explanation", explanation) and _text("unit", unit) and _text("source", source)


# Any value may come from a database row: the checks take it as `Any` and check its type first
# (only text is ever accepted, so 1 and True sharing a cache key is harmless).
def _text(field: str, value: Any) -> bool:
    return text_problem(field, value) is None


@functools.lru_cache(maxsize=4096)
def _period_in(period: Any, end: Any, year: int | None) -> bool:
    """_period_of, and the period one of `year` (a store keeps one year's): once for each
    period and day a store's rows name, not for every row."""
    return _period_of(period, end) and year_problem(period, year) is None


@functools.lru_cache(maxsize=4096)
def _period_of(period: Any, end: Any) -> bool:
    """Whether `period` is one as tltrack writes it, and `end` the day it ends."""
    if text_problem("period", period) is not None:
        return False
    try:
        return parse_period(period).end.isoformat() == str(end)
    except TltrackError:
        return False
