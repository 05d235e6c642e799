"""`tltrack init`: a new data folder, with a commented template of a target file or the
shipped catalog, and the git settings its records file needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tltrack.errors import CannotCreateError, NoInputError
from tltrack.files.disk import os_error, write_atomic
from tltrack.files.folder import make_folder

SHIPPED_YEAR = 2025
SOURCE_NAME = "tongliao-2025-work-report.txt"

EXAMPLES = """\
[[target]]
id = "gdp_growth"
name = "地区生产总值增长"
category = "主要指标"
kind = "growth"
target = 6
unit = "%"
quote = "全市地区生产总值增长6%以上"

[[target]]
id = "key_projects_started"
name = "开复工重点项目"
category = "项目与投资"
kind = "cumulative"
target = 500
unit = "个"
quote = "全年开复工重点项目500个以上"

[[target]]
id = "reservoir_filled"
name = "水库建成蓄水"
category = "城乡建设"
kind = "milestone"
quote = "水库建成蓄水"
"""

TEMPLATE = """\
# {year} 年目标 — a target file for tltrack. tltrack reads this file and never writes it.
# Each [[target]] is one target of the work report. Check the file with 'tltrack validate'.
#
# Fields of a target:
#   id         ASCII name used on the command line, e.g. "gdp_growth"
#   name       the target's Chinese name, also accepted on the command line; unique
#   category   a heading for the status table and the bulletin, e.g. "主要指标"
#   kind       growth (增速, a YTD rate) | cumulative (累计, a YTD total)
#              | level (水平, a level now) | milestone (节点, done or not)
#   target     the figure, in the report's own unit (milestones have none)
#   unit       "%", "亿元", "万亩", "个", ...
#   direction  "at_least" (以上, the default) or "at_most" (a ceiling)
#   stretch    true for 力争 targets
#   baseline   last year's figure of the same measure; baseline_unit when in another unit
#   pace       "linear" (default), "year_end" (only the full-year figure counts),
#              or twelve cumulative monthly shares, e.g. [0.02, 0.05, ..., 1.0]
#   owner      牵头单位, the lead department; co_owners: 配合单位, e.g. ["市工信局"]
#   quote      the report's own words for the target
#   due        a milestone's due date, e.g. {year}-06-30 (default: the year's end)
#   [target.split]  each region's own target, in the target's unit, e.g. "开鲁县" = 60
#              (a share of a total, or a region's own rate); regions come from [meta]

[meta]
year = {year}
title = "{year}年政府工作报告目标"
# regions = ["科尔沁区", "开鲁县"]   # the regions below the city (旗县市区), for [target.split]

[meta.thresholds]
on_track = 0.95          # pace ratio at or above: 进度正常
at_risk = 0.75           # pace ratio below: 严重滞后; in between: 滞后
growth_behind_pp = 1.0   # a growth rate short by at most 1 pp: 滞后; more: 严重滞后
stale_after_days = 45    # a figure whose period ended longer ago is flagged stale
ahead_pp = 5             # completion ahead of the pace by this many points: 超进度
# rule = "gap_pp"        # light by points below the pace instead of the ratio (三色预警):
# behind_pp = 10         #   黄灯 from 10 points below,
# at_risk_pp = 30        #   红灯 past 30 points below

# Replace these examples with the report's targets.

"""

TEMPLATE += EXAMPLES

TEMPLATE_ZH = """\
# {year} 年目标 — tltrack 的目标文件。tltrack 只读取此文件，从不改写它。
# 每个 [[target]] 是工作报告中的一项目标。编辑后请用 'tltrack validate' 检查。
#
# 目标的字段:
#   id         指标代码，命令行中使用，只用小写字母、数字和下划线，如 "gdp_growth"
#   name       目标的中文名称，命令行中也可使用；不可重复
#   category   类别，状态表和通报按它分组，如 "主要指标"
#   kind       growth 增速(累计增速) | cumulative 累计(年初至今累计值)
#              | level 水平(当前水平) | milestone 节点(完成与否)
#   target     目标值，用报告原文的单位(节点目标不填)
#   unit       单位: "%"、"亿元"、"万亩"、"个" 等
#   direction  "at_least" 不低于(以上，默认) 或 "at_most" 不高于(上限)
#   stretch    力争类目标填 true
#   baseline   上年同口径数值；单位不同时另填 baseline_unit
#   pace       进度曲线: "linear" 线性(默认)、"year_end" 年末(只看全年数)，
#              或 12 个逐月累计比例，如 [0.02, 0.05, ..., 1.0]
#   owner      牵头单位；co_owners 配合单位，如 ["市工信局"]
#   quote      报告原文
#   due        节点目标的完成时限，如 {year}-06-30(默认: 年底)
#   [target.split]  分解到各旗县市区的目标，单位同目标，如 "开鲁县" = 60
#              (累计目标的分解数，或增速目标的地区目标)；地区须列在 [meta] regions 中

