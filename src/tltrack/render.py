"""All terminal output: Rich tables for people; JSON, CSV and Markdown for scripts and documents.

The only module that imports rich. JSON and CSV carry no colour or markup, and their keys
and status words do not change with the language.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from rich.cells import cell_len

from tltrack import texttable
from tltrack.assess import Assessment
from tltrack.domain import Record, Target
from tltrack.formatting import (
    COLUMNS,
    by_category,
    headers,
    number,
    row_cells,
    stale_note,
    summary_text,
    target_text,
    value_text,
    with_unit,
)
from tltrack.i18n import KIND_LABELS, Lang, text, translate_error
from tltrack.safetext import markdown_text, printable, printable_lines, spreadsheet_cell
from tltrack.statuses import Status
from tltrack.tracker import (
    CheckResult,
    ImportResult,
    PeriodFigure,
    RecordOutcome,
    StatusReport,
    TargetDetail,
    ValidationResult,
)

if TYPE_CHECKING:
    from rich.console import Console

Format = Literal["table", "json", "csv", "markdown"]

STATUS_STYLE: dict[Status, str] = {
    "achieved": "bold green",
    "on_track": "green",
    "behind": "yellow",
    "at_risk": "bold red",
    "missed": "red",
    "no_data": "dim",
}
SPARKS = "▁▂▃▄▅▆▇█"


def stdout_console() -> Console:
    """A Rich console for the smaller tables (list, show, history). Rich is imported only
    here: the status table, which may hold 10,000 rows, is drawn by texttable."""
    from rich.console import Console

    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped into a file or a pager: give the table room instead of Rich's 80 columns.
        console.width = 160
    return console


def _line(content: str = "", style: str = "") -> None:
    """One line of plain output, coloured only on a terminal that wants colour."""
    sys.stdout.write(texttable.styled(content, style, use_colour()) + "\n")


def message(line: str) -> None:
    """A message for people, on stderr, so stdout stays clean for scripts."""
    sys.stderr.write(printable(line) + "\n")
    sys.stderr.flush()


def _emit(output: str) -> None:
    """Plain text to stdout, for scripts: no colour, no markup, no wrapping."""
    sys.stdout.write(output)
    sys.stdout.flush()


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    # No cell may start a formula in the spreadsheet that opens the file, or hold a control
    # character that reaches a terminal through `cat`.
    writer.writerows(
        [spreadsheet_cell(c) if isinstance(c, str) else c for c in row] for row in rows
    )
    return out.getvalue()


def _markdown(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        return markdown_text(str("" if value is None else value))

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number(value)
    return str(value)


def _json_number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 4)


def assessment_json(item: Assessment) -> dict[str, Any]:
    t = item.target
    return {
        "id": t.id,
        "name": t.name,
        "category": t.category,
        "owner": t.owner,
        "kind": t.kind,
        "direction": t.direction,
        "unit": t.unit,
        "stretch": t.stretch,
        "target": t.target,
        "baseline": t.baseline,
        "baseline_unit": (t.baseline_unit or t.unit) if t.baseline is not None else None,
        "actual": item.value,
        "period": str(item.period) if item.period else None,
        "completion": _json_number(item.completion),
        "expected": _json_number(item.expected),
        "gap": _json_number(item.gap),
        "projected": _json_number(item.projected),
        "status": item.status,
        "stale": item.stale,
        "recorded_at": item.actual.record.at.isoformat() if item.actual else None,
    }


def _record_json(record: Record) -> dict[str, Any]:
    return {
        "period": record.period,
        "value": record.value,
        "note": record.note,
        "by": record.by,
        "at": record.at.isoformat(),
        "correction": record.correction,
    }


def bar(percent: float, width: int = 10) -> str:
    filled = max(0, min(width, round(percent / 100 * width)))
    return "█" * filled + "░" * (width - filled) + f" {number(percent, 1)}%"


def sparkline(values: Sequence[float]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARKS[3] * len(values)
    return "".join(SPARKS[round((v - low) / (high - low) * (len(SPARKS) - 1))] for v in values)


# --- the status table ------------------------------------------------------------------------


def terminal_width() -> int:
    """$COLUMNS, else the terminal's width; piped into a file or a pager, room for the table."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return 160


