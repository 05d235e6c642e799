"""A recorded figure (Record): what every store keeps, one per figure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple


class Record(NamedTuple):
    """One recorded figure. Records are only ever appended; the newest per period counts."""

    metric: str
    period: str
    value: float
    at: datetime
    note: str = ""
    by: str = ""
    correction: bool = False  # supersedes an earlier, different value for the same period
    # A correction's revision is one above the figure it supersedes; for a period the highest
    # revision counts, and the clock (`at`) never decides. 0: a first figure, or an older
    # correction that did not write one (its revision follows from its place in the file).
    revision: int = 0
    region: str | None = None  # a region's own figure (旗县市区); None: the city's


def records_by_metric(records: Iterable[Record]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for record in records:
        grouped.setdefault(record.metric, []).append(record)
    return grouped
