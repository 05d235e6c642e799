"""The bulletin as one self-contained HTML file, and as the A4 PDF printed from it.

HTML has no scripts, no external fonts or files: CSS and inline SVG charts only, and a font
stack of the CJK fonts that Windows, macOS and Linux ship, so Chinese renders offline. It
prints on A4: repeated table headers, no row split across pages, charts scaled to the column.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tltrack.documents.bulletin import (
    STATUS_COLOURS,
    TOP_LAGGING,
    Bulletin,
    full_title,
    table_headers,
    table_row,
)
from tltrack.documents.sections import count_sentence, html_sections
from tltrack.documents.words import date_words, lag_line
from tltrack.domain.assess import Assessment
from tltrack.domain.periods import Period, expected_share
from tltrack.domain.statuses import STATUSES, Status
from tltrack.domain.values import number
from tltrack.errors import StorageIOError, UnavailableError
from tltrack.text.lang import Lang, status_label, text
from tltrack.text.safe import printable
from tltrack.views.cells import target_text, value_text

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
td.name { min-width: 9em; }
.name-text { white-space: nowrap; }
.lead { font-size: 15px; line-height: 1.7; margin: 10px 0; text-indent: 2em; }
.issue { text-align: center; margin: 0; }
.issuer { display: flex; justify-content: space-between; border-bottom: 2px solid #c00;
  padding-bottom: 6px; margin-bottom: 12px; }
.quote { display: block; color: var(--muted); font-size: 12px; }
.light { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin-right: 6px; vertical-align: baseline; }
.count { font-size: 15px; margin: 8px 0; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
@page { size: A4 portrait; margin: 14mm 12mm 16mm; }
@page wide { size: A4 landscape; margin: 12mm 12mm 14mm; }
.categories { page: wide; }
@media print {
  body { background: #fff; padding: 0; font-size: 10pt; }
  main { border: 0; padding: 0; max-width: none; }
  thead { display: table-header-group; }
  tr, li, .chip { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  th, td { padding: 3px 5px; }
  td.chart { width: 40mm; }
  td.chart svg { width: 40mm; height: auto; }
}
"""


def html_document(b: Bulletin, lang: Lang) -> str:
    r = b.report
    title = full_title(b, lang)

    def e(value: str) -> str:
        return html.escape(printable(value))

    parts = [
        "<!doctype html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)} {r.as_of.isoformat()}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body><main>",
        f"<h1>{e(title)}</h1>",
    ]
    if b.options.issue is not None:
        parts.append(f'<p class="issue">{e(text(lang, "issue_no", issue=b.options.issue))}</p>')
    if b.options.issuer:
        parts.append(
            f'<p class="issuer"><span>{e(b.options.issuer)}</span>'
            f"<span>{e(date_words(lang, r.as_of))}</span></p>"
        )
    parts += [
        f'<p class="sub">{e(b.as_of_words(lang))}</p>',
        f"<h2>{e(text(lang, 'headline'))}</h2>",
        f'<p class="lead">{e(b.lead(lang))}</p>',
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
        parts += [f"<li>{e(lag_line(lang, a))}</li>" for a in b.lagging[:TOP_LAGGING]]
        parts.append("</ol>")
    else:
        parts.append(f"<p>{e(text(lang, 'none_behind'))}</p>")
    stale = b.stale
    if stale:
        names = ", ".join(f"{a.target.name} ({a.period})" for a in stale[:LARGE_SHOWN])
        if len(stale) > LARGE_SHOWN:
            names = text(lang, "names_and_more", names=names, count=len(stale))
        listed = text(lang, "stale_list", days=r.stale_after_days, names=names)
        parts.append(f'<p class="stale">{e(listed)}</p>')
    parts += html_sections(lang, r, b.sections)
    head = table_headers(b, lang)
    large = len(r.assessments) > LARGE_BULLETIN
    worst: dict[str, list[Assessment]] = {}
    for a in b.lagging:
        worst.setdefault(a.target.category, []).append(a)
    # The category tables print on landscape pages: a target's name never folds.
    parts.append('<section class="categories">')
    if large:
        note = text(lang, "large_bulletin", total=len(r.assessments), shown=LARGE_SHOWN)
        parts.append(f'<p class="count">{e(note)}</p>')
    for category, items in b.categories():
        parts.append(f"<h2>{e(category)}</h2>")
        if large:
            # Thousands of rows are read for what lags: a sentence of counts, the worst few.
            counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
            for a in items:
                counts[a.status] += 1
            parts.append(f'<p class="count">{e(count_sentence(lang, counts))}</p>')
            kept = {id(a) for a in items}  # after --hide: identity, not a field-by-field ==
            items = [a for a in worst.get(category, []) if id(a) in kept][:LARGE_SHOWN]
            if not items:
                continue
        parts.append("<table><thead><tr>")
        parts += [f"<th>{e(h)}</th>" for h in head]
        parts.append("<th></th></tr></thead><tbody>")
        for a in items:
            cells = table_row(b, lang, a)
            parts.append(f'<tr data-id="{e(a.target.id)}">')
            quote = f'<span class="quote">“{e(a.target.quote)}”</span>'
            name = f'<span class="name-text">{e(cells[0])}</span>'
            parts.append(f'<td class="name">{name}{quote}</td>')
            parts += [f'<td class="num">{e(c)}</td>' for c in cells[1:3]]
            parts.append(f"<td>{e(cells[3])}</td>")
            parts += [f'<td class="num">{e(c)}</td>' for c in cells[4:8]]
            parts.append(
                f'<td class="status" style="color:{STATUS_COLOURS[a.status]}">{e(cells[8])}</td>'
            )
            parts += [f'<td class="num">{e(c)}</td>' for c in cells[9:]]  # 上年同期, 同比
            chart = chart_svg(lang, a, b.series.get(a.target.id, []))
            parts.append(f'<td class="chart">{chart}</td></tr>')
        parts.append("</tbody></table>")
    if stale:
        parts.append(
            f'<p class="stale">{e(text(lang, "stale_note", mark="*", days=r.stale_after_days))}</p>'
        )
    parts.append(f"<footer>{e(text(lang, 'generated'))}</footer>")
    parts.append("</section></main></body></html>")  # the notes end the last landscape page
    return "\n".join(parts) + "\n"


# Past this many targets (a province's) the categories are summed up, not listed row by row:
# each shows its counts and its LARGE_SHOWN worst lagging targets; the xlsx holds every row.
LARGE_BULLETIN = 300
LARGE_SHOWN = 20
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
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="24"'
            f' viewBox="0 0 {_W} 24" role="img">'
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
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}"'
        f' viewBox="0 0 {_W} {_H}" role="img">',
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


# --- PDF ---------------------------------------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def pdf_bytes(document: str) -> bytes:
    """The HTML bulletin printed to an A4 PDF by headless Chromium: the text stays text
    (selectable, searchable Chinese), the page set by the document's own @page rule."""

    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None:
        raise UnavailableError("needs_chromium")
    with tempfile.TemporaryDirectory(prefix="tltrack-pdf-") as folder:
        source, target = Path(folder) / "bulletin.html", Path(folder) / "bulletin.pdf"
        source.write_text(document, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--print-to-pdf-no-header",
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium will not start as root without it
        try:
            subprocess.run(command, capture_output=True, timeout=180, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StorageIOError("pdf_failed", browser=browser, reason=str(exc)) from None
        if not target.exists() or target.stat().st_size == 0:
            raise StorageIOError("pdf_failed", browser=browser, reason="no PDF written")
        return target.read_bytes()
