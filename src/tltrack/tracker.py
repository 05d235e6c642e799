"""What the commands do, free of any terminal concerns: each command is one call in here."""

from __future__ import annotations

import dataclasses
import getpass
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from tltrack.assess import Assessment, assess, counting, figures_by_period
from tltrack.catalog import (
    Catalog,
    load_catalog,
    year_file,
)
from tltrack.domain import Record, Target
from tltrack.errors import (
    DataError,
    Message,
    NoInputError,
    TltrackError,
    UsageError,
    ValidationFailed,
    msg,
)
from tltrack.periods import Period, default_period, parse_period
from tltrack.statuses import STATUSES, Status
from tltrack.store import RecordStore, open_store
from tltrack.values import parse_milestone, parse_number

if TYPE_CHECKING:
    from tltrack import importer

DATA_DIR_ENV = "TLTRACK_DATA_DIR"


def find_data_dir(given: Path | None, cwd: Path | None = None) -> Path:
    """--data-dir, else $TLTRACK_DATA_DIR, else the nearest targets/ in cwd or its parents."""
    if given is None and os.environ.get(DATA_DIR_ENV):
        given = Path(os.environ[DATA_DIR_ENV])
    if given is not None:
        if not given.is_dir():
            raise NoInputError("no_data_folder", folder=given)
        return given
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / "targets"
        if candidate.is_dir():
            return candidate
    raise NoInputError("no_targets_folder", folder=start)


class Workspace(NamedTuple):
    """One year's target file and the store of its figures."""

    catalog: Catalog
    store: RecordStore

    @property
    def year(self) -> int:
        return self.catalog.year

    def records(self) -> list[Record]:
        return self.store.read()


def open_workspace(data_dir: Path | None, year: int | None) -> Workspace:
    folder = find_data_dir(data_dir)
    catalog = load_catalog(year_file(folder, year))
    return Workspace(catalog, open_store(catalog.path))


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
    # Figures for metrics the target file does not define: reported, never dropped silently.
    unknown_metrics: list[str] = field(default_factory=list)
    records_name: str = ""
    targets_name: str = ""

    @property
    def summary(self) -> dict[Status, int]:
        counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
        for item in self.assessments:
            counts[item.status] += 1
        return counts


def assess_all(workspace: Workspace, records: Sequence[Record], as_of: date) -> StatusReport:
    grouped = records_by_metric(records)
    catalog = workspace.catalog
    thresholds = catalog.meta.thresholds
    assessments = [
        assess(t, grouped.get(t.id, []), workspace.year, as_of, thresholds) for t in catalog.targets
    ]
    return StatusReport(
        workspace.year,
        as_of,
        assessments,
        thresholds.stale_after_days,
        sorted(set(grouped) - set(catalog.by_id)),
        workspace.store.name,
        catalog.path.name,
    )


def status(
    workspace: Workspace,
    as_of: date,
    category: str | None = None,
    owner: str | None = None,
    statuses: Sequence[Status] = (),
) -> StatusReport:
    check_category(workspace, category)
    report = assess_all(workspace, workspace.records(), as_of)
    kept = [
        a
        for a in report.assessments
        if (category is None or a.target.category == category)
        and (owner is None or a.target.owner == owner)
        and (not statuses or a.status in statuses)
    ]
    return dataclasses.replace(report, assessments=kept)


def check_category(workspace: Workspace, category: str | None) -> None:
    """An unknown category is a mistake to report (exit 2), not an empty table."""
    if category is not None and not any(t.category == category for t in workspace.catalog.targets):
        categories = dict.fromkeys(t.category for t in workspace.catalog.targets)
        raise UsageError("no_category", category=category, categories=", ".join(categories))


def targets(workspace: Workspace, category: str | None = None) -> list[Target]:
    check_category(workspace, category)
    return [t for t in workspace.catalog.targets if category is None or t.category == category]


