"""All terminal output: Rich tables for people; JSON, CSV and Markdown for scripts and documents.

The only module that imports rich. JSON and CSV carry no colour or markup.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tltrack.assess import Assessment
from tltrack.errors import Problem
from tltrack.model import STATUSES, Record, Status, Target
from tltrack.tracker import (
    CheckResult,
    ImportResult,
    PeriodFigure,
    RecordOutcome,
    StatusReport,
    TargetDetail,
    ValidationResult,
)

Format = Literal["table", "json", "csv", "markdown"]

STATUS_ZH: dict[Status, str] = {
    "achieved": "已完成",
    "on_track": "进度正常",
    "behind": "滞后",
    "at_risk": "严重滞后",
    "missed": "未完成",
    "no_data": "未填报",
}
STATUS_STYLE: dict[Status, str] = {
    "achieved": "bold green",
    "on_track": "green",
    "behind": "yellow",
    "at_risk": "bold red",
    "missed": "red",
    "no_data": "dim",
}
STALE_MARK = "*"
KIND_ZH = {"growth": "增速", "cumulative": "累计", "level": "水平", "milestone": "节点"}

# Column order shared by the table, CSV and Markdown.
COLUMNS = [
    ("name", "指标"),
    ("actual", "实际"),
    ("period", "期间"),
    ("target", "目标"),
    ("completion", "完成率"),
    ("expected", "时序进度"),
    ("gap", "差距(pp)"),
    ("projected", "年末预计"),
    ("status", "状态"),
]


def stdout_console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped into a file or a pager: give the table room instead of Rich's 80 columns.
        console.width = 160
    return console


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def number(value: float | None, digits: int = 4) -> str:
    """A figure as people write it: no exponent, no thousands separator, no trailing zeros."""
    if value is None:
        return ""
    if not math.isfinite(value):
        return "-"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed(value: float | None) -> str:
    if value is None:
        return ""
    text = number(value, 1)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def with_unit(value: float | None, unit: str) -> str:
    return "" if value is None else f"{number(value)}{unit}"


def target_text(target: Target) -> str:
    if target.kind == "milestone":
        return "完成" + (f" (by {target.due.isoformat()})" if target.due else "")
    sign = "≥" if target.direction == "at_least" else "≤"
    if target.base_year is not None:
        verb = "下降" if target.change == "decrease" else "增长"
        text = f"较{target.base_year}年{verb}{sign}{number(target.target)}{target.unit}"
    else:
        text = f"{sign}{number(target.target)}{target.unit}"
    return f"力争{text}" if target.stretch else text


def value_text(target: Target, value: float | None) -> str:
    if value is None:
        return ""
    if target.kind == "milestone":
        return "已完成" if value >= 100 else f"{number(value)}%"
    return with_unit(value, target.unit)


def actual_text(item: Assessment) -> str:
    return value_text(item.target, item.value)


def status_label(status: Status) -> str:
    return f"{STATUS_ZH[status]} {status}"


def bar(percent: float | None, width: int = 10) -> Text:
    if percent is None:
        return Text("")
    filled = max(0, min(width, round(percent / 100 * width)))
    return Text.assemble(
        ("█" * filled, "cyan"), ("░" * (width - filled), "dim"), f" {number(percent, 1)}%"
    )


def _cells(item: Assessment, mark_stale: bool = True) -> dict[str, str]:
    """Plain-text cells of one target's row (shared by CSV, Markdown and the table).

    For people a stale figure's period carries a mark explained under the table; CSV has a
    `stale` column instead.
    """
    t = item.target
    gap = item.gap
    return {
        "name": t.name,
        "actual": actual_text(item),
        "period": str(item.period or "") + (STALE_MARK if item.stale and mark_stale else ""),
        "target": target_text(t),
        "completion": "" if item.completion is None else f"{number(item.completion, 1)}%",
        "expected": "" if item.expected is None else f"{number(item.expected, 1)}%",
        "gap": signed(gap) if gap is not None else "",
        "projected": with_unit(item.projected, t.unit) if t.kind != "milestone" else "",
        "status": status_label(item.status),
    }


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


def _json_number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 4)


def stale_note(items: Sequence[Assessment], stale_after_days: int) -> str | None:
    """The footnote for figures marked stale; a bulletin must say so, not hide it."""
    if not any(item.stale for item in items):
        return None
    return (
        f"{STALE_MARK} 数据过期 stale: the period ended more than {stale_after_days} days"
        " before the as-of date"
    )


def _print_stale_note(console: Console, items: Sequence[Assessment], days: int) -> None:
    note = stale_note(items, days)
    if note:
        console.print(note, style="yellow")


def summary_line(summary: dict[Status, int]) -> str:
    parts = [f"{STATUS_ZH[s]} {s} {summary[s]}" for s in STATUSES]
    return f"共 {sum(summary.values())} 项: " + " · ".join(parts)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _markdown(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        return str("" if value is None else value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _status_table(items: Sequence[Assessment], width: int, grouped: bool = False) -> Table:
    """The status table; below 120 columns the period goes under the actual and the bar and
    projection are left out, so an 80-column terminal still shows every target in full."""
    compact = width < 120
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for key, header in COLUMNS:
        if compact and key in ("period", "projected"):
            continue
        numeric = key in ("actual", "completion", "expected", "gap", "projected")
        # Only text columns may wrap, and only when the terminal is narrow; figures never do.
        wraps = key == "name" or (compact and key in ("target", "status"))
        table.add_column(
            header,
            justify="right" if numeric else "left",
            no_wrap=not wraps,
            overflow="fold",
            min_width=12 if key == "name" else (None if wraps else cell_len(header)),
        )
    category = None
    for item in items:
        if grouped and item.target.category != category:
            if category is not None:
                table.add_section()
            category = item.target.category
            table.add_row(Text(f"【{category}】", style="bold"))
        cells = _cells(item)
        gap_style = "" if item.gap is None else ("green" if item.gap >= 0 else "red")
        show_bar = item.target.kind == "cumulative" and not compact
        row: list[Text | str] = [cells["name"]]
        if compact:
            row.append(f"{cells['actual']}\n{cells['period']}" if cells["actual"] else "")
        else:
            row += [cells["actual"], cells["period"]]
        row += [
            cells["target"],
            bar(item.completion) if show_bar else cells["completion"],
            cells["expected"],
            Text(cells["gap"], style=gap_style),
        ]
        if not compact:
            row.append(cells["projected"])
        row.append(Text(cells["status"], style=STATUS_STYLE[item.status]))
        table.add_row(*row)
    return table


def _emit(text: str) -> None:
    """Plain text to stdout, for scripts: no colour, no markup, no wrapping."""
    sys.stdout.write(text)
    sys.stdout.flush()


def print_status(report: StatusReport, fmt: Format) -> None:
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
        keys = [k for k, _ in COLUMNS]
        _emit(
            _csv(
                ["id", *keys, "category", "stale"],
                (
                    [a.target.id, *_cells(a, mark_stale=False).values(), a.target.category, a.stale]
                    for a in report.assessments
                ),
            )
        )
    elif fmt == "markdown":
        parts = [f"# {report.year} 年目标进度 (截至 {report.as_of.isoformat()})\n"]
        for category, items in _by_category(report.assessments):
            parts.append(f"\n## {category}\n\n")
            parts.append(
                _markdown(
                    [h for _, h in COLUMNS], ([_cells(a)[k] for k, _ in COLUMNS] for a in items)
                )
            )
        note = stale_note(report.assessments, report.stale_after_days)
        parts.append(f"\n{summary_line(report.summary)}\n" + (f"\n{note}\n" if note else ""))
        _emit("".join(parts))
    else:
        console = stdout_console()
        console.print(
            Text(f"{report.year} 年目标进度 · 截至 {report.as_of.isoformat()}", style="bold")
        )
        if report.assessments:
            ordered = [a for _, group in _by_category(report.assessments) for a in group]
            console.print(_status_table(ordered, console.width, grouped=True))
        else:
            console.print("no targets match the filters")
        # One line, left to the terminal to wrap, so it stays whole for grep and copy.
        console.print(summary_line(report.summary), soft_wrap=True)
        _print_stale_note(console, report.assessments, report.stale_after_days)
    warn_all(report.warnings)


def _by_category(items: Sequence[Assessment]) -> list[tuple[str, list[Assessment]]]:
    groups: dict[str, list[Assessment]] = {}
    for item in items:
        groups.setdefault(item.target.category, []).append(item)
    return list(groups.items())


def warn_all(warnings: Iterable[str]) -> None:
    for line in warnings:
        message(f"warning: {line}")


def message(text: str) -> None:
    """A message for people, on stderr, so stdout stays clean for scripts."""
    stderr_console().print(text, markup=False, highlight=False)


def print_record(result: RecordOutcome, fmt: Format) -> None:
    change, target = result.change, result.assessment.target
    r = change.record
    shown = value_text(target, r.value)
    if change.outcome == "added":
        message(f"recorded {r.metric} {r.period} = {shown}")
    elif change.outcome == "unchanged":
        message(f"already recorded: {r.metric} {r.period} = {shown}; nothing changed")
    else:
        old = value_text(target, change.previous.value) if change.previous else "?"
        message(f"corrected {r.metric} {r.period}: {old} -> {shown} (the old figure stays)")
    if fmt == "json":
        _emit(_dumps({"outcome": change.outcome, **assessment_json(result.assessment)}))
    elif fmt in ("csv", "markdown"):
        print_rows([result.assessment], fmt)
    else:
        console = stdout_console()
        console.print(_status_table([result.assessment], console.width))
        _print_stale_note(console, [result.assessment], result.stale_after_days)


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARKS[3] * len(values)
    return "".join(SPARKS[round((v - low) / (high - low) * (len(SPARKS) - 1))] for v in values)


def print_history(target: Target, figures: Sequence[PeriodFigure], fmt: Format) -> None:
    if fmt == "json":
        _emit(
            _dumps(
                {
                    "id": target.id,
                    "name": target.name,
                    "unit": target.unit,
                    "target": target.target,
                    "periods": [
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
                    ],
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
    rows = [
        [
            f.period.label,
            value_text(target, f.current.value),
            _cells(f.assessment)["completion"],
            _cells(f.assessment)["expected"],
            _cells(f.assessment)["gap"],
            f.assessment.status,
            f.current.note,
            f.current.by,
            f.current.at.isoformat(),
            "; ".join(value_text(target, r.value) for r in f.superseded),
        ]
        for f in figures
    ]
    if fmt == "csv":
        _emit(_csv(header, rows))
        return
    if fmt == "markdown":
        _emit(f"# {target.name} ({target.id})\n\n" + _markdown(header, rows))
        return
    console = stdout_console()
    console.print(Text(f"{target.name}  ({target.id})  目标 {target_text(target)}", style="bold"))
    if not figures:
        console.print("no figures recorded yet")
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column, justify in [
        ("期间", "left"),
        ("数值", "right"),
        ("完成率", "left"),
        ("时序进度", "right"),
        ("差距(pp)", "right"),
        ("状态", "left"),
        ("备注", "left"),
        ("填报人", "left"),
        ("时间", "left"),
    ]:
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for f in figures:
        cells = _cells(f.assessment)
        table.add_row(
            f.period.label,
            value_text(target, f.current.value),
            bar(f.assessment.completion) if f.assessment.completion is not None else "",
            cells["expected"],
            cells["gap"],
            Text(cells["status"], style=STATUS_STYLE[f.assessment.status]),
            f.current.note,
            f.current.by,
            f"{f.current.at:%Y-%m-%d %H:%M}",
        )
        for old in reversed(f.superseded):
            table.add_row(
                "",
                f"更正前 {value_text(target, old.value)}",
                "",
                "",
                "",
                "",
                old.note,
                old.by,
                f"{old.at:%Y-%m-%d %H:%M}",
                style="dim",
            )
    console.print(table)
    console.print(f"趋势 trend  {sparkline([f.current.value for f in figures])}")


def print_check(result: CheckResult, fmt: Format) -> None:
    report = result.report
    counts = {s: report.summary[s] for s in ("behind", "at_risk", "missed")}
    line = (
        f"check {'FAILED' if result.failed else 'passed'}: {len(result.lagging)} lagging"
        f" (behind {counts['behind']}, at_risk {counts['at_risk']}, missed {counts['missed']}),"
        f" {len(result.stale)} stale; --fail-on {','.join(result.fail_on)}"
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
        print_rows(result.lagging, fmt)
        message(line)
    else:
        console = stdout_console()
        console.print(
            Text(f"{report.year} 年目标检查 · 截至 {report.as_of.isoformat()}", style="bold")
        )
        if result.lagging:
            console.print(_status_table(result.lagging, console.width))
        else:
            console.print("no target lags")
        if result.stale:
            names = ", ".join(f"{a.target.name} ({a.period})" for a in result.stale)
            console.print(
                f"数据过期 stale (older than {report.stale_after_days} days): {names}",
                style="yellow",
            )
        console.print(line, soft_wrap=True)
    warn_all(report.warnings)


def print_problems(problems: Sequence[object], conclusion: str) -> None:
    """Every problem on its own line on stderr, then what came of it."""
    for problem in problems:
        message(str(problem))
    message(f"{conclusion}: {len(problems)} problem(s)")


def print_import(result: ImportResult, fmt: Format) -> None:
    counts = {o: result.count(o) for o in ("added", "unchanged", "corrected")}
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
        _emit(
            _dumps(
                {"file": result.path.name, "dry_run": result.dry_run, **counts, "changes": changes}
            )
        )
    else:
        header = ["outcome", "source", "metric", "period", "value", "previous"]
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
            table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
            for column in header:
                table.add_column(
                    column, justify="right" if column in ("value", "previous") else "left"
                )
            for row in rows:
                table.add_row(*row)
            stdout_console().print(table)
    verb = "would add" if result.dry_run else "added"
    summary = (
        f"{result.path.name}: {verb} {counts['added']}, unchanged {counts['unchanged']},"
        f" {'would correct' if result.dry_run else 'corrected'} {counts['corrected']}"
    )
    message(summary + ("; dry run, nothing written" if result.dry_run else ""))


def print_rows(items: Sequence[Assessment], fmt: Format) -> None:
    keys = [k for k, _ in COLUMNS]
    if fmt == "csv":
        rows = [[_cells(a, mark_stale=False)[k] for k in keys] for a in items]
        _emit(_csv([*keys, "stale"], ([*row, a.stale] for row, a in zip(rows, items, strict=True))))
    else:
        _emit(_markdown([h for _, h in COLUMNS], ([_cells(a)[k] for k in keys] for a in items)))


def print_targets(targets: Sequence[Target], fmt: Format) -> None:
    header = [
        "id",
        "name",
        "category",
        "kind",
        "target",
        "unit",
        "direction",
        "stretch",
        "baseline",
    ]
    rows = [
        [t.id, t.name, t.category, t.kind, t.target, t.unit, t.direction, t.stretch, t.baseline]
        for t in targets
    ]
    if fmt == "json":
        _emit(_dumps([t.model_dump(mode="json", exclude_none=True) for t in targets]))
    elif fmt == "csv":
        _emit(_csv(header, rows))
    elif fmt == "markdown":
        _emit(_markdown(header, [[_plain(v) for v in row] for row in rows]))
    else:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for column in ("id", "指标", "类别", "类型", "目标", "基数(2024)"):
            table.add_column(column, overflow="fold")
        for t in targets:
            base = "" if t.baseline is None else with_unit(t.baseline, t.baseline_unit or t.unit)
            table.add_row(t.id, t.name, t.category, KIND_ZH[t.kind], target_text(t), base)
        console = stdout_console()
        console.print(table)
        console.print(f"{len(targets)} targets")


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number(value, 4)
    return str(value)


def print_detail(detail: TargetDetail, fmt: Format) -> None:
    t, item = detail.target, detail.assessment
    history = [{**_record_json(h.record), "current": h.current} for h in detail.history]
    if fmt == "json":
        _emit(
            _dumps(
                {
                    "target": t.model_dump(mode="json"),
                    "assessment": assessment_json(item),
                    "records": history,
                }
            )
        )
        return
    header = ["period", "value", "note", "by", "at", "correction", "current"]
    rows = [[_plain(h[k]) for k in header] for h in history]
    if fmt == "csv":
        _emit(_csv(header, rows))
        return
    if fmt == "markdown":
        lines = [f"# {t.name} ({t.id})\n", f"> {t.quote}\n"]
        lines.append(_markdown(header, rows))
        _emit("\n".join(lines))
        return
    console = stdout_console()
    console.print(Text(f"{t.name}  ({t.id})", style="bold"))
    fields = [
        ("类别 category", t.category),
        ("类型 kind", f"{KIND_ZH[t.kind]} {t.kind}"),
        ("目标 target", target_text(t)),
        ("方向 direction", t.direction),
        ("力争 stretch", "是 yes" if t.stretch else "否 no"),
        (
            "基数 baseline (2024)",
            with_unit(t.baseline, t.baseline_unit or t.unit) if t.baseline is not None else "—",
        ),
        ("牵头单位 owner", t.owner or "—"),
        ("进度曲线 pace", t.pace if isinstance(t.pace, str) else "monthly shares"),
        ("原文 quote", f"“{t.quote}”"),
    ]
    if t.baseline_quote:
        fields.append(("基数原文 baseline quote", f"“{t.baseline_quote}”"))
    if t.note:
        fields.append(("备注 note", t.note))
    info = Table.grid(padding=(0, 2))
    info.add_column(style="dim", no_wrap=True)
    info.add_column(overflow="fold")
    for label, value in fields:
        info.add_row(label, value)
    console.print(info)
    console.print()
    console.print(_status_table([item], console.width))
    _print_stale_note(console, [item], detail.stale_after_days)
    if not detail.history:
        console.print("no figures recorded yet")
        return
    records = Table(
        title="填报记录 records", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False
    )
    for column in ("期间 period", "数值 value", "备注 note", "填报人 by", "时间 at", ""):
        records.add_column(column, overflow="fold")
    for h in detail.history:
        r = h.record
        flags = []
        if r.correction:
            flags.append("更正 correction")
        if not h.current:
            flags.append("已被更正 superseded")
        style = "" if h.current else "dim strike"
        records.add_row(
            r.period,
            value_text(t, r.value),
            r.note,
            r.by,
            r.at.isoformat(),
            ", ".join(flags),
            style=style,
        )
    console.print(records)


def _record_json(record: Record) -> dict[str, Any]:
    return {
        "period": record.period,
        "value": record.value,
        "note": record.note,
        "by": record.by,
        "at": record.at.isoformat(),
        "correction": record.correction,
    }


def print_validation(result: ValidationResult, fmt: Format) -> None:
    problems: list[Problem] = result.problems
    if fmt == "json":
        _emit(
            _dumps(
                {
                    "valid": not problems,
                    "files": [{"file": p.name, "entries": n} for p, n in result.files],
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
    for problem in problems:
        _emit(f"{problem}\n")
    if problems:
        files = len({p.file for p in problems})
        message(f"{len(problems)} problem(s) in {files} file(s)")
    else:
        for path, count in result.files:
            message(f"{path.name}: valid ({count} entries)")
