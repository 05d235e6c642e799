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
    "unit": ("单位", "Unit"),
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
    "linear": ("线性", "linear"),
    "year_end": ("年末", "year-end"),
    "at_least": ("不低于", "at least"),
    "at_most": ("不高于", "at most"),
    "records_title": ("填报记录", "Figures recorded"),
    "correction": ("更正", "correction"),
    "superseded": ("已被更正", "superseded"),
    "current": ("是否有效", "counts"),
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
    "note_prefix": ("提示", "note"),
    "wrote": ("已写入 {path}", "wrote {path}"),
    "next_after_init": (
        "下一步: 编辑目标文件，然后运行 'tltrack validate'",
        "next: edit the target file, then 'tltrack validate'",
    ),
    "repaired": (
        "已按 tltrack 格式重写 {file}，保留全部 {count} 条数据；手工修改的原文件另存为 {backup}",
        "rewrote {file} in tltrack's form, keeping all {count} figures; the hand-edited"
        " original is kept as {backup}",
    ),
    "nothing_to_repair": (
        "{file} 无需修复（{count} 条数据）",
        "{file} needs no repair ({count} figures)",
    ),
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
    """The status as people read it: in Chinese the Chinese word alone, as an official writes
    it. Scripts read the English word from JSON, which never changes with the language."""
    return STATUS_LABELS[lang][status]