def use_colour() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _status_table(
    items: Sequence[Assessment], lang: Lang, width: int, grouped: bool = False
) -> str:
    """The status table; below 120 columns the period goes under the actual and the bar and
    projection are left out, so an 80-column terminal still shows every target in full."""
    compact = width < 120
    keys = [k for k in COLUMNS if not (compact and k in ("period", "projected"))]
    columns = []
    for key in keys:
        header = text(lang, key)
        numeric = key in ("actual", "completion", "expected", "gap", "projected")
        # Only text columns may wrap, and only when the terminal is narrow; figures never do.
        wraps = key == "name" or (compact and key in ("target", "status", "gap"))
        columns.append(
            texttable.Column(
                header,
                justify="right" if numeric else "left",
                wraps=wraps,
                min_width=12 if key == "name" else (4 if wraps else cell_len(header)),
            )
        )
    lines: list[texttable.Line] = []
    category = None
    for item in items:
        if grouped and item.target.category != category:
            if category is not None:
                lines.append(("blank", None))
            category = item.target.category
            lines.append(("title", f"【{category}】"))
        cells = row_cells(lang, item)
        gap_style = "" if item.gap is None else ("green" if item.gap >= 0 else "red")
        completion: texttable.Cell | str = cells["completion"]
        if item.target.kind == "cumulative" and not compact and item.completion is not None:
            completion = texttable.Cell(bar(item.completion), "cyan")
        row: list[texttable.Cell | str] = [cells["name"]]
        if compact:
            row.append(f"{cells['actual']}\n{cells['period']}" if cells["actual"] else "")
        else:
            row += [cells["actual"], cells["period"]]
        row += [
            cells["target"],
            completion,
            cells["expected"],
            texttable.Cell(cells["gap"], gap_style),
        ]
        if not compact:
            row.append(cells["projected"])
        row.append(texttable.Cell(cells["status"], STATUS_STYLE[item.status]))
        lines.append(("row", row))
    return texttable.render(columns, lines, width, use_colour())


def _print_table(table: str) -> None:
    sys.stdout.write(table)
    sys.stdout.flush()


def _print_stale_note(lang: Lang, items: Sequence[Assessment], days: int) -> None:
    note = stale_note(lang, items, days)
    if note:
        _line(note, "yellow")


def _warn_unknown(report: StatusReport, lang: Lang) -> None:
    for metric in report.unknown_metrics:
        warning = text(
            lang,
            "unknown_records",
            records=report.records_name,
            metric=metric,
            targets=report.targets_name,
        )
        message(f"{text(lang, 'warning')}: {warning}")


def print_status(report: StatusReport, fmt: Format, lang: Lang) -> None:
    if fmt == "json":
        _emit(
            _dumps(
                {
                    "year": report.year,
                    "as_of": report.as_of.isoformat(),
                    "summary": report.summary,
                    "targets": [assessment_json(a) for a in report.assessments],
                }
            )
        )
    elif fmt == "csv":
        _emit(
            _csv(
                ["id", *COLUMNS, "category", "stale"],
                (
                    [
                        a.target.id,
                        *row_cells(lang, a, mark_stale=False).values(),
                        a.target.category,
                        a.stale,
                    ]
                    for a in report.assessments
                ),
            )
        )
    elif fmt == "markdown":
        title = text(lang, "status_title", year=report.year, as_of=report.as_of.isoformat())
        parts = [f"# {title}\n"]
        for category, items in by_category(report.assessments):
            parts.append(f"\n## {markdown_text(category)}\n\n")
            rows = ([row_cells(lang, a)[k] for k in COLUMNS] for a in items)
            parts.append(_markdown(headers(lang), rows))
        parts.append(f"\n{summary_text(lang, report.summary)}\n")
        note = stale_note(lang, report.assessments, report.stale_after_days)
        if note:
            parts.append(f"\n{note.replace('*', chr(92) + '*', 1)}\n")
        _emit("".join(parts))
    else:
        title = text(lang, "status_title", year=report.year, as_of=report.as_of.isoformat())
        _line(title, "bold")
        if report.assessments:
            ordered = [a for _, group in by_category(report.assessments) for a in group]
            _print_table(_status_table(ordered, lang, terminal_width(), grouped=True))
        else:
            _line(text(lang, "no_match"))
        # One line, left to the terminal to wrap, so it stays whole for grep and copy.
        _line()
        _line(summary_text(lang, report.summary))
        _print_stale_note(lang, report.assessments, report.stale_after_days)
    _warn_unknown(report, lang)


