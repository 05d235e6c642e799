"""The view of each command's result: built once, rendered by any writer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tltrack.app.check import CheckResult
from tltrack.app.history import PeriodFigure, TargetDetail
from tltrack.app.importing import ImportResult
from tltrack.app.missing import MissingReport
from tltrack.app.recording import Change, RecordOutcome
from tltrack.app.status import StatusReport
from tltrack.app.validation import ValidationResult
from tltrack.domain.targets import Target
from tltrack.domain.values import number
from tltrack.formatting import (
    missing_line,
    rollup_notes,
    row_cells,
    summary_text,
    target_text,
    value_text,
    with_unit,
)
from tltrack.text.lang import Lang, text
from tltrack.views import (
    FOR_PEOPLE,
    STATUS_STYLE,
    Cell,
    Column,
    Row,
    Section,
    View,
    assessment_json,
    assessment_sections,
    bar,
    json_number,
    record_json,
    stale_notes,
    status_columns,
    status_row,
)

SPARKS = "▁▂▃▄▅▆▇█"


def unknown_metric_warnings(lang: Lang, report: StatusReport) -> list[str]:
    return [
        f"{text(lang, 'warning')}: "
        + text(
            lang,
            "unknown_records",
            records=report.records_name,
            metric=metric,
            targets=report.targets_name,
        )
        for metric in report.unknown_metrics
    ]


def status(report: StatusReport, lang: Lang, compact: bool) -> View:
    title = text(lang, "status_title", year=report.year, as_of=report.as_of.isoformat())
    if report.region is not None:
        title = text(lang, "region_title", region=report.region, title=title)
    if report.sample:
        title += text(lang, "sample_mark")
    return View(
        title=title,
        columns=status_columns(lang, compact),
        sections=assessment_sections(lang, report.assessments, compact, grouped=True),
        data=lambda: {
            "year": report.year,
            "as_of": report.as_of.isoformat(),
            "summary": report.summary,
            "targets": [assessment_json(a) for a in report.assessments],
        },
        summary=summary_text(lang, report.summary),
        notes=stale_notes(lang, report.assessments, report.stale_after_days)
        + other_years_note(lang, report),
        empty=text(lang, "no_match"),
        messages=unknown_metric_warnings(lang, report),
    )


def check(result: CheckResult, lang: Lang, compact: bool) -> View:
    report = result.report
    verdict = text(
        lang,
        "check_line",
        result=text(lang, "check_failed" if result.failed else "check_passed"),
        lagging=len(result.lagging),
        behind=report.summary["behind"],
        at_risk=report.summary["at_risk"],
        missed=report.summary["missed"],
        stale=len(result.stale),
        levels=",".join(result.fail_on),
    )
    notes = []
    if result.stale:
        names = ", ".join(f"{a.target.name} ({a.period})" for a in result.stale)
        notes.append(
            (text(lang, "stale_list", days=report.stale_after_days, names=names), "yellow")
        )
    notes += [(line, "yellow") for line in rollup_notes(lang, report.assessments)]
    notes += missing_notes(lang, result.missing)
    notes.append((verdict, ""))
    sample = text(lang, "sample_mark") if report.sample else ""
    return View(
        title=text(lang, "check_title", year=report.year, as_of=report.as_of.isoformat()) + sample,
        columns=status_columns(lang, compact),
        sections=assessment_sections(lang, result.lagging, compact, grouped=False),
        data={
            "year": report.year,
            "as_of": report.as_of.isoformat(),
            "fail_on": list(result.fail_on),
            "failed": result.failed,
            "summary": report.summary,
            "lagging": [assessment_json(a) for a in result.lagging],
            "stale": [assessment_json(a) for a in result.stale],
            "missing": missing_json(result.missing),
        },
        notes=notes,
        empty=text(lang, "no_lag"),
        messages=unknown_metric_warnings(lang, report),
    )


def other_years_note(lang: Lang, report: StatusReport) -> list[tuple[str, str]]:
    """Which year this is, when the folder holds others, and how to see another."""
    if not report.other_years:
        return []
    years = text(lang, "list_sep").join(str(year) for year in report.other_years)
    return [(text(lang, "other_years", year=report.year, years=years), "dim")]


def missing_json(report: MissingReport | None) -> dict[str, Any] | None:
    """`missing --format json`'s document (DESIGN §8)."""
    if report is None:
        return None
    return {
        "year": report.year,
        "period": report.period.label,
        "missing": [
            {"unit": m.unit, "by": m.by, "targets": [t.id for t in m.targets]}
            for m in report.missing
        ],
    }