def parse_value(target: Target, text: str) -> float:
    """The figure typed for `target`, read in its unit; refused with a reason otherwise."""
    if target.kind == "milestone":
        return parse_milestone(text)
    value = parse_number(text, target.unit)
    if value < 0 and target.kind == "cumulative":
        raise DataError("bad_value", value=text, reason=msg("why_negative_total"))
    if target.change == "decrease" and value >= 100:
        raise DataError("bad_value", value=text, reason=msg("why_decrease_100"))
    return value


def default_recorder() -> str:
    try:
        return os.environ.get("TLTRACK_USER") or getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return ""


Outcome = Literal["added", "unchanged", "corrected"]


class Change(NamedTuple):
    """What recording one figure does to the records file."""

    outcome: Outcome
    record: Record  # the figure that now counts for its period
    previous: Record | None  # the figure it replaces or repeats, if any
    source: Message | None = None  # where an imported figure came from: "row 3 (line 4)"


def _plan(
    existing: Sequence[Record],
    new: Sequence[tuple[Record, Message | None]],
    year: int,
    correct: bool,
) -> tuple[list[Change], list[tuple[int, Message]]]:
    """Decide each new figure against the file: a repeat is a no-op, another value for a
    period already recorded is a correction and needs `correct`; refusals come back as
    messages."""
    current = {
        (metric, period): counting(figures)
        for metric, items in records_by_metric(existing).items()
        for period, figures in figures_by_period(items, year).items()
    }
    changes: list[Change] = []
    refusals: list[tuple[int, Message]] = []  # the position in `new`, and why
    for position, (record, source) in enumerate(new):
        held = current.get((record.metric, parse_period(record.period, year)))
        previous = held.record if held is not None else None
        if previous is not None and previous.value == record.value:
            changes.append(Change("unchanged", previous, previous, source))
        elif previous is not None and not correct:
            refusal = msg(
                "already_has",
                metric=record.metric,
                value=previous.value,
                period=record.period,
                date=f"{previous.at:%Y-%m-%d}",
                by=previous.by or msg("unknown_person"),
            )
            refusals.append((position, refusal))
        else:
            # A correction names its place: one revision above the figure it supersedes.
            revision = held.revision + 1 if held is not None else 0
            kept = record._replace(correction=previous is not None, revision=revision)
            outcome: Outcome = "corrected" if previous is not None else "added"
            changes.append(Change(outcome, kept, previous, source))
    return changes, refusals


def _written(changes: Iterable[Change]) -> list[Record]:
    return [c.record for c in changes if c.outcome != "unchanged"]


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).replace(microsecond=0)


class RecordOutcome(NamedTuple):
    change: Change
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
    moment = _now(now)
    today = as_of or moment.astimezone().date()
    period = (
        parse_period(period_text, workspace.year)
        if period_text is not None
        else default_period(workspace.year, today)
    )
    check_text("--note", note)
    recorder = default_recorder() if by is None else by
    check_text("--by", recorder)
    new = Record(
        metric=target.id, period=period.label, value=value, note=note, by=recorder, at=moment
    )
    with workspace.store.change(metrics={target.id}) as change:
        changes, refusals = _plan(change.of({target.id}), [(new, None)], workspace.year, correct)
        if refusals:
            raise DataError(refusals[0][1])
        if _written(changes):
            change.append(_written(changes))
        mine = change.of({target.id})
    when = max(today, period.end)
    thresholds = workspace.catalog.meta.thresholds
    assessment = assess(target, mine, workspace.year, when, thresholds)
    return RecordOutcome(changes[0], assessment, thresholds.stale_after_days)


def check_text(name: object, text: str) -> None:
    """Notes and names go into a TOML file read by people: one line of real text."""
    if len(text) > 2000:
        raise DataError("too_long", what=name, length=len(text))
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise DataError("lone_surrogate", what=name)
    if any(ord(c) < 32 and c != "\t" for c in text):
        raise DataError("control_characters", what=name)


