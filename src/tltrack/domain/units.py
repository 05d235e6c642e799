"""Units as people write them beside a figure (420000亩, 1686000万元, a header 数值(万元)),
converted exactly to the target's own unit within one kind (DESIGN §9). Nothing else
converts: 个 and 户, 吨 for a target in 万亩, are refused with the target's unit named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from decimal import Decimal

# Each kind of quantity, each unit's size in the kind's smallest, a whole number (made a
# Decimal only when a figure converts). A weight in 斤 and one in 吨 are one kind
# (1 吨 = 2000 斤): grain is counted in 亿斤, stock in 万吨.
_KINDS: tuple[dict[str, int], ...] = (
    {"亩": 1, "万亩": 10_000},
    {"元": 1, "万元": 10_000, "亿元": 100_000_000},
    {"斤": 1, "万斤": 10_000, "亿斤": 100_000_000, "吨": 2_000, "万吨": 20_000_000},
    {"千瓦": 1, "万千瓦": 10_000},
)
_SIZE = {unit: (index, size) for index, kind in enumerate(_KINDS) for unit, size in kind.items()}
# Longest first: 万千瓦 before 千瓦, 亿元 before 元, when a unit is read off a figure's end.
KNOWN_UNITS = tuple(sorted(_SIZE, key=len, reverse=True))


class Conversion(NamedTuple):
    """A figure given in another unit of the target's kind: what was written, and what it is
    in the target's unit (said back: 420000亩 → 42万亩)."""

    given: str  # the number as written, without its unit
    unit: str
    value: Decimal  # in the target's unit, exactly
    target_unit: str


def convertible(unit: str, target_unit: str) -> bool:
    """Whether a figure in `unit` can be read in `target_unit`: the same unit, or two of one
    kind."""
    if unit == target_unit:
        return True
    given, wanted = _SIZE.get(unit), _SIZE.get(target_unit)
    return given is not None and wanted is not None and given[0] == wanted[0]


def convert(number: str, unit: str, target_unit: str) -> Conversion:
    """`number` (decimal text) in `unit`, in `target_unit`, exactly: 420000 亩 is 42 万亩.
    The units must be convertible."""
    from decimal import Decimal  # only a figure in another unit pays for decimal

    value = Decimal(number) * _SIZE[unit][1] / Decimal(_SIZE[target_unit][1])
    return Conversion(number, unit, value.normalize(), target_unit)


def converted_or_none(number: str, unit: str, target_unit: str) -> Conversion | None:
    """convert, or None where the number is beyond what a decimal holds (1e999999999亩):
    no figure, and the caller says so."""
    from decimal import DecimalException  # as convert: only for a figure in another unit

    try:
        return convert(number, unit, target_unit)
    except DecimalException:
        return None


def split_unit(text: str) -> tuple[str, str]:
    """A figure's text and the unit of its kinds written after it, if any: "420000亩" →
    ("420000", "亩"); ("5.8", "") when none."""
    for unit in KNOWN_UNITS:
        if text.endswith(unit):
            return text[: -len(unit)].strip(), unit
    return text, ""
