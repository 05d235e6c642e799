"""`tltrack validate`: every problem of every target file and records file, with its line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tltrack.app.plan import link_problems
from tltrack.domain.assess import counting, figures_by_period
from tltrack.domain.catalog import Catalog
from tltrack.domain.figures import Record
from tltrack.domain.periods import parse_period
from tltrack.domain.plan import Plan
from tltrack.errors import DataError, Joined, Message, NoInputError, Problem, msg
from tltrack.files.plan_file import PLAN_FILE, check_plan
from tltrack.files.target_file import check_catalog, target_files
from tltrack.stores.choice import open_store
from tltrack.workspace.folder import find_data_dir


@dataclass(frozen=True)
class ValidationResult:
    files: list[tuple[str, int]]  # each valid file (or store) and how many entries it holds
    problems: list[Problem]
    notes: list[Message] = field(default_factory=list)  # worth knowing, not wrong


def validate(data_dir: Path | None) -> ValidationResult:
    """Check every target file and records file in the data folder; collect all problems."""
    folder = find_data_dir(data_dir)
    files = target_files(folder)
    if not files:
        raise NoInputError("no_target_file", folder=folder)
    checked: list[tuple[str, int]] = []
    problems: list[Problem] = []
    notes: list[Message] = []
    plan_file = folder / PLAN_FILE
    plan, plan_found = check_plan(plan_file) if plan_file.exists() else (None, [])
    problems += plan_found
    if plan is not None:
        checked.append((PLAN_FILE, len(plan.goals)))
    for path in files:
        catalog, found = check_catalog(path)
        problems += found
        if catalog is None:
            continue
        checked.append((path.name, len(catalog.targets)))
        problems += _plan_problems(folder, plan, plan_found, catalog)
        store = open_store(path, catalog.meta.store)
        read = store.check()
        problems += read.problems
        records = read.records
        if records is None or not read.exists:
            continue
        problems += _record_problems(store.name, read.line_of, catalog, records)
        checked.append((store.name, len(records)))
        notes += read.notes
        notes += _merge_notes(store.name, records, catalog.year)
    return ValidationResult(checked, problems, notes)


def _plan_problems(
    folder: Path, plan: Plan | None, plan_problems: list[Problem], catalog: Catalog
) -> list[Problem]:
    """The targets that follow a goal of plan.toml: the goal must be there and fit them."""
    if plan is not None:
        return link_problems(plan, catalog)
    if plan_problems:
        return []  # plan.toml is there but broken: its own problems say so
    return [
        Problem(catalog.path.name, msg("no_plan_file", folder=folder), None, t.id, "plan")
        for t in catalog.targets
        if t.plan is not None
    ]


def _figure(record: Record) -> Message:
    return msg(
        "figure_by", value=record.value, by=record.by or "?", at=f"{record.at:%Y-%m-%d %H:%M}"
    )


def _merge_notes(store: str, records: Sequence[Record], year: int) -> list[Message]:
    """Different figures of one revision for one period: two clones recorded it, and a git
    merge joined them. The later line counts; say so."""
    notes = []
    series: dict[tuple[str, str | None], list[Record]] = {}
    for record in records:  # a region's figures and the city's are separate series
        series.setdefault((record.metric, record.region), []).append(record)
    for (metric, region), items in series.items():
        for period, figures in figures_by_period(items, year).items():
            chosen = counting(figures)
            current = chosen.record
            others = [
                f.record
                for f in figures
                if f is not chosen
                and f.revision == chosen.revision
                and f.record.value != current.value
            ]
            if others:
                notes.append(
                    msg(
                        "merged_note",
                        file=store,
                        metric=metric if region is None else f"{metric} ({region})",
                        period=period.label,
                        values=Joined([_figure(r) for r in others]),
                        value=_figure(current),
                    )
                )
    return notes


def _record_problems(
    store: str, line_of: Callable[[int], int | None], catalog: Catalog, records: Sequence[Record]
) -> list[Problem]:
    problems = []
    for index, rec in enumerate(records):
        where = f"{rec.metric} {rec.period}"
        target = catalog.by_id.get(rec.metric)
        if target is None:
            problems.append(
                Problem(
                    store,
                    msg("no_such_target", metric=rec.metric, file=catalog.path.name),
                    line_of(index),
                    where,
                    "metric",
                )
            )
            continue
        try:
            parse_period(rec.period, catalog.year)
            if target.kind == "milestone" and not 0 <= rec.value <= 100:
                raise DataError("milestone_percent")
        except DataError as exc:
            field_name = "period" if "period" in exc.msg.id else "value"
            problems.append(Problem(store, exc.msg, line_of(index), where, field_name))
    return problems
