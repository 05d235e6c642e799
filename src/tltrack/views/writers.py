"""One writer per format, each able to render any View, and the Output they write to.

table: for people at a terminal (colour only where wanted, folded to its width, no control
character from the data); markdown: for documents; csv and json: for scripts, the same in every
language. Messages go to stderr, so stdout stays clean for scripts.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import itertools
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TextIO

from tltrack.domain.values import number
from tltrack.errors import StorageIOError
from tltrack.files.disk import os_reason
from tltrack.text.lang import Lang
from tltrack.text.safe import markdown_text, printable, printable_lines, spreadsheet_cell
from tltrack.views import texttable
from tltrack.views.view import FOR_PEOPLE, Cell, Plain, View

Format = Literal["table", "json", "csv", "markdown"]
# Below this many columns the status table folds the period under the figure.
WIDE = 120


@dataclass(frozen=True)
class Output:
    """Where a command's output goes, and how: language, colour, width and the streams."""

    lang: Lang
    colour: bool
    width: int
    out: TextIO
    err: TextIO

    @classmethod
    def terminal(cls, lang: Lang) -> Output:
        if sys.stdout is None:  # started with stdout closed (`>&-`)
            raise StorageIOError("stdout_closed")
        return cls(lang, _use_colour(), _terminal_width(), sys.stdout, sys.stderr)

    @property
    def compact(self) -> bool:
        return self.width < WIDE

    def message(self, line: str) -> None:
        """A line for the person at the terminal; with stderr closed or full it is lost, and
        the command's work, done by now, does not fail for it."""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self.err.write(printable(line) + "\n")
            self.err.flush()


def _terminal_width() -> int:
    """$COLUMNS, else the terminal's width; piped into a file or a pager, room for the table."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return 160


def _use_colour() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


@contextlib.contextmanager
def writing_stdout() -> Iterator[None]:
    """Writing a command's output: stdout on a full disk (`> /dev/full`) or otherwise failing
    is one error line and exit 74, and stdout is then pointed at nothing, so the flush at
    exit does not fail again. A reader gone away (`| head`) is not an error: the command
    line ends that quietly."""
    if sys.stdout is None:
        raise StorageIOError("stdout_closed")
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise StorageIOError("cannot_write_output", reason=os_reason(exc)) from None


def write(view: View, fmt: Format, out: Output, encoding: str | None = None) -> None:
    """Render `view` to stdout; with `encoding` (gb18030, utf-8-sig: what Chinese Excel opens
    without asking) as bytes in that encoding rather than the terminal's."""
    with writing_stdout():
        _write(view, fmt, out, encoding)
    for line in view.messages:
        out.message(line)


def _write(view: View, fmt: Format, out: Output, encoding: str | None) -> None:
    target = out
    if encoding is not None:
        target = dataclasses.replace(out, out=io.StringIO())
    WRITERS[fmt](view, target)
    if fmt in ("table", "markdown"):
        for more in view.after:
            target.out.write("\n")
            WRITERS[fmt](more, target)
    if encoding is not None:
        assert isinstance(target.out, io.StringIO)
        data = target.out.getvalue().encode(encoding, errors="replace")
        buffer = getattr(out.out, "buffer", None)
        if buffer is None:  # a text stream without bytes underneath (a test's capture)
            out.out.write(data.decode(encoding))
        else:
            out.out.flush()
            buffer.write(data)
            buffer.flush()
    out.out.flush()


