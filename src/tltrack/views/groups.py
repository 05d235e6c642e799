"""The views of the regions and lead offices: their ranking, the regions' standings per target,
check --by, who has not reported, and the forms written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tltrack.app.check import CheckResult
from tltrack.app.missing import MissingReport
from tltrack.app.status import GroupsReport
from tltrack.domain.ranking import Group, Ranking
from tltrack.domain.responsibility import Missing
from tltrack.domain.statuses import STATUSES, Status
from tltrack.domain.targets import Target
from tltrack.domain.values import number
from tltrack.text.lang import Lang, status_label, text
from tltrack.views.cells import percent, signed, status_words, unjudged_blank, value_text
from tltrack.views.status import missing_json
from tltrack.views.view import STATUS_STYLE, Cell, Column, Row, Section, View, json_number

# The three lights (三色预警) a compact table counts in place of every status.
LIGHTS: dict[str, tuple[Status, ...]] = {
    "light_green": ("achieved", "ahead", "on_track"),
    "light_yellow": ("behind",),
    "light_red": ("at_risk", "missed"),
}
LAGGING: tuple[Status, ...] = ("behind", "at_risk", "missed")
LIGHT_STYLE = {"light_green": "green", "light_yellow": "yellow", "light_red": "red"}


def group_json(group: Group) -> dict[str, Any]:
    return {
        "name": group.name,
        "rank": group.rank,
        "summary": group.summary,
        "on_pace_share": json_number(group.on_pace_share),
    }


def ranking_json(ranking: Ranking) -> dict[str, Any]:
    return {
        "id": ranking.target.id,
        "name": ranking.target.name,
        "regions": [
            {
                "name": s.assessment.region,
                "actual": s.assessment.value,
                "completion": json_number(s.assessment.completion),
                "gap": json_number(s.assessment.gap),
                "status": s.assessment.status,
                "rank": s.rank,
            }
            for s in ranking.standings
        ],
    }


def _group_columns(lang: Lang, by: str, compact: bool) -> list[Column]:
    columns = [
        Column("rank", text(lang, "rank"), numeric=True),
        Column("name", text(lang, f"by_{by}"), wraps=True, min_width=6),
    ]
    # A narrow terminal counts the three lights (三色预警) and what is not reported.
    for light in LIGHTS:
        columns.append(Column(light, text(lang, light), True, in_table=compact))
    for status in STATUSES:
        shown = not compact or status == "no_data"
        columns.append(Column(status, status_label(lang, status), True, in_table=shown))
    columns.append(Column("on_pace_share", text(lang, "on_pace_share"), numeric=True))
    return columns


def _rank_text(rank: int | None) -> str:
    return "" if rank is None else str(rank)


def _group_row(group: Group) -> Row:
    counts = group.summary
    share = group.on_pace_share
    row: Row = {
        "rank": Cell(group.rank, _rank_text(group.rank)),
        "name": Cell(group.name, group.name),
        "on_pace_share": Cell(
            json_number(share), "" if share is None else percent(share * 100), "cyan"
        ),
    }
    for status in STATUSES:
        shown = str(counts[status]) if counts[status] else "·"
        row[status] = Cell(counts[status], shown, STATUS_STYLE[status] if counts[status] else "")
    for light, statuses in LIGHTS.items():
        total = sum(counts[s] for s in statuses)
        row[light] = Cell(total, str(total) if total else "·", LIGHT_STYLE[light] if total else "")
    return row


def _groups_title(report: GroupsReport, lang: Lang) -> str:
    by = text(lang, f"by_{report.by}")
    return text(lang, "groups_title", year=report.year, as_of=report.as_of.isoformat(), by=by)


def groups(report: GroupsReport, lang: Lang, compact: bool) -> View:
    """status --by region|owner: the regions or lead offices ranked, then each target's
    regions ranked."""
    return View(
        title=_groups_title(report, lang),
        columns=_group_columns(lang, report.by, compact),
        sections=[Section("", [_group_row(g) for g in report.groups])],
        data=lambda: {
            "year": report.year,
            "as_of": report.as_of.isoformat(),
            "by": report.by,
            "groups": [group_json(g) for g in report.groups],
            "rankings": [ranking_json(r) for r in report.rankings],
        },
        summary=text(lang, "groups_summary"),
        empty=text(lang, f"no_{report.by}s"),
        after=[rankings(report.rankings, lang)] if report.rankings else [],
    )


# Past this many split targets (a province's) people get the rankings of the ones with the
# most lagging regions only; JSON keeps every ranking.
RANKINGS_SHOWN = 20
_LAGS = ("behind", "at_risk", "missed")


def rankings(items: Sequence[Ranking], lang: Lang) -> View:
    """Each target's regions, best first: completion for a total, the gap otherwise."""
    note = ""
    if len(items) > RANKINGS_SHOWN:
        note = text(lang, "rankings_shown", total=len(items), shown=RANKINGS_SHOWN)

        def lagging(ranking: Ranking) -> int:
            return sum(s.assessment.status in _LAGS for s in ranking.standings)

        worst = sorted(range(len(items)), key=lambda i: -lagging(items[i]))[:RANKINGS_SHOWN]
        items = [items[i] for i in sorted(worst)]  # in the file's order
    columns = [
        Column("rank", text(lang, "rank"), numeric=True),
        Column("region", text(lang, "region"), wraps=True, min_width=6),
        Column("actual", text(lang, "actual"), numeric=True),
        Column("target", text(lang, "target"), numeric=True),
        Column("completion", text(lang, "completion"), numeric=True),
        Column("gap", text(lang, "gap_short"), numeric=True),
        Column("status", text(lang, "status"), wraps=True, words=True),
    ]
    sections = []
    for ranking in items:
        rows: list[Row] = []
        for standing in ranking.standings:
            a = standing.assessment
            t = a.target
            judged = unjudged_blank(a)
            rows.append(
                {
                    "rank": Cell(standing.rank, _rank_text(standing.rank)),
                    "region": Cell(a.region, a.region or ""),
                    "actual": Cell(a.value, value_text(lang, t, a.value)),
                    "target": Cell(t.target, value_text(lang, t, t.target)),
                    "completion": Cell(json_number(judged.completion), percent(judged.completion)),
                    "gap": Cell(json_number(judged.gap), signed(judged.gap)),
                    "status": Cell(a.status, status_words(lang, a), STATUS_STYLE[a.status]),
                }
            )
        sections.append(Section(ranking.target.name, rows))
    return View(
        title=text(lang, "rankings_title"),
        columns=columns,
        sections=sections,
        data=None,
        notes=[(note, "dim")] if note else [],
    )


