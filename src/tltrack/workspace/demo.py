"""`tltrack demo`: a data folder a newcomer can try every command on at once. The shipped
2025 catalog and a year of illustrative figures, marked 示例数据 in the target file's title,
in `[meta] sample` (every status, check and bulletin says so) and in each figure's note: none
of them is Tongliao's.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from tltrack.domain.figures import Record
from tltrack.domain.periods import expected_share
from tltrack.domain.targets import Target
from tltrack.errors import CannotCreateError
from tltrack.files.disk import os_error, write_atomic
from tltrack.files.folder import make_folder
from tltrack.files.target_file import load_catalog
from tltrack.stores.choice import open_store
from tltrack.workspace.new_folder import SHIPPED_YEAR, shipped_catalog_dir

SAMPLE_NOTE = "示例数据"
COUNTED = {"个", "户", "条", "家", "项", "座", "处", "所", "人", "套", "台", "辆", "栋", "场", "件"}
# How far ahead of or behind its pace each target runs, drawn once per target from its id:
# a spread an office would recognise, a few ahead, most near the pace, a few lagging.
SPREAD = (0.72, 0.86, 0.94, 0.98, 1.0, 1.03, 1.08, 1.15)


def demo(folder: Path) -> tuple[Path, int, int]:
    """Write the demo folder, and say how many targets and figures it holds; refuse to write
    over a target file already there."""
    target_file = folder / f"{SHIPPED_YEAR}.toml"
    if target_file.exists() or target_file.is_symlink():
        raise CannotCreateError("already_exists", path=target_file)
    try:
        make_folder(folder)
    except OSError as exc:
        raise os_error(exc, "create", folder) from exc
    text = (shipped_catalog_dir() / f"{SHIPPED_YEAR}.toml").read_text(encoding="utf-8")
    marked = text.replace(
        'title = "通辽市2025年政府工作报告目标"',
        'title = "通辽市2025年政府工作报告目标（示例数据）"\nsample = true  # illustrative figures',
        1,
    )
    write_atomic(target_file, marked.encode("utf-8"))
    catalog = load_catalog(target_file)
    records = [r for t in catalog.targets for r in _figures(t, catalog.year)]
    with open_store(target_file, catalog.meta.store).change() as change:
        change.append(records)
    return target_file, len(catalog.targets), len(records)


def _figures(target: Target, year: int) -> list[Record]:
    """Twelve months of a target's figures, made up: never Tongliao's."""
    chance = random.Random(target.id)
    pace = chance.choice(SPREAD)
    figures = []
    for month in range(1, 13):
        at = datetime(year if month < 12 else year + 1, month % 12 + 1, 5, 9, 0, tzinfo=UTC)
        value = _value(target, month, pace, chance)
        if value is None:
            continue
        period = f"{year}-{month:02d}" if month < 12 else str(year)
        figures.append(Record(target.id, period, value, at, note=SAMPLE_NOTE, by="tltrack demo"))
    return figures


def _value(target: Target, month: int, pace: float, chance: random.Random) -> float | None:
    goal = target.goal
    if target.kind == "milestone":
        done_by = chance.choice((6, 9, 11, 12, 13))  # 13: not done by the year's end
        return 100.0 if month >= done_by else round(min(95.0, 100 * month / done_by), 0)
    if target.kind == "cumulative":
        share = expected_share(target.pace, month / 12)
        if share == 0:
            return None  # a year_end figure (grain) is only known at the year's end
        wobble = 1 + chance.uniform(-0.03, 0.03)
        # Things counted one by one (个, 户, 家) come whole; amounts (万亩, 亿元) to a tenth.
        digits = 0 if target.unit in COUNTED else 1
        return float(round(goal * share * pace * wobble, digits))
    # A rate or a level: near the target, a little above or below it through the year.
    offset = (pace - 1) * (abs(goal) if goal else 1) * 0.2 + chance.uniform(-0.2, 0.2)
    if target.direction == "at_most":
        offset = -offset
    value = round(goal + offset, 1)
    if target.change == "decrease":
        value = min(value, 99.0)
    return max(value, 0.0)
