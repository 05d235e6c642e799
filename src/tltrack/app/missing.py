"""Who has not reported which target for a period (未报送)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from tltrack.domain.figures import Record, records_by_metric
from tltrack.domain.periods import Period, due_period, parse_period
from tltrack.domain.ranking import BY_CHOICES, By
from tltrack.domain.responsibility import Missing, missing
from tltrack.domain.rollup import series_of
from tltrack.errors import UsageError
from tltrack.workspace.folder import Workspace


class MissingReport(NamedTuple):
    year: int
    period: Period | None  # None: no period of the year is due yet (its January)
    missing: list[Missing]
    as_of: date | None = None


def missing_figures(
    workspace: Workspace,
    period_text: str | None,
    by: By | None = None,
    records: Sequence[Record] | None = None,
    as_of: date | None = None,
) -> MissingReport:
    """Who has not reported which target for a period (未报送): lead offices for the city
    figures, regions for their own. Without a period, the one due at `as_of` (today)."""
    if by is not None and by not in BY_CHOICES:
        raise UsageError("by_choice", by=by, choices=", ".join(BY_CHOICES))
    day = as_of or date.today()
    period = (
        due_period(workspace.year, day)
        if period_text is None
        else parse_period(period_text, workspace.year)
    )
    if period is None:  # the year's January: nobody owes a figure yet
        return MissingReport(workspace.year, None, [], day)
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
    return MissingReport(workspace.year, period, found, day)
