"""`status --plan`: the multi-year plan's goals along their path, as one View."""

from __future__ import annotations

from typing import Any

from tltrack.domain.plan import GoalProgress, PlanReport
from tltrack.domain.statuses import STATUSES, Status
from tltrack.domain.values import number
from tltrack.text.lang import Lang, status_label, text
from tltrack.views.cells import PARTIAL_MARK, STALE_MARK, percent, signed, summary_text, with_unit
from tltrack.views.view import STATUS_STYLE, Cell, Column, Row, Section, View, bar, json_number


def plan_status(report: PlanReport, lang: Lang, compact: bool) -> View:
    plan = report.plan
    columns = [
        Column("id", "id", in_table=False),
        Column("name", text(lang, "name"), wraps=True, min_width=6 if compact else 12),
        # Compact (under 120 columns): the base goes under the target, the period under the
        # figure, and the path's value is left out, so 80 columns hold every goal.
        Column(
            "base", text(lang, "col_base", year=plan.base_year), numeric=True, in_table=not compact
        ),
        Column("actual", text(lang, "actual"), numeric=True),
        Column("period", text(lang, "period"), in_table=not compact),
        Column("path_value", text(lang, "col_path_value"), numeric=True, in_table=not compact),
        Column("target", text(lang, "col_goal", year=plan.end_year), wraps=True, words=True),
        Column("progress", text(lang, "col_progress"), numeric=True),
        Column("expected", text(lang, "expected"), numeric=True),
        Column("gap", text(lang, "gap_short" if compact else "gap"), numeric=True),
        Column("status", text(lang, "status"), wraps=True, words=True),
    ]
    rows = [_row(lang, item, compact) for item in report.goals]
    summary: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for item in report.goals:
        summary[item.status] += 1
    return View(
        title=text(lang, "plan_title", title=plan.title, end=plan.end_year, as_of=report.as_of),
        columns=columns,
        sections=[Section("", rows)],
        data=lambda: {
            "plan": {
                "title": plan.title,
                "base_year": plan.base_year,
                "end_year": plan.end_year,
                "source": plan.source,
            },
            "as_of": report.as_of.isoformat(),
            "summary": summary,
            "goals": [_goal_json(item) for item in report.goals],
        },
        summary=summary_text(lang, summary),
        notes=_notes(lang, report),
    )


def _notes(lang: Lang, report: PlanReport) -> list[tuple[str, str]]:
    plan = report.plan
    notes = [(text(lang, "plan_note", base=plan.base_year, end=plan.end_year), "dim")]
    if any(item.stale for item in report.goals):
        days = report.stale_after_days
        notes.append((text(lang, "plan_stale_note", mark=STALE_MARK, days=days), "yellow"))
    partial = [
        text(lang, "plan_partial_note", mark=PARTIAL_MARK, name=item.goal.name, year=f.year)
        for item in report.goals
        for f in item.figures
        if f.source == "partial"
    ]
    return notes + [(line, "yellow") for line in partial]


def _path_text(item: GoalProgress) -> str:
    """The path's value to one place beyond the goal's own figures: 0.9524 beside a base of
    1.0 and a target of 0.9 reads 0.95, not 1."""
    if item.path_value is None:
        return ""
    figures = [item.goal.target, *([] if item.goal.base is None else [item.goal.base])]
    places = max(len(number(f).partition(".")[2]) for f in figures) + 1
    return f"{number(item.path_value, places)}{item.goal.unit}"


def _row(lang: Lang, item: GoalProgress, compact: bool) -> Row:
    goal, latest = item.goal, item.latest
    period = str(latest.actual.period) if latest else None
    marks = (STALE_MARK if item.stale else "") + (
        PARTIAL_MARK if any(f.source == "partial" for f in item.figures) else ""
    )
    shown_period = f"{period}{marks}" if period else ""
    shown_actual = with_unit(item.value, goal.unit)
    shown_status = status_label(lang, item.status)
    if item.reason is not None:
        shown_status = text(lang, f"reason_{item.reason}")
    sign = "≥" if goal.direction == "at_least" else "≤"
    target = f"{sign}{number(goal.target)}{goal.unit}"
    base = (
        "" if goal.base is None else text(lang, "from_base", value=with_unit(goal.base, goal.unit))
    )
    progress_bar = None
    if item.progress is not None and not compact:
        progress_bar = bar(max(item.progress, 0.0))
    return {
        "id": Cell(goal.id, goal.id),
        "name": Cell(goal.name, goal.name),
        "base": Cell(goal.base, with_unit(goal.base, goal.unit)),
        "actual": Cell(
            item.value,
            shown_actual,
            table=f"{shown_actual}\n{shown_period}" if compact and period else None,
        ),
        "period": Cell(period, shown_period),
        "path_value": Cell(json_number(item.path_value), _path_text(item)),
        "target": Cell(
            goal.target, target, table=f"{target}\n{base}" if compact and base else None
        ),
        "progress": Cell(json_number(item.progress), percent(item.progress), "cyan", progress_bar),
        "expected": Cell(json_number(item.expected), percent(item.expected)),
        "gap": Cell(
            json_number(item.gap),
            signed(item.gap),
            "" if item.gap is None else ("green" if item.gap >= 0 else "red"),
        ),
        "status": Cell(item.status, shown_status, STATUS_STYLE[item.status]),
    }


def _goal_json(item: GoalProgress) -> dict[str, Any]:
    goal, latest = item.goal, item.latest
    return {
        "id": goal.id,
        "name": goal.name,
        "kind": goal.kind,
        "unit": goal.unit,
        "direction": goal.direction,
        "base": goal.base,
        "target": goal.target,
        "path": goal.path if goal.kind == "level" else "linear",
        "actual": item.value,
        "period": str(latest.actual.period) if latest else None,
        "path_value": json_number(item.path_value),
        "progress": json_number(item.progress),
        "expected": json_number(item.expected),
        "gap": json_number(item.gap),
        "status": item.status,
        "stale": item.stale,
        "reason": item.reason,
        "years": [
            {
                "year": f.year,
                "id": f.target.id,
                "actual": f.actual.record.value,
                "period": str(f.actual.period),
                "source": f.source,
            }
            for f in item.figures
        ],
    }
