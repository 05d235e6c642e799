"""Judging one target against its recorded figures: pure functions, no I/O.

Vocabulary (DESIGN §2-3): completion 完成率 = actual / target; expected 时序进度 = the share of
the target due at the actual's period; gap = completion - expected in percentage points for
cumulative targets, and actual - required (in the target's unit) for growth and level targets,
signed so that a positive gap is always good.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from tltrack.domain.figures import Record
from tltrack.domain.periods import Period, expected_share, parse_period
from tltrack.domain.statuses import STATUSES, Status
from tltrack.domain.targets import Target, Thresholds

# Figures come from decimal text; compare with a little slack so 6.1 - 7.1 counts as -1.0.
_EPS = 1e-9


class Actual(NamedTuple):
    """The figure a target is judged by: the newest period at the as-of date."""

    record: Record
    period: Period


@dataclass(frozen=True)
class Assessment:
    target: Target
    actual: Actual | None
    status: Status
    completion: float | None = None  # percent of the target
    expected: float | None = None  # percent of the target due by the actual's period
    gap: float | None = None  # pp; positive is good
    projected: float | None = None  # year-end estimate in the target's unit
    stale: bool | None = None
    region: str | None = None  # a region's own figures against its share; None: the city
    # Where the city figure comes from when it was summed from the regions: "rollup" when all
    # reported, "partial" when some did; None otherwise (see `origin`).
    source: str | None = None
    regions_reported: tuple[int, int] | None = None  # regions with a figure, of those split
    rollup_sum: float | None = None  # the regions' sum, where it and the city figure disagree
    # The year is over and only a mid-year figure is in: 未报全年数据, judged as no data.
    awaiting_year: bool = False
    # The figure is one a review rule finds unusual and nobody explained (待核实): shown,
    # not judged, so it never enters a ranking or the lead paragraph as done (DESIGN §9).
    under_review: bool = False

    def held(self) -> Assessment:
        """This assessment, its figure held back for review: shown, not judged, so nothing
        is worked out from it (no completion, gap or projection to rank or print)."""
        return self.replaced(
            status="no_data",
            under_review=True,
            awaiting_year=False,
            completion=None,
            expected=None,
            gap=None,
            projected=None,
        )

    @property
    def explanation(self) -> str:
        """The 核实说明 of the figure judged, if it has one."""
        return "" if self.actual is None else self.actual.record.explanation

    def replaced(self, **changes: Any) -> Assessment:
        """A copy with some fields changed: dataclasses.replace without its checks, which
        cost more than the judging for each region of each split target."""
        copy = object.__new__(Assessment)
        copy.__dict__.update(self.__dict__, **changes)  # a frozen instance: its own __dict__
        return copy

    @property
    def origin(self) -> str | None:
        """Where the figure judged comes from: "recorded", "rollup", "partial"; None without."""
        if self.source is not None:
            return self.source
        return None if self.actual is None else "recorded"

    @property
    def value(self) -> float | None:
        return None if self.actual is None else self.actual.record.value

    @property
    def period(self) -> Period | None:
        return None if self.actual is None else self.actual.period


class Figure(NamedTuple):
    """A recorded figure with its place among the figures of its period."""

    record: Record
    revision: int  # a correction is one above what it superseded
    position: int  # its order in the records file: later lines were recorded later


def figures_by_period(records: Iterable[Record], year: int) -> dict[Period, list[Figure]]:
    """Every figure of each period, in the order of the file, each with its revision.

    A correction written before revisions were (`correction = true` alone) is one above the
    figures before it in the file; a correction always follows what it corrects."""
    grouped: dict[Period, list[Figure]] = {}
    for position, record in enumerate(records):
        period = parse_period(record.period, year)
        figures = grouped.setdefault(period, [])
        revision = record.revision
        if not revision and record.correction:
            revision = max((f.revision for f in figures), default=0) + 1
        figures.append(Figure(record, revision, position))
    return grouped


def counting(figures: Sequence[Figure]) -> Figure:
    """The figure that counts for one period: the highest revision, then the later line.

    Never the clock: a line whose `at` runs ahead (a clone with a wrong clock, merged by git)
    must not beat a correction recorded after it."""
    return max(figures, key=lambda f: (f.revision, f.position))


def _counting(records: Iterable[Record], year: int) -> dict[Period, tuple[int, int, Record]]:
    """What `counting` chooses from `figures_by_period`, in one pass that keeps only the
    counting figures, as (position, revision, record): plain tuples, as this runs for every
    figure of a status."""
    best: dict[Period, tuple[int, int, Record]] = {}
    for position, record in enumerate(records):
        period = parse_period(record.period, year)
        held = best.get(period)
        revision = record.revision
        if not revision and record.correction:
            revision = held[1] + 1 if held is not None else 1
        if held is None or revision >= held[1]:
            best[period] = (position, revision, record)
    return best


def figures_by_end(records: Iterable[Record], year: int) -> list[tuple[Period, Record]]:
    """One figure per day a period ends, oldest first: the series a target is judged and
    drawn by. Of the periods that end on the same day (2025-06, 2025-Q2, 2025-H1) the one whose
    counting figure was recorded later in the file wins, as the freshest word on that span.
    The one rule for assess, show, history and the bulletin."""
    by_end = figures_at_ends(records, year)
    return [by_end[end] for end in sorted(by_end)]


def figures_at_ends(records: Iterable[Record], year: int) -> dict[date, tuple[Period, Record]]:
    """figures_by_end's figures by the day their period ends, in no order."""
    by_end: dict[date, tuple[int, Period, Record]] = {}
    for period, (position, _, record) in _counting(records, year).items():
        held = by_end.get(period.end)
        if held is None or position > held[0]:
            by_end[period.end] = (position, period, record)
    return {end: (period, record) for end, (_, period, record) in by_end.items()}


