"""Load and validate the hand-written target files; every problem of a file is reported at once.

tltrack reads these files and never rewrites them.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tltrack import cache
from tltrack.domain import Meta, Target
from tltrack.errors import NoInputError, Problem, UsageError, ValidationFailed
from tltrack.fileio import decode, read_bytes

if TYPE_CHECKING:
    from pydantic import ValidationError

TARGET_FILE_RE = re.compile(r"(\d{4})\.toml")
_TOML_POSITION_RE = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True)
class Catalog:
    path: Path
    meta: Meta
    targets: tuple[Target, ...]
    by_id: dict[str, Target] = field(repr=False)
    by_name: dict[str, Target] = field(repr=False)

    @property
    def year(self) -> int:
        return self.meta.year

    def find(self, metric: str) -> Target:
        """A target by its id or its exact Chinese name; otherwise say what was probably meant."""
        wanted = metric.strip()
        found = self.by_id.get(wanted) or self.by_name.get(wanted)
        if found is not None:
            return found
        candidates = [*self.by_id, *self.by_name]
        if len(wanted) > 200:  # no name is that long; and difflib would take its time
            raise UsageError(f"unknown metric ({len(wanted):,} characters) in {self.path.name}")
        import difflib  # only for the message

        close = difflib.get_close_matches(wanted, candidates, n=3, cutoff=0.5)
        if not close:
            close = [c for c in candidates if wanted and (wanted in c or c in wanted)][:3]
        hint = f"; did you mean {', '.join(close)}?" if close else "; 'tltrack list' shows them"
        raise UsageError(f"unknown metric {wanted!r} in {self.path.name}{hint}")


class TomlLines:
    """Finds the line of a table entry or key, so problems can point into the file."""

    def __init__(self, text: str, array_name: str) -> None:
        self.lines = text.splitlines()
        header = re.compile(rf"\s*\[\[\s*{re.escape(array_name)}\s*\]\]")
        self.entry_starts = [i for i, line in enumerate(self.lines) if header.match(line)]

    def _find_key(self, start: int, stop: int, key: str) -> int | None:
        pattern = re.compile(rf"\s*\"?{re.escape(key)}\"?\s*=")
        for i in range(start, stop):
            if pattern.match(self.lines[i]):
                return i + 1
        return None

    def _find_table(self, name: str) -> int | None:
        pattern = re.compile(rf"\s*\[\s*{re.escape(name)}\s*\]")
        for i, line in enumerate(self.lines):
            if pattern.match(line):
                return i
        return None

    def entry_line(self, index: int, key: str | None = None) -> int | None:
        if index >= len(self.entry_starts):
            return None
        start = self.entry_starts[index]
        stop = (
            self.entry_starts[index + 1] if index + 1 < len(self.entry_starts) else len(self.lines)
        )
        found = self._find_key(start + 1, stop, key) if key else None
        return found or start + 1

    def table_line(self, table: str, key: str | None = None) -> int | None:
        start = self._find_table(table)
        if start is None:
            return None
        if key is None:
            return start + 1
        return self._find_key(start + 1, len(self.lines), key) or start + 1


# A target file is read whole; these bound the time and memory a hostile one can cost.
MAX_TARGET_FILE_BYTES = 64 * 1024 * 1024
MAX_LINE_CHARS = 64 * 1024
MAX_NESTING = 32


def parse_toml(path: Path, text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    try:
        return tomllib.loads(text), []
    except RecursionError:
        line = _too_deep_line(text)
        return None, [Problem(path.name, f"nested deeper than {MAX_NESTING} levels", line)]
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION_RE.search(message)
        line = int(position.group(1)) if position else None
        reason = _TOML_POSITION_RE.sub("", message).strip()
        return None, [Problem(path.name, f"not valid TOML: {reason}", line=line)]


def _too_deep_line(text: str) -> int | None:
    """The line where brackets first nest too deep (strings are not told apart: a guide)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for char in line:
            depth += char in "[{"
            depth -= char in "]}"
            if depth > MAX_NESTING:
                return number
    return None


def long_line_problems(path: Path, text: str) -> list[Problem]:
    """A line too long to be a target's (a 50 MB quote): reported before parsing it."""
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            return [
                Problem(
                    path.name,
                    f"line is {len(line):,} characters long; at most {MAX_LINE_CHARS:,}",
                    number,
                )
            ]
    return []