def print_rows(items: Sequence[Assessment], fmt: Format, lang: Lang) -> None:
    if fmt == "csv":
        rows = [[*row_cells(lang, a, mark_stale=False).values(), a.stale] for a in items]
        _emit(_csv([*COLUMNS, "stale"], rows))
    else:
        _emit(_markdown(headers(lang), ([*row_cells(lang, a).values()] for a in items)))


# --- record, import ---------------------------------------------------------------------------


def print_record(result: RecordOutcome, fmt: Format, lang: Lang) -> None:
    change, target = result.change, result.assessment.target
    r = change.record
    shown = value_text(lang, target, r.value)
    old = value_text(lang, target, change.previous.value) if change.previous else ""
    message(text(lang, change.outcome, metric=r.metric, period=r.period, value=shown, old=old))
    if fmt == "json":
        _emit(_dumps({"outcome": change.outcome, **assessment_json(result.assessment)}))
    elif fmt in ("csv", "markdown"):
        print_rows([result.assessment], fmt, lang)
    else:
        _print_table(_status_table([result.assessment], lang, terminal_width()))
        _print_stale_note(lang, [result.assessment], result.stale_after_days)


def print_import(result: ImportResult, fmt: Format, lang: Lang) -> None:
    counts = {o: result.tally(o) for o in ("added", "unchanged", "corrected")}
    header = ["outcome", "source", "metric", "period", "value", "previous"]
    if fmt == "json":
        changes = [
            {
                "outcome": c.outcome,
                "source": c.source,
                "metric": c.record.metric,
                "period": c.record.period,
                "value": c.record.value,
                "previous": c.previous.value if c.previous else None,
            }
            for c in result.changes
        ]
        payload = {"file": result.path.name, "dry_run": result.dry_run, **counts}
        _emit(_dumps({**payload, "changes": changes}))
    else:
        rows = [
            [
                c.outcome,
                c.source,
                c.record.metric,
                c.record.period,
                number(c.record.value),
                number(c.previous.value) if c.previous else "",
            ]
            for c in result.changes
            if c.outcome != "unchanged"
        ]
        if fmt == "csv":
            _emit(_csv(header, rows))
        elif fmt == "markdown":
            _emit(_markdown(header, rows))
        elif rows:
            from rich import box
            from rich.table import Table

            table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
            for column in header:
                numeric = column in ("value", "previous")
                table.add_column(column, justify="right" if numeric else "left")
            for row in rows:
                table.add_row(*map(printable, row))
            stdout_console().print(table)
    key = "import_dry" if result.dry_run else "import_done"
    message(text(lang, key, file=result.path.name, **counts))


def print_problems(problems: Sequence[object], lang: Lang, file: str) -> None:
    """Every problem on its own line on stderr, then what came of it."""
    lines = [translate_error(lang, str(problem)) for problem in problems]
    verdict = text(lang, "import_failed", file=file, count=len(problems))
    if len(lines) == 1:  # one bad row: one line
        message(f"{lines[0]} ({verdict})")
        return
    for line in lines:
        message(line)
    message(verdict)


# --- check, history ---------------------------------------------------------------------------


