"""The words of the interface in Chinese and English. JSON keys and status words never change.

The language is --lang, else $TLTRACK_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG):
Chinese when the locale is Chinese, English otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def detect_lang(environ: Mapping[str, str] | None = None) -> Lang:
    env = os.environ if environ is None else environ
    chosen = env.get("TLTRACK_LANG", "").strip().lower()
    for lang in LANGS:
        if chosen == lang:
            return lang
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


STATUS_LABELS: dict[Lang, dict[str, str]] = {
    "zh": {
        "achieved": "已完成",
        "on_track": "进度正常",
        "behind": "滞后",
        "at_risk": "严重滞后",
        "missed": "未完成",
        "no_data": "未填报",
    },
    "en": {
        "achieved": "achieved",
        "on_track": "on track",
        "behind": "behind",
        "at_risk": "at risk",
        "missed": "missed",
        "no_data": "no data",
    },
}

KIND_LABELS: dict[Lang, dict[str, str]] = {
    "zh": {"growth": "增速", "cumulative": "累计", "level": "水平", "milestone": "节点"},
    "en": {
        "growth": "growth",
        "cumulative": "cumulative",
        "level": "level",
        "milestone": "milestone",
    },
}

_TEXT: dict[str, tuple[str, str]] = {
    # key: (zh, en)
    "name": ("指标", "Target"),
    "actual": ("实际", "Actual"),
    "period": ("期间", "Period"),
    "target": ("目标", "Target value"),
    "completion": ("完成率", "Completion"),
    "expected": ("时序进度", "Expected"),
    "gap": ("差距(百分点)", "Gap (pp)"),
    "targets_total": ("共 {count} 项目标", "{count} targets"),
    "gap_short": ("差距", "Gap"),
    "projected": ("年末预计", "Year-end"),
    "status": ("状态", "Status"),
    "category": ("类别", "Category"),
    "kind": ("类型", "Kind"),
    "baseline": ("基数(上年)", "Baseline (last year)"),
    "value": ("数值", "Value"),
    "note": ("备注", "Note"),
    "by": ("填报人", "By"),
    "at": ("时间", "At"),
    "trend": ("趋势", "Trend"),
    "corrected_from": ("更正前", "was"),
    "status_title": ("{year} 年目标进度 · 截至 {as_of}", "{year} targets · as of {as_of}"),
    "check_title": ("{year} 年目标检查 · 截至 {as_of}", "{year} target check · as of {as_of}"),
    "summary": ("共 {total} 项: {parts}", "{total} targets: {parts}"),
    "stale_note": (
        "{mark} 数据过期: 期间结束已超过 {days} 天",
        "{mark} stale: the period ended more than {days} days before the as-of date",
    ),
    "stale_list": ("数据过期(超过 {days} 天): {names}", "Stale (older than {days} days): {names}"),
    "no_match": ("没有符合条件的目标", "no targets match the filters"),
    "no_lag": ("没有滞后的目标", "no target lags"),
    "no_figures": ("尚未填报数据", "no figures recorded yet"),
    "targets_count": ("共 {count} 项目标", "{count} targets"),
    "bulletin": ("月度调度通报", "Monthly progress bulletin"),
    "as_of": ("截至 {as_of}", "as of {as_of}"),
    "headline": ("总体情况", "Summary"),
    "most_behind": ("滞后最多的目标", "Targets furthest behind"),
    "none_behind": ("目前没有滞后的目标。", "No target is behind."),
    "lag_by": ("滞后时序进度 {pp} 个百分点", "{pp} pp behind pace"),
    "ahead_by": ("超时序进度 {pp} 个百分点", "{pp} pp ahead of pace"),
    "short_by": ("低于目标 {pp} 个百分点", "{pp} pp below target"),
    "over_by": ("高于目标 {pp} 个百分点", "{pp} pp above target"),
    "stretch": ("力争", "stretch"),
    "pace_line": ("时序进度", "pace"),
    "target_line": ("目标", "target"),
    "generated": ("由 tltrack 生成", "Made with tltrack"),
    "stale_section": ("数据过期的目标", "Stale figures"),
    "done": ("已完成", "done"),
    "complete_pct": ("完成 {pct}%", "{pct}% complete"),
    "stretch_missed": ("(力争目标)", "(stretch target)"),
    "direction": ("方向", "Direction"),
    "owner": ("牵头单位", "Lead department"),
    "pace": ("进度曲线", "Pace profile"),
    "quote": ("原文", "Report's words"),
    "baseline_quote": ("基数原文", "Baseline's words"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "monthly_shares": ("逐月比例", "monthly shares"),
    "records_title": ("填报记录", "Figures recorded"),
    "correction": ("更正", "correction"),
    "superseded": ("已被更正", "superseded"),
    "added": ("已填报 {metric} {period} = {value}", "recorded {metric} {period} = {value}"),
    "unchanged": (
        "已有相同数据: {metric} {period} = {value}，未作改动",
        "already recorded: {metric} {period} = {value}; nothing changed",
    ),
    "corrected": (
        "已更正 {metric} {period}: {old} -> {value}（原数据保留在记录中）",
        "corrected {metric} {period}: {old} -> {value} (the old figure stays)",
    ),
    "import_done": (
        "{file}: 新增 {added}，未变 {unchanged}，更正 {corrected}",
        "{file}: added {added}, unchanged {unchanged}, corrected {corrected}",
    ),
    "import_dry": (
        "{file}: 将新增 {added}，未变 {unchanged}，将更正 {corrected}；试运行，未写入",
        "{file}: would add {added}, unchanged {unchanged}, would correct {corrected};"
        " dry run, nothing written",
    ),
    "import_failed": (
        "{file} 未导入任何数据: {count} 个问题",
        "nothing was imported from {file}: {count} problem(s)",
    ),
    "check_line": (
        "检查{result}: 滞后 {lagging} 项（滞后 {behind}，严重滞后 {at_risk}，未完成 {missed}），"
        "数据过期 {stale} 项; --fail-on {levels}",
        "check {result}: {lagging} lagging (behind {behind}, at_risk {at_risk}, missed {missed}),"
        " {stale} stale; --fail-on {levels}",
    ),
    "check_failed": ("未通过 FAILED", "FAILED"),
    "check_passed": ("通过 passed", "passed"),
    "valid_file": ("{file}: 有效（{count} 条）", "{file}: valid ({count} entries)"),
    "problems_found": (
        "{files} 个文件中有 {count} 个问题",
        "{count} problem(s) in {files} file(s)",
    ),
    "warning": ("警告", "warning"),
    "unknown_records": (
        "{records} 中有 {metric!r} 的数据，但 {targets} 中没有这个目标；请运行 'tltrack validate'",
        "{records} has figures for {metric!r}, which {targets} does not define;"
        " run 'tltrack validate'",
    ),
}


def text(lang: Lang, key: str, **values: object) -> str:
    zh, en = _TEXT[key]
    template = zh if lang == "zh" else en
    return template.format(**values) if values else template


def status_label(lang: Lang, status: str) -> str:
    """On screen in Chinese the English word follows, so scripts and people share one word."""
    if lang == "zh":
        return f"{STATUS_LABELS['zh'][status]} {status}"
    return STATUS_LABELS["en"][status]