def missing_notes(lang: Lang, report: MissingReport | None) -> list[tuple[str, str]]:
    """One line naming who has not reported, and how many figures each owes."""
    said = missing_line(lang, report)
    return [(said, "yellow")] if said else []


def record(result: RecordOutcome, lang: Lang, compact: bool) -> View:
    change, target = result.change, result.assessment.target
    r = change.record
    shown = value_text(lang, target, r.value)
    old = value_text(lang, target, change.previous.value) if change.previous else ""
    metric = (
        r.metric if r.region is None else text(lang, "of_region", metric=r.metric, region=r.region)
    )
    said = text(lang, change.outcome, metric=metric, period=r.period, value=shown, old=old)
    return View(
        title="",
        columns=status_columns(lang, compact),
        sections=[Section("", [status_row(lang, result.assessment, compact)])],
        data={"outcome": change.outcome, **assessment_json(result.assessment)},
        fields=[(text(lang, "region"), r.region)] if r.region is not None else [],
        notes=stale_notes(lang, [result.assessment], result.stale_after_days),
        messages=[said],
    )


def imported(
    result: ImportResult,
    lang: Lang,
    names: Mapping[str, str] | None = None,
    listed: bool = True,
) -> View:
    """What an import did; `names` (id: name) shows each target by the name people wrote.
    Without `listed` people get the counts only: a month of 10,000 rows is not read row by
    row on a terminal (scripts get every row in JSON and CSV all the same)."""
    names = names or {}
    counts = {o: result.tally(o) for o in ("added", "unchanged", "corrected")}
    columns = [
        Column("outcome", text(lang, "col_outcome")),
        Column("source", text(lang, "col_source"), wraps=True, min_width=10),
        Column("metric", text(lang, "name"), wraps=True, min_width=8),
        Column(
            "region", text(lang, "region"), in_table=any(c.record.region for c in result.changes)
        ),
        Column("period", text(lang, "period")),
        Column("value", text(lang, "value"), numeric=True),
        Column("previous", text(lang, "col_previous"), numeric=True),
    ]

    def row(c: Change) -> Row:
        return {
            "outcome": Cell(c.outcome, text(lang, f"outcome_{c.outcome}")),
            "source": Cell(
                None if c.source is None else str(c.source),
                "" if c.source is None else c.source.say(lang),
            ),
            "metric": Cell(c.record.metric, names.get(c.record.metric, c.record.metric)),
            "region": Cell(c.record.region, c.record.region or ""),
            "period": Cell(c.record.period, c.record.period),
            "value": Cell(c.record.value, number(c.record.value)),
            "previous": Cell(
                c.previous.value if c.previous else None,
                number(c.previous.value) if c.previous else "",
            ),
        }

    key = "import_dry" if result.dry_run else "import_done"
    files = [path.name for path in result.paths]
    shown_files = files[0] if len(files) == 1 else text(lang, "n_files", count=len(files))
    payload = {"file": files[0], "files": files, "dry_run": result.dry_run, **counts}
    # Rows are made only where they are shown: JSON and CSV, or a listed table.
    shown = [row(c) for c in result.changes if c.outcome != "unchanged"] if listed else []
    return View(
        title="",
        columns=columns,
        sections=[Section("", shown)],
        data=lambda: {
            **payload,
            "changes": [{k: cell.value for k, cell in row(c).items()} for c in result.changes],
        },
        messages=[
            *(said.say(lang) for said in result.explained),
            text(lang, key, file=shown_files, **counts),
        ],
    )


