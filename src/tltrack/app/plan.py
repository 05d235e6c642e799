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
from datetime import date
from pathlib import Path

from tltrack.app.status import status
from tltrack.domain.catalog import Catalog
from tltrack.domain.plan import Plan, PlanReport, YearFigure, judge_goal
from tltrack.domain.targets import Thresholds
from tltrack.errors import Problem, ValidationFailed, msg
from tltrack.files.plan_file import PLAN_FILE, load_plan
from tltrack.workspace.folder import find_data_dir, open_workspace


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


def plan_status(data_dir: Path | None, as_of: date) -> PlanReport:
    """Each goal of the folder's plan.toml judged by its year files' figures at `as_of`."""
    folder = find_data_dir(data_dir)
    plan = load_plan(folder)
    limits = Thresholds()
    figures: dict[str, list[YearFigure]] = {g.id: [] for g in plan.goals}
    linked: set[str] = set()
    for year in plan.years:
        path = folder / f"{year}.toml"
        if year > as_of.year or not (path.exists() or path.is_symlink()):
            continue
        workspace = open_workspace(folder, year)
        problems = link_problems(plan, workspace.catalog)
        if problems:
            raise ValidationFailed(problems)
        limits = workspace.catalog.meta.thresholds  # the newest year's say
        linked.update(t.plan for t in workspace.catalog.targets if t.plan is not None)
        if not any(t.plan for t in workspace.catalog.targets):
            continue
        for a in status(workspace, as_of).assessments:
            if a.target.plan is not None and a.actual is not None:
                figures[a.target.plan].append(YearFigure(year, a.target, a.actual, a.origin))
    goals = []
    for goal in plan.goals:
        judged = judge_goal(goal, plan, tuple(figures[goal.id]), as_of, limits)
        if judged.reason is None and goal.id not in linked:
            judged = dataclasses.replace(judged, reason="unlinked")
        goals.append(judged)
    return PlanReport(plan, as_of, goals, limits.stale_after_days)