def latest_actual(records: Iterable[Record], year: int, as_of: date) -> Actual | None:
    """The newest period whose figure exists by `as_of` (a YTD figure exists once its period
    ends)."""
    # figures_by_end's choice, for the newest day only: no series to sort (this runs for
    # every series of a status).
    chosen: tuple[date, int, Period, Record] | None = None
    for period, (position, _, record) in _counting(records, year).items():
        end = period.end
        if end <= as_of and (
            chosen is None or end > chosen[0] or (end == chosen[0] and position > chosen[1])
        ):
            chosen = (end, position, period, record)
    return None if chosen is None else Actual(chosen[3], chosen[2])


def assess(
    target: Target,
    records: Sequence[Record],
    year: int,
    as_of: date,
    thresholds: Thresholds | None = None,
) -> Assessment:
    """Judge `target` by its newest figure at `as_of` (DESIGN §3)."""
    limits = thresholds or Thresholds()
    actual = latest_actual(records, year, as_of)
    if actual is None:
        return Assessment(target, None, "no_data")
    full_year = actual.period.is_full_year
    stale = not full_year and (as_of - actual.period.end).days > limits.stale_after_days
    judged = _JUDGES[target.kind](target, actual, year, as_of, limits, stale)
    year_over = as_of.year > year and not full_year
    if year_over and target.kind != "milestone" and judged.status != "achieved":
        # Once the year is over a mid-year figure says nothing of the year: the pace it kept
        # is not "on track" any more. It waits for the full-year figure.
        return judged.replaced(status="no_data", awaiting_year=True)
    return judged


def status_counts(items: Iterable[Assessment]) -> dict[Status, int]:
    """How many targets have each status, every status listed (zeros too)."""
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for item in items:
        counts[item.status] += 1
    return counts


def _band(ratio: float, limits: Thresholds) -> Status:
    if ratio >= limits.on_track - _EPS:
        return "on_track"
    if ratio >= limits.at_risk - _EPS:
        return "behind"
    return "at_risk"


def paced_status(ratio: float, gap_pp: float | None, limits: Thresholds) -> Status:
    """The light of a target judged against its pace (DESIGN §7): ahead when completion leads
    the 时序进度 by `ahead_pp`; else by the pace ratio, or under the gap_pp rule by how many
    points it trails (yellow from `behind_pp`, red past `at_risk_pp`). `gap_pp` is None where
    nothing is due yet: a lead over nothing is not ahead."""
    if gap_pp is not None and gap_pp >= limits.ahead_pp - _EPS:
        return "ahead"
    if limits.rule == "gap_pp" and gap_pp is not None:
        if gap_pp > -limits.behind_pp + _EPS:
            return "on_track"
        if gap_pp >= -limits.at_risk_pp - _EPS:
            return "behind"
        return "at_risk"
    return _band(ratio, limits)


def _pct(value: float) -> float:
    return round(value * 100, 6)


def _cumulative(
    target: Target, actual: Actual, year: int, as_of: date, limits: Thresholds, stale: bool
) -> Assessment:
    a, t = actual.record.value, target.goal
    share = expected_share(target.pace, actual.period.elapsed)
    completion, expected = _pct(a / t), _pct(share)
    projected = a / share if share > 0 else None
    if target.direction == "at_least":
        gap = completion - expected
        if a >= t - _EPS:
            status: Status = "achieved"
        elif actual.period.is_full_year:
            status = "missed"
        else:
            ratio = math.inf if share == 0 else (a / t) / share
            status = paced_status(ratio, gap if share > 0 else None, limits)
    else:
        # A ceiling (at_most): spending ahead of the allowance is what lags.
        gap = expected - completion
        if actual.period.is_full_year:
            status = "achieved" if a <= t + _EPS else "missed"
        else:
            ratio = math.inf if a <= 0 else (share * t) / a
            status = paced_status(ratio, gap if share > 0 else None, limits)
    return Assessment(target, actual, status, completion, expected, round(gap, 6), projected, stale)