def history(
    target: Target,
    figures: Sequence[PeriodFigure],
    lang: Lang,
    compact: bool = False,
    region: str | None = None,
) -> View:
    keys = ("period", "value", "completion", "expected", "gap", "status", "note", "by", "at")
    numeric = ("value", "completion", "expected", "gap")
    # On a narrow terminal the time and the pace are left out, so nothing is cut.
    narrow_out = ("expected", "at") if compact else ()
    columns = [
        Column(k, text(lang, k), k in numeric, k == "note", k not in narrow_out) for k in keys
    ]
    columns.append(Column("corrects", text(lang, "corrected_from"), in_table=False))
    rows: list[Row] = []
    for f in figures:
        a = f.assessment
        cells = row_cells(lang, a)
        shown_bar = bar(a.completion) if a.completion is not None else None
        rows.append(
            {
                "period": Cell(f.period.label, f.period.label),
                "value": Cell(f.current.value, cells["actual"]),
                "completion": Cell(json_number(a.completion), cells["completion"], "", shown_bar),
                "expected": Cell(json_number(a.expected), cells["expected"]),
                "gap": Cell(json_number(a.gap), cells["gap"]),
                "status": Cell(a.status, cells["status"], STATUS_STYLE[a.status]),
                "note": Cell(f.current.note, f.current.note),
                "by": Cell(f.current.by, f.current.by),
                "at": Cell(f.current.at.isoformat(), f"{f.current.at:%Y-%m-%d %H:%M}"),
                "corrects": Cell(
                    "; ".join(number(r.value) for r in f.superseded),
                    "; ".join(value_text(lang, target, r.value) for r in f.superseded),
                    "dim",
                ),
            }
        )
        for old in reversed(f.superseded):
            was = f"{text(lang, 'corrected_from')} {value_text(lang, target, old.value)}"
            row = {column.key: Cell(None, "", "dim") for column in columns}
            row["value"] = Cell(old.value, was, "dim")
            row["note"] = Cell(old.note, old.note, "dim")
            row["by"] = Cell(old.by, old.by, "dim")
            row["at"] = Cell(old.at.isoformat(), f"{old.at:%Y-%m-%d %H:%M}", "dim")
            row[FOR_PEOPLE] = Cell(True)
            rows.append(row)
    periods = [
        {
            "period": f.period.label,
            "value": f.current.value,
            "completion": json_number(f.assessment.completion),
            "expected": json_number(f.assessment.expected),
            "gap": json_number(f.assessment.gap),
            "status": f.assessment.status,
            "record": record_json(f.current),
            "superseded": [record_json(r) for r in f.superseded],
        }
        for f in figures
    ]
    trend = sparkline([f.current.value for f in figures])
    title = f"{target.name}  ({target.id})  {text(lang, 'target')} {target_text(lang, target)}"
    return View(
        title=title if region is None else text(lang, "region_title", region=region, title=title),
        columns=columns,
        sections=[Section("", rows)],
        data={
            "id": target.id,
            "name": target.name,
            "unit": target.unit,
            "target": target.target,
            "region": region,
            "periods": periods,
        },
        notes=[(f"{text(lang, 'trend')}  {trend}", "")] if figures else [],
        empty=text(lang, "no_figures"),
    )


