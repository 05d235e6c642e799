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
from tltrack.domain.targets import Target, Thresholds

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


def _reviewed(judged: Assessment, held: frozenset[Record]) -> Assessment:
    """The assessment, held back when its figure awaits review (see review.held_back)."""
    if held and judged.actual is not None and judged.actual.record in held:
        return judged.held()
    return judged


def assess_city(
    target: Target,
    series: Series,
    year: int,
    as_of: date,
    limits: Thresholds,
    held: frozenset[Record] = frozenset(),
) -> Assessment:
    """The city's assessment of a target. A total split among regions and not recorded for
    the city's newest period is the sum of its regions' figures: `rollup` when every region
    with a share reported, else `partial`, judged on what is known (DESIGN §7). Rates and
    levels are never summed. A figure `held` for review is not judged, nor summed."""
    if not target.split:  # its own figures: `source` says "recorded" wherever it has one
        return _reviewed(assess(target, series.city, year, as_of, limits), held)
    names = target.regions
    city = _by_end(series.city, year, as_of)
    regions = {r: _by_end(series.regions.get(r, []), year, as_of) for r in names}
    if held:
        # A region whose newest figure awaits review is left out of the sum (the sum is then
        # partial), not summed at an older day: a store that gives each series' newest day
        # only has no older one, and every store must give one answer.
        regions = {
            r: {} if figures and figures[max(figures)][1] in held else figures
            for r, figures in regions.items()
        }
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
        judged = _reviewed(assess(target, [city[end][1]], year, as_of, limits), held)
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
    held: frozenset[Record] = frozenset(),
) -> Assessment:
    """A region's assessment of a target: its own figures against its share (`share`, when
    the caller has looked it up); its figure not judged while `held` for review."""
    regional = target.for_region(region, share)
    judged = assess(regional, series.regions.get(region, []), year, as_of, limits)
    source = "recorded" if judged.actual is not None else None
    return _reviewed(judged.replaced(region=region, source=source), held)
