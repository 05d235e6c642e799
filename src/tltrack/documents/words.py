"""The words of a 通报: dates as an official writes them, the lead paragraph that opens the
bulletin, and each lagging target's line. Shared by the Markdown, HTML, Word and PDF bulletins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tltrack.domain.assess import Assessment
from tltrack.domain.periods import Period, due_period
from tltrack.domain.statuses import Status
from tltrack.domain.values import number
from tltrack.text.lang import Lang, status_label, text
from tltrack.views.cells import gap_phrase, value_text

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_words(lang: Lang, day: date) -> str:
    """2025年7月20日; 20 July 2025."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def reporting_period(year: int, as_of: date) -> Period | None:
    """The period a bulletin at `as_of` reports on: the last complete month, or the year;
    None in the year's January, when it can only say where things stand that day."""
    return due_period(year, as_of)


def period_name(lang: Lang, period: Period) -> str:
    """A period as an official writes it: 2025年6月, 2025年第二季度, 2025年上半年, 2025年."""
    label = period.label
    if lang != "zh":
        return label
    if label.isdigit():
        return f"{label}年"
    year, part = label.split("-", 1)
    if part.startswith("Q"):
        return f"{year}年第{'一二三四'[int(part[1]) - 1]}季度"
    if part.startswith("H"):
        return f"{year}年{'上下'[int(part[1]) - 1]}半年"
    return f"{year}年{int(part)}月"


def period_words(lang: Lang, period: Period) -> str:
    """截至6月底 / 2025年全年; by the end of June / the whole of 2025."""
    if period.is_full_year:
        return text(lang, "whole_year", year=period.year)
    if lang == "zh":
        return f"截至{period.months}月底"
    return f"By the end of {MONTHS_EN[period.months - 1]}"


def lead_paragraph(
    lang: Lang,
    summary: dict[Status, int],
    lagging: Sequence[Assessment],
    stale: Sequence[Assessment],
    when: str,
    whose: str,
    stale_days: int,
    awaiting: int = 0,
) -> str:
    """ "截至6月底，全市62项目标任务中，已完成N项，…" and the worst gaps in the users' words."""
    counts = [
        ("achieved", summary["achieved"]),
        ("ahead", summary["ahead"]),
        ("on_track", summary["on_track"]),
    ]
    parts = [text(lang, "lead_count", status=status_label(lang, s), count=n) for s, n in counts]
    # 滞后N项（严重滞后N项）: each count is its own status's, as in the JSON summary.
    lag = text(lang, "lead_count", status=status_label(lang, "behind"), count=summary["behind"])
    at_risk = status_label(lang, "at_risk")
    parts.append(lag + text(lang, "lead_aside", status=at_risk, count=summary["at_risk"]))
    if summary["missed"]:
        missed = status_label(lang, "missed")
        parts.append(text(lang, "lead_count", status=missed, count=summary["missed"]))
    no_data = text(
        lang, "lead_count", status=status_label(lang, "no_data"), count=summary["no_data"]
    )
    if awaiting:  # after the year's end: mid-year figures only, no full-year figure yet
        no_data += text(lang, "lead_of_which", status=text(lang, "awaiting_year"), count=awaiting)
    parts.append(no_data)
    total = sum(summary.values())
    sentences = [
        text(
            lang,
            "lead_sentence",
            when=when,
            whose=whose,
            total=total,
            parts=text(lang, "count_join_lead").join(parts),
        )
    ]
    worst = [lag_words(lang, a) for a in lagging[:3]]
    if worst:
        all_missed = all(a.status == "missed" for a in lagging[:3])
        key = "lead_worst_missed" if all_missed else "lead_worst"
        sentences.append(text(lang, key, items=text(lang, "list_sep").join(worst)))
    if stale:
        names = text(lang, "list_sep").join(a.target.name for a in stale[:3])
        sentences.append(text(lang, "lead_stale", names=names, count=len(stale), days=stale_days))
    return "".join(sentences) if lang == "zh" else " ".join(sentences)


def how_far(lang: Lang, a: Assessment) -> str:
    """How far off a target is, in the users' words: 滞后时序进度21.9个百分点; a target missed
    at the year's end by what it reached: 完成96.2%."""
    if a.status == "missed" and a.completion is not None and a.target.kind == "cumulative":
        return text(lang, "completed_share", pp=number(a.completion, 1))
    return gap_phrase(lang, a) or status_label(lang, a.status)


def lag_words(lang: Lang, a: Assessment) -> str:
    return text(lang, "name_said", name=a.target.name, said=how_far(lang, a))


def lag_line(lang: Lang, a: Assessment) -> str:
    """One line of the lagging list: the figure, its period, its status and how far off."""
    return text(
        lang,
        "lag_line",
        name=a.target.name,
        value=value_text(lang, a.target, a.value),
        period=period_name(lang, a.period) if a.period is not None else "",
        status=status_label(lang, a.status),
        said=how_far(lang, a),
        stretch=text(lang, "stretch_missed") if a.target.stretch else "",
    )
