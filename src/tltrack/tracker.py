"""What the commands do, free of any terminal concerns: each command is one call in here."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from tltrack.assess import Assessment, assess
from tltrack.catalog import (
    Catalog,
    TomlLines,
    check_catalog,
    load_catalog,
    target_files,
    year_file,
)
from tltrack.errors import DataError, NoInputError, Problem, UsageError
from tltrack.ledger import check_records, open_for_change, read_records, records_path
from tltrack.model import STATUSES, Record, Status, Target
from tltrack.periods import default_period, parse_period
from tltrack.values import parse_milestone, parse_number

DATA_DIR_ENV = "TLTRACK_DATA_DIR"


def find_data_dir(given: Path | None, cwd: Path | None = None) -> Path:
    """--data-dir, else $TLTRACK_DATA_DIR, else the nearest targets/ in cwd or its parents."""
    if given is None and os.environ.get(DATA_DIR_ENV):
        given = Path(os.environ[DATA_DIR_ENV])
    if given is not None:
        if not given.is_dir():
            raise NoInputError(f"data folder {given} does not exist or is not a folder")
        return given
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / "targets"
        if candidate.is_dir():
            return candidate
    raise NoInputError(
        f"no targets/ folder in {start} or above; give one with --data-dir or ${DATA_DIR_ENV}"
    )


@dataclass(frozen=True)
class Workspace:
    """One year's target file and its records file."""

    catalog: Catalog
    records_file: Path

    @property
    def year(self) -> int:
        return self.catalog.year

    def records(self) -> list[Record]:
        return read_records(self.records_file)


def open_workspace(data_dir: Path | None, year: int | None) -> Workspace:
    folder = find_data_dir(data_dir)
    catalog = load_catalog(year_file(folder, year))
    return Workspace(catalog, records_path(catalog.path))