def plain(value: Plain) -> str:
    """A value for a script: numbers without exponent or trailing zeros, booleans in JSON's
    words, nothing for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number(value)
    return str(value)


def _json(view: View, out: Output) -> None:
    data = view.data() if callable(view.data) else view.data
    out.out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _csv(view: View, out: Output) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.key for column in view.columns])
    for row in view.rows:
        if FOR_PEOPLE not in row:
            writer.writerow([spreadsheet_cell(plain(row[c.key].value)) for c in view.columns])
    out.out.write(buffer.getvalue())


def _markdown(view: View, out: Output) -> None:
    columns = [c for c in view.columns if c.in_table]
    parts = [f"# {markdown_text(view.title)}"] if view.title else []
    if view.fields:
        parts.append("")
        parts += [f"- {markdown_text(k)}: {markdown_text(v)}" for k, v in view.fields]
    for section in view.sections:
        if section.title:
            parts += ["", f"## {markdown_text(section.title)}"]
        if not section.rows:
            continue
        parts += ["", "| " + " | ".join(markdown_text(c.label) for c in columns) + " |"]
        parts.append("|" + "---|" * len(columns))
        for row in section.rows:
            cells = (markdown_text(row[c.key].text) for c in columns)
            parts.append("| " + " | ".join(cells) + " |")
    if not view.rows and view.empty:
        parts += ["", markdown_text(view.empty)]
    if view.summary:
        parts += ["", markdown_text(view.summary)]
    for note, _ in view.notes:
        parts += ["", markdown_text(note)]
    out.out.write("\n".join(parts).lstrip("\n") + "\n")


def _table(view: View, out: Output) -> None:
    def line(content: str = "", style: str = "") -> None:
        out.out.write(texttable.styled(printable(content), style, out.colour) + "\n")

    if view.title:
        line(view.title, "bold")
    if view.fields:
        _fields(view.fields, out)
    if view.lines is not None:
        for problem in view.lines:
            line(problem)
    elif view.rows:
        _rows(view, out)
    elif view.empty:
        line(view.empty)
    if view.summary:
        line()
        for part in _pack(view.summary, out.width):
            line(part)
    for note, style in view.notes:
        for part in texttable.fold(printable(note), max(20, out.width - 1)):
            line(part, style)


def _pack(summary: str, width: int, separator: str = " · ") -> list[str]:
    """A summary line folded to the terminal between its parts (已完成 0 · 超进度 1 · …), never
    inside one."""
    room = max(20, width - 1)
    lines: list[str] = []
    for part in summary.split(separator):
        if lines and texttable.width_of(lines[-1] + separator + part) <= room:
            lines[-1] += separator + part
        else:
            lines.append(part)
    return lines


def _fields(fields: list[tuple[str, str]], out: Output) -> None:
    """Label and value pairs, the values aligned and folded to the terminal's width."""
    label_width = max(texttable.width_of(label) for label, _ in fields)
    room = max(20, out.width - label_width - 3)
    for label, value in fields:
        pad = " " * (label_width - texttable.width_of(label))
        shown = texttable.styled(label, "dim", out.colour)
        folded = texttable.fold(printable_lines(value), room)
        out.out.write(f"{shown}{pad}  {folded[0]}\n")
        for more in folded[1:]:
            out.out.write(" " * (label_width + 2) + more + "\n")
    out.out.write("\n")


def _rows(view: View, out: Output) -> None:
    columns = [c for c in view.columns if c.in_table]
    table_columns = [
        texttable.Column(
            c.label,
            justify="right" if c.numeric else "left",
            wraps=c.wraps,
            min_width=c.min_width or (4 if c.wraps else texttable.width_of(c.label)),
            words=c.words,
        )
        for c in columns
    ]

    def lines() -> Iterator[texttable.Line]:
        for index, section in enumerate(view.sections):
            if section.title:
                if index:
                    yield ("blank", None)
                yield ("title", f"【{section.title}】")
            for row in section.rows:
                yield ("row", [_table_cell(row[c.key]) for c in columns])

    drawn = texttable.table_lines(table_columns, lines(), out.width, out.colour)
    # Written a thousand lines at a time: the table of a province is never one string.
    for chunk in iter(lambda: list(itertools.islice(drawn, 1000)), []):
        out.out.write("\n".join(chunk) + "\n")


def _table_cell(cell: Cell) -> texttable.Cell | str:
    shown = cell.text if cell.table is None else cell.table
    return texttable.Cell(shown, cell.style) if cell.style else shown


WRITERS: dict[str, Callable[[View, Output], Any]] = {
    "table": _table,
    "markdown": _markdown,
    "csv": _csv,
    "json": _json,
}
