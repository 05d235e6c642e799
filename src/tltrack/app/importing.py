"""import: the figures of files and returned forms recorded all or nothing."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from tltrack.app.recording import (
    Change,
    Outcome,
    _now,
    _plan,
    _series_name,
    _written,
    default_recorder,
    kept_progress,
    parse_value,
)
from tltrack.domain.figures import Record, source_of, text_problem
from tltrack.domain.periods import Period, parse_period
from tltrack.domain.responsibility import region_of
from tltrack.domain.units import convertible
from tltrack.domain.values import says_not_done
from tltrack.errors import (
    DataError,
    Message,
    TltrackError,
    ValidationFailed,
    msg,
)
from tltrack.files.form_key import form_key
from tltrack.sources.cells import figure_text, names_no_year, not_available
from tltrack.sources.cells import period_text as period_cell
from tltrack.sources.forms import returned_form
from tltrack.sources.reader import import_files, read_source
from tltrack.sources.rows import SourceRow
from tltrack.stores.base import StoreChange
from tltrack.workspace.folder import Workspace


class ImportResult(NamedTuple):
    paths: list[Path]
    changes: list[Change]
    dry_run: bool
    explained: tuple[Message, ...] = ()  # figures left blank on a form, with the reason
    converted: tuple[Message, ...] = ()  # figures given in another unit: 420000亩 → 42万亩

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
    years_open: Sequence[int] = (),
    today: date | None = None,
) -> ImportResult:
    """Record every figure of some files and returned forms, or none: any bad row in any
    file, and nothing is written. Every problem of every file is listed, in file and row
    order. `period_text`: the period every figure must be for (a form for another is
    refused). `other_year` opens another year's workspace: a row of a year whose target file
    the folder holds goes there (a late 2025-12 figure in a file of 2026's), all or nothing
    with the rest. `years_open`: the years a period written without one (1-6月) could be of
    (see workspace.open_years): it is the year among them whose such period has ended by
    `today`; where more than one has, such a row is refused, naming them.
    """
    listed = import_files(paths)
    files = [path for path, _ in listed]
    period = None if period_text is None else parse_period(period_text, workspace.year)
    # 1-6月 of which year? With the --period given, that one's; else it must be one.
    undecided = len(years_open) > 1 and period is None
    moment = _now(now)
    default_by = default_recorder() if by is None else by
    several = len(files) > 1
    new: list[_Row] = []
    years: dict[int, tuple[Workspace, list[_Row]]] = {workspace.year: (workspace, new)}
    explained: list[Message] = []
    conversions: list[Message] = []  # figures given in another unit of their kind
    problems: list[tuple[tuple[int, int], Message]] = []
    first_row: dict[tuple[str, str | None, Period], tuple[Message, float]] = {}
    sealing: bytes | None = None  # the folder's key for forms' seals
    for place, (path, follow) in enumerate(listed):
        try:
            source = read_source(path, follow, columns)
            form = None
            if source.form is not None:
                if sealing is None:  # read once, at the first form
                    sealing = form_key(workspace.catalog.path.parent, create=False) or b""
                form = returned_form(workspace.catalog, path, source.form, period, sealing or None)
            rows = form.rows if form is not None else source.rows
            origin = source_of(path.name, source.sha256)
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
            written = row.fields.get("period", "")
            if undecided and names_no_year(written):
                ended = _ended_in(written, years_open, today or date.today())
                if len(ended) > 1:
                    unsure = msg(
                        "period_no_year",
                        period=written.strip(),
                        first=ended[0],
                        last=ended[-1],
                        example=f"{ended[0]}年{written.strip()}",
                    )
                    problem = msg("row_problem", file=path.name, row=row.label, problem=unsure)
                    problems.append((order, problem))
                    continue
                if ended:  # the one year whose such period is over: 1-6月 in April is last year's
                    fields = {**row.fields, "period": f"{ended[0]}年{written.strip()}"}
                    row = dataclasses.replace(row, fields=fields)
            home = _home(workspace, row, other_year, years)
            try:
                record, converted = _row_record(home, row, default_by, moment, period, origin)
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
            if converted is not None:
                conversions.append(msg("row_said", file=path.name, row=row.label, said=converted))
            target = home.catalog.by_id[record.metric]
            not_done = target.kind == "milestone" and says_not_done(row.fields["value"])
            years[home.year][1].append(_Row(order, record, label, row.label, not_done))
    # A bad row and a changed figure are both listed, in row order: nothing is written, and the
    # next try should not meet a problem this one already knew of. Only a clean import locks,
    # every year's store at once: each keeps its figures pending (a transaction; the TOML
    # file's new bytes written beside it) until all are, so a disk full or a refusal in one
    # year writes none. Then they are committed one by one.
    changes: list[Change] = []
    with contextlib.ExitStack() as stack:
        ready = []
        for home, kept in years.values():
            metrics = {row.record.metric for row in kept}
            change = stack.enter_context(
                home.store.change(metrics=metrics, dry_run=dry_run or bool(problems))
            )
            # Deciding a figure reads its own period's, and the review the figure before it
            # in its series; 未完成 reads every period before it.
            if any(row.not_done for row in kept):
                existing = change.of(metrics)
            else:
                existing = at_hand(change, [row.record for row in kept], home.year)
            planned = [
                (kept_progress(row.record, existing, home.year) if row.not_done else row.record,
                 row.source)
                for row in kept
            ]  # fmt: skip
            planned_changes, refusals = _plan(existing, planned, home.catalog, correct)
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
    return ImportResult(files, changes, dry_run, tuple(explained), tuple(conversions))


def _ended_in(written: str, years: Sequence[int], today: date) -> list[int]:
    """The years among `years` whose period `written` without its year (1-6月) names has
    ended by `today`."""
    ended = []
    for year in years:
        try:
            if parse_period(period_cell(written, year)).end <= today:
                ended.append(year)
        except TltrackError:
            return []  # not a period: said by the row's own check
    return ended


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
    origin: str,
) -> tuple[Record, Message | None]:
    """A row's figure, and its conversion from another unit of its kind, said back. It
    keeps who sent it (the form's office or region, else the row's) and `origin`, the file
    it came from."""
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
    if unit and not convertible(unit, target.unit):
        raise DataError("wrong_unit", metric=target.id, unit=unit, target_unit=target.unit)
    region = region_of(workspace.catalog.meta.regions, target, fields.get("region") or None)
    # 责任单位, where the target file names its offices: one of them, or the row is misfiled.
    office = fields.get("owner", "").strip()
    if office and target.owner is not None and office not in (target.owner, *target.co_owners):
        raise DataError("other_owner", metric=target.name, office=office, owner=target.owner)
    value, converted = parse_value(target, figure_text(fields["value"]), unit)
    sender = fields.get("reporter", "").strip() or region or office
    new = Record(
        metric=target.id,
        period=period.label,
        value=value,
        note=fields.get("note", "").strip(),
        by=(fields.get("by", "") or by).strip(),
        at=moment,
        region=region,
        explanation=fields.get("explanation", "").strip(),
        unit=sender,
        source=origin,
    )
    # Of the one rule of a figure, what a row's own words may break, said as the row's problem;
    # the store checks every field again before it writes (the rest is made by tltrack).
    for field in ("note", "by", "explanation", "unit"):
        problem = text_problem(field, getattr(new, field))
        if problem is not None:
            raise DataError(problem)
    return new, converted


def at_hand(change: StoreChange, new: Sequence[Record], year: int) -> list[Record]:
    """The figures of the store that deciding and reviewing `new` needs, and no more (an
    import of a province's month must not read its year): every figure of the days their
    periods end (a repeat, a correction, the regions' sum of a day), and each series' figures
    of the last day before its first new one (a fall, a jump). A store may give more than
    the days asked for (the TOML file gives every period): it is kept to those days."""
    first: dict[tuple[str, str | None], date] = {}
    for record in new:
        end = parse_period(record.period, year).end
        key = (record.metric, record.region)
        first[key] = min(end, first.get(key, end))
    ends = {parse_period(r.period, year).end for r in new}
    given = change.of({metric for metric, _ in first}, ends)
    before: dict[tuple[str, str | None], date] = {}  # each series' last day before its first
    for record in given:
        key, end = (record.metric, record.region), parse_period(record.period, year).end
        if key in first and end < first[key] and end > before.get(key, date.min):
            before[key] = end
    # The series whose day before was not given: asked for a month's end at a time, from
    # the latest back (most have a figure the month before; a series new this year, none).
    month_ends = sorted({parse_period(f"{year}-{m:02d}").end for m in range(1, 13)})
    for day in reversed(month_ends):
        if all(key in before for key in first):
            break
        wanting = {key for key, end in first.items() if key not in before and day < end}
        if not wanting:
            continue  # a day after every series' first new one
        for record in change.of({metric for metric, _ in wanting}, {day}):
            key = (record.metric, record.region)
            if key in wanting and parse_period(record.period, year).end == day:
                before[key] = day
                given.append(record)
    return [
        r
        for r in given
        if (end := parse_period(r.period, year).end) in ends
        or before.get((r.metric, r.region)) == end
    ]
