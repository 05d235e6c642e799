"""Who has not reported which target for a period (未报送)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from tltrack.domain.figures import Record, records_by_metric
from tltrack.domain.periods import Period, default_period, parse_period
from tltrack.domain.ranking import BY_CHOICES, By
from tltrack.domain.responsibility import Missing, missing
from tltrack.domain.rollup import series_of
from tltrack.errors import UsageError
from tltrack.workspace.folder import Workspace


class MissingReport(NamedTuple):
    year: int
    period: Period
    missing: list[Missing]


def missing_figures(
    workspace: Workspace,
    period_text: str | None,
    by: By | None = None,
    records: Sequence[Record] | None = None,
) -> MissingReport:
    """Who has not reported which target for a period (未报送): lead offices for the city
    figures, regions for their own."""
    period = (
        default_period(workspace.year, date.today())
        if period_text is None
        else parse_period(period_text, workspace.year)
    )
    if by is not None and by not in BY_CHOICES:
        raise UsageError("by_choice", by=by, choices=", ".join(BY_CHOICES))
    grouped = records_by_metric(workspace.records() if records is None else records)
    catalog = workspace.catalog
    found = missing(
        catalog.targets,
        catalog.meta.regions,
        lambda metric: series_of(grouped.get(metric, ())),
        workspace.year,
        period,
        BY_CHOICES if by is None else (by,),
    )
    return MissingReport(workspace.year, period, found)
