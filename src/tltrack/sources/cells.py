"""Cells as Chinese offices write them in the files they send: periods as 1-9月, 2025年1-9月,
2025年9月, 2025-9 or an Excel date 2025/9/1; figures with Excel's thousands separators
(1,020); —, - or / for "not available". Each is read where it is unambiguous, for `import`
only: on the command line a separator stays refused, as a typo is likelier there.
"""

from __future__ import annotations

import functools
import re
from calendar import monthrange

from tltrack.errors import DataError

# "Not available" as the bureaus write it: the row is not reported, not a zero.
NOT_AVAILABLE = {"—", "——", "-", "－", "--", "/", "／", "…", "n/a", "N/A", "无", "暂无"}

_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_MONTHS = re.compile(r"(?:(\d{4})\s*年\s*)?(?:1\s*[-－~—至]\s*)?(\d{1,2})\s*月(?:份)?(?:底|末)?")
_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})")
_DATE = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s+0?0:00(?::00)?)?")


def not_available(text: str) -> bool:
    return text.strip() in NOT_AVAILABLE


def figure_text(text: str) -> str:
    """A figure cell with Excel's thousands separators (1,020 or 12,345.6) read as digits; any
    other comma is left for the value's own check to refuse."""
    stripped = text.strip()
    return stripped.replace(",", "") if _GROUPED.fullmatch(stripped) else text


def names_no_year(text: str) -> bool:
    """A period cell that names its months but not its year: 1-6月, 6月份."""
    months = _MONTHS.fullmatch(text.strip())
    return months is not None and months.group(1) is None


@functools.lru_cache(maxsize=1024)  # an import's rows repeat a few periods many times
def period_text(text: str, year: int) -> str:
    """A period cell as tltrack writes periods: 1-9月 and 2025年1-9月 are the year to date
    through September (2025-09); 2025-9 is 2025-09; an Excel date on the first or last day
    of a month (2025/9/1, 2025-09-30) is that month. Another day of a month is a date, not a
    period: refused. Anything else is left for the period's own check."""
    cleaned = text.strip()
    months = _MONTHS.fullmatch(cleaned)
    if months:
        return f"{months.group(1) or year}-{int(months.group(2)):02d}"
    date = _DATE.fullmatch(cleaned)
    if date:
        y, m, d = (int(part) for part in date.groups())
        if not 1 <= m <= 12:
            return text
        if d not in (1, monthrange(y, m)[1]):
            raise DataError("period_is_a_date", period=cleaned)
        return f"{y}-{m:02d}"
    year_month = _YEAR_MONTH.fullmatch(cleaned)
    if year_month:
        return f"{year_month.group(1)}-{int(year_month.group(2)):02d}"
    return text


_HEADER_UNIT = re.compile(r"(.+?)\s*[(（]\s*([^()（）]+?)\s*[)）]")


def header_unit(header: str) -> tuple[str, str | None]:
    """数值(亿元) → (数值, 亿元): a unit given in a column's header."""
    match = _HEADER_UNIT.fullmatch(header.strip())
    return (match.group(1), match.group(2)) if match else (header, None)
