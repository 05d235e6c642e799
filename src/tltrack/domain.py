"""The plain objects the core works with: targets, thresholds, recorded figures.

Named tuples, not Pydantic models: they are quick to make, to compare and to load from the
parse cache, and importing them costs nothing. Files are checked by the Pydantic models in
model.py, which produce these.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, NamedTuple

Kind = Literal["growth", "cumulative", "level", "milestone"]
Direction = Literal["at_least", "at_most"]
Pace = Literal["linear", "year_end"] | list[float]


class Thresholds(NamedTuple):
    """Where the status bands start; a target file may set its own."""

    on_track: float = 0.95  # pace ratio at or above: on track
    at_risk: float = 0.75  # pace ratio below: at risk
    growth_behind_pp: float = 1.0  # growth short by at most this many pp: behind; more: at risk
    stale_after_days: int = 45  # a figure whose period ended longer ago is stale


class Meta(NamedTuple):
    year: int
    title: str = ""
    source: str = ""
    thresholds: Thresholds = Thresholds()


class Target(NamedTuple):
    """A target as its file gives it. The one definition of a target's fields: their order is
    the file's and the JSON's, and model.TargetSpec, which checks a file, is made from it."""

    id: str
    name: str
    category: str
    kind: Kind
    target: float | None = None
    unit: str = ""
    direction: Direction = "at_least"
    stretch: bool = False  # 力争: a stretch target; a report words a miss differently
    baseline: float | None = None
    baseline_unit: str | None = None  # when the 2024 figure is in another unit (GDP: 亿元)
    baseline_quote: str | None = None
    base_year: int | None = None  # a change measured against a year other than last year
    change: Literal["increase", "decrease"] | None = None
    owner: str | None = None  # 牵头单位, only where the source names one
    pace: Pace = "linear"
    due: date | None = None  # milestones: when it must be done (default: the year's end)
    quote: str = ""  # the report's own words; a file must give them
    note: str | None = None

    @property
    def goal(self) -> float:
        return 100.0 if self.target is None else self.target

    def as_json(self, skip_empty: bool = False) -> dict[str, Any]:
        """The target as in its file, in the file's order of fields."""
        out = self._asdict()
        if out["due"] is not None:
            out["due"] = out["due"].isoformat()
        if skip_empty:
            out = {key: value for key, value in out.items() if value is not None}
        return out


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