# Error messages are written once, in English, where they arise; for Chinese output they are
# translated here, phrase by phrase, so the core stays free of language concerns. A phrase
# without a translation stays in English rather than being lost.
_ERROR_PHRASES_ZH: list[tuple[str, str]] = [
    (r"^internal error: ", "内部错误: "),
    (r"bad value ('(?:[^'\\]|\\.)*'|\"[^\"]*\"): ", r"数值 \1 无效: "),
    (r"empty value: give a number, e\.g\. 5\.8", "数值为空: 请填写数字，如 5.8"),
    (r"nan and infinity are not figures", "nan 和 infinity 不是有效数字"),
    (r"out of range \(at most (.+?)\)", r"超出范围(绝对值最大 \1)"),
    (r"write the number in digits \(200, not 二百\)", "请用阿拉伯数字书写(如 200，而不是 二百)"),
    (
        r"remove the thousands separators or spaces \(1686, not 1,686\)",
        "请去掉千位分隔符或空格(如 1686，而不是 1,686)",
    ),
    (r"use the digits 0-9 \((.+?) is not accepted\)", r"请使用数字 0-9(不接受 \1)"),
    (
        r"the target's unit is (.+?), not %; give the figure in the target's unit",
        r"目标的单位是 \1，不是 %；请按目标的单位填写",
    ),
    (
        r"(.+?) is not the target's unit \((.+?)\); give the figure in the target's unit",
        r"\1 不是目标的单位(\2)；请按目标的单位填写",
    ),
    (
        r"not a number; give digits with an optional decimal point, e\.g\. 5\.8",
        "不是数字；请填写数字(可带小数点)，如 5.8",
    ),
    (
        r"a milestone takes done/完成, not done/未完成, or a percent complete from 0 to 100",
        "节点目标请填写 完成/done、未完成/not done，或 0 到 100 的完成百分比",
    ),
    (r"a year-to-date total cannot be negative", "累计值不能为负数"),
    (r"a decrease is below 100%", "降幅须小于 100%"),
    (
        r"bad period ('[^']*'): use YYYY, YYYY-MM \(two-digit month\), YYYY-Qn or YYYY-Hn,"
        r" e\.g\. 2025-06",
        r"期间 \1 无效: 请用 YYYY、YYYY-MM(两位月份)、YYYY-Qn 或 YYYY-Hn，如 2025-06",
    ),
    (r"bad period ('[^']*'): month must be 01 to 12", r"期间 \1 无效: 月份须为 01 到 12"),
    (r"period (\S+) is not in the target year (\d+)", r"期间 \1 不在目标年度 \2 内"),
    (
        r"no month of (\d+) is complete on (\S+): give the period with --period",
        r"截至 \2，\1 年还没有完整的月份: 请用 --period 指定期间",
    ),
    (
        r"unknown metric ('[^']*') in (\S+); did you mean (.+)\?",
        r"\2 中没有指标 \1；您要找的是否是 \3？",
    ),
    (
        r"unknown metric ('[^']*') in (\S+); 'tltrack list' shows them",
        r"\2 中没有指标 \1；'tltrack list' 可列出所有指标",
    ),
    (
        r"(\S+) already has (\S+) for (\S+) \(recorded (\S+) by (.+?)\); to replace it,"
        r" run again with --correct",
        r"\1 在 \3 已有数据 \2(\4 由 \5 填报)；如需更正，请加 --correct 重新运行",
    ),
    (r"data folder (.+) does not exist or is not a folder", r"数据目录 \1 不存在或不是目录"),
    (
        r"no targets/ folder in (.+) or above; give one with --data-dir or \$TLTRACK_DATA_DIR",
        r"在 \1 及其上级目录中找不到 targets/ 目录；请用 --data-dir 或 $TLTRACK_DATA_DIR 指定",
    ),
    (r"no target file for (\d+) in (.+) \(have: (.*)\)", r"\2 中没有 \1 年的目标文件(现有: \3)"),
    (r"no target file \(YYYY\.toml\) in (.+?)(;.*)?$", r"\1 中没有目标文件(YYYY.toml)"),
    (
        r"(\S+) is held by another tltrack writer for over (\S+) s; try again",
        r"\1 正被另一个 tltrack 写入进程占用(已等待 \2 秒)；请稍后重试",
    ),
    (
        r"(\S+) was edited by hand, and tltrack will not rewrite it and lose those edits;.*",
        r"\1 被手工修改过，为免丢失这些修改，tltrack 不会改写它；请先运行 'tltrack validate'，"
        r"再运行 'tltrack repair'(参阅 README 的 'Repairing a records file')",
    ),
    (r"no category ('[^']*'); the categories are: (.+)", r"没有类别 \1；现有类别: \2"),
    (r"(\S+) is too long \((\d+) characters; at most 2000\)", r"\1 太长(\2 个字符，最多 2000)"),
    (r"(\S+) holds control characters; give it on one line", r"\1 含有控制字符；请写在一行内"),
    (
        r"(\S+) is not valid text \(it holds a lone surrogate\)",
        r"\1 不是有效文本(含有孤立代理字符)",
    ),
    (r"(.+) already exists; nothing was changed", r"\1 已存在；未作任何改动"),
    (r"cannot read (.+?): ", r"无法读取 \1: "),
    (r"cannot write (.+?): ", r"无法写入 \1: "),
    (r"cannot create (.+?): ", r"无法创建 \1: "),
    (r"cannot lock (.+?): ", r"无法锁定 \1: "),
    (r"cannot import (.+?): ", r"无法导入 \1: "),
    (r"not valid TOML: ", "不是有效的 TOML: "),
    (
        r"not UTF-8 text \(byte (0x\w+)\); save the file as UTF-8",
        r"不是 UTF-8 文本(字节 \1)；请另存为 UTF-8",
    ),
    (r"line (\d+) is neither UTF-8 nor GB18030 text", r"第 \1 行既不是 UTF-8 也不是 GB18030 编码"),
    (r"\(and (\d+) more; run 'tltrack validate'\)", r"(另有 \1 个问题；请运行 'tltrack validate')"),
    (r"row (\d+) \(line (\d+)\)", r"第 \1 行(文件第 \2 行)"),
    (r"row (\d+) \(sheet row (\d+)\)", r"第 \1 行(工作表第 \2 行)"),
    (r"row (\d+) \(item (\d+)\)", r"第 \1 项"),
    (r": no period$", ": 缺少期间"),
    (r"^no metric$", "缺少指标"),
    (r"(\S+) holds no figures", r"\1 中没有数据"),
    (r"the unit is ('[^']*'), but the target is in ('[^']*')", r"单位是 \1，但目标的单位是 \2"),
    (r"(\S+) (\S+) is (\S+) here but (\S+) in (.+)$", r"\1 \2 在此为 \3，但在\5中为 \4"),
    (
        r"it is a symbolic link, and tltrack does not write through links",
        "它是符号链接，tltrack 不经链接写入",
    ),
    (
        r"refusing to write to (.+?): it is a data file of (.+?), not a document",
        r"拒绝写入 \1: 它是 \2 中的数据文件，不是文档",
    ),
    (
        r"(\S+): unknown suffix; use \.md, \.html or \.xlsx, or give --format",
        r"\1: 未知的文件后缀；请用 .md、.html 或 .xlsx，或指定 --format",
    ),
    (r"it holds over ([\d,]+) rows of figures", r"数据超过 \1 行"),
    (r"it unpacks to ([\d,]+) bytes; at most ([\d,]+)", r"解压后为 \1 字节，最多允许 \2 字节"),
    (r"its JSON is nested too deeply", "JSON 嵌套层数过多"),
    (r"it is not a regular file", "它不是普通文件"),
    (r"Permission denied", "权限不足"),
    (r"No such file or directory", "文件或目录不存在"),
    (r"No space left on device", "磁盘空间不足"),
    (r"--fail-on ('[^']*') is not a level; use (.+)", r"--fail-on \1 不是有效级别；可用: \2"),
    (r"('[^']*') is not a status; use (.+)", r"\1 不是状态；可用: \2"),
    (r"('[^']*') is not a date; use YYYY-MM-DD", r"\1 不是日期；请用 YYYY-MM-DD"),
    (r"an \.xlsx bulletin needs a file: add -o FILE", "xlsx 通报需要输出文件: 请加 -o FILE"),
    (r"Invalid value for (.+?): ", r"\1 的值无效: "),
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"No such command ('[^']*')\.", r"没有命令 \1"),
    (r"Missing argument ('[^']*')\.", r"缺少参数 \1"),
    (r"Got unexpected extra arguments? \((.+)\)", r"多余的参数(\1)"),
    (r"\(see ('[^']*')\)$", r"(参见 \1)"),
]


def translate_error(lang: Lang, message: str) -> str:
    """An error message in the interface language (see _ERROR_PHRASES_ZH)."""
    if lang != "zh":
        return message
    import re

    for pattern, replacement in _ERROR_PHRASES_ZH:
        message = re.sub(pattern, replacement, message)
    return message
