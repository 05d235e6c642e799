"""A plain, fast terminal table for the status table, which can hold 10,000 targets.

Rich lays out a table cell by cell with full text objects; for thousands of rows that takes
seconds. This draws the same simple layout (a header, a rule, aligned columns, optional
wrapping of text columns on a narrow terminal) from plain strings in one pass, measuring
Chinese characters as two columns with rich.cells.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from rich.cells import cell_len

from tltrack.text.safe import printable, printable_lines

ANSI = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "cyan": "36",
}
GAP = "   "  # between columns


@dataclass(frozen=True)
class Column:
    header: str
    justify: Literal["left", "right"] = "left"
    wraps: bool = False  # may be folded onto more lines when the table is too wide
    min_width: int = 1
    words: bool = False  # folds only between words: no token (a figure, a unit) is cut


class Cell(NamedTuple):
    text: str
    style: str = ""  # space-separated words of ANSI: "bold green"


Row = Sequence[Cell | str]
# A row of cells, a title line ("【主要指标】") or a blank separator between sections.
Line = tuple[Literal["row"], Row] | tuple[Literal["title"], str] | tuple[Literal["blank"], None]


def width_of(text: str) -> int:
    """Terminal columns of `text`: Chinese characters take two."""
    return len(text) if text.isascii() else _wide_width(text)


@functools.lru_cache(maxsize=8192)
def _wide_width(text: str) -> int:
    """Count ASCII and the narrow signs of a table (≥ ≤ · dashes, box and bar blocks) as one
    column and the common wide characters (CJK ideographs, CJK punctuation, full-width
    forms) as two, as Rich does; any other character is left to Rich's table."""
    width = 0
    for char in text:
        code = ord(char)
        if code < 0x7F or 0x2500 <= code <= 0x259F or code in _NARROW_SIGNS:
            width += 1
        elif 0x4E00 <= code <= 0x9FFF or 0xFF01 <= code <= 0xFF60 or code in _WIDE_PUNCTUATION:
            width += 2
        else:
            return cell_len(text)
    return width


_NARROW_SIGNS = frozenset([0xB7, 0x2264, 0x2265, *range(0x2010, 0x2028)])
# CJK symbols and punctuation but the tone marks U+302A-302F, which take no column.
_WIDE_PUNCTUATION = frozenset([*range(0x3000, 0x302A), *range(0x3030, 0x303F)])


def styled(text: str, style: str, colour: bool) -> str:
    if not colour or not style or not text:
        return text
    codes = ";".join(ANSI[word] for word in style.split() if word in ANSI)
    return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


# A line may also break before a comparison sign that follows text: 较2020年下降 | ≥13.5%,
# 力争 | ≥300万亩 (Chinese puts no space there, and the phrase is wider than a narrow column).
_BEFORE_SIGN = re.compile(r"(?<=\S)(?=[≥≤])")


def _pieces(line: str) -> list[tuple[str, str]]:
    """The pieces a line may break between, each with what stands before it: a space, or
    nothing (before a sign)."""
    return [
        (" " if index and n == 0 else "", piece)
        for index, word in enumerate(line.split(" "))
        for n, piece in enumerate(_BEFORE_SIGN.split(word))
    ]


def fold_words(text: str, width: int) -> list[str]:
    """Break `text` between words (and before a sign, see _pieces) into lines of at most
    `width` columns where it can; a word longer than that stands whole on its own line."""
    lines: list[str] = []
    for part in text.split("\n"):
        current = ""
        for before, word in _pieces(part):
            joined = f"{current}{before}{word}" if current else word
            if current and width_of(joined) > width:
                lines.append(current)
                current = word
            else:
                current = joined
        lines.append(current)
    return lines


_TOKEN = re.compile(r"[A-Za-z0-9.%+\-_/]+|.", re.S)
# Punctuation a Chinese line never starts with (行首禁则): it takes the character before it along.
_NO_LINE_START = set("、，。；：！？）》」』】〕,.;:!?)")


def fold(text: str, width: int) -> list[str]:
    """Break `text` into lines of at most `width` terminal columns, between characters but
    never inside a run of Latin letters and digits (2020, 5G, 13.5%): a number stays whole,
    unless it alone is wider than the line."""
    lines: list[str] = []
    for part in text.split("\n"):
        current, used = "", 0
        for token in _TOKEN.findall(part):
            size = width_of(token)
            if used + size > width and current:
                carried = ""
                fits = width_of(current[-1:]) + size <= width
                if token in _NO_LINE_START and len(current) > 1 and fits:
                    current, carried = current[:-1], current[-1]
                lines.append(current)
                current, used = carried, width_of(carried)
            if size > width:  # a token wider than the line: cut it, as nothing else can be
                for char in token:
                    char_size = cell_len(char)
                    if used + char_size > width and current:
                        lines.append(current)
                        current, used = "", 0
                    current += char
                    used += char_size
                continue
            current += token
            used += size
        lines.append(current)
    return lines


def render(columns: Sequence[Column], lines: Iterable[Line], width: int, colour: bool) -> str:
    return "".join(f"{line}\n" for line in table_lines(columns, lines, width, colour))