def _growth(
    target: Target, actual: Actual, year: int, as_of: date, limits: Thresholds, stale: bool
) -> Assessment:
    # A YTD growth rate already is a rate: it is compared with the target as it stands.
    a, t = actual.record.value, target.goal
    gap = round(a - t if target.direction == "at_least" else t - a, 6)
    status = _points_status(gap, actual.period.is_full_year, limits)
    return Assessment(target, actual, status, gap=gap, projected=a, stale=stale)


def _points_status(gap: float, full_year: bool, limits: Thresholds) -> Status:
    """The light of a rate judged by its gap in points (growth, and a level in % with no
    baseline): a 督查室 reads 92.5% against 95% as 低于目标2.5个百分点, not as 97% done."""
    if full_year:
        return "achieved" if gap >= -_EPS else "missed"
    if gap >= limits.growth_ahead_pp - _EPS:
        return "ahead"
    if gap >= -_EPS:
        return "on_track"
    if gap >= -limits.growth_behind_pp - _EPS:
        return "behind"
    return "at_risk"


def _level(
    target: Target, actual: Actual, year: int, as_of: date, limits: Thresholds, stale: bool
) -> Assessment:
    if target.base_year is not None:
        return _change_since_base_year(target, actual, year, limits, stale)
    a, t = actual.record.value, target.goal
    if target.unit == "%" and target.baseline is None:
        points = round(a - t if target.direction == "at_least" else t - a, 6)
        light = _points_status(points, actual.period.is_full_year, limits)
        return Assessment(target, actual, light, gap=points, projected=a, stale=stale)
    share = expected_share(target.pace, actual.period.elapsed)
    required = t if target.baseline is None else target.baseline + (t - target.baseline) * share
    at_least = target.direction == "at_least"
    gap = round(a - required if at_least else required - a, 6)
    completion = _pct(a / t) if at_least and t > 0 else None
    expected = _pct(required / t) if at_least and t > 0 and target.baseline is not None else None
    met_target = a >= t - _EPS if at_least else a <= t + _EPS
    # Points ahead of or behind the pace, where the pace is a share of the way (a baseline).
    lead_pp = None if completion is None or expected is None else completion - expected
    status: Status
    if actual.period.is_full_year:
        status = "achieved" if met_target else "missed"
    elif lead_pp is not None and (lead_pp >= limits.ahead_pp - _EPS or limits.rule == "gap_pp"):
        status = paced_status(a / required if required > 0 else 0.0, lead_pp, limits)
    elif gap >= -_EPS:
        status = "on_track"
    elif at_least:
        status = _band(a / required if required > 0 else 0.0, limits)
    else:
        status = _band(required / a, limits)  # a > required >= 0 here
    return Assessment(target, actual, status, completion, expected, gap, a, stale)


def _change_since_base_year(
    target: Target, actual: Actual, year: int, limits: Thresholds, stale: bool
) -> Assessment:
    """A change against a base year other than last year, judged as Open SDG does.

    The pace ratio is the observed compound annual rate of change since the base year over
    the compound annual rate needed to reach the target by the year's end.
    """
    assert target.base_year is not None and target.change is not None
    sign = -1.0 if target.change == "decrease" else 1.0
    a, t = actual.record.value, target.goal
    years_needed = year - target.base_year
    years_so_far = (year - 1 - target.base_year) + actual.period.elapsed

    def annual_rate(change_pct: float, years: float) -> float:
        factor = 1 + sign * change_pct / 100
        if factor <= 0 or years <= 0:
            return math.inf if change_pct > 0 else 0.0
        return sign * (float(factor ** (1 / years)) - 1)

    required_rate = annual_rate(t, years_needed)
    required_now = sign * ((1 + sign * required_rate) ** years_so_far - 1) * 100
    gap = round(a - required_now, 6)
    completion = _pct(a / t) if t > 0 else None
    expected = _pct(required_now / t) if t > 0 else None
    status: Status
    if actual.period.is_full_year:
        status = "achieved" if a >= t - _EPS else "missed"
    elif gap >= -_EPS:
        status = "on_track"
    else:
        ratio = annual_rate(a, years_so_far) / required_rate if required_rate > 0 else 0.0
        status = _band(ratio, limits)
    return Assessment(target, actual, status, completion, expected, gap, a, stale)


def _milestone(
    target: Target, actual: Actual, year: int, as_of: date, limits: Thresholds, stale: bool
) -> Assessment:
    done = actual.record.value >= 100 - _EPS
    due = target.due or date(year, 12, 31)
    status: Status = "achieved" if done else ("missed" if as_of > due else "on_track")
    return Assessment(
        target, actual, status, completion=actual.record.value, stale=False if done else stale
    )


# Each kind's judge (assess looks one up for every series it judges).
_JUDGES = {
    "cumulative": _cumulative,
    "growth": _growth,
    "level": _level,
    "milestone": _milestone,
}