class ImportResult(NamedTuple):
    path: Path
    changes: list[Change]
    dry_run: bool

    def tally(self, outcome: Outcome) -> int:
        return sum(1 for c in self.changes if c.outcome == outcome)


def import_figures(
    workspace: Workspace,
    path: Path,
    correct: bool = False,
    dry_run: bool = False,
    by: str | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Record every figure of a file, or none: any bad row, and nothing is written."""
    from tltrack.importer import read_rows

    rows = read_rows(path)
    if not rows:
        raise DataError("holds_no_figures", file=path.name)
    moment = _now(now)
    default_by = default_recorder() if by is None else by
    new: list[tuple[Record, Message | None]] = []
    numbers: list[int] = []  # the row number of each figure in `new`
    problems: list[tuple[int, Message]] = []
    first_row: dict[tuple[str, Period], tuple[importer.SourceRow, float]] = {}
    for row in rows:
        try:
            record = _row_record(workspace, row, default_by, moment)
        except TltrackError as exc:
            problem = msg("row_problem", file=path.name, row=row.label, problem=exc.msg)
            problems.append((row.number, problem))
            continue
        key = (record.metric, parse_period(record.period, workspace.year))
        if key in first_row:
            earlier, value = first_row[key]
            if value != record.value:
                conflict = msg(
                    "conflicting_rows",
                    metric=record.metric,
                    period=record.period,
                    value=record.value,
                    other=value,
                    row=earlier.label,
                )
                problem = msg("row_problem", file=path.name, row=row.label, problem=conflict)
                problems.append((row.number, problem))
            continue  # the same figure twice in one file counts once
        first_row[key] = (row, record.value)
        new.append((record, row.label))
        numbers.append(row.number)
    metrics = {record.metric for record, _ in new}
    # A bad row and a changed figure are both listed, in row order: nothing is written, and the
    # next try should not meet a problem this one already knew of. Only a clean file locks.
    with workspace.store.change(metrics=metrics, dry_run=dry_run or bool(problems)) as change:
        changes, refusals = _plan(change.of(metrics), new, workspace.year, correct)
        for position, refusal in refusals:
            label = new[position][1]
            problem = msg("row_problem", file=path.name, row=label, problem=refusal)
            problems.append((numbers[position], problem))
        if problems:
            raise ValidationFailed([problem for _, problem in sorted(problems, key=_first)])
        if _written(changes) and not dry_run:
            change.append(_written(changes))
    return ImportResult(path, changes, dry_run)


def _first(pair: tuple[int, Message]) -> int:
    return pair[0]


def _row_record(workspace: Workspace, row: importer.SourceRow, by: str, moment: datetime) -> Record:
    fields = row.fields
    if not fields["metric"]:
        raise DataError("no_metric")
    target = workspace.catalog.find(fields["metric"])
    if not fields["period"]:
        raise DataError("no_period", metric=target.id)
    period = parse_period(fields["period"], workspace.year)
    unit = fields.get("unit", "")
    if unit and unit != target.unit:
        raise DataError("wrong_unit", metric=target.id, unit=unit, target_unit=target.unit)
    value = parse_value(target, fields["value"])
    note, who = fields.get("note", ""), fields.get("by", "") or by
    check_text(msg("what_note"), note)
    check_text(msg("what_by"), who)
    return Record(metric=target.id, period=period.label, value=value, note=note, by=who, at=moment)


class RecordHistory(NamedTuple):
    record: Record
    current: bool  # False when a later entry for the same period supersedes it


class TargetDetail(NamedTuple):
    target: Target
    history: list[RecordHistory]
    assessment: Assessment
    stale_after_days: int


def show(workspace: Workspace, metric: str, as_of: date) -> TargetDetail:
    target = workspace.catalog.find(metric)
    mine = [r for r in workspace.records() if r.metric == target.id]
    history = []
    for _, figures in sorted(figures_by_period(mine, workspace.year).items()):
        current = counting(figures)
        history += [RecordHistory(f.record, f is current) for f in figures]
    thresholds = workspace.catalog.meta.thresholds
    return TargetDetail(
        target,
        history,
        assess(target, mine, workspace.year, as_of, thresholds),
        thresholds.stale_after_days,
    )


class PeriodFigure(NamedTuple):
    period: Period
    current: Record
    superseded: list[Record]  # earlier figures for the period, oldest first
    assessment: Assessment  # the target as its figure stood when the period ended


def history(workspace: Workspace, metric: str) -> tuple[Target, list[PeriodFigure]]:
    """Every period's figure of a target, oldest period first, with its corrections."""
    target = workspace.catalog.find(metric)
    mine = [r for r in workspace.records() if r.metric == target.id]
    thresholds = workspace.catalog.meta.thresholds
    figures = []
    for period, recorded in sorted(figures_by_period(mine, workspace.year).items()):
        chosen = counting(recorded)
        current = chosen.record
        earlier = [f.record for f in recorded if f is not chosen]  # in the file's order
        judged = assess(target, [current], workspace.year, period.end, thresholds)
        figures.append(PeriodFigure(period, current, earlier, judged))
    return target, figures


# The statuses each --fail-on level fails on; "stale" fails on stale figures as well.
FAIL_LEVELS: dict[str, tuple[Status, ...]] = {
    "behind": ("behind", "at_risk", "missed"),
    "at_risk": ("at_risk", "missed"),
    "missed": ("missed",),
}
FAIL_ON_CHOICES = (*FAIL_LEVELS, "stale")
_SEVERITY: dict[Status, int] = {"missed": 0, "at_risk": 1, "behind": 2}


def worst_first(assessments: Iterable[Assessment]) -> list[Assessment]:
    """The targets that lag: missed, then at risk, then behind; the largest gap first."""
    return sorted(
        (a for a in assessments if a.status in _SEVERITY),
        key=lambda a: (_SEVERITY[a.status], a.gap if a.gap is not None else 0.0),
    )


class CheckResult(NamedTuple):
    report: StatusReport
    fail_on: tuple[str, ...]
    lagging: list[Assessment]  # behind, at risk or missed: the worst first
    stale: list[Assessment]
    failed: bool


def check(workspace: Workspace, as_of: date, fail_on: Sequence[str] = ()) -> CheckResult:
    """What lags at `as_of`, and whether that fails the check.

    The status level is the most lenient level given (default: behind); `stale` adds
    failing on stale figures.
    """
    unknown = [level for level in fail_on if level not in FAIL_ON_CHOICES]
    if unknown:
        raise UsageError("fail_on_level", level=unknown[0], levels=", ".join(FAIL_ON_CHOICES))
    levels = [level for level in FAIL_LEVELS if level in fail_on] or ["behind"]
    failing_statuses = FAIL_LEVELS[levels[0]]
    report = assess_all(workspace, workspace.records(), as_of)
    lagging = worst_first(report.assessments)
    stale = [a for a in report.assessments if a.stale]
    failed = any(a.status in failing_statuses for a in lagging) or (
        "stale" in fail_on and bool(stale)
    )
    chosen = (levels[0], *(("stale",) if "stale" in fail_on else ()))
    return CheckResult(report, chosen, lagging, stale, failed)


class RepairResult(NamedTuple):
    store: str
    backup: Path | None  # the hand-edited original, kept; None when nothing needed repair
    figures: int


def repair(workspace: Workspace, now: datetime | None = None) -> RepairResult:
    """Rewrite a hand-edited records file in tltrack's own form, keeping every figure it
    holds and a copy of the edited original beside it."""
    outcome = workspace.store.repair(_now(now))
    return RepairResult(workspace.store.name, outcome.backup, outcome.figures)
