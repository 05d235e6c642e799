"""Reading plan.toml, the multi-year plan's file: every problem at once."""

from __future__ import annotations

from pathlib import Path

from tltrack.domain.plan import Goal, Plan
from tltrack.errors import NoInputError, Problem, ValidationFailed
from tltrack.files.disk import decode, read_bytes
from tltrack.files.toml_text import MAX_TARGET_FILE_BYTES, read_entries

PLAN_FILE = "plan.toml"


def check_plan(path: Path) -> tuple[Plan | None, list[Problem]]:
    """Read plan.toml and collect all its problems instead of stopping at the first."""
    text, problems = decode(path, read_bytes(path, MAX_TARGET_FILE_BYTES))
    if text is None:
        return None, problems
    from tltrack.files.schema import read_plan_file  # Pydantic only when a file is read afresh

    parsed, _, problems = read_entries(path, text, "goal", read_plan_file)
    if parsed is None or problems:
        return None, problems
    meta, specs = parsed
    goals = tuple(Goal(**dict(spec)) for spec in specs)
    return Plan(meta.title, meta.base_year, meta.end_year, meta.source, goals, path), []


def load_plan(folder: Path) -> Plan:
    path = folder / PLAN_FILE
    if not path.exists() and not path.is_symlink():
        raise NoInputError("no_plan_file", folder=folder)
    plan, problems = check_plan(path)
    if plan is None:
        raise ValidationFailed(problems)
    return plan
