"""Regions and lead offices ranked by the share of their targets that keep pace, and each
split target's regions ranked (DESIGN §8). Pure functions over assessments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from tltrack.domain.assess import Assessment, status_counts
from tltrack.domain.statuses import ON_PACE, Status
from tltrack.domain.targets import Target

By = Literal["region", "owner"]


BY_CHOICES: tuple[By, ...] = ("region", "owner")


class Group(NamedTuple):
    """A region or lead office and the assessments of its targets."""

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
    gap otherwise (a positive gap is always good). A region without a figure to judge, or
    with only a mid-year one once the year is over (未报全年数据), is not ranked: its pace
    then said nothing of the year."""
    if item.status == "no_data":
        return None
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
