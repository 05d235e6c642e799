"""check: what lags at a date, and whether that fails the check (for cron and CI)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from tltrack.app.missing import MissingReport, missing_figures
from tltrack.app.status import GroupsReport, StatusReport, by_groups, status
from tltrack.domain.assess import Assessment
from tltrack.domain.periods import due_period
from tltrack.domain.ranking import By, Group
from tltrack.domain.responsibility import owners_of
from tltrack.domain.statuses import Status
from tltrack.errors import UsageError
from tltrack.workspace.folder import Workspace

# The statuses each --fail-on level fails on; "stale" fails on stale figures as well.
FAIL_LEVELS: dict[str, tuple[Status, ...]] = {
    "behind": ("behind", "at_risk", "missed"),
    "at_risk": ("at_risk", "missed"),
    "missed": ("missed",),
}


FAIL_ON_CHOICES = (*FAIL_LEVELS, "stale")


_SEVERITY: dict[Status, int] = {"missed": 0, "at_risk": 1, "behind": 2}


def worst_first(assessments: Iterable[Assessment]) -> list[Assessment]:
    """The targets that lag: missed, then at risk, then behind; the largest gap first."""
    return sorted(
        (a for a in assessments if a.status in _SEVERITY),
        key=lambda a: (_SEVERITY[a.status], a.gap if a.gap is not None else 0.0),
    )


class CheckResult(NamedTuple):
    report: StatusReport
    fail_on: tuple[str, ...]
    lagging: list[Assessment]  # behind, at risk or missed: the worst first
    stale: list[Assessment]
    failed: bool
    groups: GroupsReport | None = None  # check --by: the regions or lead offices, worst first
    failing_groups: tuple[str, ...] = ()
    # Who has not reported for the last complete month: None when no office or region is named.
    missing: MissingReport | None = None


def check(
    workspace: Workspace,
    as_of: date,
    fail_on: Sequence[str] = (),
    by: By | None = None,
    region: str | None = None,
    owner: str | None = None,
) -> CheckResult:
    """What lags at `as_of`, and whether that fails the check.

    The status level is the most lenient level given (default: behind); `stale` adds
    failing on stale figures. With `by`, each region or lead office is judged by its own
    targets and they come worst first.
    """
    unknown = [level for level in fail_on if level not in FAIL_ON_CHOICES]
    if unknown:
        raise UsageError("fail_on_level", level=unknown[0], levels=", ".join(FAIL_ON_CHOICES))
    levels = [level for level in FAIL_LEVELS if level in fail_on] or ["behind"]
    failing_statuses = FAIL_LEVELS[levels[0]]
    with_stale = "stale" in fail_on

    def fails(items: Sequence[Assessment]) -> bool:
        return any(a.status in failing_statuses or (with_stale and a.stale) for a in items)

    records = workspace.records()  # read once for the report, the groups and who is missing
    report = status(workspace, as_of, owner=owner, region=region, records=records)
    lagging = worst_first(report.assessments)
    stale = [a for a in report.assessments if a.stale]
    chosen = (levels[0], *(("stale",) if with_stale else ()))
    catalog = workspace.catalog
    unreported = None
    due = due_period(workspace.year, as_of)  # in the year's January nothing is due yet
    if due is not None and (catalog.meta.regions or owners_of(catalog.targets)):
        unreported = missing_figures(workspace, due.label, records=records)
        if region is not None or owner is not None:  # only the office or region asked about
            wanted = [m for m in unreported.missing if m.reporter in (region, owner)]
            unreported = unreported._replace(missing=wanted)
    if by is None:
        failed = fails(report.assessments)
        return CheckResult(report, chosen, lagging, stale, failed, missing=unreported)
    ranked = by_groups(workspace, as_of, by, records)
    worst = sorted(ranked.groups, key=_lag_order)
    failing = tuple(g.name for g in worst if fails(g.assessments))
    ranked = dataclasses.replace(ranked, groups=worst)
    return CheckResult(report, chosen, lagging, stale, bool(failing), ranked, failing, unreported)


def _lag_order(group: Group) -> tuple[int, ...]:
    """Worst first: the most targets missed, then at risk, then behind; then the lowest share
    on pace."""
    counts = group.summary
    share = group.on_pace_share
    return (
        -counts["missed"],
        -counts["at_risk"],
        -counts["behind"],
        round((share if share is not None else 1.0) * 1e6),
    )
