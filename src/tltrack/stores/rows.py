"""A database row read as a figure (the SQLite and PostgreSQL stores): checked as a line of
the records file is (model.RecordEntry's rules), since anyone may have edited the database
with its own tools. This runs for every row a status reads."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tltrack.domain.figures import Record
from tltrack.domain.periods import parse_period
from tltrack.errors import TltrackError
from tltrack.stores.toml.lines import region_name

_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?")


def checked_record(fields: Sequence[Any]) -> Record | None:
    """A row as a figure, checked as a records line is (model.RecordEntry's rules); None
    when it is not one. `fields` end with the day the row says its period ends."""
    metric, period, value, at, note, by, correction, revision, region, end = fields
    # The texts a province repeats (a metric 12 times, a region 20,000) are checked once
    # each; what varies from row to row is checked below.
    if not (_name(metric) and _note_by(note, by) and _period_of(period, end)):
        return None
    if region is not None and (type(region) is not str or not region_name(region)):
        return None
    if type(revision) is not int or correction not in (0, 1) or not 0 <= revision <= 1_000_000:
        return None
    if type(value) is not str or not _NUMBER.fullmatch(value):
        return None
    figure = float(value)
    if not -1e15 <= figure <= 1e15:
        return None
    when = _TIMES.get(at) or _aware_time(at)
    if when is None:
        return None
    # Built as a tuple: a status builds one per row it reads.
    return _new(Record, (metric, period, figure, when, note, by, correction == 1, revision, region))


_new = tuple.__new__
# The figures of one import share their time: each is parsed once. Bounded, as a store whose
# every figure has its own time would otherwise keep them all twice.
_TIMES: dict[str, datetime] = {}
_MAX_TIMES = 65536


def _aware_time(at: Any) -> datetime | None:
    """`at` as a time with its offset, or None when it is not one. Python's time parser takes
    any character between the day and the time: `at` is searched for control characters as
    every other text is."""
    if type(at) is not str or _CONTROL.search(at):
        return None
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        return None
    if when.utcoffset() is None:
        return None
    if len(_TIMES) >= _MAX_TIMES:
        _TIMES.clear()
    _TIMES[at] = when
    return when


# Any value may come from a database row: the cached checks take it as `Any` and check
# its type first (only text is ever accepted, so 1 and True sharing a key is harmless).
@functools.lru_cache(maxsize=65536)
def _name(metric: Any) -> bool:
    return (
        type(metric) is str
        and len(metric) <= 200
        and metric == metric.strip()
        and not _CONTROL.search(metric)
    )


@functools.lru_cache(maxsize=4096)
def _note_by(note: Any, by: Any) -> bool:
    return (
        type(note) is str
        and type(by) is str
        and len(note) <= 2000
        and len(by) <= 200
        and note == note.strip()
        and by == by.strip()
        and not _CONTROL.search(note + by)
    )


@functools.lru_cache(maxsize=4096)
def _period_of(period: Any, end: Any) -> bool:
    """Whether `period` is one, and `end` the day the row should say it ends."""
    if type(period) is not str or len(period) > 20 or _CONTROL.search(period):
        return False
    try:
        return parse_period(period).end.isoformat() == str(end)
    except TltrackError:
        return False
