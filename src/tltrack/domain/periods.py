"""Reporting periods (YTD through a month, quarter, half or the whole year) and pace profiles."""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from tltrack.errors import DataError

_PERIOD_RE = re.compile(r"(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?", re.ASCII)


class Period(NamedTuple):
    """A year-to-date span: from 1 January of `year` through the end of month `months`.

    A named tuple: periods are hashed and compared for every record, and tuples do that fast.
    """

    year: int
    months: int  # 1..12: how many months of the year the figure covers
    label: str
    end: date  # the last day the figure covers

    @property
    def elapsed(self) -> float:
        """Share of the year the figure covers: 2025-06 -> 0.5, 2025-Q1 -> 0.25, 2025 -> 1.0."""
        return self.months / 12

    @property
    def is_full_year(self) -> bool:
        return self.months == 12

    def __str__(self) -> str:
        return self.label


@functools.lru_cache(maxsize=1024)
def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@functools.lru_cache(maxsize=4096)
def parse_period(text: str, year: int | None = None) -> Period:
    """Parse `YYYY`, `YYYY-Qn`, `YYYY-Hn` or `YYYY-MM`; with `year`, the period must lie in it.

    Cached: a year's records name the same few periods again and again."""
    cleaned = text.strip()
    match = _PERIOD_RE.fullmatch(cleaned.upper())
    if match is None:
        raise DataError("bad_period", period=text)
    period_year = int(match.group(1))
    if period_year == 0:  # no calendar has it: a date of year 0 cannot be made
        raise DataError("bad_period", period=text)
    month, quarter, half = match.group(2), match.group(3), match.group(4)
    if month is not None:
        months = int(month)
        if not 1 <= months <= 12:
            raise DataError("bad_month", period=text)
        label = f"{period_year:04d}-{months:02d}"
    elif quarter is not None:
        months = int(quarter) * 3
        label = f"{period_year:04d}-Q{quarter}"
    elif half is not None:
        months = int(half) * 6
        label = f"{period_year:04d}-H{half}"
    else:
        months = 12
        label = f"{period_year:04d}"  # as written: 0999, not 999
    if year is not None and period_year != year:
        raise DataError("period_other_year", period=label, year=year)
    return Period(period_year, months, label, _month_end(period_year, months))


def due_period(year: int, today: date) -> Period | None:
    """The period of `year` whose figures are due on `today`, the one a figure recorded then
    most likely covers: once the year is over, its full year (all January long, the closing
    year's 全年); during the year, the last complete month (June's figures are collected in
    July). None while no month of the year is complete: nothing is due yet."""
    if today.year > year:
        return parse_period(str(year))
    if today.year == year and today.month > 1:
        return parse_period(f"{year}-{today.month - 1:02d}")
    return None


def default_period(year: int, today: date) -> Period:
    """due_period, where a period must be named: refused while nothing of the year is due."""
    period = due_period(year, today)
    if period is None:
        raise DataError("no_complete_month", year=year, today=today.isoformat())
    return period


# A pace profile maps the elapsed share of the year to the share of the target due by then.
Profile = str | Sequence[float]


def expected_share(profile: Profile, elapsed: float) -> float:
    """The share of the target expected by `elapsed` (a multiple of 1/12)."""
    if profile == "linear":
        return elapsed
    if profile == "year_end":
        # Only the full-year figure means anything (grain is harvested in autumn).
        return 1.0 if elapsed >= 1.0 else 0.0
    if isinstance(profile, str):
        raise ValueError(f"unknown pace profile {profile!r}")
    month = round(elapsed * 12)
    if month <= 0:
        return 0.0
    return float(profile[min(month, 12) - 1])