def sparkline(values: Sequence[float]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARKS[3] * len(values)
    return "".join(SPARKS[round((v - low) / (high - low) * (len(SPARKS) - 1))] for v in values)


def targets(items: Sequence[Target], lang: Lang, compact: bool = False) -> View:
    keys = ("id", "name", "category", "kind", "target", "unit", "direction", "stretch", "baseline")
    in_table: tuple[str, ...] = ("id", "name", "kind", "target")
    if not compact:
        in_table += ("category", "baseline")
    columns = [
        Column(
            k, text(lang, "col_id" if k == "id" else k), k == "baseline", k == "name", k in in_table
        )
        for k in keys
    ]
    rows: list[Row] = []
    for t in items:
        base = "" if t.baseline is None else with_unit(t.baseline, t.baseline_unit or t.unit)
        rows.append(
            {
                "id": Cell(t.id, t.id),
                "name": Cell(t.name, t.name),
                "category": Cell(t.category, t.category),
                "kind": Cell(t.kind, text(lang, f"kind_{t.kind}")),
                "target": Cell(t.target, target_text(lang, t)),
                "unit": Cell(t.unit, t.unit),
                "direction": Cell(t.direction, text(lang, t.direction)),
                "stretch": Cell(t.stretch, text(lang, "yes" if t.stretch else "no")),
                "baseline": Cell(t.baseline, base),
            }
        )
    return View(
        title="",
        columns=columns,
        sections=[Section("", rows)],
        data=[t.as_json(skip_empty=True) for t in items],
        summary=text(lang, "targets_total", count=len(items)),
    )


def detail(d: TargetDetail, lang: Lang, compact: bool) -> View:
    item = d.assessment
    t = item.target  # a region's own share where the detail is a region's
    baseline = "—" if t.baseline is None else with_unit(t.baseline, t.baseline_unit or t.unit)
    pace = text(lang, t.pace) if isinstance(t.pace, str) else text(lang, "monthly_shares")
    fields = [
        (text(lang, "category"), t.category),
        (text(lang, "kind"), text(lang, f"kind_{t.kind}")),
        (text(lang, "target"), target_text(lang, t)),
        (text(lang, "direction"), text(lang, t.direction)),
        (text(lang, "stretch"), text(lang, "yes" if t.stretch else "no")),
        (text(lang, "baseline"), baseline),
        (text(lang, "owner"), t.owner or "—"),
    ]
    if t.co_owners:
        fields.append((text(lang, "co_owners"), text(lang, "list_sep").join(t.co_owners)))
    if item.region is not None:
        fields.insert(0, (text(lang, "region"), item.region))
    if d.target.split and item.region is None:
        shares = [f"{name} {value_text(lang, t, share)}" for name, share in d.target.split]
        fields.append((text(lang, "split"), text(lang, "list_sep").join(shares)))
    fields += [
        (text(lang, "pace"), pace),
        (text(lang, "quote"), f"“{t.quote}”"),
    ]
    if t.baseline_quote:
        fields.append((text(lang, "baseline_quote"), f"“{t.baseline_quote}”"))
    if t.note:
        fields.append((text(lang, "note"), t.note))
    status_cells = status_row(lang, item, compact)
    fields.append((text(lang, "status"), status_cells["status"].text))
    for key in ("actual", "period", "completion", "expected", "gap"):
        if status_cells[key].text:
            fields.append((text(lang, key), status_cells[key].text))
    keys = ("period", "value", "note", "by", "at", "correction", "current")
    columns = [Column(k, text(lang, k), k == "value", k == "note") for k in keys]
    rows: list[Row] = []
    for h in d.history:
        r = h.record
        style = "" if h.current else "dim"
        rows.append(
            {
                "period": Cell(r.period, r.period, style),
                "value": Cell(r.value, value_text(lang, t, r.value), style),
                "note": Cell(r.note, r.note, style),
                "by": Cell(r.by, r.by, style),
                "at": Cell(r.at.isoformat(), r.at.isoformat(), style),
                "correction": Cell(r.correction, text(lang, "correction") if r.correction else ""),
                "current": Cell(h.current, text(lang, "yes" if h.current else "no"), style),
            }
        )
    history = [{**record_json(h.record), "current": h.current} for h in d.history]
    return View(
        title=f"{t.name}  ({t.id})",
        columns=columns,
        sections=[Section(text(lang, "records_title") if rows else "", rows)],
        data={"target": t.as_json(), "assessment": assessment_json(item), "records": history},
        fields=fields,
        notes=stale_notes(lang, [item], d.stale_after_days),
        empty=text(lang, "no_figures"),
    )


def validation(result: ValidationResult, lang: Lang) -> View:
    keys = ("file", "line", "target", "field", "message")
    columns = [Column(k, text(lang, f"col_{k}"), k == "line", k == "message") for k in keys]
    rows: list[Row] = [
        {
            "file": Cell(p.file, p.file),
            "line": Cell(p.line, "" if p.line is None else str(p.line)),
            "target": Cell(p.target_id, p.target_id or ""),
            "field": Cell(p.field, p.field or ""),
            "message": Cell(str(p.message), p.message.say(lang)),
        }
        for p in result.problems
    ]
    messages = [f"{text(lang, 'note_prefix')}: {note.say(lang)}" for note in result.notes]
    if result.problems:
        files = len({p.file for p in result.problems})
        messages.append(text(lang, "problems_found", count=len(result.problems), files=files))
    else:
        messages += [text(lang, "valid_file", file=name, count=n) for name, n in result.files]
    return View(
        title="",
        columns=columns,
        sections=[Section("", rows)],
        data={
            "valid": not result.problems,
            "notes": [str(note) for note in result.notes],
            "files": [{"file": name, "entries": n} for name, n in result.files],
            "problems": [{**{k: row[k].value for k in keys}} for row in rows],
        },
        messages=messages,
        lines=[p.say(lang) for p in result.problems],
    )
