"""A multi-year plan (规划, e.g. the 15th five-year plan, 2026-2030) and how each of its goals
is judged along its path: a level from the base year's value to the end year's, or a total
over the plan's years. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, NamedTuple

from tltrack.domain.assess import Actual, paced_status
from tltrack.domain.periods import expected_share
from tltrack.domain.statuses import Status
from tltrack.domain.targets import Direction, Target, Thresholds

_EPS = 1e-9


class Goal(NamedTuple):
    """A goal of the plan as plan.toml gives it; files.schema.GoalSpec checks a file against it."""

    id: str
    name: str
    kind: Literal["level", "cumulative"]
    target: float  # the end year's level, or the total over the plan's years
    unit: str = ""
    direction: Direction = "at_least"
    base: float | None = None  # a level's value in the base year
    path: Literal["compound", "linear"] = "compound"  # a level's way from base to target
    quote: str = ""
    note: str | None = None

    def path_value(self, years: float, span: int) -> float:
        """Where the path stands `years` after the base year's end, of `span` years."""
        share = min(max(years / span, 0.0), 1.0)
        if self.kind == "cumulative":
            return self.target * share
        base = self.base if self.base is not None else 0.0
        if self.path == "compound":
            return float(base * (self.target / base) ** share)
        return base + (self.target - base) * share


class Plan(NamedTuple):
    title: str
    base_year: int
    end_year: int
    source: str
    goals: tuple[Goal, ...]
    path: Path

    @property
    def span(self) -> int:
        return self.end_year - self.base_year

    @property
    def years(self) -> range:
        return range(self.base_year + 1, self.end_year + 1)


class YearFigure(NamedTuple):
    """A plan year's figure of a goal: its target's newest figure at the as-of date."""

    year: int
    target: Target
    actual: Actual
    source: str | None  # "recorded", or summed from the regions: "rollup", "partial"


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    figures: tuple[YearFigure, ...]  # each plan year with a figure, oldest first
    status: Status
    value: float | None = None  # the newest level, or the total so far
    path_value: float | None = None  # where the path stands at the newest figure's period
    progress: float | None = None  # percent of the way from base to target
    expected: float | None = None  # percent of the way the path has gone by then
    gap: float | None = None  # pp; positive is good
    stale: bool = False  # the newest figure is older than the thresholds allow
    # Why a goal has no status: "not_started" (the as-of date is before the plan's first
    # year), "unlinked" (no year target follows it), "awaiting_end" (the plan is over and its
    # last year's full-year figure is not in).
    reason: str | None = None

    @property
    def latest(self) -> YearFigure | None:
        return self.figures[-1] if self.figures else None


@dataclass(frozen=True)
class PlanReport:
    plan: Plan
    as_of: date
    goals: list[GoalProgress]
    stale_after_days: int


def judge_goal(
    goal: Goal, plan: Plan, figures: tuple[YearFigure, ...], as_of: date, limits: Thresholds
) -> GoalProgress:
    if as_of.year <= plan.base_year:
        return GoalProgress(goal, figures, "no_data", reason="not_started")
    if not figures:
        return GoalProgress(goal, figures, "no_data")
    latest = figures[-1]
    period = latest.actual.period
    if goal.kind == "cumulative":
        # Every plan year before the newest figure's is over, so all of it is due; the newest
        # year is due by its target's pace at its figure's period.
        value = sum(f.actual.record.value for f in figures)
        done = latest.year - plan.years[0]
        years = done + expected_share(latest.target.pace, period.elapsed)
        base = 0.0
    else:
        value = latest.actual.record.value
        years = latest.year - plan.base_year - 1 + period.elapsed
        base = goal.base if goal.base is not None else 0.0
    path_value = goal.path_value(years, plan.span)
    way = goal.target - base
    progress = round((value - base) / way * 100, 6)
    expected = round((path_value - base) / way * 100, 6)
    gap = round(progress - expected, 6)
    at_least = goal.direction == "at_least"
    reached = value >= goal.target - _EPS if at_least else value <= goal.target + _EPS
    over = as_of > date(plan.end_year, 12, 31)
    last_in = latest.year == plan.end_year and period.is_full_year
    stale = (as_of - period.end).days > max(limits.stale_after_days, 0) + (
        365 if period.is_full_year else 0  # a year's figure is out a few months after it
    )
    status: Status
    if reached:
        status = "achieved"
    elif last_in:
        status = "missed"
    elif over:
        # The plan is over: only its last year's full-year figure says whether it was met.
        return GoalProgress(goal, figures, "no_data", value, reason="awaiting_end")
    else:
        ratio = math.inf if expected <= 0 else progress / expected
        status = paced_status(ratio, gap if expected > 0 else None, limits)
    return GoalProgress(
        goal, figures, status, value, path_value, progress, expected, gap, stale and not last_in
    )
