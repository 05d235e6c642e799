"""What each command shows, as one View that every writer (table, Markdown, CSV, JSON) renders.

A view is data, not text for one medium: columns with a key (CSV's header, never translated)
and a label (the table's header, in the interface language), rows of cells that carry both a
plain value for scripts and the text people read, a summary and notes, and the document its
JSON contract fixes. Nothing here knows a terminal or a file format.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tltrack.domain.assess import Assessment
from tltrack.domain.figures import Record, source_parts
from tltrack.domain.statuses import Status
from tltrack.domain.values import number
from tltrack.text.lang import Lang, text
from tltrack.views.cells import (
    COLUMNS,
    by_category,
    review_notes,
    rollup_notes,
    row_cells,
    stale_note,
)

Plain = str | float | int | bool | None

STATUS_STYLE: dict[Status, str] = {
    "achieved": "bold green",
    "ahead": "bold cyan",
    "on_track": "green",
    "behind": "yellow",
    "at_risk": "bold red",
    "missed": "red",
    "no_data": "dim",
}


class Column(NamedTuple):
    key: str  # CSV's header and the cell's name: English, never translated
    label: str  # the header people read, in the interface language
    numeric: bool = False  # right-aligned; never wrapped or cut
    wraps: bool = False  # may fold onto more lines on a narrow terminal
    in_table: bool = True  # False: for scripts only (CSV), not the table people read
    min_width: int = 0
    words: bool = False  # folds only between words (wraps must be set too)


class Cell(NamedTuple):
    # Named tuples, not dataclasses: a status of 10,000 targets makes 120,000 cells.
    value: Plain  # for scripts: a number, a status word, an id; the same in every language
    text: str = ""  # for people, in the interface language
    style: str = ""  # terminal colour words: "bold green"
    table: str | None = None  # the terminal's text where it differs (a bar before a percent)


Row = dict[str, Cell]
# A row with this key is for people only (a superseded figure under the one that counts):
# tables and Markdown show it, CSV leaves it out.
FOR_PEOPLE = "__for_people__"


class Section(NamedTuple):
    """A titled group of rows: a category of targets."""

    title: str
    rows: list[Row]


@dataclass
class View:
    title: str
    columns: list[Column]
    sections: list[Section]  # a single untitled section for a plain table
    # The JSON document of the command's contract, or a function that makes it: only the
    # JSON writer calls it.
    data: Any
    fields: list[tuple[str, str]] = field(default_factory=list)  # label: value, before the table
    summary: str = ""  # one line under the table
    notes: list[tuple[str, str]] = field(default_factory=list)  # (text, style) after that
    empty: str = ""  # said instead of the table when there are no rows
    messages: list[str] = field(default_factory=list)  # for stderr, not the output
    lines: list[str] | None = None  # for people, instead of the table (validate's problems)
    # More tables for people, after this one (each target's ranking of the regions): tables
    # and Markdown show them; CSV and JSON carry only this view's rows and data.
    after: list[View] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return [row for section in self.sections for row in section.rows]


def json_number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 4)


def bar(percent: float, width: int = 10) -> str:
    # Only a target met fills the bar: 96.2% shows a gap, not ten full blocks.
    filled = width if percent >= 100 else max(0, min(width - 1, math.floor(percent / 100 * width)))
    return "█" * filled + "░" * (width - filled) + f" {number(percent, 1)}%"


def assessment_json(item: Assessment) -> dict[str, Any]:
    t = item.target
    return {
        "id": t.id,
        "name": t.name,
        "category": t.category,
        "owner": t.owner,
        "co_owners": list(t.co_owners),
        "region": item.region,
        "kind": t.kind,
        "direction": t.direction,
        "unit": t.unit,
        "stretch": t.stretch,
        "target": t.target,
        "baseline": t.baseline,
        "baseline_unit": (t.baseline_unit or t.unit) if t.baseline is not None else None,
        "actual": item.value,
        "period": str(item.period) if item.period else None,
        "completion": json_number(item.completion),
        "expected": json_number(item.expected),
        "gap": json_number(item.gap),
        "projected": json_number(item.projected),
        "status": item.status,
        "stale": item.stale,
        "recorded_at": item.actual.record.at.isoformat() if item.actual else None,
        "source": item.origin,
        "regions_reported": list(item.regions_reported) if item.regions_reported else None,
        "rollup_sum": item.rollup_sum,
        # review (DESIGN §9): "pending" (held back, 待核实), "explained" (核), or null
        "review": "pending" if item.under_review else ("explained" if item.explanation else None),
        "explanation": item.explanation or None,
    }


def record_json(record: Record) -> dict[str, Any]:
    return {
        "period": record.period,
        "value": record.value,
        "note": record.note,
        "by": record.by,
        "at": record.at.isoformat(),
        "correction": record.correction,
        # who sent it, from where, and why an unusual figure is right (DESIGN §9-§10)
        "unit": record.unit or None,
        "source": source_parts(record.source)[0] or None,
        "sha256": source_parts(record.source)[1],
        "explanation": record.explanation or None,
    }


# --- the status table, shared by status, check and record -------------------------------------

_NUMERIC = ("actual", "completion", "expected", "gap", "projected")
_SHORT = ("target", "completion", "expected", "gap")  # headers with a short form


def status_columns(lang: Lang, compact: bool) -> list[Column]:
    """The status table's columns. Compact (a terminal under 120 columns): the period goes under
    the actual and the projection is left out, so 80 columns still show every target whole."""
    columns = [Column("id", "id", in_table=False)]
    for key in COLUMNS:
        if compact and key == "projected":
            continue
        # Under 120 columns the short headers: a header is never folded, so it sets a floor.
        label = text(lang, f"{key}_short" if compact and key in _SHORT else key)
        # The name folds anywhere; a target or a status only between words: a figure, a
        # unit or a status word is never cut.
        wraps = key in ("name", "target", "status")
        minimum = (6 if compact else 12) if key == "name" else 0
        in_table = not (compact and key == "period")
        words = key in ("target", "status")
        columns.append(Column(key, label, key in _NUMERIC, wraps, in_table, minimum, words))
    columns += [Column("category", "category", in_table=False)]
    columns += [Column("stale", "stale", in_table=False)]
    return columns


def status_row(lang: Lang, a: Assessment, compact: bool = False) -> Row:
    t = a.target
    shown = row_cells(lang, a)
    period = str(a.period) if a.period else None
    gap_style = "" if a.gap is None else ("green" if a.gap >= 0 else "red")
    completion = None
    if t.kind == "cumulative" and a.completion is not None and not compact:
        completion = bar(a.completion)
    actual_table = f"{shown['actual']}\n{shown['period']}" if compact and shown["actual"] else None
    return {
        "id": Cell(t.id, t.id),
        "name": Cell(t.name, t.name),
        "actual": Cell(a.value, shown["actual"], table=actual_table),
        "period": Cell(period, shown["period"]),
        "target": Cell(t.target, shown["target"]),
        "completion": Cell(json_number(a.completion), shown["completion"], "cyan", completion),
        "expected": Cell(json_number(a.expected), shown["expected"]),
        "gap": Cell(json_number(a.gap), shown["gap"], gap_style),
        "projected": Cell(
            None if t.kind == "milestone" else json_number(a.projected), shown["projected"]
        ),
        "status": Cell(a.status, shown["status"], STATUS_STYLE[a.status]),
        "category": Cell(t.category, t.category),
        "stale": Cell(bool(a.stale), ""),
    }


def assessment_sections(
    lang: Lang, items: Sequence[Assessment], compact: bool, grouped: bool
) -> list[Section]:
    if not grouped:
        return [Section("", [status_row(lang, a, compact) for a in items])]
    return [
        Section(category, [status_row(lang, a, compact) for a in group])
        for category, group in by_category(items)
    ]


def stale_notes(lang: Lang, items: Sequence[Assessment], days: int) -> list[tuple[str, str]]:
    """The notes under a table of targets: stale figures, partial and disagreeing totals."""
    note = stale_note(lang, items, days)
    notes = [(note, "yellow")] if note else []
    notes += [(line, "yellow") for line in rollup_notes(lang, items)]
    return notes + [(line, "yellow") for line in review_notes(lang, items)]
