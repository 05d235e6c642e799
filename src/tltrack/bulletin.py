"""The monthly bulletin (月度调度通报): Markdown, one self-contained HTML file, or .xlsx.

HTML has no scripts, no external fonts or files: CSS and inline SVG charts only, and a font
stack of the CJK fonts that Windows, macOS and Linux ship, so Chinese renders offline.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from tltrack.assess import Assessment, figures_by_end
from tltrack.bulletin_units import (
    UnitSections,
    build_sections,
    count_sentence,
    html_sections,
    markdown_sections,
    xlsx_sheets,
)
from tltrack.formatting import (
    by_category,
    gap_phrase,
    headers,
    row_cells,
    summary_text,
    target_text,
    value_text,
)
from tltrack.i18n import Lang, status_label, text
from tltrack.periods import Period, expected_share
from tltrack.safetext import markdown_text, printable, spreadsheet_cell
from tltrack.statuses import STATUSES
from tltrack.tracker import (
    StatusReport,
    Workspace,
    assess_all,
    records_by_metric,
    worst_first,
)
from tltrack.tracker import status as filtered_status
from tltrack.values import number

TOP_LAGGING = 10
STATUS_COLOURS: dict[str, str] = {
    "achieved": "#1a7f37",
    "ahead": "#0969da",
    "on_track": "#2da44e",
    "behind": "#bf8700",
    "at_risk": "#cf222e",
    "missed": "#82071e",
    "no_data": "#8c959f",
}


@dataclass(frozen=True)
class Bulletin:
    title: str
    report: StatusReport
    lagging: list[Assessment]  # behind, at risk or missed: the worst first
    series: dict[str, list[tuple[Period, float]]]  # each target's current figure per period
    sections: UnitSections = field(default_factory=lambda: UnitSections(None, None, None))


def build(
    workspace: Workspace, as_of: date, region: str | None = None, owner: str | None = None
) -> Bulletin:
    """The bulletin of the city, or of one region or lead unit (without the units' sections)."""
    records = workspace.records()
    if region is None and owner is None:
        report = assess_all(workspace, records, as_of)
        sections = build_sections(workspace, as_of)
    else:
        report = filtered_status(workspace, as_of, owner=owner, region=region)
        sections = UnitSections(None, None, None)

    # One point per month end, chosen as the target is judged: 2025-Q2 and 2025-06 never
    # stand at one x.
    own = [r for r in records if r.region == region]  # the city's figures, or the region's
    series = {
        metric: [(p, r.value) for p, r in figures_by_end(items, workspace.year) if p.end <= as_of]
        for metric, items in records_by_metric(own).items()
        if metric in workspace.catalog.by_id
    }
    for a in report.assessments:  # a total summed from the regions is drawn where it stands
        if a.source in ("rollup", "partial") and a.period is not None and a.value is not None:
            points = series.setdefault(a.target.id, [])
            if all(p.end != a.period.end for p, _ in points):
                points.append((a.period, a.value))
                points.sort(key=lambda point: point[0].end)
    title = workspace.catalog.meta.title or str(workspace.year)
    title = " · ".join(part for part in (title, region or owner) if part)
    return Bulletin(title, report, worst_first(report.assessments), series, sections)


def row_list(lang: Lang, a: Assessment) -> list[str]:
    return list(row_cells(lang, a).values())


def _lag_line(lang: Lang, a: Assessment) -> str:
    phrase = gap_phrase(lang, a)
    stretch = f" {text(lang, 'stretch_missed')}" if a.target.stretch else ""
    return (
        f"{a.target.name}: {value_text(lang, a.target, a.value)} ({a.period}),"
        f" {status_label(lang, a.status)}{', ' + phrase if phrase else ''}{stretch}"
    )


# --- Markdown --------------------------------------------------------------------------------


def markdown(b: Bulletin, lang: Lang) -> str:
    r = b.report
    out = [
        f"# {markdown_text(b.title)} {text(lang, 'bulletin')}",
        "",
        text(lang, "as_of", as_of=r.as_of.isoformat()),
        "",
        f"## {text(lang, 'headline')}",
        "",
        summary_text(lang, r.summary),
        "",
        count_sentence(lang, r.summary),
        "",
        f"### {text(lang, 'most_behind')}",
        "",
    ]
    if b.lagging:
        lagging = b.lagging[:TOP_LAGGING]
        out += [f"{i}. {markdown_text(_lag_line(lang, a))}" for i, a in enumerate(lagging, 1)]
    else:
        out.append(text(lang, "none_behind"))
    stale = [a for a in r.assessments if a.stale]
    if stale:
        names = ", ".join(f"{a.target.name} ({a.period})" for a in stale)
        out += ["", markdown_text(text(lang, "stale_list", days=r.stale_after_days, names=names))]
    out += markdown_sections(lang, r, b.sections)
    for category, items in by_category(r.assessments):
        out += [
            "",
            f"## {markdown_text(category)}",
            "",
            _md_table(headers(lang), [row_list(lang, a) for a in items]),
        ]
    if stale:
        out += ["", text(lang, "stale_note", mark="\\*", days=r.stale_after_days)]
    return "\n".join(out) + "\n"


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --- HTML ------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --paper: #ffffff; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; background: #f6f8fa; color: var(--ink);
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
    "Hiragino Sans GB", "Microsoft YaHei", "DejaVu Sans", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Helvetica Neue", Arial, sans-serif;
  font-size: 14px; line-height: 1.5; }
