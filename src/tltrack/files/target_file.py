"""Load and validate the hand-written target files; every problem of a file is reported at once.

tltrack reads these files and never rewrites them.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from tltrack.domain.catalog import Catalog
from tltrack.domain.targets import Meta, Target
from tltrack.errors import (
    NoInputError,
    Problem,
    ValidationFailed,
    msg,
)
from tltrack.files import cache
from tltrack.files.disk import decode, os_error, read_bytes
from tltrack.files.toml_text import MAX_TARGET_FILE_BYTES, TomlLines, read_entries

if TYPE_CHECKING:
    pass

TARGET_FILE_RE = re.compile(r"(\d{4})\.toml")
# The problems of a target file not yet filled in (init --from leaves each target's value
# and quote to the new report): a year still being prepared, not a broken one.
TO_FILL = frozenset({"to_fill", "needs_target"})


def check_catalog(path: Path) -> tuple[Catalog | None, list[Problem]]:
    """Load a target file and collect all its problems instead of stopping at the first.

    A file read before with the same bytes (and name) comes from the cache."""
    data = read_bytes(path, MAX_TARGET_FILE_BYTES)
    key = f"{cache.digest(data)}-{cache.digest(path.name.encode())[:8]}"
    hit = cache.load("catalog", key)
    if isinstance(hit, tuple) and len(hit) == 2:
        # Kept as plain tuples: a named tuple is unpickled through its Python __new__, which
        # takes twice as long for 20,000 targets. (The cache's key names the fields.)
        meta, rows = hit
        return _catalog(path, meta, tuple([tuple.__new__(Target, row) for row in rows])), []
    text, problems = decode(path, data)
    if text is None:
        return None, problems
    from tltrack.files.schema import read_target_file  # Pydantic only when a file is read afresh

    parsed, lines, problems = read_entries(path, text, "target", read_target_file)
    if parsed is None or lines is None:
        return None, problems
    meta, targets = parsed
    problems += _year_problems(path, meta.year, targets, lines)
    problems += split_problems(path, meta.regions, targets, lines)
    problems += [
        Problem(path.name, msg("to_fill"), lines.entry_line(index, "quote"), t.id, "quote")
        for index, t in enumerate(targets)
        if t.quote == "待填"  # written by init --from: the new report's words go here
    ]
    name_year = TARGET_FILE_RE.fullmatch(path.name)
    if name_year and int(name_year.group(1)) != meta.year:
        problems.append(
            Problem(
                path.name,
                msg("year_mismatch", year=meta.year, named=name_year.group(1)),
                lines.table_line("meta", "year"),
                field="meta.year",
            )
        )
    if problems:
        return None, problems
    cache.store("catalog", key, (meta, [tuple(t) for t in targets]))
    return _catalog(path, meta, targets), []


def _catalog(path: Path, meta: Meta, targets: tuple[Target, ...]) -> Catalog:
    return Catalog(
        path=path,
        meta=meta,
        targets=targets,
        by_id={t.id: t for t in targets},
        by_name={t.name: t for t in targets},
    )


def _year_problems(
    path: Path, year: int, targets: tuple[Target, ...], lines: TomlLines
) -> list[Problem]:
    """Fields that must agree with the file's year."""
    problems = []
    for index, spec in enumerate(targets):
        if spec.base_year is not None and spec.base_year >= year:
            message = msg("base_year_late", base_year=spec.base_year, year=year)
            line = lines.entry_line(index, "base_year")
            problems.append(Problem(path.name, message, line, spec.id, "base_year"))
        if spec.due is not None and spec.due.year != year:
            message = msg("due_other_year", due=spec.due.isoformat(), year=year)
            line = lines.entry_line(index, "due")
            problems.append(Problem(path.name, message, line, spec.id, "due"))
    return problems


def split_problems(
    path: Path, regions: tuple[str, ...], targets: tuple[Target, ...], lines: TomlLines
) -> list[Problem]:
    """A target's split among the regions (DESIGN §7): every key a listed region; a total
    to reach is split into shares that add up to at least the city's target (more is normal:
    层层加码), each above zero."""
    problems = []
    listed = ", ".join(regions) or msg("none_listed")
    for index, t in enumerate(targets):
        if t.owner is not None and t.owner in t.co_owners:
            line = lines.entry_line(index, "co_owners")
            problems.append(
                Problem(path.name, msg("owner_also_co", owner=t.owner), line, t.id, "co_owners")
            )
        if not t.split:
            continue
        where = f"split.{t.split[0][0]}"
        if t.kind == "milestone":
            message = msg("split_milestone")
            problems.append(Problem(path.name, message, lines.entry_line(index, "split"), t.id))
            continue
        for region, share in t.split:
            line = lines.entry_line(index, region)
            if region not in regions:
                message = msg("split_unknown_region", region=region, regions=listed)
                problems.append(Problem(path.name, message, line, t.id, f"split.{region}"))
            elif t.kind == "cumulative" and share <= 0:
                message = msg("split_positive", region=region)
                problems.append(Problem(path.name, message, line, t.id, f"split.{region}"))
        total = math.fsum(share for _, share in t.split)
        # Shares come from decimal text: 0.1 + 0.2 must reach 0.3.
        short = t.target is not None and total < t.target - 1e-9 * max(1.0, abs(t.target))
        if t.kind == "cumulative" and t.direction == "at_least" and short:
            message = msg("split_short", total=_plain(total), target=_plain(t.goal))
            line = lines.entry_line(index, t.split[0][0])
            problems.append(Problem(path.name, message, line, t.id, where))
    return problems


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(round(value, 6))


def targets_to_fill(path: Path) -> tuple[int, int]:
    """Of a file not yet filled in (its problems all TO_FILL): how many targets still need
    their value or the report's words (what validate says in pieces, counted once each),
    and how many still hold init --from's 待填 where the words go."""
    import tomllib  # read so only for a new year's file still being filled in

    text, _ = decode(path, read_bytes(path, MAX_TARGET_FILE_BYTES))
    try:
        entries = tomllib.loads(text or "").get("target", [])
    except tomllib.TOMLDecodeError:
        return 0, 0
    targets = [t for t in entries if isinstance(t, dict)]
    marked = sum(1 for t in targets if t.get("quote") == "待填")
    valueless = sum(
        1 for t in targets if t.get("quote") != "待填" and "target" not in t
        and t.get("kind") != "milestone"
    )  # fmt: skip
    return marked + valueless, marked


def load_catalog(path: Path) -> Catalog:
    catalog, problems = check_catalog(path)
    if catalog is None:
        raise ValidationFailed(problems)
    return catalog


def target_files(data_dir: Path) -> list[Path]:
    """The target files of a data folder, oldest year first."""
    try:
        names = [p for p in data_dir.iterdir() if TARGET_FILE_RE.fullmatch(p.name)]
    except (FileNotFoundError, NotADirectoryError):
        raise NoInputError("no_data_folder", folder=data_dir) from None
    except OSError as exc:
        raise os_error(exc, "read", data_dir) from None
    return sorted(names, key=lambda p: p.name)


def year_file(data_dir: Path, year: int | None) -> Path:
    """The target file for `year`, or the newest one when no year is given."""
    files = target_files(data_dir)
    if year is not None:
        path = data_dir / f"{year}.toml"
        if path not in files:
            have = ", ".join(p.stem for p in files) or msg("none_yet")
            raise NoInputError("no_year_file", year=year, folder=data_dir, have=have)
        return path
    if not files:
        raise NoInputError("no_target_file", folder=data_dir)
    return files[-1]
