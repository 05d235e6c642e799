"""The views of the targets themselves: list, show (one target and every figure) and history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tltrack.app.history import PeriodFigure, TargetDetail
from tltrack.domain.figures import source_parts
from tltrack.domain.targets import Target
from tltrack.domain.values import number
from tltrack.text.lang import Lang, text
from tltrack.views.cells import (
    row_cells,
    source_words,
    target_text,
    value_text,
    with_unit,
)
from tltrack.views.view import (
    FOR_PEOPLE,
    STATUS_STYLE,
    Cell,
    Column,
    Row,
    Section,
    View,
    assessment_json,
    bar,
    json_number,
    record_json,
    stale_notes,
    status_row,
)

SPARKS = "▁▂▃▄▅▆▇█"


def _source_cell(lang: Lang, source: str, style: str = "") -> Cell:
    return Cell(source_parts(source)[0], source_words(lang, source), style)


def by_text(lang: Lang, by: str, role: str | None) -> str:
    """Who recorded a figure, as people read it: the name the writer gave, and beside it the
    database role that wrote it where the store knows (the one name a database vouches for:
    `by` is what was typed)."""
    return by if role is None else text(lang, "by_role", by=by, role=role)


def _with_role(record: dict[str, Any], role: str | None) -> dict[str, Any]:
    return record if role is None else {**record, "db_role": role}


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
    # Who sent each figure and from where: for scripts, and on a wide terminal.
    columns[8:8] = [
        Column("unit", text(lang, "col_reporter"), in_table=not compact),
        Column("source", text(lang, "col_source"), wraps=True, in_table=not compact),
    ]
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
                "by": Cell(f.current.by, by_text(lang, f.current.by, f.roles.get(f.current))),
                "unit": Cell(f.current.unit, f.current.unit),
                "source": _source_cell(lang, f.current.source),
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
            row["by"] = Cell(old.by, by_text(lang, old.by, f.roles.get(old)), "dim")
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
            "record": _with_role(record_json(f.current), f.roles.get(f.current)),
            "superseded": [_with_role(record_json(r), f.roles.get(r)) for r in f.superseded],
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
    explained = any(h.record.explanation for h in d.history)
    columns[4:4] = [  # after `by`: who sent it, from where, and why
        # On a narrow terminal the explanation is the note under the table only.
        Column(
            "explanation",
            text(lang, "col_explanation"),
            wraps=True,
            in_table=explained and not compact,
        ),
        Column("unit", text(lang, "col_reporter"), in_table=not compact),
        Column("source", text(lang, "col_source"), wraps=True, in_table=not compact),
    ]
    rows: list[Row] = []
    for h in d.history:
        r = h.record
        style = "" if h.current else "dim"
        rows.append(
            {
                "period": Cell(r.period, r.period, style),
                "value": Cell(r.value, value_text(lang, t, r.value), style),
                "note": Cell(r.note, r.note, style),
                "explanation": Cell(r.explanation, r.explanation, style),
                "unit": Cell(r.unit, r.unit, style),
                "source": _source_cell(lang, r.source, style),
                "by": Cell(r.by, by_text(lang, r.by, h.role), style),
                "at": Cell(r.at.isoformat(), r.at.isoformat(), style),
                "correction": Cell(r.correction, text(lang, "correction") if r.correction else ""),
                "current": Cell(h.current, text(lang, "yes" if h.current else "no"), style),
            }
        )
    history = [
        {**_with_role(record_json(h.record), h.role), "current": h.current} for h in d.history
    ]
    return View(
        title=f"{t.name}  ({t.id})",
        columns=columns,
        sections=[Section(text(lang, "records_title") if rows else "", rows)],
        data={"target": t.as_json(), "assessment": assessment_json(item), "records": history},
        fields=fields,
        notes=stale_notes(lang, [item], d.stale_after_days),
        empty=text(lang, "no_figures"),
    )
