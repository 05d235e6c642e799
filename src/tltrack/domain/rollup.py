"""A target's figures by region, and the city figure rolled up from them (DESIGN §7): a total
split among regions and not recorded for the city is the sum of its regions'. Pure."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from tltrack.domain.assess import Assessment, assess, figures_at_ends
from tltrack.domain.figures import Record
from tltrack.domain.periods import Period, parse_period
from tltrack.domain.review_rules import sum_flag, unusual
from tltrack.domain.targets import ReviewLimits, Target, Thresholds

# A recorded city total and its regions' sum may differ by rounding; past this share of the
# target the two do not agree (数据衔接), and both are shown.
ROLLUP_TOLERANCE = 0.005


class Series(NamedTuple):
    """One target's figures: the city's own, and each region's."""

    city: list[Record]
    regions: dict[str, list[Record]]


def series_of(records: Iterable[Record]) -> Series:
    city: list[Record] = []
    regions: dict[str, list[Record]] = {}
    for record in records:
        if record.region is None:
            city.append(record)
        else:
            regions.setdefault(record.region, []).append(record)
    return Series(city, regions)


def _by_end(records: Sequence[Record], year: int, as_of: date) -> dict[date, tuple[Period, Record]]:
    if len(records) == 1:  # a store's newest figures (Store.latest): nothing to choose
        period = parse_period(records[0].period, year)
        return {period.end: (period, records[0])} if period.end <= as_of else {}
    return {end: figure for end, figure in figures_at_ends(records, year).items() if end <= as_of}


def _reviewed(
    judged: Assessment, target: Target, review: ReviewLimits | None, out: Record | None = None
) -> Assessment:
    """The assessment, held back (待核实) when its figure is `out` (the regions' sum found it
    unusual) or a rule finds it unusual by itself, and nobody explained it."""
    actual = judged.actual
    if review is None or actual is None:
        return judged
    record = actual.record
    if (record == out and not record.explanation) or unusual(target, record, actual.period, review):
        return judged.held()
    return judged


def sum_held(
    target: Target, series: Series, year: int, as_of: date, review: ReviewLimits
) -> Record | None:
    """The region figure the regions' sum rule holds back at `as_of`: of the city's newest
    day, where the regions' newest figures of that day sum far above the city's, the one
    standing highest against its share, unless explained."""
    if not target.split or target.kind != "cumulative":
        return None
    city = _by_end(series.city, year, as_of)
    regions = {r: _by_end(series.regions.get(r, []), year, as_of) for r in target.regions}
    return _summed_out(target, city, regions, review)


def _summed_out(
    target: Target,
    city: dict[date, tuple[Period, Record]],
    regions: dict[str, dict[date, tuple[Period, Record]]],
    review: ReviewLimits,
    tops: dict[str, date] | None = None,
) -> Record | None:
    """sum_held's answer from each series' figures by day (`tops`: each region's newest
    day, where the caller has found them)."""
    if not city or target.kind != "cumulative":
        return None
    end = max(city)
    if tops is None:
        tops = {r: max(f) for r, f in regions.items() if f}
    at_end = {r: regions[r][end][1] for r, top in tops.items() if top == end}
    flagged = sum_flag(target, city[end][1], at_end, review)
    if flagged is None or at_end[flagged[0]].explanation:
        return None
    return at_end[flagged[0]]


def assess_city(
    target: Target,
    series: Series,
    year: int,
    as_of: date,
    limits: Thresholds,
    review: ReviewLimits | None = None,
) -> Assessment:
    """The city's assessment of a target. A total split among regions and not recorded for
    the city's newest period is the sum of its regions' figures: `rollup` when every region
    with a share reported, else `partial`, judged on what is known (DESIGN §7). Rates and
    levels are never summed. With `review` (the target's limits), a figure a rule finds
    unusual and nobody explained is held back (待核实): not judged, nor summed."""
    if not target.split:  # its own figures: `source` says "recorded" wherever it has one
        return _reviewed(assess(target, series.city, year, as_of, limits), target, review)
    names = target.regions
    city = _by_end(series.city, year, as_of)
    regions = {r: _by_end(series.regions.get(r, []), year, as_of) for r in names}
    if review is not None:
        regions = _without_held(target, city, regions, review)
    ends = set(city).union(*regions.values())
    if target.kind != "cumulative":
        ends = set(city) or ends
    if not ends:
        return assess(target, [], year, as_of, limits)
    end = max(ends)
    at_end = [regions[r][end] for r in names if end in regions[r]]
    reported = (len(at_end), len(names))
    whole = len(at_end) == len(names)
    total = math.fsum(record.value for _, record in at_end)
    if end in city:
        judged = _reviewed(assess(target, [city[end][1]], year, as_of, limits), target, review)
        differs = (
            target.kind == "cumulative"
            and whole
            and abs(city[end][1].value - total) > ROLLUP_TOLERANCE * abs(target.goal)
        )
        return judged.replaced(
            source="recorded",
            regions_reported=reported,
            rollup_sum=round(total, 6) if differs else None,
        )
    if target.kind != "cumulative":
        judged = assess(target, [], year, as_of, limits)
        return judged.replaced(regions_reported=reported)
    period = at_end[0][0]
    summed = Record(
        metric=target.id,
        period=period.label,
        value=round(total, 6),
        at=max(record.at for _, record in at_end),
        note="",
        by="",
    )
    judged = assess(target, [summed], year, as_of, limits)
    source = "rollup" if whole else "partial"
    # A sum of some regions says nothing of the year's end: no projection from it.
    projected = judged.projected if whole else None
    return judged.replaced(source=source, regions_reported=reported, projected=projected)


def assess_region(
    target: Target,
    region: str,
    series: Series,
    year: int,
    as_of: date,
    limits: Thresholds,
    share: float | None = None,
    review: ReviewLimits | None = None,
    summed_out: Record | None = None,
) -> Assessment:
    """A region's assessment of a target: its own figures against its share (`share`, when
    the caller has looked it up). With `review`, its figure held back (待核实) when a rule
    finds it unusual, or it is `summed_out` (sum_held's, looked up once per target)."""
    regional = target.for_region(region, share)
    judged = assess(regional, series.regions.get(region, []), year, as_of, limits)
    source = "recorded" if judged.actual is not None else None
    return _reviewed(judged.replaced(region=region, source=source), regional, review, summed_out)


def _without_held(
    target: Target,
    city: dict[date, tuple[Period, Record]],
    regions: dict[str, dict[date, tuple[Period, Record]]],
    review: ReviewLimits,
) -> dict[str, dict[date, tuple[Period, Record]]]:
    """The regions' figures a city total may be summed from: a region whose newest figure
    is held back is left out (the sum is then partial), not summed at an older day (a store
    that gives each series' newest day only has no older one: every store gives one
    answer). Its figures are weighed only where a sum may be made of them (the city has no
    figure of the newest day), and by the regions' sum where the city has."""
    tops = {r: max(f) for r, f in regions.items() if f}  # each region's newest day
    if not tops:
        return regions
    newest_city = max(city) if city else None
    out = _summed_out(target, city, regions, review, tops)
    summing = newest_city is None or max(tops.values()) > newest_city
    if out is None and not summing:
        return regions  # nothing summed, nothing held: the common case, kept cheap
    kept = dict(regions)
    for region, top in tops.items():
        period, record = regions[region][top]
        if record == out or (
            summing and unusual(target.for_region(region), record, period, review)
        ):
            kept[region] = {}
    return kept