def pydantic_problems(
    path: Path, exc: ValidationError, raw: dict[str, Any], lines: TomlLines, array_name: str
) -> list[Problem]:
    """Turn Pydantic's errors into problems that name the file, line, entry id and field."""
    problems = []
    entries = raw.get(array_name)
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown field (check its spelling)"
        elif error["type"] == "missing":
            message = "missing (required)"
        line: int | None = None
        entry_id: str | None = None
        field_name: str | None = ".".join(loc) if loc else None
        if len(loc) >= 2 and loc[0] == array_name and loc[1].isdigit():
            index = int(loc[1])
            key = loc[2] if len(loc) > 2 else None
            field_name = ".".join(loc[2:]) or None
            line = lines.entry_line(index, key)
            if isinstance(entries, list) and index < len(entries):
                entry = entries[index]
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    entry_id = entry["id"]
                elif isinstance(entry, dict) and isinstance(entry.get("metric"), str):
                    entry_id = f"{entry['metric']} {entry.get('period', '')}".strip()
        elif loc and loc[0] == "meta":
            in_thresholds = len(loc) >= 2 and loc[1] == "thresholds"
            table = "meta.thresholds" if in_thresholds else "meta"
            key = loc[-1] if len(loc) > (2 if in_thresholds else 1) else None
            line = lines.table_line(table, key)
        problems.append(Problem(path.name, message, line, entry_id, field_name))
    return problems


def check_catalog(path: Path) -> tuple[Catalog | None, list[Problem]]:
    """Load a target file and collect all its problems instead of stopping at the first.

    A file read before with the same bytes (and name) comes from the cache."""
    data = read_bytes(path, MAX_TARGET_FILE_BYTES)
    key = f"{cache.digest(data)}-{cache.digest(path.name.encode())[:8]}"
    hit = cache.load("catalog", key)
    if isinstance(hit, tuple) and len(hit) == 2:
        return _catalog(path, *hit), []
    text, problems = decode(path, data)
    if text is None:
        return None, problems
    problems = long_line_problems(path, text)
    if problems:
        return None, problems
    raw, problems = parse_toml(path, text)
    if raw is None:
        return None, problems
    lines = TomlLines(text, "target")
    from pydantic import ValidationError  # Pydantic only when a file is read afresh

    from tltrack.model import read_target_file

    try:
        meta, targets = read_target_file(raw)
    except ValidationError as exc:
        problems = pydantic_problems(path, exc, raw, lines, "target")
        problems += _duplicate_problems(path, raw.get("target"), lines)
        return None, problems
    problems = _duplicate_problems(path, raw["target"], lines)
    problems += _year_problems(path, meta.year, targets, lines)
    name_year = TARGET_FILE_RE.fullmatch(path.name)
    if name_year and int(name_year.group(1)) != meta.year:
        problems.append(
            Problem(
                path.name,
                f"meta.year is {meta.year} but the file is named for {name_year.group(1)}",
                lines.table_line("meta", "year"),
                field="meta.year",
            )
        )
    if problems:
        return None, problems
    cache.store("catalog", key, (meta, targets))
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
            message = f"base_year {spec.base_year} must be before the target year {year}"
            line = lines.entry_line(index, "base_year")
            problems.append(Problem(path.name, message, line, spec.id, "base_year"))
        if spec.due is not None and spec.due.year != year:
            message = f"due {spec.due.isoformat()} is not in the target year {year}"
            line = lines.entry_line(index, "due")
            problems.append(Problem(path.name, message, line, spec.id, "due"))
    return problems


def comparable(name: str) -> str:
    """A name as people see it: compatibility forms folded (full-width letters, ligatures),
    invisible characters dropped. Two names equal in this form cannot both address a target."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(c for c in folded if unicodedata.category(c) not in ("Cc", "Cf")).strip()


def _duplicate_problems(path: Path, entries: Any, lines: TomlLines) -> list[Problem]:
    """Ids and names both address a metric, so each must be unique in the file, also when
    two differ only by invisible characters or compatibility forms."""
    if not isinstance(entries, list):
        return []
    problems = []
    for key in ("id", "name"):
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            value = entry.get(key) if isinstance(entry, dict) else None
            if not isinstance(value, str):
                continue
            value = comparable(value)
            if value in seen:
                first_line = lines.entry_line(seen[value], key)
                problems.append(
                    Problem(
                        path.name,
                        f"duplicate {key} {value!r} (first at line {first_line})",
                        lines.entry_line(index, key),
                        entry.get("id") if isinstance(entry.get("id"), str) else None,
                        key,
                    )
                )
            else:
                seen[value] = index
    return problems


def load_catalog(path: Path) -> Catalog:
    catalog, problems = check_catalog(path)
    if catalog is None:
        raise ValidationFailed(problems)
    return catalog


def target_files(data_dir: Path) -> list[Path]:
    """The target files of a data folder, oldest year first."""
    return sorted(
        (p for p in data_dir.iterdir() if TARGET_FILE_RE.fullmatch(p.name)),
        key=lambda p: p.name,
    )


def year_file(data_dir: Path, year: int | None) -> Path:
    """The target file for `year`, or the newest one when no year is given."""
    files = target_files(data_dir)
    if year is not None:
        path = data_dir / f"{year}.toml"
        if path not in files:
            have = ", ".join(p.stem for p in files) or "none"
            raise NoInputError(f"no target file for {year} in {data_dir} (have: {have})")
        return path
    if not files:
        raise NoInputError(f"no target file (YYYY.toml) in {data_dir}; see README, 'Target files'")
    return files[-1]
