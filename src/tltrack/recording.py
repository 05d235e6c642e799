"""Recording figures: one typed on the command line, or the rows of files and returned forms,
all or nothing. A figure belongs to the city or to one region (DESIGN §7)."""

from __future__ import annotations

import contextlib
import getpass
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, NamedTuple

from tltrack.domain.assess import Assessment, counting, figures_by_period
from tltrack.domain.figures import Record
from tltrack.domain.periods import Period, default_period, parse_period
from tltrack.domain.responsibility import region_of
from tltrack.domain.rollup import Series, assess_city, assess_region
from tltrack.domain.targets import Target
from tltrack.domain.values import parse_milestone, parse_number, says_not_done
from tltrack.errors import (
    DataError,
    Message,
    TltrackError,
    ValidationFailed,
    msg,
)
from tltrack.sources.cells import figure_text, not_available
from tltrack.sources.cells import period_text as period_cell
from tltrack.sources.forms import returned_form
from tltrack.sources.reader import import_files, read_source
from tltrack.sources.rows import SourceRow
from tltrack.tracker import Workspace


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


def kept_progress(record: Record, existing: Sequence[Record], year: int) -> Record:
    """未完成 keeps a milestone's progress: the percentage of its newest figure before this
    one, not a fall to zero (a 60%-built reservoir is still 60% built)."""
    end = parse_period(record.period, year).end
    earlier = [
        (parse_period(r.period, year).end, r.value)
        for r in existing
        if r.metric == record.metric and r.region == record.region
    ]
    before = [value for at, value in sorted(earlier) if at <= end and value < 100]
    return record._replace(value=before[-1]) if before else record


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
    messages. A region's figures and the city's are separate series."""
    series: dict[tuple[str, str | None], list[Record]] = {}
    for record in existing:
        series.setdefault((record.metric, record.region), []).append(record)
    current = {
        (metric, region, period): counting(figures)
        for (metric, region), items in series.items()
        for period, figures in figures_by_period(items, year).items()
    }
    changes: list[Change] = []
    refusals: list[tuple[int, Message]] = []  # the position in `new`, and why
    for position, (record, source) in enumerate(new):
        key = (record.metric, record.region, parse_period(record.period, year))
        held = current.get(key)
        previous = held.record if held is not None else None
        if previous is not None and previous.value == record.value:
            changes.append(Change("unchanged", previous, previous, source))
        elif previous is not None and not correct:
            refusal = msg(
                "already_has",
                metric=_series_name(record),
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


def _series_name(record: Record) -> str:
    return record.metric if record.region is None else f"{record.metric} ({record.region})"


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
    region: str | None = None,
) -> RecordOutcome:
    """Append a figure. The same figure again is a no-op; another figure needs `correct`."""
    target = workspace.catalog.find(metric)
    place = region_of(workspace.catalog.meta.regions, target, region)
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
        metric=target.id,
        period=period.label,
        value=value,
        note=note,
        by=recorder,
        at=moment,
        region=place,
    )
    with workspace.store.change(metrics={target.id}) as change:
        if target.kind == "milestone" and says_not_done(value_text):
            new = kept_progress(new, change.of({target.id}), workspace.year)
        changes, refusals = _plan(change.of({target.id}), [(new, None)], workspace.year, correct)
        if refusals:
            raise DataError(refusals[0][1])
        if _written(changes):
            change.append(_written(changes))
        mine = change.of({target.id})
    # The status line judges the figure while its year runs (recorded late, after the year,
    # a June figure is still shown against June's pace, not as waiting for the year's).
    when = min(max(today, period.end), date(workspace.year, 12, 31))
    thresholds = workspace.catalog.meta.thresholds
    series = Series(
        [r for r in mine if r.region is None],
        {place: [r for r in mine if r.region == place]} if place else {},
    )
    if place is None:
        assessment = assess_city(target, series, workspace.year, when, thresholds)
    else:
        assessment = assess_region(target, place, series, workspace.year, when, thresholds)
    return RecordOutcome(changes[0], assessment, thresholds.stale_after_days)


_SURROGATE = re.compile("[\ud800-\udfff]")
# C0, DEL and C1 (\x85, \x9b), Unicode's control characters but the tab: the records file's
# reader refuses them all, so a note holding one must never be written.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def check_text(name: object, text: str) -> None:
    """Notes and names go into a TOML file read by people: one line of real text."""
    if len(text) > 2000:
        raise DataError("too_long", what=name, length=len(text))
    if _SURROGATE.search(text):
        raise DataError("lone_surrogate", what=name)
    if _CONTROL.search(text):
        raise DataError("control_characters", what=name)


# What an import's row says, named in the user's language if refused (made once: an import
# checks two texts a row).
_NOTE, _BY = msg("what_note"), msg("what_by")


class ImportResult(NamedTuple):
    paths: list[Path]
    changes: list[Change]
    dry_run: bool
    explained: tuple[Message, ...] = ()  # figures left blank on a form, with the reason

    def tally(self, outcome: Outcome) -> int:
        return sum(1 for c in self.changes if c.outcome == outcome)


class _Row(NamedTuple):
    order: tuple[int, int]  # the file's place among the files, then the row's number
    record: Record
    source: Message  # the row, and its file when there are several
    row: Message
    not_done: bool = False  # a milestone said 未完成: it keeps its progress


def import_figures(
    workspace: Workspace,
    paths: Sequence[Path],
    correct: bool = False,
    dry_run: bool = False,
    by: str | None = None,
    now: datetime | None = None,
    period_text: str | None = None,
    columns: Mapping[str, str] | None = None,
    other_year: Callable[[int], Workspace | None] | None = None,
) -> ImportResult:
    """Record every figure of some files and returned forms, or none: any bad row in any
    file, and nothing is written. Every problem of every file is listed, in file and row
    order. `period_text`: the period every figure must be for (a form for another is
    refused). `other_year` opens another year's workspace: a row of a year whose target file
    the folder holds goes there (a late 2025-12 figure in a file of 2026's), all or nothing
    with the rest."""
    listed = import_files(paths)
    files = [path for path, _ in listed]
    period = None if period_text is None else parse_period(period_text, workspace.year)
    moment = _now(now)
    default_by = default_recorder() if by is None else by
    several = len(files) > 1
    new: list[_Row] = []
    years: dict[int, tuple[Workspace, list[_Row]]] = {workspace.year: (workspace, new)}
    explained: list[Message] = []
    problems: list[tuple[tuple[int, int], Message]] = []
    first_row: dict[tuple[str, str | None, Period], tuple[Message, float]] = {}
    for place, (path, follow) in enumerate(listed):
        try:
            source = read_source(path, follow, columns)
            form = None
            if source.form is not None:
                form = returned_form(workspace.catalog, path, source.form, period)
            rows = form.rows if form is not None else source.rows
            if not rows and form is None:
                raise DataError("holds_no_figures", file=path.name)
        except DataError as exc:
            if not several:
                raise  # one file that does not read: its one line and exit code, as ever
            problems.append(((place, 0), exc.msg))
            continue
        if form is not None:
            problems += [((place, n), problem) for n, problem in form.problems]
            explained += form.explained
        for row in rows:
            order = (place, row.number)
            label = msg("file_row", file=path.name, row=row.label) if several else row.label
            if not_available(row.fields.get("value", "")):  # —: the bureau has no figure yet
                said = msg("row_not_available", file=path.name, row=row.label)
                explained.append(said)
                continue
            home = _home(workspace, row, other_year, years)
            try:
                record = _row_record(home, row, default_by, moment, period)
            except TltrackError as exc:
                problems.append(
                    (order, msg("row_problem", file=path.name, row=row.label, problem=exc.msg))
                )
                continue
            key = (record.metric, record.region, parse_period(record.period, home.year))
            if key in first_row:
                earlier, value = first_row[key]
                if value != record.value:
                    conflict = msg(
                        "conflicting_rows",
                        metric=_series_name(record),
                        period=record.period,
                        value=record.value,
                        other=value,
                        row=earlier,
                    )
                    problem = msg("row_problem", file=path.name, row=row.label, problem=conflict)
                    problems.append((order, problem))
                continue  # the same figure twice counts once
            first_row[key] = (label, record.value)
            target = home.catalog.by_id[record.metric]
            not_done = target.kind == "milestone" and says_not_done(row.fields["value"])
            years[home.year][1].append(_Row(order, record, label, row.label, not_done))
    # A bad row and a changed figure are both listed, in row order: nothing is written, and the
    # next try should not meet a problem this one already knew of. Only a clean import locks,
    # every year's records file at once, so the years are written all or nothing together.
    changes: list[Change] = []
    with contextlib.ExitStack() as stack:
        ready = []
        for home, kept in years.values():
            metrics = {row.record.metric for row in kept}
            change = stack.enter_context(
                home.store.change(metrics=metrics, dry_run=dry_run or bool(problems))
            )
            # Deciding a figure reads its own period's; 未完成 reads the periods before it.
            ends = None
            if not any(row.not_done for row in kept):
                ends = {parse_period(row.record.period, home.year).end for row in kept}
            existing = change.of(metrics, ends)
            if ends is not None:  # a store may give more: decide on the periods at hand only
                existing = [r for r in existing if parse_period(r.period, home.year).end in ends]
            planned = [
                (kept_progress(row.record, existing, home.year) if row.not_done else row.record,
                 row.source)
                for row in kept
            ]  # fmt: skip
            planned_changes, refusals = _plan(existing, planned, home.year, correct)
            for position, refusal in refusals:
                refused = kept[position]
                name = files[refused.order[0]].name
                problem = msg("row_problem", file=name, row=refused.row, problem=refusal)
                problems.append((refused.order, problem))
            ready.append((change, planned_changes))
            changes += planned_changes
        if problems:
            problems.sort(key=lambda pair: pair[0])
            raise ValidationFailed([problem for _, problem in problems])
        for change, planned_changes in ready:
            if _written(planned_changes) and not dry_run:
                change.append(_written(planned_changes))
    return ImportResult(files, changes, dry_run, tuple(explained))


def _home(
    workspace: Workspace,
    row: SourceRow,
    other_year: Callable[[int], Workspace | None] | None,
    years: dict[int, tuple[Workspace, list[_Row]]],
) -> Workspace:
    """The workspace a row's figure belongs to: its period's year where that year's target
    file is in the folder, else the one imported into (which then says the year is wrong)."""
    if other_year is None:
        return workspace
    try:
        year = parse_period(period_cell(row.fields.get("period", ""), workspace.year)).year
    except TltrackError:
        return workspace
    if year not in years:
        found = other_year(year)
        if found is None:
            return workspace
        years[year] = (found, [])
    return years[year][0]


def _row_record(
    workspace: Workspace,
    row: SourceRow,
    by: str,
    moment: datetime,
    expected: Period | None,
) -> Record:
    fields = row.fields
    if not fields["metric"]:
        raise DataError("no_metric")
    target = workspace.catalog.find(fields["metric"])
    if not fields["period"]:
        raise DataError("no_period", metric=target.id)
    period = parse_period(period_cell(fields["period"], workspace.year), workspace.year)
    if expected is not None and period.end != expected.end:
        raise DataError("other_period", period=period.label, expected=expected.label)
    unit = fields.get("unit", "")
    if unit and unit != target.unit:
        raise DataError("wrong_unit", metric=target.id, unit=unit, target_unit=target.unit)
    region = region_of(workspace.catalog.meta.regions, target, fields.get("region") or None)
    # 责任单位, where the target file names its units: one of them, or the row is misfiled.
    unit_name = fields.get("owner", "").strip()
    if (
        unit_name
        and target.owner is not None
        and unit_name not in (target.owner, *target.co_owners)
    ):
        raise DataError("other_owner", metric=target.name, unit=unit_name, owner=target.owner)
    value = parse_value(target, figure_text(fields["value"]))
    note, who = fields.get("note", ""), fields.get("by", "") or by
    check_text(_NOTE, note)
    check_text(_BY, who)
    return Record(
        metric=target.id,
        period=period.label,
        value=value,
        note=note,
        by=who,
        at=moment,
        region=region,
    )