def table_lines(
    columns: Sequence[Column], lines: Iterable[Line], width: int, colour: bool
) -> Iterator[str]:
    """The table's lines, drawn as they are asked for. `lines` is read once (a generator
    is fine), so a table of 200,000 rows holds its cells once, not twice."""
    items: list[tuple[str, Any, list[str], list[int]]] = []
    row_sizes: list[list[int]] = []
    for line in lines:
        if line[0] != "row":
            items.append((line[0], line[1], [], []))
            continue
        texts, styles = _cells(line[1])
        # Each cell measured once, used twice (a cell of several lines by its widest line).
        sizes = [len(text) if text.isascii() else _wide_width(text) for text in texts]
        if "\n" in "".join(texts):
            sizes = [_size(text) for text in texts]
        items.append(("row", texts, styles, sizes))
        row_sizes.append(sizes)
    by_column = list(zip(*row_sizes, strict=True)) if row_sizes else [()] * len(columns)
    natural = [
        max(width_of(col.header), col.min_width, *sizes)
        for col, sizes in zip(columns, by_column, strict=True)
    ]
    if sum(natural) + len(GAP) * (len(columns) - 1) + 2 > width:
        columns = _word_floors(columns, [texts for kind, texts, _, _ in items if kind == "row"])
    widths = _fit(columns, natural, width)
    rights = [col.justify == "right" for col in columns]
    total = sum(widths) + len(GAP) * (len(widths) - 1)
    header = [col.header for col in columns]
    yield _single_line(header, ["bold"] * len(header), widths, rights, colour)
    yield " " + "─" * total + " "
    # Only a column narrowed below its natural width, or a cell of several lines, needs the
    # slower path.
    narrowed = any(widths[i] < natural[i] for i in range(len(columns)))
    for kind, payload, styles, sizes in items:
        if kind == "blank":
            yield " " * (total + 2)
        elif kind == "title":
            title = printable(payload) if isinstance(payload, str) else ""
            padding = " " * max(1, total + 1 - width_of(title))
            yield " " + styled(title, "bold", colour) + padding
        elif not narrowed and "\n" not in "".join(payload):
            yield _single_line(payload, styles, widths, rights, colour, sizes)
        else:
            parts = [
                (fold_words if columns[i].words else fold)(text, widths[i])
                if widths[i] < natural[i]
                else text.split("\n")
                for i, text in enumerate(payload)
            ]
            yield _join(columns, widths, parts, styles, colour)


def _word_floors(columns: Sequence[Column], rows: Sequence[list[str]]) -> list[Column]:
    """A column that folds between words cannot be narrower than its longest word. (Only
    worked out when the table must shrink: it looks at every word of every row.)"""
    return [
        Column(
            col.header,
            col.justify,
            col.wraps,
            max(
                [
                    col.min_width,
                    *(
                        width_of(word)
                        for texts in rows
                        for line in texts[i].split("\n")
                        for _, word in _pieces(line)
                    ),
                ]
            ),
            col.words,
        )
        if col.words
        else col
        for i, col in enumerate(columns)
    ]


def _cells(row: Row) -> tuple[list[str], list[str]]:
    """A row's texts and styles. Text from files is shown escaped: no control character
    reaches the terminal (checked a row at a time: a row is almost always printable)."""
    texts = [cell if isinstance(cell, str) else cell.text for cell in row]
    styles = ["" if isinstance(cell, str) else cell.style for cell in row]
    if not "".join(texts).isprintable():
        texts = [printable_lines(text) for text in texts]
    return texts, styles


def _size(text: str) -> int:
    return max(map(width_of, text.split("\n")))


def _single_line(
    texts: Sequence[str],
    styles: Sequence[str],
    widths: Sequence[int],
    rights: Sequence[bool],
    colour: bool,
    sizes: Sequence[int] | None = None,
) -> str:
    if sizes is None:
        sizes = [width_of(text) for text in texts]
    if colour:
        texts = [styled(text, style, colour) for text, style in zip(texts, styles, strict=True)]
    cells = [
        " " * (width - size) + text if right else text + " " * (width - size)
        for text, width, right, size in zip(texts, widths, rights, sizes, strict=True)
    ]
    return " " + GAP.join(cells) + " "


def _fit(columns: Sequence[Column], natural: list[int], width: int) -> list[int]:
    """Shrink the columns that may wrap, widest first, until the table fits `width`."""
    widths = list(natural)
    available = width - 2 - len(GAP) * (len(columns) - 1)
    while sum(widths) > available:
        candidates = [i for i, col in enumerate(columns) if col.wraps and widths[i] > col.min_width]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _join(
    columns: Sequence[Column],
    widths: Sequence[int],
    parts: Sequence[Sequence[str]],
    styles: Sequence[str],
    colour: bool,
) -> str:
    height = max(len(p) for p in parts)
    lines = []
    for line_index in range(height):
        cells = []
        for i, column in enumerate(columns):
            content = parts[i][line_index] if line_index < len(parts[i]) else ""
            pad = " " * max(0, widths[i] - width_of(content))
            shown = styled(content, styles[i], colour)
            cells.append(pad + shown if column.justify == "right" else shown + pad)
        lines.append(" " + GAP.join(cells) + " ")
    return "\n".join(lines)
