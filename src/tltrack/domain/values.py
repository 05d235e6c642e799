"""Parsing of figures typed by people. It never guesses: a value is read one way or refused.

Accepted: ASCII digits with an optional sign, decimal point and exponent; full-width digits
and signs (５.８), which Chinese input methods type, read as their ASCII forms; a trailing `%`
when the target's unit is `%`; a trailing unit equal to the target's own (262个, 5.8亿元), or
one of its kind, converted exactly (420000亩 for a target in 万亩: see units.py).
Refused, each with its reason: empty text, nan and inf, values too large for a float, thousands
separators (1,686), Chinese numerals (二百) and digits of other scripts.
"""

from __future__ import annotations

import math
import re
import unicodedata

from tltrack.domain.figures import MAX_FIGURE
from tltrack.domain.units import Conversion, converted_or_none, convertible, split_unit
from tltrack.errors import DataError, Message, msg

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NUMBER_WITH_SUFFIX_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*([^\d\s.,]+)", re.ASCII)
_CHINESE_NUMERALS = set("零〇一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟两")
_SEPARATORS = set(",，、_' ")
_DONE_WORDS = {"done", "complete", "completed", "yes", "完成", "已完成", "是"}
_NOT_DONE_WORDS = {"not done", "no", "未完成", "否"}


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
    return read_number(text, unit)[0]


def read_number(text: str, unit: str = "", given_in: str = "") -> tuple[float, Conversion | None]:
    """A figure for a target in `unit`, and the conversion when it was written in another
    unit of that kind: after the number (420000亩) or, for the whole column, `given_in` (a
    header 数值(万元)). Refused with the reason when it cannot be read."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    folded = _fold_width(text).strip()
    if not folded:
        raise DataError("empty_value")
    written, own_unit = split_unit(folded)
    written_unit = own_unit or given_in  # the figure's own unit over its column's
    if unit and written_unit and written_unit != unit and convertible(written_unit, unit):
        if _NUMBER_RE.fullmatch(written) is None:
            raise DataError("bad_value", value=shown, reason=_why_not_a_number(written, unit))
        conversion = converted_or_none(written, written_unit, unit)
        if conversion is None:
            too_big = msg("why_out_of_range", limit=MAX_FIGURE)
            raise DataError("bad_value", value=shown, reason=too_big)
        return _in_range(float(conversion.value), shown), conversion
    if given_in and given_in != unit and _NUMBER_RE.fullmatch(folded):
        folded += given_in  # a bare number in its column's unit: refused below, both named
    if unit and unit != "%" and folded.endswith(unit):
        folded = folded[: -len(unit)].strip()
    if folded.endswith("%"):
        if unit != "%":
            why = msg("why_percent_unit", unit=unit) if unit else msg("why_percent_no_unit")
            raise DataError("bad_value", value=shown, reason=why)
        folded = folded[:-1].strip()
    if _NUMBER_RE.fullmatch(folded) is None:
        raise DataError("bad_value", value=shown, reason=_why_not_a_number(folded, unit))
    return _in_range(float(folded), shown), None


def _in_range(value: float, shown: str) -> float:
    if math.isinf(value) or abs(value) > MAX_FIGURE:
        too_big = msg("why_out_of_range", limit=MAX_FIGURE)
        raise DataError("bad_value", value=shown, reason=too_big)
    return value


def _why_not_a_number(text: str, unit: str) -> Message:
    lowered = text.lower()
    if lowered.lstrip("+-") in {"nan", "inf", "infinity"}:
        return msg("why_not_finite")
    with_suffix = _NUMBER_WITH_SUFFIX_RE.fullmatch(text)
    if with_suffix and not set(with_suffix.group(1)) <= _CHINESE_NUMERALS:
        given = repr(with_suffix.group(1).strip())
        return msg("why_other_unit", unit=given, target_unit=unit or msg("none_yet"))
    if any(c in _CHINESE_NUMERALS for c in text):
        return msg("why_chinese_numeral")
    if any(c in _SEPARATORS for c in text) and any(c.isdigit() for c in text):
        return msg("why_separator")
    if any(c.isdigit() and not c.isascii() for c in text):
        char = min(c for c in text if c.isdigit() and not c.isascii())
        return msg("why_other_digits", digit=unicodedata.name(char, "?").lower(), char=char)
    return msg("why_not_a_number")


def says_not_done(text: str) -> bool:
    """未完成 / not done: a milestone that is not done yet, whatever its progress."""
    return _fold_width(text).strip().lower() in _NOT_DONE_WORDS


def parse_milestone(text: str) -> float:
    """A milestone's figure: done/完成 is 100 (% complete); a number or `60%` is % complete."""
    folded = _fold_width(text).strip().lower()
    if folded in _DONE_WORDS:
        return 100.0
    if folded in _NOT_DONE_WORDS:
        return 0.0
    refusal = DataError("bad_value", value=text[:40], reason=msg("why_milestone"))
    try:
        value = parse_number(text, "%")
    except DataError:
        raise refusal from None
    if not 0 <= value <= 100:
        raise refusal
    return value


def number(value: float | None, digits: int = 4) -> str:
    """A figure as people write it: no exponent, no thousands separator, no trailing zeros."""
    if value is None:
        return ""
    if float(value).is_integer() and -1e15 < value < 1e15:  # most figures: 500 (-0.0 is 0)
        return str(int(value))
    out = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if out in ("-0", "") else out
