"""`tltrack init --from 2025 --year 2026`: next year's target file started from this year's.

What stays from year to year is carried over: ids, names, categories, kinds, units,
directions, paces, lead and supporting offices, regions, thresholds. What the new work report
decides is left for the office: every target value, the report's words, each region's share.
A total's or a level's baseline becomes this year's full-year figure where one is recorded,
with `baseline_quote` saying so. Nothing of this year's files is changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli_w

from tltrack.domain.assess import counting, figures_by_period
from tltrack.domain.figures import records_by_metric
from tltrack.domain.targets import Target
from tltrack.errors import CannotCreateError
from tltrack.files.disk import create_new
from tltrack.files.plan_file import PLAN_FILE, check_plan
from tltrack.files.target_file import load_catalog, year_file
from tltrack.stores.choice import open_store

TO_FILL = "待填"  # a quote still to be taken from the new report: validate lists it


def _value(value: Any) -> str:
    return tomli_w.dumps({"v": value})[len("v = ") :].rstrip("\n")


def start_next_year(folder: Path, source_year: int, year: int) -> tuple[Path, int, int]:
    """Write `<year>.toml` from `<source_year>.toml`; return it, how many targets it holds
    and how many baselines came from recorded full-year figures."""
    source = load_catalog(year_file(folder, source_year))
    path = folder / f"{year}.toml"
    if path.exists() or path.is_symlink():
        raise CannotCreateError("already_exists", path=path)
    full_year: dict[str, float] = {}  # the full-year figure that counts, per target
    city = [r for r in open_store(source.path, source.meta.store).read() if r.region is None]
    for metric, items in records_by_metric(city).items():
        for period, figures in figures_by_period(items, source.year).items():
            if period.is_full_year:
                full_year[metric] = counting(figures).record.value
    lines = _header(source, year)
    carried = 0
    in_plan = _in_plan(folder, year)
    for t in source.targets:
        baseline = full_year.get(t.id) if t.kind in ("cumulative", "level") else None
        carried += baseline is not None
        lines += _target(t if in_plan else t._replace(plan=None), source_year, baseline)
    like = source.path.stat()  # the new year's target file is made like the last
    create_new(path, "\n".join(lines).encode("utf-8") + b"\n", like=like)
    return path, len(source.targets), carried


def _in_plan(folder: Path, year: int) -> bool:
    """Whether the year is one of plan.toml's: a goal's link goes on only while its plan
    runs. A plan.toml that does not read keeps the links (validate says what is wrong)."""
    path = folder / PLAN_FILE
    if not path.is_file():
        return True
    plan, _ = check_plan(path)
    return plan is None or year in plan.years


def _header(source: Any, year: int) -> list[str]:
    meta = source.meta
    title = meta.title.replace(str(meta.year), str(year)) or f"{year}年政府工作报告目标"
    lines = [
        f"# {year} 年目标: 由 {meta.year} 年的目标文件生成 (tltrack init --from {meta.year}).",
        "# 每项目标的 target 和 quote 须按新一年的工作报告填写；",
        "# 'tltrack validate' 列出尚未填写的。",
        f"# Started from {meta.year}.toml: fill each target's value and quote from the new report.",
        "",
        "[meta]",
        f"year = {year}",
        f"title = {_value(title)}",
    ]
    if meta.regions:
        lines.append(f"regions = {_value(list(meta.regions))}")
    if meta.sample:
        lines.append("sample = true  # illustrative figures, as the year before")
    thresholds = meta.thresholds._asdict()
    defaults = type(meta.thresholds)()._asdict()
    changed = {key: value for key, value in thresholds.items() if defaults[key] != value}
    if changed:
        lines += ["", "[meta.thresholds]"]
        lines += [f"{key} = {_value(value)}" for key, value in changed.items()]
    return lines


def _target(t: Target, source_year: int, baseline: float | None) -> list[str]:
    lines = [
        "",
        "[[target]]",
        f"id = {_value(t.id)}",
        f"name = {_value(t.name)}",
        f"category = {_value(t.category)}",
        f"kind = {_value(t.kind)}",
    ]
    if t.kind != "milestone":
        lines.append(f"# target = ?        # {TO_FILL}: the new report's figure")
    if t.unit:
        lines.append(f"unit = {_value(t.unit)}")
    if t.direction != "at_least":
        lines.append(f"direction = {_value(t.direction)}")
    if baseline is not None:
        lines.append(f"baseline = {_value(baseline)}")
        said = f"{source_year}年全年实际数(tltrack 记录的 {source_year} 年数据)"
        lines.append(f"baseline_quote = {_value(said)}")
    if t.base_year is not None and t.change is not None:
        lines += [f"base_year = {t.base_year}", f"change = {_value(t.change)}"]
    if t.owner is not None:
        lines.append(f"owner = {_value(t.owner)}")
    if t.co_owners:
        lines.append(f"co_owners = {_value(list(t.co_owners))}")
    if t.pace != "linear":
        lines.append(f"pace = {_value(t.pace)}")
    if t.plan is not None:
        lines.append(f"plan = {_value(t.plan)}")  # the plan's goal runs on past this year
    lines.append(f"quote = {_value(TO_FILL)}")
    return lines