[meta]
year = {year}
title = "{year}年政府工作报告目标"
# regions = ["科尔沁区", "开鲁县"]   # 所辖旗县市区，供 [target.split] 使用

[meta.thresholds]
on_track = 0.95          # 完成率与时序进度之比不低于此值: 进度正常
at_risk = 0.75           # 低于此值: 严重滞后；介于两者之间: 滞后
growth_behind_pp = 1.0   # 增速低于目标不超过 1 个百分点: 滞后；更多: 严重滞后
stale_after_days = 45    # 期间结束超过此天数的数据标为过期
ahead_pp = 5             # 完成率超出时序进度此点数: 超进度
# rule = "gap_pp"        # 按低于时序进度的点数亮灯(三色预警)，不按比值:
# behind_pp = 10         #   低 10 个百分点起亮黄灯，
# at_risk_pp = 30        #   低 30 个百分点以上亮红灯

# 请用报告中的目标替换下面的示例。

"""

TEMPLATE_ZH += EXAMPLES  # the same examples under Chinese comments

GITIGNORE = (
    "# tltrack's lock files: never commit them\n.*.lock\n.*.lock.held\n"
    "# the key that seals fill-in forms: this office's alone\n.tltrack-form-key\n"
)
# Each figure is one line, so git's union merge joins two clones' figures into a valid file;
# LF on every machine, so git on Windows (core.autocrlf) does not rewrite every line.
GITATTRIBUTES = "*.records.toml merge=union eol=lf\n"


@dataclass(frozen=True)
class InitResult:
    folder: Path
    written: list[Path]


def shipped_catalog_dir() -> Path:
    """Where the shipped catalog is: inside the installed package, or in a source checkout."""
    package = Path(__file__).resolve().parents[1]  # tltrack/, which the wheel gives catalogs/
    for folder in (package / "catalogs", package.parent.parent / "targets"):
        if (folder / f"{SHIPPED_YEAR}.toml").is_file():
            return folder
    raise NoInputError("shipped_missing")


def init(folder: Path, year: int, with_catalog: bool, lang: str = "en") -> InitResult:
    """A new data folder: the shipped catalog, or a template for `year` commented in `lang`."""
    target_year = SHIPPED_YEAR if with_catalog else year
    target_file = folder / f"{target_year}.toml"
    if target_file.exists():
        raise CannotCreateError("already_exists", path=target_file)
    try:
        make_folder(folder)
    except OSError as exc:
        raise os_error(exc, "create", folder) from exc
    written = []
    if with_catalog:
        source = shipped_catalog_dir()
        write_atomic(target_file, (source / f"{SHIPPED_YEAR}.toml").read_bytes())
        article = source / "source" / SOURCE_NAME
        if article.is_file():
            try:
                make_folder(folder / "source")
            except OSError as exc:
                raise os_error(exc, "create", folder / "source") from exc
            write_atomic(folder / "source" / SOURCE_NAME, article.read_bytes())
            written.append(folder / "source" / SOURCE_NAME)
    else:
        template = TEMPLATE_ZH if lang == "zh" else TEMPLATE
        write_atomic(target_file, template.format(year=year).encode("utf-8"))
    written.insert(0, target_file)
    for name, content in ((".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)):
        extra = folder / name
        if not extra.exists() and not extra.is_symlink():
            write_atomic(extra, content.encode("utf-8"))
            written.append(extra)
    return InitResult(folder, written)
