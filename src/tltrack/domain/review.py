"""Review (审核), as statistics offices run it before they sum (DESIGN §9): a figure that is
impossible is refused elsewhere (强制性审核); here every figure of a target's series that
counts for its day is weighed by every rule (review_rules.py), and one found unusual
(核实性审核) needs an explanation (核实说明) to be written. A write and `tltrack review` read
whole series; a status weighs only the figures it judges (rollup.py), by the rules a
figure breaks by itself or with the others of its day, so that every store, whichever
figures it gives, gets one answer.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from tltrack.domain.assess import figures_at_ends
from tltrack.domain.figures import Record
from tltrack.domain.periods import Period
from tltrack.domain.review_rules import point_flags, step_flags, sum_flag
from tltrack.domain.rollup import Series
from tltrack.domain.targets import ReviewLimits, Target
from tltrack.errors import Message


class Finding(NamedTuple):
    """A figure a rule finds unusual, and what each rule said of it."""

    target: Target  # the city's target (a region's figure is weighed against its share)
    record: Record
    period: Period
    rules: tuple[str, ...]  # REVIEW_RULES' names
    said: tuple[Message, ...]

    @property
    def explained(self) -> bool:
        return bool(self.record.explanation)


def _goal_of(target: Target, region: str | None) -> Target:
    return target if region is None else target.for_region(region)


def review_target(target: Target, series: Series, year: int, limits: ReviewLimits) -> list[Finding]:
    """Every figure of a target's series that counts for its day and that a rule finds
    unusual, by every rule: what `tltrack review` lists and what a write checks."""
    mine = target.review_limits(limits)
    by_series: dict[str | None, list[Record]] = {None: series.city}
    by_series |= {r: series.regions.get(r, []) for r in target.regions}
    ends: dict[str | None, dict[date, tuple[Period, Record]]] = {
        region: figures_at_ends(records, year) for region, records in by_series.items()
    }
    flags: dict[tuple[str | None, date], list[tuple[str, Message]]] = {}
    for region, figures in ends.items():
        carried = _goal_of(target, region)
        previous: tuple[Period, Record] | None = None
        for end in sorted(figures):
            period, record = figures[end]
            found = point_flags(carried, record, period, mine)
            found += step_flags(carried, record, previous, mine)
            if found:
                flags.setdefault((region, end), []).extend(found)
            previous = (period, record)
    if target.split:
        for end, (_, city) in ends[None].items():
            at_end = {r: ends[r][end][1] for r in target.regions if end in ends[r]}
            flagged = sum_flag(target, city, at_end, mine)
            if flagged is not None:
                region, found_one = flagged
                flags.setdefault((region, end), []).append(found_one)
    findings = []
    for (region, end), found in flags.items():
        period, record = ends[region][end]
        rules = tuple(rule for rule, _ in found)
        findings.append(Finding(target, record, period, rules, tuple(s for _, s in found)))
    return sorted(findings, key=lambda f: (f.record.region or "", f.period.end))
