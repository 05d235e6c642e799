"""Plain-text cells shared by the terminal tables, CSV, Markdown, HTML and xlsx output."""

from __future__ import annotations

from collections.abc import Sequence

from tltrack.app.missing import MissingReport
from tltrack.domain.assess import Assessment
from tltrack.domain.figures import TYPED, source_parts
from tltrack.domain.statuses import STATUSES, Status
from tltrack.domain.targets import Target
from tltrack.domain.values import number
from tltrack.text.lang import Lang, status_label, text

STALE_MARK = "*"
PARTIAL_MARK = "△"  # a city total summed from the regions that reported so far
EXPLAINED_MARK = "核"  # a figure a review rule found unusual, kept with its 核实说明
# Row cells in table order; their headers are messages of the same ids.
COLUMNS = (
    "name",
    "actual",
    "period",
    "target",
    "completion",
    "expected",
    "gap",
    "projected",
    "status",
)


def signed(value: float | None) -> str:
    if value is None:
        return ""
    out = number(value, 1)
    return out if out.startswith("-") or out == "0" else f"+{out}"


def percent(value: float | None) -> str:
    return "" if value is None else f"{number(value, 1)}%"


def with_unit(value: float | None, unit: str) -> str:
    return "" if value is None else f"{number(value)}{unit}"


def target_text(lang: Lang, t: Target) -> str:
    if t.kind == "milestone":  # the goal, not the state: 年内完成, not 已完成
        return text(lang, "done_by", due=t.due.isoformat()) if t.due else text(lang, "done_in_year")
    sign = "≥" if t.direction == "at_least" else "≤"
    core = f"{sign}{number(t.target)}{t.unit}"
    if t.base_year is not None:
        if lang == "zh":
            core = f"较{t.base_year}年{'下降' if t.change == 'decrease' else '增长'}{core}"
        else:
            core = f"{t.change} vs {t.base_year} {core}"
    return f"{text(lang, 'stretch')}{'' if lang == 'zh' else ' '}{core}" if t.stretch else core


def value_text(lang: Lang, t: Target, value: float | None) -> str:
    if value is None:
        return ""
    if t.kind == "milestone":
        return text(lang, "done") if value >= 100 else f"{number(value)}%"
    return with_unit(value, t.unit)


def row_cells(lang: Lang, a: Assessment, mark_stale: bool = True) -> dict[str, str]:
    """One target's row. For people a stale figure's period carries a mark explained under
    the table; CSV carries a `stale` column instead."""
    t = a.target
    stale = STALE_MARK if a.stale and mark_stale else ""
    stale += PARTIAL_MARK if a.source == "partial" and mark_stale else ""
    stale += EXPLAINED_MARK if a.explanation and mark_stale else ""
    return {
        "name": t.name,
        "actual": value_text(lang, t, a.value),
        "period": f"{a.period}{stale}" if a.period else "",
        "target": target_text(lang, t),
        "completion": percent(a.completion),
        "expected": percent(a.expected),
        "gap": signed(a.gap),
        "projected": ""
        if t.kind == "milestone"
        else with_unit(projection(t, a.projected, a.value), t.unit),
        "status": status_words(lang, a),
    }


def source_words(lang: Lang, source: str) -> str:
    """Where a figure came from, as people read it: the file's name (its digest is in show
    and the JSON), or 手工录入 for a typed one."""
    return text(lang, "source_typed") if source == TYPED else source_parts(source)[0]


def status_words(lang: Lang, a: Assessment) -> str:
    """The status a reader sees: 待核实 for a figure held back for review, 未报全年数据 once
    the year is over and only a mid-year figure is in, else the status's label."""
    if a.under_review:
        return text(lang, "pending_review")
    return text(lang, "awaiting_year") if a.awaiting_year else status_label(lang, a.status)


def unjudged_blank(a: Assessment) -> Assessment:
    """A figure shown but not judged (待核实, 未报全年数据) has no completion or gap to rank
    by: a ranking shows them blank, not as a lead."""
    if a.under_review or a.awaiting_year:
        return a.replaced(completion=None, gap=None)
    return a


