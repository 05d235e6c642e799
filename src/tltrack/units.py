"""Lead units and regions (DESIGN §7-§8): a target's figures by region, the city figure rolled
up from them, and the units ranked by how many of their targets keep pace. Pure functions over
targets and records, like assess."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Literal, NamedTuple

from tltrack.assess import Assessment, assess, figures_at_ends, status_counts
from tltrack.domain import Record, Target, Thresholds
from tltrack.errors import DataError, UsageError, msg
from tltrack.periods import Period, parse_period
from tltrack.statuses import ON_PACE, Status

By = Literal["region", "owner"]
BY_CHOICES: tuple[By, ...] = ("region", "owner")
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


def assess_city(
    target: Target, series: Series, year: int, as_of: date, limits: Thresholds
) -> Assessment:
    """The city's assessment of a target. A total split among regions and not recorded for
    the city's newest period is the sum of its regions' figures: `rollup` when every region
    with a share reported, else `partial`, judged on what is known (DESIGN §7). Rates and
    levels are never summed."""
    if not target.split:  # its own figures: `source` says "recorded" wherever it has one
        return assess(target, series.city, year, as_of, limits)
    names = target.regions
    city = _by_end(series.city, year, as_of)
    regions = {r: _by_end(series.regions.get(r, []), year, as_of) for r in names}
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
        judged = assess(target, [city[end][1]], year, as_of, limits)
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
) -> Assessment:
    """A region's assessment of a target: its own figures against its share (`share`, when
    the caller has looked it up)."""
    regional = target.for_region(region, share)
    judged = assess(regional, series.regions.get(region, []), year, as_of, limits)
    source = "recorded" if judged.actual is not None else None
    return judged.replaced(region=region, source=source)


# --- names ------------------------------------------------------------------------------------


def owners_of(targets: Iterable[Target]) -> list[str]:
    """The lead units, in the order the file first names them."""
    return list(dict.fromkeys(t.owner for t in targets if t.owner is not None))


def check_name(name: str, known: Sequence[str], what: Literal["region", "owner"]) -> str:
    """A region or unit typed by a person; an unknown one gets "did you mean" (exit 2)."""
    wanted = name.strip()
    if wanted in known:
        return wanted
    import difflib  # only for the message

    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
    close = close or [k for k in known if wanted and (wanted in k or k in wanted)][:3]
    unknown = msg(f"unknown_{what}", name=wanted, known=", ".join(known) or msg("none_listed"))
    if close:
        raise UsageError("did_you_mean", message=unknown, names=", ".join(close))
    raise UsageError("see_list", message=unknown)


def region_of(regions: Sequence[str], target: Target, region: str | None) -> str | None:
    """A region named for a figure: one the file lists (else "did you mean", exit 2), and one
    the target is split to, since only a share can judge a region's figure (exit 65)."""
    if region is None or not region.strip():
        return None
    name = check_name(region, regions, "region")
    if not any(name == split_to for split_to, _ in target.split):
        raise DataError("not_split", metric=target.name, region=name)
    return name


# --- groups and rankings ----------------------------------------------------------------------


class Group(NamedTuple):
    """A region or lead unit and the assessments of its targets."""

    name: str
    assessments: list[Assessment]
    rank: int | None = None

    @property
    def summary(self) -> dict[Status, int]:
        return status_counts(self.assessments)

    @property
    def judged(self) -> int:
        return sum(1 for a in self.assessments if a.status != "no_data")

    @property
    def on_pace_share(self) -> float | None:
        """The share of its judged targets that are achieved, ahead or on track."""
        judged = self.judged
        if not judged:
            return None
        return sum(1 for a in self.assessments if a.status in ON_PACE) / judged


def competition_ranks(values: Sequence[float | None]) -> list[int | None]:
    """Ranks for values where higher is better; equal values share a rank (1, 1, 3); a value
    of None has no rank."""
    rounded = [None if v is None else round(v, 6) for v in values]
    known = sorted((v for v in rounded if v is not None), reverse=True)
    first: dict[float, int] = {}
    for place, value in enumerate(known, start=1):
        first.setdefault(value, place)
    return [None if v is None else first[v] for v in rounded]


def ranked_groups(groups: Sequence[Group]) -> list[Group]:
    """Groups ranked by their on-pace share, best first; unjudged groups last, unranked."""
    ranks = competition_ranks([g.on_pace_share for g in groups])
    placed = [g._replace(rank=rank) for g, rank in zip(groups, ranks, strict=True)]
    return sorted(placed, key=lambda g: (g.rank is None, g.rank or 0))  # stable: file order


class Standing(NamedTuple):
    """A region's place among the regions sharing one target."""

    assessment: Assessment
    rank: int | None


class Ranking(NamedTuple):
    target: Target
    standings: list[Standing]  # best first; regions with no figure last


def ranking_value(item: Assessment) -> float | None:
    """What regions are ranked by: completion for totals (a ceiling: lower is better), the
    gap otherwise (a positive gap is always good)."""
    if item.target.kind == "cumulative":
        if item.completion is None:
            return None
        return item.completion if item.target.direction == "at_least" else -item.completion
    return item.gap


def rank_regions(target: Target, items: Sequence[Assessment]) -> Ranking:
    ranks = competition_ranks([ranking_value(a) for a in items])
    standings = [Standing(a, rank) for a, rank in zip(items, ranks, strict=True)]
    standings.sort(key=lambda s: (s.rank is None, s.rank or 0))
    return Ranking(target, standings)


# --- who has not reported -------------------------------------------------------------------


class Missing(NamedTuple):
    unit: str
    by: By
    targets: list[Target]


def missing(
    targets: Sequence[Target],
    regions: Sequence[str],
    series: Callable[[str], Series],
    year: int,
    period: Period,
    by: Sequence[By] = BY_CHOICES,
) -> list[Missing]:
    """Which lead unit or region has no figure for `period` (a figure of a period ending the
    same day counts: 2025-Q2 answers for 2025-06). A city total its regions all reported is
    there, summed."""

    def has(records: Sequence[Record]) -> bool:
        return any(parse_period(r.period, year).end == period.end for r in records)

    found: list[Missing] = []
    if "owner" in by:
        for unit in owners_of(targets):
            lacking = []
            for t in targets:
                if t.owner != unit:
                    continue
                mine = series(t.id)
                summed = t.kind == "cumulative" and t.split
                if has(mine.city) or (
                    summed and all(has(mine.regions.get(r, [])) for r in t.regions)
                ):
                    continue
                lacking.append(t)
            if lacking:
                found.append(Missing(unit, "owner", lacking))
    if "region" in by:
        for region in regions:
            lacking = [
                t
                for t in targets
                if region in t.regions and not has(series(t.id).regions.get(region, []))
            ]
            if lacking:
                found.append(Missing(region, "region", lacking))
    return found