def records_by_metric(records: Iterable[Record]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for record in records:
        grouped.setdefault(record.metric, []).append(record)
    return grouped


@dataclass(frozen=True)
class StatusReport:
    year: int
    as_of: date
    assessments: list[Assessment]
    stale_after_days: int
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[Status, int]:
        counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
        for item in self.assessments:
            counts[item.status] += 1
        return counts


def assess_all(workspace: Workspace, records: Sequence[Record], as_of: date) -> StatusReport:
    grouped = records_by_metric(records)
    catalog = workspace.catalog
    unknown = sorted(set(grouped) - set(catalog.by_id))
    warnings = [
        f"{workspace.records_file.name} has figures for {m!r}, which {catalog.path.name} does"
        " not define; run 'tltrack validate'"
        for m in unknown
    ]
    thresholds = catalog.meta.thresholds
    assessments = [
        assess(t, grouped.get(t.id, []), workspace.year, as_of, thresholds) for t in catalog.targets
    ]
    return StatusReport(workspace.year, as_of, assessments, thresholds.stale_after_days, warnings)


def status(
    workspace: Workspace,
    as_of: date,
    category: str | None = None,
    owner: str | None = None,
    statuses: Sequence[Status] = (),
) -> StatusReport:
    report = assess_all(workspace, workspace.records(), as_of)
    kept = [
        a
        for a in report.assessments
        if (category is None or a.target.category == category)
        and (owner is None or a.target.owner == owner)
        and (not statuses or a.status in statuses)
    ]
    if category is not None and not any(t.category == category for t in workspace.catalog.targets):
        categories = dict.fromkeys(t.category for t in workspace.catalog.targets)
        raise UsageError(f"no category {category!r}; the categories are: {', '.join(categories)}")
    return StatusReport(report.year, report.as_of, kept, report.stale_after_days, report.warnings)


def parse_value(target: Target, text: str) -> float:
    """The figure typed for `target`, read in its unit; refused with a reason otherwise."""
    if target.kind == "milestone":
        return parse_milestone(text)
    value = parse_number(text, target.unit)
    if value < 0 and target.kind == "cumulative":
        raise DataError(f"bad value {text!r}: a year-to-date total cannot be negative")
    if target.change == "decrease" and value >= 100:
        raise DataError(f"bad value {text!r}: a decrease is below 100%")
    return value


def default_recorder() -> str:
    try:
        return os.environ.get("TLTRACK_USER") or getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return ""


@dataclass(frozen=True)
class RecordOutcome:
    outcome: str  # "added", "unchanged" or "corrected"
    record: Record
    previous: Record | None
    assessment: Assessment
    stale_after_days: int


def record(
    workspace: Workspace,
    metric: str,
    value_text: str,
    period_text: str | None = None,
    note: str = "",
    by: str | None = None,
    correct: bool = False,
    now: datetime | None = None,
    as_of: date | None = None,
) -> RecordOutcome:
    """Append a figure. The same figure again is a no-op; another figure needs `correct`."""
    target = workspace.catalog.find(metric)
    value = parse_value(target, value_text)
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    today = as_of or moment.astimezone().date()
    period = (
        parse_period(period_text, workspace.year)
        if period_text is not None
        else default_period(workspace.year, today)
    )
    _check_text("note", note)
    recorder = default_recorder() if by is None else by
    _check_text("by", recorder)
    new = Record(
        metric=target.id,
        period=period.label,
        value=value,
        note=note,
        by=recorder,
        at=moment,
    )
    with open_for_change(workspace.records_file) as ledger:
        previous = next(
            (
                r
                for r in reversed(ledger.records)
                if r.metric == target.id and parse_period(r.period, workspace.year) == period
            ),
            None,
        )
        if previous is not None and previous.value == value:
            outcome, kept = "unchanged", previous
        elif previous is not None and not correct:
            raise DataError(
                f"{target.id} already has {previous.value:g} for {period.label}"
                f" (recorded {previous.at:%Y-%m-%d} by {previous.by or 'unknown'});"
                " to replace it, run again with --correct"
            )
        else:
            outcome = "corrected" if previous is not None else "added"
            kept = new.model_copy(update={"correction": previous is not None})
            ledger.save([*ledger.records, kept])
        records = ledger.records
    mine = [r for r in records if r.metric == target.id]
    when = max(today, period.end)
    assessment = assess(target, mine, workspace.year, when, workspace.catalog.meta.thresholds)
    return RecordOutcome(
        outcome, kept, previous, assessment, workspace.catalog.meta.thresholds.stale_after_days
    )


def _check_text(name: str, text: str) -> None:
    if len(text) > 2000:
        raise DataError(f"--{name} is too long ({len(text)} characters; at most 2000)")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise DataError(f"--{name} is not valid text (it holds a lone surrogate)")
    if any(ord(c) < 32 and c not in "\t" for c in text):
        raise DataError(f"--{name} holds control characters; give it on one line")


@dataclass(frozen=True)
class RecordHistory:
    record: Record
    current: bool  # False when a later entry for the same period supersedes it


@dataclass(frozen=True)
class TargetDetail:
    target: Target
    history: list[RecordHistory]
    assessment: Assessment
    stale_after_days: int


def show(workspace: Workspace, metric: str, as_of: date) -> TargetDetail:
    target = workspace.catalog.find(metric)
    mine = [r for r in workspace.records() if r.metric == target.id]
    last_for_period = {r.period: i for i, r in enumerate(mine)}
    history = [RecordHistory(r, last_for_period[r.period] == i) for i, r in enumerate(mine)]
    history.sort(key=lambda h: (parse_period(h.record.period, workspace.year), h.record.at))
    thresholds = workspace.catalog.meta.thresholds
    return TargetDetail(
        target,
        history,
        assess(target, mine, workspace.year, as_of, thresholds),
        thresholds.stale_after_days,
    )


@dataclass(frozen=True)
class ValidationResult:
    files: list[tuple[Path, int]]  # each valid file and how many entries it holds
    problems: list[Problem]


def validate(data_dir: Path | None) -> ValidationResult:
    """Check every target file and records file in the data folder; collect all problems."""
    folder = find_data_dir(data_dir)
    files = target_files(folder)
    if not files:
        raise NoInputError(f"no target file (YYYY.toml) in {folder}")
    checked: list[tuple[Path, int]] = []
    problems: list[Problem] = []
    for path in files:
        catalog, found = check_catalog(path)
        problems += found
        if catalog is None:
            continue
        checked.append((path, len(catalog.targets)))
        rec_path = records_path(path)
        records, found, _ = check_records(rec_path)
        problems += found
        if records is None or not rec_path.exists():
            continue
        problems += _record_problems(rec_path, catalog, records)
        checked.append((rec_path, len(records)))
    return ValidationResult(checked, problems)


def _record_problems(path: Path, catalog: Catalog, records: Sequence[Record]) -> list[Problem]:
    lines = TomlLines(path.read_text(encoding="utf-8"), "record")
    problems = []
    for index, rec in enumerate(records):
        where = f"{rec.metric} {rec.period}"
        target = catalog.by_id.get(rec.metric)
        if target is None:
            problems.append(
                Problem(
                    path.name,
                    f"no target {rec.metric!r} in {catalog.path.name}",
                    lines.entry_line(index, "metric"),
                    where,
                    "metric",
                )
            )
            continue
        try:
            parse_period(rec.period, catalog.year)
            if target.kind == "milestone" and not 0 <= rec.value <= 100:
                raise DataError("a milestone's value is a percent complete from 0 to 100")
        except DataError as exc:
            field_name = "period" if "period" in exc.message else "value"
            problems.append(
                Problem(
                    path.name, exc.message, lines.entry_line(index, field_name), where, field_name
                )
            )
    return problems
