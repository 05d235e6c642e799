"""One target over time: `show` (its details and every figure recorded) and `history` (each
period's figure, judged as it stood when the period ended)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from tltrack.domain.assess import Assessment, assess, counting, figures_by_period
from tltrack.domain.figures import Record
from tltrack.domain.periods import Period
from tltrack.domain.responsibility import region_of
from tltrack.domain.rollup import assess_city, assess_region, series_of, sum_held
from tltrack.domain.targets import Target
from tltrack.workspace.folder import Workspace


class RecordHistory(NamedTuple):
    record: Record
    current: bool  # False when a later entry for the same period supersedes it
    role: str | None = None  # the database role that wrote it (PostgreSQL)


class TargetDetail(NamedTuple):
    target: Target
    history: list[RecordHistory]
    assessment: Assessment
    stale_after_days: int


def show(workspace: Workspace, metric: str, as_of: date, region: str | None = None) -> TargetDetail:
    """A target's details and every figure recorded for the city, or for one region."""
    target = workspace.catalog.find(metric)
    region = region_of(workspace.catalog.meta.regions, target, region)
    mine = series_of(workspace.store.read_of({target.id}))
    own = mine.city if region is None else mine.regions.get(region, [])
    history = []
    for _, figures in sorted(figures_by_period(own, workspace.year).items()):
        current = counting(figures)
        history += [
            RecordHistory(f.record, f is current, workspace.store.role_of(f.record))
            for f in figures
        ]
    thresholds = workspace.catalog.meta.thresholds
    review = target.review_limits(workspace.catalog.meta.review)
    if region is None:
        judged = assess_city(target, mine, workspace.year, as_of, thresholds, review)
    else:
        out = sum_held(target, mine, workspace.year, as_of, review)
        judged = assess_region(
            target, region, mine, workspace.year, as_of, thresholds, None, review, out
        )
    return TargetDetail(target, history, judged, thresholds.stale_after_days)


class PeriodFigure(NamedTuple):
    period: Period
    current: Record
    superseded: list[Record]  # earlier figures for the period, oldest first
    assessment: Assessment  # the target as its figure stood when the period ended
    roles: dict[Record, str]  # the database role that wrote each figure, where known


def history(
    workspace: Workspace, metric: str, region: str | None = None
) -> tuple[Target, list[PeriodFigure]]:
    """Every period's figure of a target, oldest period first, with its corrections: the
    city's, or one region's against its share."""
    target = workspace.catalog.find(metric)
    region = region_of(workspace.catalog.meta.regions, target, region)
    judged_as = target if region is None else target.for_region(region)
    mine = [r for r in workspace.store.read_of({target.id}) if r.region == region]
    thresholds = workspace.catalog.meta.thresholds
    figures = []
    for period, recorded in sorted(figures_by_period(mine, workspace.year).items()):
        chosen = counting(recorded)
        current = chosen.record
        earlier = [f.record for f in recorded if f is not chosen]  # in the file's order
        judged = assess(judged_as, [current], workspace.year, period.end, thresholds)
        roles = {
            r: role for r in (current, *earlier) if (role := workspace.store.role_of(r)) is not None
        }
        figures.append(PeriodFigure(period, current, earlier, judged, roles))
    return judged_as, figures