main { max-width: 1180px; margin: 0 auto; background: var(--paper); padding: 28px 32px;
  border: 1px solid var(--line); border-radius: 8px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px;
  border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 18px 0 6px; }
.sub { color: var(--muted); margin: 0 0 16px; }
.chips { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 4px; }
.chip { border-radius: 6px; padding: 6px 12px; color: #fff; font-weight: 600; }
.chip b { font-size: 20px; margin-left: 6px; }
ol.lag li { margin: 2px 0; }
.stale { color: #9a6700; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
  vertical-align: middle; }
th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.status { white-space: nowrap; font-weight: 600; }
td.chart { width: 230px; padding: 2px 4px; }
.quote { display: block; color: var(--muted); font-size: 12px; }
.light { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin-right: 6px; vertical-align: baseline; }
.count { font-size: 15px; margin: 8px 0; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
@media print { body { background: #fff; padding: 0; } main { border: 0; } }
"""


def html_document(b: Bulletin, lang: Lang) -> str:
    r = b.report

    def e(value: str) -> str:
        return html.escape(printable(value))

    parts = [
        "<!doctype html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(b.title)} {e(text(lang, 'bulletin'))} {r.as_of.isoformat()}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body><main>",
        f"<h1>{e(b.title)} {e(text(lang, 'bulletin'))}</h1>",
        f'<p class="sub">{e(text(lang, "as_of", as_of=r.as_of.isoformat()))}</p>',
        f"<h2>{e(text(lang, 'headline'))}</h2>",
        '<div class="chips">',
    ]
    for status in STATUSES:
        colour = STATUS_COLOURS[status]
        parts.append(
            f'<span class="chip" data-status="{status}" style="background:{colour}">'
            f"{e(status_label(lang, status))}<b>{r.summary[status]}</b></span>"
        )
    parts.append("</div>")
    parts.append(f'<p class="count">{e(count_sentence(lang, r.summary))}</p>')
    parts.append(f"<h3>{e(text(lang, 'most_behind'))}</h3>")
    if b.lagging:
        parts.append('<ol class="lag">')
        parts += [f"<li>{e(_lag_line(lang, a))}</li>" for a in b.lagging[:TOP_LAGGING]]
        parts.append("</ol>")
    else:
        parts.append(f"<p>{e(text(lang, 'none_behind'))}</p>")
    stale = [a for a in r.assessments if a.stale]
    if stale:
        names = ", ".join(f"{a.target.name} ({a.period})" for a in stale)
        listed = text(lang, "stale_list", days=r.stale_after_days, names=names)
        parts.append(f'<p class="stale">{e(listed)}</p>')
    parts += html_sections(lang, r, b.sections)
    head = headers(lang)
    for category, items in by_category(r.assessments):
        parts.append(f"<h2>{e(category)}</h2>")
        parts.append("<table><thead><tr>")
        parts += [f"<th>{e(h)}</th>" for h in head]
        parts.append("<th></th></tr></thead><tbody>")
        for a in items:
            cells = row_list(lang, a)
            parts.append(f'<tr data-id="{e(a.target.id)}">')
            parts.append(f'<td>{e(cells[0])}<span class="quote">“{e(a.target.quote)}”</span></td>')
            parts += [f'<td class="num">{e(c)}</td>' for c in cells[1:3]]
            parts.append(f"<td>{e(cells[3])}</td>")
            parts += [f'<td class="num">{e(c)}</td>' for c in cells[4:8]]
            parts.append(
                f'<td class="status" style="color:{STATUS_COLOURS[a.status]}">{e(cells[8])}</td>'
            )
            chart = chart_svg(lang, a, b.series.get(a.target.id, []))
            parts.append(f'<td class="chart">{chart}</td></tr>')
        parts.append("</tbody></table>")
    if stale:
        parts.append(
            f'<p class="stale">{e(text(lang, "stale_note", mark="*", days=r.stale_after_days))}</p>'
        )
    parts.append(f"<footer>{e(text(lang, 'generated'))}</footer>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


_W, _H, _PAD = 240, 64, 4
_LABEL = 'font-size="10" fill="#59636e"'


def chart_svg(lang: Lang, a: Assessment, series: Sequence[tuple[Period, float]]) -> str:
    """A small chart of a target with figures: cumulative figures against the pace line up to
    the target; growth and level figures against the target line; a milestone's progress."""
    if a.actual is None:
        return ""
    t = a.target
    title = html.escape(f"{t.name}: {value_text(lang, t, a.value)} / {target_text(lang, t)}")
    colour = STATUS_COLOURS[a.status]
    if t.kind == "milestone":
        share = max(0.0, min(1.0, (a.value or 0) / 100))
        width = round((_W - 2 * _PAD) * share, 1)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="24" role="img">'
            f"<title>{title}</title>"
            f'<rect x="{_PAD}" y="6" width="{_W - 2 * _PAD}" height="12" rx="3" fill="#eaeef2"/>'
            f'<rect x="{_PAD}" y="6" width="{width}" height="12" rx="3" fill="{colour}"/></svg>'
        )
    goal = t.goal
    values = [v for _, v in series]
    if t.kind == "cumulative":
        pace = [(m, goal * expected_share(t.pace, m / 12)) for m in range(13)]
        low, high = 0.0, max([goal, *values]) * 1.08
    else:
        pace = []
        low = min([0.0, goal, *values])
        high = max([goal, *values])
        span = high - low or 1.0
        low, high = low - span * 0.1, high + span * 0.15

    def x(month: float) -> float:
        return round(_PAD + (_W - 2 * _PAD) * month / 12, 1)

    def y(value: float) -> float:
        return round(_H - _PAD - (_H - 2 * _PAD) * (value - low) / ((high - low) or 1.0), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" role="img">',
        f"<title>{title}</title>",
        f'<line x1="{x(0)}" y1="{y(goal)}" x2="{x(12)}" y2="{y(goal)}" stroke="#59636e"'
        ' stroke-width="1" stroke-dasharray="2 2"/>',
    ]
    if t.kind != "cumulative" and low < 0 < high:
        parts.append(f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(12)}" y2="{y(0)}" stroke="#d1d9e0"/>')
    if pace:
        points = " ".join(f"{x(m)},{y(v)}" for m, v in pace)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="#8c959f" stroke-width="1.5"'
            ' stroke-dasharray="4 3"/>'
        )
    if series:
        points = " ".join(f"{x(p.months)},{y(v)}" for p, v in series)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        parts += [
            f'<circle cx="{x(p.months)}" cy="{y(v)}" r="2.5" fill="{colour}"/>' for p, v in series
        ]
    # Labels: the target at the right end of its line, the latest figure by its point.
    parts.append(
        f'<text x="{_W - _PAD}" y="{max(10.0, y(goal) - 3)}" text-anchor="end" {_LABEL}>'
        f"{html.escape(number(goal))}</text>"
    )
    if series:
        last_period, last_value = series[-1]
        anchor = "end" if last_period.months > 6 else "start"
        shift = -5 if anchor == "end" else 5
        label_y = min(_H - 2.0, y(last_value) + 12)
        parts.append(
            f'<text x="{x(last_period.months) + shift}" y="{label_y}" text-anchor="{anchor}"'
            f' font-size="10" fill="{colour}">{html.escape(number(last_value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- xlsx ------------------------------------------------------------------------------------


def _argb(status: str) -> str:
    return "FF" + STATUS_COLOURS[status][1:].upper()


def xlsx_bytes(b: Bulletin, lang: Lang) -> bytes:
    """The bulletin as a workbook: a summary sheet and the full table, colour-coded."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    r = b.report
    workbook = Workbook()
    summary = workbook.worksheets[0]
    summary.title = "通报" if lang == "zh" else "Bulletin"
    summary.append([spreadsheet_cell(f"{b.title} {text(lang, 'bulletin')}")])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([text(lang, "as_of", as_of=r.as_of.isoformat())])
    summary.append([])
    summary.append([text(lang, "status"), text(lang, "col_targets")])
    for status in STATUSES:
        summary.append([status_label(lang, status), r.summary[status]])
        summary.cell(summary.max_row, 1).font = Font(color=_argb(status), bold=True)
    summary.append([count_sentence(lang, r.summary)])
    summary.append([])
    summary.append([text(lang, "most_behind")])
    summary.cell(summary.max_row, 1).font = Font(bold=True)
    for a in b.lagging[:TOP_LAGGING]:
        summary.append([spreadsheet_cell(_lag_line(lang, a))])
    if not b.lagging:
        summary.append([text(lang, "none_behind")])
    summary.column_dimensions["A"].width = 60
    summary.column_dimensions["B"].width = 12

    details = workbook.create_sheet("明细" if lang == "zh" else "Details")
    head = [text(lang, "category"), *headers(lang), text(lang, "col_id"), text(lang, "col_stale")]
    details.append(head)
    for cell in details[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for a in r.assessments:
        cells = row_list(lang, a)
        row = [a.target.category, *cells, a.target.id]
        details.append([*map(spreadsheet_cell, row), bool(a.stale)])
        status_cell = details.cell(details.max_row, len(cells) + 1)
        status_cell.fill = PatternFill("solid", fgColor=_argb(a.status))
        status_cell.font = Font(color="FFFFFF", bold=True)
    widths = [14, 30, 12, 10, 16, 10, 10, 10, 12, 20, 30, 8]
    for index, width in enumerate(widths, start=1):
        details.column_dimensions[details.cell(1, index).column_letter].width = width
    details.freeze_panes = "C2"
    xlsx_sheets(workbook, lang, r, b.sections)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
