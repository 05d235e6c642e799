"""The bulletin's sections on lead offices and regions: the count sentence of a supervision
report, each lead office's results (各牵头单位完成情况), the regions ranked for each split
target with three-colour marks, who has not reported, and the city totals that disagree with
their regions. Each section is given as plain rows once, and rendered for Markdown, HTML and
xlsx."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tltrack.app.missing import MissingReport
from tltrack.app.missing import missing_figures as find_missing
from tltrack.app.status import GroupsReport, StatusReport, by_groups
from tltrack.domain.assess import Assessment
from tltrack.domain.figures import TYPED, Record, source_parts
from tltrack.domain.periods import due_period
from tltrack.domain.responsibility import owners_of
from tltrack.domain.statuses import STATUSES, Status
from tltrack.text.lang import Lang, status_label, text
from tltrack.text.safe import markdown_text, printable
from tltrack.views.cells import (
    missing_line,
    percent,
    review_notes,
    rollup_notes,
    signed,
    status_words,
    unjudged_blank,
    value_text,
)
from tltrack.workspace.folder import Workspace

# 三色预警: the light each status shows.
LIGHT: dict[Status, str] = {
    "achieved": "green",
    "ahead": "green",
    "on_track": "green",
    "behind": "yellow",
    "at_risk": "red",
    "missed": "red",
    "no_data": "grey",
}
LIGHT_COLOUR = {"green": "#1a7f37", "yellow": "#bf8700", "red": "#cf222e", "grey": "#8c959f"}
LIGHT_MARK = {"green": "🟢", "yellow": "🟡", "red": "🔴", "grey": "⚪"}


@dataclass(frozen=True)
class GroupSections:
    owners: GroupsReport | None  # None when no target names a lead office
    regions: GroupsReport | None  # None when no target is split among regions
    missing: MissingReport | None


def build_sections(workspace: Workspace, as_of: date, records: Sequence[Record]) -> GroupSections:

    catalog = workspace.catalog
    owners = by_groups(workspace, as_of, "owner", records) if owners_of(catalog.targets) else None
    split = any(t.split for t in catalog.targets)
    regions = by_groups(workspace, as_of, "region", records) if split else None
    missing = None
    due = due_period(workspace.year, as_of)  # in the year's January nothing is due yet
    if due is not None and (owners is not None or split):
        missing = find_missing(workspace, due.label, records=records)
    return GroupSections(owners, regions, missing)


def count_sentence(lang: Lang, summary: dict[Status, int]) -> str:
    """ "62项目标中，已完成8项，占12.9%；超进度…": the count a supervision report opens with."""
    total = sum(summary.values())
    parts = [
        text(
            lang,
            "count_part",
            status=status_label(lang, status),
            count=summary[status],
            share=percent(100 * summary[status] / total if total else 0),
        )
        for status in STATUSES
        if summary[status] or status == "achieved"
    ]
    return text(lang, "count_sentence", total=total, parts=text(lang, "count_join").join(parts))


def owner_rows(lang: Lang, report: GroupsReport) -> tuple[list[str], list[list[str]]]:
    header = [
        text(lang, "by_owner"),
        text(lang, "col_targets"),
        *(status_label(lang, s) for s in STATUSES),
        text(lang, "on_pace_share"),
        text(lang, "lagging_targets"),
    ]
    rows = []
    for group in report.groups:
        counts = group.summary
        share = group.on_pace_share
        lagging = [a.target.name for a in group.assessments if LIGHT[a.status] in ("yellow", "red")]
        rows.append(
            [
                group.name,
                str(len(group.assessments)),
                *(str(counts[s]) for s in STATUSES),
                "" if share is None else percent(share * 100),
                text(lang, "list_sep").join(lagging),
            ]
        )
    return header, rows


def ranking_header(lang: Lang) -> list[str]:
    keys = ("rank", "region", "actual", "target", "completion", "gap_short", "status")
    return [text(lang, key) for key in keys]


def ranking_rows(lang: Lang, report: GroupsReport) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """For each split target: its regions, best first, each with its light."""
    tables = []
    for ranking in report.rankings:
        rows = []
        for standing in ranking.standings:
            a = standing.assessment
            t = a.target
            judged = unjudged_blank(a)
            cells = [
                "" if standing.rank is None else str(standing.rank),
                a.region or "",
                value_text(lang, t, a.value),
                value_text(lang, t, t.target),
                percent(judged.completion),
                signed(judged.gap),
                status_words(lang, a),
            ]
            rows.append((LIGHT[a.status], cells))
        tables.append((ranking.target.name, rows))
    return tables


def notes(lang: Lang, report: StatusReport, sections: GroupSections) -> list[str]:
    """The lines under the sections: mismatching totals (数据衔接), what the review rules
    say of the figures shown (the city's and, ranked, the regions'), who has not reported."""
    said = missing_line(lang, sections.missing)
    ranked = [
        standing.assessment
        for ranking in (sections.regions.rankings if sections.regions else [])
        for standing in ranking.standings
    ]
    notes = rollup_notes(lang, report.assessments)
    notes += review_notes(lang, [*report.assessments, *ranked])
    sources = sources_note(lang, [*report.assessments, *ranked])
    return notes + ([said] if said else []) + ([sources] if sources else [])


# At most this many files are named in the 数据来源 line; the rest are counted.
_NAMED_FILES = 5


def sources_note(lang: Lang, items: Sequence[Assessment]) -> str | None:
    """数据来源: the files the figures judged came from (by name) and how many were typed,
    so a reader of the bulletin knows whose word each rests on (DESIGN §10)."""
    files: dict[str, None] = {}
    typed = 0
    for a in items:
        source = "" if a.actual is None else a.actual.record.source
        if source == TYPED:
            typed += 1
        elif source:
            files[source_parts(source)[0]] = None
    if not files and not typed:
        return None
    names = text(lang, "list_sep").join(sorted(files)[:_NAMED_FILES])
    more = "sources_files_more" if len(files) > _NAMED_FILES else "sources_files"
    parts = []
    if files:
        parts.append(text(lang, more, count=len(files), names=names))
    if typed:
        parts.append(text(lang, "sources_typed", count=typed))
    return text(lang, "sources_note", parts=text(lang, "list_sep").join(parts))


# --- Markdown ----------------------------------------------------------------------------------


def markdown_sections(lang: Lang, report: StatusReport, sections: GroupSections) -> list[str]:
    out: list[str] = []
    if sections.owners is not None:
        header, rows = owner_rows(lang, sections.owners)
        out += ["", f"## {text(lang, 'owners_heading')}", "", _md(header, rows)]
    if sections.regions is not None and sections.regions.rankings:
        out += ["", f"## {text(lang, 'regions_heading')}"]
        for name, ranked in ranking_rows(lang, sections.regions):
            marked = [[*cells[:-1], f"{LIGHT_MARK[light]} {cells[-1]}"] for light, cells in ranked]
            out += ["", f"### {markdown_text(name)}", "", _md(ranking_header(lang), marked)]
    lines = notes(lang, report, sections)
    if lines:
        out += [""] + [f"- {markdown_text(line)}" for line in lines]
    return out


def _md(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --- HTML --------------------------------------------------------------------------------------


def html_sections(lang: Lang, report: StatusReport, sections: GroupSections) -> list[str]:
    def e(value: str) -> str:
        return html.escape(printable(value))

    def table(header: list[str], rows: list[tuple[str | None, list[str]]]) -> list[str]:
        parts = ["<table><thead><tr>", *(f"<th>{e(h)}</th>" for h in header), "</tr></thead>"]
        parts.append("<tbody>")
        for light, cells in rows:
            parts.append("<tr>")
            for index, cell in enumerate(cells):
                if light is not None and index == len(cells) - 1:
                    colour = LIGHT_COLOUR[light]
                    parts.append(
                        f'<td class="status" data-light="{light}" style="color:{colour}">'
                        f'<span class="light" style="background:{colour}"></span>{e(cell)}</td>'
                    )
                else:
                    parts.append(f"<td>{e(cell)}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
        return parts

    out: list[str] = []
    if sections.owners is not None:
        header, rows = owner_rows(lang, sections.owners)
        out.append(f"<h2>{e(text(lang, 'owners_heading'))}</h2>")
        out += table(header, [(None, row) for row in rows])
    if sections.regions is not None and sections.regions.rankings:
        out.append(f"<h2>{e(text(lang, 'regions_heading'))}</h2>")
        for name, ranked in ranking_rows(lang, sections.regions):
            out.append(f"<h3>{e(name)}</h3>")
            out += table(ranking_header(lang), [(light, cells) for light, cells in ranked])
    out += [f'<p class="stale">{e(line)}</p>' for line in notes(lang, report, sections)]
    return out
