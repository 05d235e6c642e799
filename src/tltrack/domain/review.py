"""Review rules (审核), as statistics offices run them before they sum (DESIGN §9): a figure
that is impossible is refused elsewhere (强制性审核); here, one that is unusual (核实性审核)
is found, with what makes it so in the users' words. Such a figure needs an explanation
(核实说明) to be written; one already kept without it is held back from judging.

Two kinds of rule: those a figure breaks by itself (magnitude, growth range, early excess)
or with the city's and regions' figures of its day (regions' sum), which a status checks on
the figures it judges, whichever store it reads; and those that compare a figure with the
same series' period before (falling total, growth jump), checked on every write and by
`tltrack review`, which read whole series. Pure functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from tltrack.domain.assess import figures_at_ends
from tltrack.domain.figures import Record
from tltrack.domain.periods import Period, expected_share, parse_period
from tltrack.domain.rollup import Series
from tltrack.domain.targets import ReviewLimits, Target
from tltrack.domain.values import number
from tltrack.errors import Message, msg

_EPS = 1e-9
# Below this share of the year due, a total is weighed against the whole goal, and only a
# figure far above it is a slip: in January a slow start is normal.
_PRORATE_FROM = 0.2


class Finding(NamedTuple):
    """A figure a rule finds unusual, and what each rule said of it."""

    target: Target  # the city's target (a region's figure is weighed against its share)
    record: Record
    period: Period
    rules: tuple[str, ...]  # REVIEW_RULES' names
    said: tuple[Message, ...]

    @property
    def explained(self) -> bool:
        return bool(self.record.explanation)


def _goal_of(target: Target, region: str | None) -> Target:
    return target if region is None else target.for_region(region)


def _shown(target: Target, value: float) -> str:
    return f"{number(value, 4)}{target.unit}"


def point_flags(
    target: Target, record: Record, period: Period, limits: ReviewLimits
) -> list[tuple[str, Message]]:
    """The rules `record` breaks by itself, for `target` as its series carries it (a
    region's: its share)."""
    found: list[tuple[str, Message]] = []
    value, goal, kind = record.value, target.goal, target.kind
    share = expected_share(target.pace, period.elapsed) if kind == "cumulative" else 1.0
    weighed = kind in ("cumulative", "level") and target.unit != "%" and target.base_year is None
    if weighed and limits.applies("magnitude") and goal > 0 and value > 0:
        prorated = share >= _PRORATE_FROM
        reference = goal * share if prorated else goal
        ratio = value / reference
        # Far below is a slip only once a fair share is due: early on it is a slow start.
        low = prorated and ratio <= 1 / limits.magnitude + _EPS
        if ratio >= limits.magnitude - _EPS or low:
            times = ratio if ratio >= 1 else 1 / ratio
            said = msg(
                "review_magnitude" if prorated else "review_magnitude_year",
                value=_shown(target, value),
                reference=_shown(target, reference),
                times=number(times, 0 if times >= 100 else 1),
            )
            found.append(("magnitude", said))
    in_range = limits.growth_low - _EPS <= value <= limits.growth_high + _EPS
    if kind == "growth" and limits.applies("growth_range") and not in_range:
        said = msg(
            "review_growth_range",
            value=number(value),
            low=number(limits.growth_low),
            high=number(limits.growth_high),
        )
        found.append(("growth_range", said))
    early = kind == "cumulative" and target.direction == "at_least" and goal > 0
    early = early and share < limits.early_share - _EPS and limits.applies("early_excess")
    if early and value > limits.early_excess * goal + _EPS:
        said = msg(
            "review_early_excess",
            value=_shown(target, value),
            goal=_shown(target, goal),
            times=number(value / goal, 1),
            expected=f"{number(share * 100, 1)}%",
        )
        found.append(("early_excess", said))
    return found


def step_flags(
    target: Target,
    record: Record,
    previous: tuple[Period, Record] | None,
    limits: ReviewLimits,
) -> list[tuple[str, Message]]:
    """The rules `record` breaks against the same series' figure of the period before."""
    if previous is None:
        return []
    period, before = previous
    found: list[tuple[str, Message]] = []
    fell = record.value < before.value - _EPS
    if target.kind == "cumulative" and limits.applies("falling") and fell:
        said = msg(
            "review_falling",
            value=_shown(target, record.value),
            period=period.label,
            previous=_shown(target, before.value),
        )
        found.append(("falling", said))
    if target.kind == "growth" and limits.applies("growth_jump"):
        change = record.value - before.value
        if abs(change) > limits.growth_jump_pp + _EPS:
            said = msg(
                "review_growth_jump",
                value=number(record.value),
                period=period.label,
                previous=number(before.value),
                change=number(abs(change), 1),
                limit=number(limits.growth_jump_pp),
            )
            found.append(("growth_jump", said))
    return found


def _sum_flag(
    target: Target,
    city: Record | None,
    regions: dict[str, Record],
    limits: ReviewLimits,
) -> tuple[str, tuple[str, Message]] | None:
    """Whether the regions' figures of one day sum far above the city's recorded one: the
    region whose figure stands highest against its share is the one flagged."""
    if city is None or not regions or target.kind != "cumulative" or city.value <= 0:
        return None
    if not limits.applies("regions_sum"):
        return None
    total = math.fsum(r.value for r in regions.values())
    if total <= limits.regions_sum * city.value + _EPS:
        return None
    shares = dict(target.split)
    highest = max(regions, key=lambda r: regions[r].value / shares[r] if shares[r] else 0.0)
    said = msg(
        "review_regions_sum",
        total=_shown(target, total),
        city=_shown(target, city.value),
        limit=number(limits.regions_sum),
    )
    return highest, ("regions_sum", said)


def review_target(target: Target, series: Series, year: int, limits: ReviewLimits) -> list[Finding]:
    """Every figure of a target's series that counts for its day and that a rule finds
    unusual, by every rule: what `tltrack review` lists and what a write checks."""
    mine = target.review_limits(limits)
    by_series: dict[str | None, list[Record]] = {None: series.city}
    by_series |= {r: series.regions.get(r, []) for r in target.regions}
    ends: dict[str | None, dict[date, tuple[Period, Record]]] = {
        region: figures_at_ends(records, year) for region, records in by_series.items()
    }
    flags: dict[tuple[str | None, date], list[tuple[str, Message]]] = {}
    for region, figures in ends.items():
        carried = _goal_of(target, region)
        previous: tuple[Period, Record] | None = None
        for end in sorted(figures):
            period, record = figures[end]
            found = point_flags(carried, record, period, mine)
            found += step_flags(carried, record, previous, mine)
            if found:
                flags.setdefault((region, end), []).extend(found)
            previous = (period, record)
    if target.split:
        for end, (_, city) in ends[None].items():
            at_end = {r: ends[r][end][1] for r in target.regions if end in ends[r]}
            flagged = _sum_flag(target, city, at_end, mine)
            if flagged is not None:
                region, found_one = flagged
                flags.setdefault((region, end), []).append(found_one)
    findings = []
    for (region, end), found in flags.items():
        period, record = ends[region][end]
        rules = tuple(rule for rule, _ in found)
        findings.append(Finding(target, record, period, rules, tuple(s for _, s in found)))
    return sorted(findings, key=lambda f: (f.record.region or "", f.period.end))


def held_back(
    target: Target, series: Series, year: int, as_of: date, limits: ReviewLimits
) -> frozenset[Record]:
    """The figures a status would judge `target` by at `as_of` (each series' newest day)
    that a rule finds unusual and nobody explained: they are not judged until they are. The
    rules a figure breaks by itself or with the others of its day, so that the store read
    (every figure, or the newest of each series) does not change the answer."""
    mine = target.review_limits(limits)
    held: set[Record] = set()
    newest: dict[str | None, tuple[Period, Record]] = {}
    regions = target.regions
    for region in (None, *regions):
        records = series.city if region is None else series.regions.get(region, [])
        chosen = _newest(records, year, as_of)
        if chosen is None:
            continue
        newest[region] = chosen
        period, record = chosen
        if not record.explanation and point_flags(_goal_of(target, region), record, period, mine):
            held.add(record)
    city = newest.get(None)
    if city is not None and target.split:
        end = city[0].end
        at_end = {r: newest[r][1] for r in regions if r in newest and newest[r][0].end == end}
        flagged = _sum_flag(target, city[1], at_end, mine)
        if flagged is not None and not at_end[flagged[0]].explanation:
            held.add(at_end[flagged[0]])
    return frozenset(held)


def _newest(records: Sequence[Record], year: int, as_of: date) -> tuple[Period, Record] | None:
    if len(records) == 1:  # a store's newest figures (Store.latest): nothing to choose
        period = parse_period(records[0].period, year)
        return (period, records[0]) if period.end <= as_of else None
    at_ends = {end: f for end, f in figures_at_ends(records, year).items() if end <= as_of}
    return at_ends[max(at_ends)] if at_ends else None
