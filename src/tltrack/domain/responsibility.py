"""Who carries which target: the lead offices (`owner`) and the regions a target is split to,
a name typed for one of them, and who has not reported for a period (未报送). Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Literal, NamedTuple

from tltrack.domain.figures import Record
from tltrack.domain.periods import Period, parse_period
from tltrack.domain.ranking import BY_CHOICES, By
from tltrack.domain.rollup import Series
from tltrack.domain.targets import Target
from tltrack.errors import DataError, UsageError, msg


def owners_of(targets: Iterable[Target]) -> list[str]:
    """The lead offices, in the order the file first names them."""
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


class Missing(NamedTuple):
    """A lead office or region (`by` says which) and the targets it has not reported."""

    reporter: str
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
    """Which lead office or region has no figure for `period` (a figure of a period ending the
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
