"""A multi-year plan (规划, e.g. the 15th five-year plan, 2026-2030) and its goals' progress.

`plan.toml` in the data folder names the plan's base year and end year and its goals: a level
the end year must reach from the base year's value (森林覆盖率 from 20.5% to 22%), or a total
over the plan's years (新建高标准农田 1500万亩). A target of a year file follows a goal with
`plan = "<goal id>"`; its figures are the goal's. A level goal is judged against its path (the
same rate of change every year, or the same step), a total against the plan's years elapsed,
by the thresholds of the newest year file, as a year's total is against its pace.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, NamedTuple

from tltrack.assess import Actual, paced_status
from tltrack.catalog import MAX_TARGET_FILE_BYTES, Catalog, read_entries
from tltrack.domain import Direction, Target, Thresholds
from tltrack.errors import NoInputError, Problem, ValidationFailed, msg
from tltrack.fileio import decode, read_bytes
from tltrack.periods import expected_share
from tltrack.statuses import Status

PLAN_FILE = "plan.toml"
_EPS = 1e-9


class Goal(NamedTuple):
    """A goal of the plan as plan.toml gives it; model.GoalSpec checks a file against it."""

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


def check_plan(path: Path) -> tuple[Plan | None, list[Problem]]:
    """Read plan.toml and collect all its problems instead of stopping at the first."""
    text, problems = decode(path, read_bytes(path, MAX_TARGET_FILE_BYTES))
    if text is None:
        return None, problems
    from tltrack.model import read_plan_file

    parsed, _, problems = read_entries(path, text, "goal", read_plan_file)
    if parsed is None or problems:
        return None, problems
    meta, specs = parsed
    goals = tuple(Goal(**dict(spec)) for spec in specs)
    return Plan(meta.title, meta.base_year, meta.end_year, meta.source, goals, path), []


def load_plan(folder: Path) -> Plan:
    path = folder / PLAN_FILE
    if not path.exists() and not path.is_symlink():
        raise NoInputError("no_plan_file", folder=folder)
    plan, problems = check_plan(path)
    if plan is None:
        raise ValidationFailed(problems)
    return plan


def link_problems(plan: Plan, catalog: Catalog) -> list[Problem]:
    """A plan year's targets that name a goal the plan lacks, or follow it in another kind
    or unit, or follow a goal another target already follows."""
    if catalog.year not in plan.years:
        return []  # a year of another plan: its links are that plan's
    goals = {g.id: g for g in plan.goals}
    problems = []
    seen: set[str] = set()
    for t in catalog.targets:
        if t.plan is None:
            continue
        goal = goals.get(t.plan)
        reason = None
        if goal is None:
            reason = msg("no_such_goal", goal=t.plan, file=PLAN_FILE)
        elif t.kind != goal.kind or t.direction != goal.direction:
            reason = msg("goal_kind", goal=goal.id, kind=msg(f"kind_{goal.kind}"))
        elif t.unit != goal.unit:
            reason = msg("goal_unit", goal=goal.id, unit=goal.unit or "-")
        elif t.plan in seen:
            reason = msg("goal_twice", goal=goal.id)
        seen.add(t.plan)
        if reason is not None:
            problems.append(Problem(catalog.path.name, reason, None, t.id, "plan"))
    return problems


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


def plan_status(data_dir: Path | None, as_of: date) -> PlanReport:
    """Each goal of the folder's plan.toml judged by its year files' figures at `as_of`."""
    from tltrack import tracker  # the plan reads the year files through the tracker

    folder = tracker.find_data_dir(data_dir)
    plan = load_plan(folder)
    limits = Thresholds()
    figures: dict[str, list[YearFigure]] = {g.id: [] for g in plan.goals}
    linked: set[str] = set()
    for year in plan.years:
        path = folder / f"{year}.toml"
        if year > as_of.year or not (path.exists() or path.is_symlink()):
            continue
        workspace = tracker.open_workspace(folder, year)
        problems = link_problems(plan, workspace.catalog)
        if problems:
            raise ValidationFailed(problems)
        limits = workspace.catalog.meta.thresholds  # the newest year's say
        linked.update(t.plan for t in workspace.catalog.targets if t.plan is not None)
        if not any(t.plan for t in workspace.catalog.targets):
            continue
        for a in tracker.status(workspace, as_of).assessments:
            if a.target.plan is not None and a.actual is not None:
                figures[a.target.plan].append(YearFigure(year, a.target, a.actual, a.origin))
    goals = []
    for goal in plan.goals:
        judged = judge_goal(goal, plan, tuple(figures[goal.id]), as_of, limits)
        if judged.reason is None and goal.id not in linked:
            judged = dataclasses.replace(judged, reason="unlinked")
        goals.append(judged)
    return PlanReport(plan, as_of, goals, limits.stale_after_days)
