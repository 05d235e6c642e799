"""`review`: every figure a review rule finds unusual (审核, DESIGN §9), explained or waiting,
by the unit that sent it. Returns data for the views, never text."""

from __future__ import annotations

from typing import NamedTuple

from tltrack.domain.figures import records_by_metric
from tltrack.domain.periods import Period, parse_period
from tltrack.domain.review import Finding, review_target
from tltrack.domain.rollup import series_of
from tltrack.workspace.folder import Workspace


class ReviewReport(NamedTuple):
    year: int
    period: Period | None  # only the figures of this period; None: every period
    findings: list[tuple[str, Finding]]  # the unit that sent each figure, and the finding


def review(workspace: Workspace, period_text: str | None = None) -> ReviewReport:
    """Each figure that counts for its period and that a rule finds unusual, with what the
    rules found and its explanation, if any; the units in the target file's order."""
    catalog = workspace.catalog
    period = None if period_text is None else parse_period(period_text, workspace.year)
    grouped = records_by_metric(workspace.records())
    found: list[tuple[str, Finding]] = []
    for target in catalog.targets:
        series = series_of(grouped.get(target.id, ()))
        for finding in review_target(target, series, workspace.year, catalog.meta.review):
            if period is not None and finding.period.end != period.end:
                continue
            record = finding.record
            unit = record.unit or record.region or target.owner or ""
            found.append((unit, finding))
    order = {unit: n for n, unit in enumerate([*catalog.meta.regions, *_owners(workspace)])}
    found.sort(key=lambda pair: (order.get(pair[0], len(order)), pair[0]))
    return ReviewReport(workspace.year, period, found)


def _owners(workspace: Workspace) -> list[str]:
    return list(dict.fromkeys(t.owner for t in workspace.catalog.targets if t.owner))
