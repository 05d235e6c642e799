"""Parsing of figures typed by people. It never guesses: a value is read one way or refused.

Accepted: ASCII digits with an optional sign, decimal point and exponent; full-width digits
and signs (５.８), which Chinese input methods type, read as their ASCII forms; a trailing `%`
when the target's unit is `%`; a trailing unit equal to the target's own (262个, 5.8亿元).
Refused, each with its reason: empty text, nan and inf, values too large for a float, thousands
separators (1,686), Chinese numerals (二百) and digits of other scripts.
"""

from __future__ import annotations

import math
import re
import unicodedata

from tltrack.errors import DataError

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NUMBER_WITH_SUFFIX_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*([^\d\s.,]+)", re.ASCII)
_CHINESE_NUMERALS = set("零〇一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟两")
_SEPARATORS = set(",，、_' ")
_DONE_WORDS = {"done", "complete", "completed", "yes", "完成", "已完成", "是"}
_NOT_DONE_WORDS = {"not done", "no", "未完成", "否"}
# Above this, a figure in the report's units (亿元, 万亩, %) is certainly a typo.
MAX_ABS_VALUE = 1e15


def _fold_width(text: str) -> str:
    """Map full-width ASCII (U+FF01..U+FF5E) and the ideographic space to ASCII."""
    out = []
    for char in text:
        code = ord(char)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif char == "\u3000":
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def parse_number(text: str, unit: str = "") -> float:
    """Parse a figure given in `unit`; raise DataError saying why when it cannot be read."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    folded = _fold_width(text).strip()
    if not folded:
        raise DataError("empty value: give a number, e.g. 5.8")
    if unit and unit != "%" and folded.endswith(unit):
        folded = folded[: -len(unit)].strip()
    if folded.endswith("%"):
        if unit != "%":
            raise DataError(
                f"bad value {shown!r}: the target's unit is {unit or 'none'}, not %;"
                " give the figure in the target's unit"
            )
        folded = folded[:-1].strip()
    if _NUMBER_RE.fullmatch(folded) is None:
        raise DataError(f"bad value {shown!r}: {_why_not_a_number(folded, unit)}")
    value = float(folded)
    if math.isinf(value) or abs(value) > MAX_ABS_VALUE:
        raise DataError(f"bad value {shown!r}: out of range (at most {MAX_ABS_VALUE:g})")
    return value


def _why_not_a_number(text: str, unit: str) -> str:
    lowered = text.lower()
    if lowered.lstrip("+-") in {"nan", "inf", "infinity"}:
        return "nan and infinity are not figures"
    with_suffix = _NUMBER_WITH_SUFFIX_RE.fullmatch(text)
    if with_suffix and not set(with_suffix.group(1)) <= _CHINESE_NUMERALS:
        return (
            f"{with_suffix.group(1).strip()!r} is not the target's unit ({unit or 'none'});"
            " give the figure in the target's unit"
        )
    if any(c in _CHINESE_NUMERALS for c in text):
        return "write the number in digits (200, not 二百)"
    if any(c in _SEPARATORS for c in text) and any(c.isdigit() for c in text):
        return "remove the thousands separators or spaces (1686, not 1,686)"
    if any(c.isdigit() and not c.isascii() for c in text):
        digits = {unicodedata.name(c, "?") for c in text if c.isdigit() and not c.isascii()}
        return f"use the digits 0-9 ({sorted(digits)[0].lower()} is not accepted)"
    return "not a number; give digits with an optional decimal point, e.g. 5.8"


def parse_milestone(text: str) -> float:
    """A milestone's figure: done/完成 is 100 (% complete); a number or `60%` is % complete."""
    folded = _fold_width(text).strip().lower()
    if folded in _DONE_WORDS:
        return 100.0
    if folded in _NOT_DONE_WORDS:
        return 0.0
    refusal = DataError(
        f"bad value {text[:40]!r}: a milestone takes done/完成, not done/未完成,"
        " or a percent complete from 0 to 100"
    )
    try:
        value = parse_number(text, "%")
    except DataError:
        raise refusal from None
    if not 0 <= value <= 100:
        raise refusal
    return value
