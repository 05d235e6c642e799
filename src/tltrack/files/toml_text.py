"""Reading a hand-written TOML file of entries: its lines (so a problem can name one), its
parse, and Pydantic's complaints said as tltrack's own messages."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli

from tltrack.errors import (
    Invalid,
    Message,
    Problem,
    msg,
)

if TYPE_CHECKING:
    from pydantic import ValidationError


_TOML_POSITION_RE = re.compile(r"\(at line (\d+), column \d+\)")


class TomlLines:
    """Finds the line of a table entry or key, so problems can point into the file."""

    def __init__(self, text: str, array_name: str) -> None:
        # TOML ends a line at \n only: splitlines() would also split at U+2028 in a note.
        self.lines = text.replace("\r\n", "\n").split("\n")
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
        return tomli.loads(text), []
    except RecursionError:
        line = _too_deep_line(text)
        return None, [Problem(path.name, msg("too_deep", limit=MAX_NESTING), line)]
    except ValueError as exc:  # TOMLDecodeError, or an integer of more than 4,300 digits
        message = str(exc)
        position = _TOML_POSITION_RE.search(message)
        line = int(position.group(1)) if position else None
        reason = _TOML_POSITION_RE.sub("", message).strip()
        return None, [Problem(path.name, msg("not_toml", reason=reason), line=line)]


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
                    path.name, msg("line_too_long", length=len(line), limit=MAX_LINE_CHARS), number
                )
            ]
    return []


_TYPE_WORDS = {
    "int": "type_int",
    "float": "type_float",
    "string": "type_str",
    "bool": "type_bool",
    "date": "type_date",
    "datetime": "type_datetime",
    "list": "type_list",
    "dict": "type_table",
    "model": "type_table",
}


_LIMITS = {
    "greater_than": ("field_gt", "gt"),
    "greater_than_equal": ("field_ge", "ge"),
    "less_than": ("field_lt", "lt"),
    "less_than_equal": ("field_le", "le"),
    "string_too_short": ("field_short", "min_length"),
    "string_too_long": ("field_long", "max_length"),
    "too_short": ("field_few", "min_length"),
    "too_long": ("field_many", "max_length"),
}


def pydantic_message(error: Any) -> Message:
    """Pydantic's complaint about a field, as a message of ours, said in the user's language."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        return msg("field_unknown")
    if kind == "missing":
        return msg("field_missing")
    if kind in _LIMITS:
        message_id, key = _LIMITS[kind]
        limit = ctx.get(key, "?")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)  # 1, as the file would write it, not 1.0
        return msg(message_id, limit=limit)
    if kind == "string_pattern_mismatch":
        return msg("field_pattern", pattern=ctx.get("pattern", "?"))
    if kind == "literal_error":
        return msg("field_literal", expected=ctx.get("expected", "?"))
    if kind == "finite_number":
        return msg("field_finite")
    if kind == "value_error":
        raised = ctx.get("error")
        if isinstance(raised, Invalid):
            return raised.message
        return msg("field_invalid", kind=str(raised))
    base = kind.removesuffix("_type").removesuffix("_parsing").removesuffix("_from_datetime")
    if base in _TYPE_WORDS and base != kind:
        return msg("field_type", kind=msg(_TYPE_WORDS[base]))
    return msg("field_invalid", kind=kind)


def pydantic_problems(
    path: Path, exc: ValidationError, raw: dict[str, Any], lines: TomlLines, array_name: str
) -> list[Problem]:
    """Turn Pydantic's errors into problems that name the file, line, entry id and field."""
    problems = []
    entries = raw.get(array_name)
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        message = pydantic_message(error)
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
        elif loc:  # a table: [meta], [meta.thresholds], plan.toml's [plan]
            in_thresholds = len(loc) >= 2 and loc[1] == "thresholds"
            table = "meta.thresholds" if in_thresholds else loc[0]
            key = loc[-1] if len(loc) > (2 if in_thresholds else 1) else None
            line = lines.table_line(table, key)
        problems.append(Problem(path.name, message, line, entry_id, field_name))
    return problems


def read_entries(
    path: Path, text: str, array_name: str, reader: Callable[[dict[str, Any]], Any]
) -> tuple[Any, TomlLines | None, list[Problem]]:
    """A hand-written TOML file of entries (`[[target]]`, `[[goal]]`) read by `reader`, a
    files/schema.py function: what it returns (None when the fields do not check) with the file's
    lines, and every problem (long lines, TOML, fields by line and entry, duplicate ids and
    names)."""
    problems = long_line_problems(path, text)
    if problems:
        return None, None, problems
    raw, problems = parse_toml(path, text)
    if raw is None:
        return None, None, problems
    lines = TomlLines(text, array_name)
    from pydantic import ValidationError  # only when a file is read afresh: a quicker start

    try:
        parsed = reader(raw)
    except ValidationError as exc:
        problems = pydantic_problems(path, exc, raw, lines, array_name)
        return None, lines, problems + duplicate_problems(path, raw.get(array_name), lines)
    problems = duplicate_problems(path, raw[array_name], lines)
    return parsed, lines, problems


def comparable(name: str) -> str:
    """A name as people see it: compatibility forms folded (full-width letters, ligatures),
    invisible characters dropped. Two names equal in this form cannot both address a target."""
    folded = unicodedata.normalize("NFKC", name)
    if folded.isprintable():  # no Cc or Cf character in it: nothing to drop (most names)
        return folded.strip()
    return "".join(c for c in folded if unicodedata.category(c) not in ("Cc", "Cf")).strip()


def duplicate_problems(path: Path, entries: Any, lines: TomlLines) -> list[Problem]:
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
                        msg("duplicate", key=key, value=value, line=first_line),
                        lines.entry_line(index, key),
                        entry.get("id") if isinstance(entry.get("id"), str) else None,
                        key,
                    )
                )
            else:
                seen[value] = index
    return problems