def check_by(result: CheckResult, lang: Lang, compact: bool) -> View:
    """check --by: every region or lead office, the worst first, and whether it fails the check."""
    assert result.groups is not None
    report = result.groups
    failing = set(result.failing_groups)
    columns = _group_columns(lang, report.by, compact)
    columns.insert(2, Column("failed", text(lang, "col_failed")))
    rows = []
    for group in report.groups:
        row = _group_row(group)
        row["failed"] = Cell(
            group.name in failing,
            text(lang, "group_fails") if group.name in failing else "",
            "bold red",
        )
        rows.append(row)
    verdict = text(
        lang,
        "check_by_line",
        result=text(lang, "check_failed" if result.failed else "check_passed"),
        count=len(failing),
        total=len(report.groups),
        by=text(lang, f"by_{report.by}"),
        levels=",".join(result.fail_on),
    )
    return View(
        title=_groups_title(report, lang),
        columns=columns,
        sections=[Section("", rows)],
        data={
            "year": report.year,
            "as_of": report.as_of.isoformat(),
            "by": report.by,
            "fail_on": list(result.fail_on),
            "failed": result.failed,
            "units": [  # the JSON key scripts read (README): a region's or lead office's
                {
                    **group_json(g),
                    "failed": g.name in failing,
                    "lagging": [a.target.id for a in g.assessments if a.status in LAGGING],
                }
                for g in report.groups
            ],
        },
        notes=[(verdict, "")],
        empty=text(lang, f"no_{report.by}s"),
    )


def _goal(target: Target, item: Missing) -> float | None:
    """What the office or region owes: the target, or the region's share of it."""
    return target.target if item.by == "owner" else dict(target.split).get(item.reporter)


def missing(report: MissingReport, lang: Lang) -> View:
    """Who has not reported which target (未报送), one section for each office or region, for
    the reminder calls."""
    columns = [
        # "unit": the CSV header and JSON key of DESIGN §8, which scripts read.
        Column("unit", text(lang, "col_reporter"), in_table=False),
        Column("by", "by", in_table=False),
        Column("id", "id", in_table=False),
        Column("name", text(lang, "name"), wraps=True),
        Column("target", text(lang, "target"), numeric=True),
    ]
    sections = []
    for item in report.missing:
        kind = text(lang, f"by_{item.by}")
        rows: list[Row] = [
            {
                "unit": Cell(item.reporter, item.reporter),
                "by": Cell(item.by, kind),
                "id": Cell(t.id, t.id),
                "name": Cell(t.name, t.name),
                "target": Cell(goal := _goal(t, item), value_text(lang, t, goal)),
            }
            for t in item.targets
        ]
        title = text(lang, "missing_section", reporter=item.reporter, by=kind, count=len(rows))
        sections.append(Section(title, rows))
    count = sum(len(item.targets) for item in report.missing)
    if report.period is None:  # the year's January: nothing is due
        day = "" if report.as_of is None else report.as_of.isoformat()
        return View(
            title=text(lang, "missing_title_none_due", year=report.year),
            columns=columns,
            sections=[],
            data=missing_json(report),
            empty=text(lang, "nothing_due", year=report.year, today=day),
        )
    return View(
        title=text(lang, "missing_title", year=report.year, period=report.period.label),
        columns=columns,
        sections=sections,
        data=missing_json(report),
        summary=text(lang, "missing_summary", reporters=len(report.missing), count=count)
        if report.missing
        else "",
        empty=text(lang, "none_missing", period=report.period.label),
    )


def templates(paths: Sequence[Path], folder: Path, lang: Lang, lines: Sequence[int]) -> View:
    """The forms written: one row a file."""
    columns = [
        Column("file", text(lang, "col_file"), wraps=True),
        Column("targets", text(lang, "col_targets"), numeric=True),
    ]
    rows: list[Row] = [
        {"file": Cell(str(p), p.name), "targets": Cell(n, number(n))}
        for p, n in zip(paths, lines, strict=True)
    ]
    return View(
        title="",
        columns=columns,
        sections=[Section("", rows)],
        data={
            "folder": str(folder),
            "files": [{k: cell.value for k, cell in row.items()} for row in rows],
        },
        messages=[text(lang, "templates_written", count=len(paths), folder=folder)],
        empty=text(lang, "no_reporters"),
    )
