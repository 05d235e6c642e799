"""`record`: one figure typed on the command line, for the city or one region (DESIGN §7),
and the rules every new figure meets: its value read in the target's unit, its text
checked, and a figure already recorded for its period repeated (a no-op) or corrected."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Literal, NamedTuple

from tltrack.domain.assess import Assessment, counting, figures_by_period
from tltrack.domain.catalog import Catalog
from tltrack.domain.figures import TYPED, Record, check_figures, records_by_metric
from tltrack.domain.periods import default_period, parse_period
from tltrack.domain.responsibility import region_of
from tltrack.domain.review import Finding, review_target
from tltrack.domain.rollup import assess_city, assess_region, series_of, sum_held
from tltrack.domain.targets import Target
from tltrack.domain.values import number, parse_milestone, read_number, says_not_done
from tltrack.errors import (
    DataError,
    Message,
    msg,
)
from tltrack.workspace.folder import Workspace


def parse_value(target: Target, text: str, given_in: str = "") -> tuple[float, Message | None]:
    """The figure given for `target`, read in its unit (from another of its kind, exactly:
    `given_in` is a column's unit), and the conversion said back (420000亩 → 42万亩);
    refused with a reason otherwise."""
    if target.kind == "milestone":
        return parse_milestone(text), None
    value, conversion = read_number(text, target.unit, given_in)
    if value < 0 and target.kind == "cumulative":
        raise DataError("bad_value", value=text, reason=msg("why_negative_total"))
    if target.change == "decrease" and value >= 100:
        raise DataError("bad_value", value=text, reason=msg("why_decrease_100"))
    if conversion is None:
        return value, None
    said = msg(
        "converted",
        given=f"{conversion.given}{conversion.unit}",
        value=f"{number(value, 6)}{target.unit}",
    )
    return value, said


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


# "explained": the same figure again with an explanation it lacked, kept as a new revision.
Outcome = Literal["added", "unchanged", "corrected", "explained"]


class Change(NamedTuple):
    """What recording one figure does to the records file."""

    outcome: Outcome
    record: Record  # the figure that now counts for its period
    previous: Record | None  # the figure it replaces or repeats, if any
    source: Message | None = None  # where an imported figure came from: "row 3 (line 4)"


def _plan(
    existing: Sequence[Record],
    new: Sequence[tuple[Record, Message | None]],
    catalog: Catalog,
    correct: bool,
) -> tuple[list[Change], list[tuple[int, Message]]]:
    """Decide each new figure against the file: a repeat is a no-op, another value for a
    period already recorded is a correction and needs `correct`; a figure a review rule
    finds unusual needs an explanation (DESIGN §9); refusals come back as messages. A
    region's figures and the city's are separate series. `existing`: every figure of the
    metrics at hand, as the review compares a figure with the period before."""
    year = catalog.year
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
    places: dict[Record, int] = {}  # each figure to write, by its place in `new`
    for position, (record, source) in enumerate(new):
        key = (record.metric, record.region, parse_period(record.period, year))
        held = current.get(key)
        previous = held.record if held is not None else None
        explains = previous is not None and record.explanation not in ("", previous.explanation)
        if previous is not None and previous.value == record.value and not explains:
            changes.append(Change("unchanged", previous, previous, source))
        elif previous is not None and not correct and not explains:
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
            if explains and previous is not None and previous.value == record.value:
                outcome = "explained"
            changes.append(Change(outcome, kept, previous, source))
            places[kept] = position
    refusals += _unexplained(existing, places, catalog)
    refusals.sort(key=lambda refusal: refusal[0])
    return changes, refusals


def _unexplained(
    existing: Sequence[Record], places: dict[Record, int], catalog: Catalog
) -> list[tuple[int, Message]]:
    """The figures about to be written that a review rule finds unusual, or that make one
    already kept unusual (a city total under its regions' sum, a total recorded late above
    the next), and that carry no explanation: each by its place, with what the rules found."""
    refusals = []
    had = records_by_metric(existing)
    limits = catalog.meta.review
    for metric, written in records_by_metric(places).items():
        target = catalog.by_id[metric]
        before = review_target(target, series_of(had.get(metric, [])), catalog.year, limits)
        known = {(f.record, f.rules) for f in before}
        after = review_target(
            target, series_of([*had.get(metric, ()), *written]), catalog.year, limits
        )
        for finding in after:
            if finding.explained or (finding.record, finding.rules) in known:
                continue
            for record in _answerable(finding, written, places):
                refusals.append((places[record], _needs_explanation(finding, record)))
    return refusals


def _answerable(
    finding: Finding, written: Sequence[Record], new: Mapping[Record, int]
) -> list[Record]:
    """The new figures a finding is theirs to explain: the figure itself, when new; else
    those that made a kept figure unusual (its day's, for the regions' sum; its series'
    earlier ones, for a fall or a jump). Each needs an explanation to be written."""
    if finding.record in new:
        return [finding.record] if not finding.record.explanation else []
    day = finding.period.end
    year = finding.period.year
    same_day = "regions_sum" in finding.rules
    return [
        r
        for r in written
        if not r.explanation
        and (
            parse_period(r.period, year).end == day
            if same_day
            else r.region == finding.record.region and parse_period(r.period, year).end < day
        )
    ]


def _needs_explanation(finding: Finding, record: Record) -> Message:
    why = finding.said[0]
    for said in finding.said[1:]:
        why = msg("review_both", first=why, second=said)
    target = finding.target
    if record != finding.record:  # another figure, kept, which this one makes unusual
        why = msg("review_makes", series=_named(target, finding.record),
                  period=finding.period.label, why=why)  # fmt: skip
    return msg(
        "needs_explanation",
        series=_named(target, record),
        period=record.period,
        value=f"{number(record.value, 6)}{finding.target.unit}",
        why=why,
    )


def _named(target: Target, record: Record) -> Message:
    """A figure's series as people name it: 综合治沙, or 综合治沙（奈曼旗）."""
    if record.region is None:
        return msg("plain", text=target.name)
    return msg("of_region", metric=target.name, region=record.region)


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
    converted: Message | None = None  # the figure as typed, in another unit of its kind


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
    explanation: str = "",
) -> RecordOutcome:
    """Append a figure. The same figure again is a no-op; another figure needs `correct`."""
    target = workspace.catalog.find(metric)
    place = region_of(workspace.catalog.meta.regions, target, region)
    value, converted = parse_value(target, value_text)
    moment = _now(now)
    today = as_of or moment.astimezone().date()
    period = (
        parse_period(period_text, workspace.year)
        if period_text is not None
        else default_period(workspace.year, today)
    )
    recorder = default_recorder() if by is None else by
    # Surrounding spaces are not what people meant (张三 , 完成　): a figure never keeps them.
    new = Record(
        metric=target.id,
        period=period.label,
        value=value,
        note=note.strip(),
        by=recorder.strip(),
        at=moment,
        region=place,
        explanation=explanation.strip(),
        unit=place or "",
        source=TYPED,
    )
    check_figures([new])  # the one rule of a figure, before any store is locked
    with workspace.store.change(metrics={target.id}) as change:
        if target.kind == "milestone" and says_not_done(value_text):
            new = kept_progress(new, change.of({target.id}), workspace.year)
        changes, refusals = _plan(change.of({target.id}), [(new, None)], workspace.catalog, correct)
        if refusals:
            raise DataError(refusals[0][1])
        if _written(changes):
            change.append(_written(changes))
        mine = change.of({target.id})
    # The status line judges the figure while its year runs (recorded late, after the year,
    # a June figure is still shown against June's pace, not as waiting for the year's).
    when = min(max(today, period.end), date(workspace.year, 12, 31))
    thresholds = workspace.catalog.meta.thresholds
    series = series_of(mine)  # every region's too: the regions' sum is part of the review
    review = target.review_limits(workspace.catalog.meta.review)
    if place is None:
        assessment = assess_city(target, series, workspace.year, when, thresholds, review)
    else:
        out = sum_held(target, series, workspace.year, when, review)
        assessment = assess_region(
            target, place, series, workspace.year, when, thresholds, None, review, out
        )
    return RecordOutcome(changes[0], assessment, thresholds.stale_after_days, converted)