def print_check(result: CheckResult, fmt: Format, lang: Lang) -> None:
    report = result.report
    line = text(
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
    if fmt == "json":
        _emit(
            _dumps(
                {
                    "year": report.year,
                    "as_of": report.as_of.isoformat(),
                    "fail_on": list(result.fail_on),
                    "failed": result.failed,
                    "summary": report.summary,
                    "lagging": [assessment_json(a) for a in result.lagging],
                    "stale": [assessment_json(a) for a in result.stale],
                }
            )
        )
    elif fmt in ("csv", "markdown"):
        print_rows(result.lagging, fmt, lang)
        message(line)
    else:
        title = text(lang, "check_title", year=report.year, as_of=report.as_of.isoformat())
        _line(title, "bold")
        if result.lagging:
            _print_table(_status_table(result.lagging, lang, terminal_width()))
        else:
            _line(text(lang, "no_lag"))
        if result.stale:
            names = ", ".join(f"{a.target.name} ({a.period})" for a in result.stale)
            _line(text(lang, "stale_list", days=report.stale_after_days, names=names), "yellow")
        _line(line)
    _warn_unknown(report, lang)


def print_history(target: Target, figures: Sequence[PeriodFigure], fmt: Format, lang: Lang) -> None:
    if fmt == "json":
        periods = [
            {
                "period": f.period.label,
                "value": f.current.value,
                "completion": _json_number(f.assessment.completion),
                "expected": _json_number(f.assessment.expected),
                "gap": _json_number(f.assessment.gap),
                "status": f.assessment.status,
                "record": _record_json(f.current),
                "superseded": [_record_json(r) for r in f.superseded],
            }
            for f in figures
        ]
        _emit(
            _dumps(
                {
                    "id": target.id,
                    "name": target.name,
                    "unit": target.unit,
                    "target": target.target,
                    "periods": periods,
                }
            )
        )
        return
    header = [
        "period",
        "value",
        "completion",
        "expected",
        "gap",
        "status",
        "note",
        "by",
        "at",
        "corrects",
    ]
    rows = []
    for f in figures:
        cells = row_cells(lang, f.assessment)
        rows.append(
            [
                f.period.label,
                cells["actual"],
                cells["completion"],
                cells["expected"],
                cells["gap"],
                f.assessment.status,
                f.current.note,
                f.current.by,
                f.current.at.isoformat(),
                "; ".join(value_text(lang, target, r.value) for r in f.superseded),
            ]
        )
    if fmt == "csv":
        _emit(_csv(header, rows))
        return
    if fmt == "markdown":
        _emit(f"# {target.name} ({target.id})\n\n" + _markdown(header, rows))
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = stdout_console()
    title = f"{target.name}  ({target.id})  {text(lang, 'target')} {target_text(lang, target)}"
    console.print(Text(printable(title), style="bold"))
    if not figures:
        console.print(text(lang, "no_figures"))
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for key in ("period", "value", "completion", "expected", "gap", "status", "note", "by", "at"):
        numeric = key in ("value", "expected", "gap")
        table.add_column(text(lang, key), justify="right" if numeric else "left", overflow="fold")
    for f in figures:
        cells = row_cells(lang, f.assessment)
        table.add_row(
            f.period.label,
            cells["actual"],
            bar(f.assessment.completion) if f.assessment.completion is not None else "",
            cells["expected"],
            cells["gap"],
            Text(cells["status"], style=STATUS_STYLE[f.assessment.status]),
            printable(f.current.note),
            printable(f.current.by),
            f"{f.current.at:%Y-%m-%d %H:%M}",
        )
        for old in reversed(f.superseded):
            table.add_row(
                "",
                f"{text(lang, 'corrected_from')} {value_text(lang, target, old.value)}",
                "",
                "",
                "",
                "",
                printable(old.note),
                printable(old.by),
                f"{old.at:%Y-%m-%d %H:%M}",
                style="dim",
            )
    console.print(table)
    trend = sparkline([f.current.value for f in figures])
    console.print(f"{text(lang, 'trend')}  {trend}", markup=False)


# --- list, show, validate ---------------------------------------------------------------------


def print_targets(targets: Sequence[Target], fmt: Format, lang: Lang) -> None:
    header = [
        *("id", "name", "category", "kind", "target", "unit", "direction"),
        *("stretch", "baseline"),
    ]
    rows = [[getattr(t, key) for key in header] for t in targets]
    if fmt == "json":
        _emit(_dumps([t.as_json(skip_empty=True) for t in targets]))
    elif fmt == "csv":
        _emit(_csv(header, rows))
    elif fmt == "markdown":
        _emit(_markdown(header, [[_plain(v) for v in row] for row in rows]))
    else:
        from rich import box
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for key in ("id", "name", "category", "kind", "target", "baseline"):
            table.add_column("id" if key == "id" else text(lang, key), overflow="fold")
        for t in targets:
            base = "" if t.baseline is None else with_unit(t.baseline, t.baseline_unit or t.unit)
            kind = KIND_LABELS[lang][t.kind]
            cells = (t.id, t.name, t.category, kind, target_text(lang, t), base)
            table.add_row(*map(printable, cells))
        console = stdout_console()
        console.print(table)
        console.print(text(lang, "targets_total", count=len(targets)))


def print_detail(detail: TargetDetail, fmt: Format, lang: Lang) -> None:
    t, item = detail.target, detail.assessment
    history = [{**_record_json(h.record), "current": h.current} for h in detail.history]
    if fmt == "json":
        payload = {"target": t.as_json(), "assessment": assessment_json(item)}
        _emit(_dumps({**payload, "records": history}))
        return
    header = ["period", "value", "note", "by", "at", "correction", "current"]
    rows = [[_plain(h[k]) for k in header] for h in history]
    if fmt == "csv":
        _emit(_csv(header, rows))
        return
    if fmt == "markdown":
        _emit("\n".join([f"# {t.name} ({t.id})\n", f"> {t.quote}\n", _markdown(header, rows)]))
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = stdout_console()
    console.print(Text(printable(f"{t.name}  ({t.id})"), style="bold"))
    baseline = "—"
    if t.baseline is not None:
        baseline = with_unit(t.baseline, t.baseline_unit or t.unit)
    fields = [
        (text(lang, "category"), t.category),
        (text(lang, "kind"), f"{KIND_LABELS[lang][t.kind]} ({t.kind})"),
        (text(lang, "target"), target_text(lang, t)),
        (text(lang, "direction"), t.direction),
        (text(lang, "stretch"), text(lang, "yes" if t.stretch else "no")),
        (text(lang, "baseline"), baseline),
        (text(lang, "owner"), t.owner or "—"),
        (text(lang, "pace"), t.pace if isinstance(t.pace, str) else text(lang, "monthly_shares")),
        (text(lang, "quote"), f"“{t.quote}”"),
    ]
    if t.baseline_quote:
        fields.append((text(lang, "baseline_quote"), f"“{t.baseline_quote}”"))
    if t.note:
        fields.append((text(lang, "note"), t.note))
    info = Table.grid(padding=(0, 2))
    info.add_column(style="dim", no_wrap=True)
    info.add_column(overflow="fold")
    for label, value in fields:
        info.add_row(label, Text(printable_lines(value)))
    console.print(info)
    console.print()
    _print_table(_status_table([item], lang, terminal_width()))
    _print_stale_note(lang, [item], detail.stale_after_days)
    if not detail.history:
        console.print(text(lang, "no_figures"))
        return
    records = Table(
        title=text(lang, "records_title"),
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    for key in ("period", "value", "note", "by", "at"):
        records.add_column(text(lang, key), overflow="fold")
    records.add_column("")
    for h in detail.history:
        r = h.record
        flags = []
        if r.correction:
            flags.append(text(lang, "correction"))
        if not h.current:
            flags.append(text(lang, "superseded"))
        records.add_row(
            r.period,
            value_text(lang, t, r.value),
            printable(r.note),
            printable(r.by),
            r.at.isoformat(),
            ", ".join(flags),
            style="" if h.current else "dim strike",
        )
    console.print(records)


def print_validation(result: ValidationResult, fmt: Format, lang: Lang) -> None:
    problems = result.problems
    if fmt == "json":
        _emit(
            _dumps(
                {
                    "valid": not problems,
                    "notes": result.notes,
                    "files": [{"file": name, "entries": n} for name, n in result.files],
                    "problems": [
                        {
                            "file": p.file,
                            "line": p.line,
                            "target": p.target_id,
                            "field": p.field,
                            "message": p.message,
                        }
                        for p in problems
                    ],
                }
            )
        )
        return
    if fmt in ("csv", "markdown"):
        header = ["file", "line", "target", "field", "message"]
        rows = [[p.file, p.line, p.target_id, p.field, p.message] for p in problems]
        _emit(_csv(header, rows) if fmt == "csv" else _markdown(header, rows))
    else:
        for problem in problems:
            _emit(f"{printable(str(problem))}\n")
    for note in result.notes:
        message(f"{text(lang, 'note_prefix')}: {translate_error(lang, note)}")
    if problems:
        files = len({p.file for p in problems})
        message(text(lang, "problems_found", count=len(problems), files=files))
    else:
        for name, count in result.files:
            message(text(lang, "valid_file", file=name, count=count))
