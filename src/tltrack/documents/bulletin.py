"""The monthly bulletin (月度调度通报): what it holds, built once from the status of the city
(or of one region or lead office), its sections on lead offices and regions, and last year's
figures.

Every format renders the same Bulletin: markdown, page (one self-contained HTML file and
the PDF printed from it), workbook (a workbook people can compute with) and word (a Word
通报); render picks one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from tltrack.app.check import worst_first
from tltrack.app.status import StatusReport, assess_all
from tltrack.app.status import status as filtered_status
from tltrack.documents.sections import (
    GroupSections,
    build_sections,
)
from tltrack.documents.words import date_words, lead_paragraph, period_words, reporting_period
from tltrack.domain.assess import Assessment, figures_by_end
from tltrack.domain.figures import line_problem, records_by_metric
from tltrack.domain.periods import Period
from tltrack.domain.statuses import Status
from tltrack.errors import DataError
from tltrack.text.lang import Lang, text
from tltrack.views.cells import by_category, headers, row_cells, signed, value_text
from tltrack.workspace.folder import Workspace, last_year_store

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
LAGGING: tuple[Status, ...] = ("behind", "at_risk", "missed")


@dataclass(frozen=True)
class Options:
    """What the office puts on a bulletin and leaves out of it."""

    issue: int | None = None  # 期数: 第7期
    issuer: str | None = None  # the issuing office: 通辽市人民政府办公室
    only_lagging: bool = False  # the category tables list only what lags
    hide: tuple[Status, ...] = ()  # statuses left out of the category tables (no_data)

    def __post_init__(self) -> None:
        # The issuer is printed in every format: one line of real text, as a note is.
        problem = None if self.issuer is None else line_problem("--issuer", self.issuer, 2000)
        if problem is not None:
            raise DataError(problem)


@dataclass(frozen=True)
class Bulletin:
    title: str
    report: StatusReport
    lagging: list[Assessment]  # behind, at risk or missed: the worst first
    series: dict[str, list[tuple[Period, float]]]  # each target's current figure per period
    sections: GroupSections = field(default_factory=lambda: GroupSections(None, None, None))
    whose: str | None = None  # a region or lead office; None: the city
    options: Options = field(default_factory=Options)
    # 同比: each total's figure of last year for the period it now stands at, where the folder
    # holds last year's records.
    last_year: dict[str, float] = field(default_factory=dict)

    @property
    def period(self) -> Period | None:
        """The period the bulletin reports on: the last complete month, or the year; None in
        the year's January."""
        return reporting_period(self.report.year, self.report.as_of)

    @property
    def stale(self) -> list[Assessment]:
        return [a for a in self.report.assessments if a.stale]

    def shown(self, items: Sequence[Assessment]) -> list[Assessment]:
        """The rows of the category tables, after --only lagging and --hide."""
        kept = [a for a in items if a.status not in self.options.hide]
        if self.options.only_lagging:
            kept = [a for a in kept if a.status in LAGGING]
        return kept

    def categories(self) -> list[tuple[str, list[Assessment]]]:
        grouped = by_category(self.report.assessments)
        return [(name, rows) for name, items in grouped if (rows := self.shown(items))]

    def lead(self, lang: Lang) -> str:
        """The paragraph that opens the bulletin, written from the data."""
        whose = self.whose or text(lang, "the_city")
        return lead_paragraph(
            lang,
            self.report.summary,
            self.lagging,
            self.stale,
            period_words(lang, self.period) if self.period else self.as_of_words(lang),
            whose,
            self.report.stale_after_days,
            sum(1 for a in self.report.assessments if a.awaiting_year),
        )

    def as_of_words(self, lang: Lang) -> str:
        return text(lang, "as_of", as_of=date_words(lang, self.report.as_of))


def build(
    workspace: Workspace,
    as_of: date,
    region: str | None = None,
    owner: str | None = None,
    options: Options | None = None,
) -> Bulletin:
    """The bulletin of the city, or of one region or lead office (without the sections on the
    lead offices and regions)."""
    records = workspace.records()
    if region is None and owner is None:
        report = assess_all(workspace, records, as_of)
        sections = build_sections(workspace, as_of, records)
    else:
        report = filtered_status(workspace, as_of, owner=owner, region=region, records=records)
        sections = GroupSections(None, None, None)

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
    whose = region or owner
    return Bulletin(
        title,
        report,
        worst_first(report.assessments),
        series,
        sections,
        whose,
        options or Options(),
        last_year_figures(workspace, report.assessments, region),
    )


def row_list(lang: Lang, a: Assessment) -> list[str]:
    return list(row_cells(lang, a).values())


def table_headers(b: Bulletin, lang: Lang) -> list[str]:
    """The category tables' headers: the status table's, and 上年同期/同比 where known."""
    return headers(lang) + ([text(lang, "last_year"), text(lang, "yoy")] if b.last_year else [])


def table_row(b: Bulletin, lang: Lang, a: Assessment) -> list[str]:
    cells = row_list(lang, a)
    if not b.last_year:
        return cells
    before = b.last_year.get(a.target.id)
    if before is None or a.value is None:
        return [*cells, "", ""]
    change = "" if before == 0 else f"{signed(100 * (a.value - before) / abs(before))}%"
    return [*cells, value_text(lang, a.target, before), change]


def last_year_figures(
    workspace: Workspace, assessments: Sequence[Assessment], region: str | None
) -> dict[str, float]:
    """Last year's figure of each total for the months its figure now covers (2024-06 for a
    2025-06 figure), read from last year's store, whichever it is."""
    totals = {
        a.target.id: a.period.months
        for a in assessments
        if a.target.kind == "cumulative" and a.period is not None
    }
    if not totals:
        return {}
    figures = last_year_store(workspace).read_of(set(totals))
    grouped = records_by_metric(r for r in figures if r.region == region)
    found = {}
    for metric, months in totals.items():
        for period, record in figures_by_end(grouped.get(metric, []), workspace.year - 1):
            if period.months == months:
                found[metric] = record.value
    return found


def full_title(b: Bulletin, lang: Lang) -> str:
    """月度调度通报 of the city, or of 开鲁县; once the year is over, 年度目标完成情况通报."""
    title = " ".join(part for part in (b.title, b.whose, kind_of(b, lang)) if part)
    if b.report.sample and text(lang, "sample_word") not in title:
        title += text(lang, "sample_mark")
    return title


def kind_of(b: Bulletin, lang: Lang) -> str:
    full_year = b.period is not None and b.period.is_full_year
    return text(lang, "bulletin_year" if full_year else "bulletin")


# --- Markdown --------------------------------------------------------------------------------