def review_notes(lang: Lang, items: Sequence[Assessment]) -> list[str]:
    """What the review rules say of the figures shown: those held back (待核实), and the
    explanation of each figure kept with one (核)."""
    notes = []
    held = [a for a in items if a.under_review]
    if held:
        names = text(lang, "list_sep").join(_whose(lang, a) for a in held)
        notes.append(text(lang, "held_note", count=len(held), names=names))
    for a in items:
        if a.explanation and not a.under_review:
            said = text(lang, "explained_note", mark=EXPLAINED_MARK, name=_whose(lang, a))
            notes.append(f"{said}{a.explanation}")
    return notes


def _whose(lang: Lang, a: Assessment) -> str:
    if a.region is None:
        return a.target.name
    return text(lang, "of_region", metric=a.target.name, region=a.region)


def headers(lang: Lang) -> list[str]:
    return [text(lang, key) for key in COLUMNS]


def summary_text(lang: Lang, summary: dict[Status, int]) -> str:
    parts = " · ".join(f"{status_label(lang, s)} {summary[s]}" for s in STATUSES)
    return text(lang, "summary", total=sum(summary.values()), parts=parts)


def stale_note(lang: Lang, items: Sequence[Assessment], days: int) -> str | None:
    """The note for figures marked stale: a bulletin must say so, not hide it."""
    if not any(a.stale for a in items):
        return None
    return text(lang, "stale_note", mark=STALE_MARK, days=days)


def projection(t: Target, projected: float | None, actual: float | None = None) -> float | None:
    """A year-end projection to the target's own precision (534.6667个 against a target of
    500 is 535个), never coarser than the figure it comes from (201.3亿斤 stays 201.3)."""
    if projected is None or t.kind != "cumulative" or t.target is None:
        return projected

    def decimals(value: float) -> int:
        return len(f"{value:.6f}".rstrip("0").split(".")[1])

    return round(projected, max(decimals(t.target), decimals(actual or 0.0)))


def rollup_notes(lang: Lang, items: Sequence[Assessment]) -> list[str]:
    """What people must know of the city totals summed from the regions: which are partial
    (7/8 地区已报送) and where a recorded total disagrees with its regions' sum (数据衔接)."""
    notes = []
    partial = [a for a in items if a.source == "partial" and a.regions_reported]
    if partial:
        names = "; ".join(
            text(lang, "reported_of", name=a.target.name, n=n, of=of)
            for a in partial
            for n, of in [a.regions_reported or (0, 0)]
        )
        notes.append(text(lang, "partial_note", mark=PARTIAL_MARK, names=names))
    for a in items:
        if a.rollup_sum is not None:
            t = a.target
            notes.append(
                text(
                    lang,
                    "rollup_differs",
                    name=t.name,
                    period=str(a.period),
                    city=value_text(lang, t, a.value),
                    total=value_text(lang, t, a.rollup_sum),
                )
            )
    return notes


def missing_line(lang: Lang, report: MissingReport | None) -> str:
    """未报送(2025-06): 市农牧局 2 项、扎鲁特旗 1 项: who has not reported, and how much."""
    if report is None or report.period is None or not report.missing:
        return ""
    reporters = text(lang, "list_sep").join(
        text(lang, "reporter_owes", reporter=m.reporter, count=len(m.targets))
        for m in report.missing
    )
    return text(lang, "missing_line", period=report.period.label, reporters=reporters)


def gap_phrase(lang: Lang, a: Assessment) -> str:
    """The gap in the users' words: 滞后时序进度 3.5 个百分点."""
    if a.gap is None:
        return ""
    size = number(abs(a.gap), 1)
    if a.target.kind == "cumulative" or a.target.base_year is not None:
        return text(lang, "lag_by" if a.gap < 0 else "ahead_by", pp=size)
    if a.target.unit == "%":
        return text(lang, "short_by" if a.gap < 0 else "over_by", pp=size)
    # A level in its own unit (国考断面劣Ⅴ类水体 1个 against 0): how far off, in words.
    ceiling = a.target.direction == "at_most"
    key = ("above_ceiling" if ceiling else "below_goal") if a.gap < 0 else "within_goal"
    return text(lang, key, size=size, unit=a.target.unit)


def by_category(items: Sequence[Assessment]) -> list[tuple[str, list[Assessment]]]:
    groups: dict[str, list[Assessment]] = {}
    for item in items:
        groups.setdefault(item.target.category, []).append(item)
    return list(groups.items())
