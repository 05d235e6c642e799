"""A fill-in form (填报表): its layout, what it holds for one lead office or region, and its
file name. The one definition shared by the forms written (documents/) and those read back
(sources/)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import NamedTuple

from tltrack.domain.catalog import Catalog
from tltrack.domain.periods import Period
from tltrack.domain.ranking import By
from tltrack.domain.responsibility import owners_of
from tltrack.domain.rollup import Series, assess_city, assess_region
from tltrack.domain.targets import Target
from tltrack.domain.values import number

FORM_SHEET = "填报"


GUIDE_SHEET = "填报说明"


MARKS_SHEET = "表单信息"


MARK = "tltrack-form"


SEAL_FIELD = "校验"  # the marks sheet's seal of the form
SEAL_HEADER = "校验码"  # a CSV form's column: each row's seal
# The locked cells a CSV row's seal covers: those import checks against the target file. A
# spreadsheet that opens a CSV may rewrite the others when it saves (上期期间 2025-03 as a
# date, 上期数值 as 1.23457E+13): the seal must not refuse a form for that.
CSV_SEALED = 4


HEADERS = ("指标代码", "指标", "单位", "目标", "上期数值", "上期期间", "本期数值", "备注")


LOCKED = HEADERS[:6]  # what tltrack fills in; the office or region fills the rest


REPORTER_HEADER = {"owner": "牵头单位", "region": "地区"}


PERIOD_HEADER = "期间"

# The column after a form's marks where an office explains a figure a review rule finds
# unusual (DESIGN §9); a form sent before it had none, and reads as ever.
EXPLANATION_HEADER = "核实说明"


BY_WORD = {"owner": "牵头单位", "region": "旗县市区"}


def seal(key: bytes, *parts: object) -> str:
    """A form's seal: an HMAC of what the form must keep as sent (its office or region,
    period, year and locked cells, each as the text the form holds), with the data folder's
    key (files.form_key). Without the key no one makes another form's seal."""
    said = json.dumps([MARK, *(seal_text(p) for p in parts)], ensure_ascii=False)
    return hmac.new(key, said.encode("utf-8"), hashlib.sha256).hexdigest()


def seal_text(value: object) -> str:
    """A cell as sealed: a whole number as digits (a year read back as 2025.0 is 2025); text
    without the spaces around it and the apostrophe that keeps it from starting a formula,
    which a spreadsheet drops when it saves the file again."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = "" if value is None else str(value).strip()
    return text.removeprefix("'")


def seal_matches(key: bytes, said: object, *parts: object) -> bool:
    return hmac.compare_digest(str(said or ""), seal(key, *parts))


class FormLine(NamedTuple):
    target: Target
    goal: float | None  # its own target: the split share, for a region
    latest: float | None
    latest_period: str | None

    def locked(self) -> tuple[str, ...]:
        """The locked cells as text: as the form's record of them holds them, and as they
        are compared when the form comes back."""
        t = self.target
        return (
            t.id,
            t.name,
            t.unit,
            form_figure(self.goal),
            form_figure(self.latest),
            self.latest_period or "",
        )


class Form(NamedTuple):
    by: By
    reporter: str  # the lead office or region the form is for
    period: Period
    year: int
    lines: list[FormLine]


def form_figure(value: float | None) -> str:
    """A figure in a form's cell and in its record of the locked cells: 6 places, no exponent."""
    return "" if value is None else number(value, 6)


def reporters_of(catalog: Catalog, by: By) -> list[str]:
    return owners_of(catalog.targets) if by == "owner" else list(catalog.meta.regions)


def carried(catalog: Catalog, by: By, name: str) -> list[Target]:
    """The targets an office or region reports: those it leads, or those split to it."""
    if by == "owner":
        return [t for t in catalog.targets if t.owner == name]
    return [t for t in catalog.targets if name in t.regions]


def build_forms(
    catalog: Catalog, series: dict[str, Series], by: By, period: Period, names: Sequence[str]
) -> list[Form]:
    """The form of each lead office or region named: its targets, its own target of each, and
    its newest figure before `period`."""
    before = period.end - timedelta(days=1)
    limits = catalog.meta.thresholds
    forms = []
    for name in names:
        lines = []
        for t in carried(catalog, by, name):
            mine = series.get(t.id, Series([], {}))
            if by == "owner":
                judged = assess_city(t, mine, catalog.year, before, limits)
                goal = t.target
            else:
                judged = assess_region(t, name, mine, catalog.year, before, limits)
                goal = dict(t.split)[name]
            shown = str(judged.period) if judged.period is not None else None
            lines.append(FormLine(t, goal, judged.value, shown))
        forms.append(Form(by, name, period, catalog.year, lines))
    return forms


_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


_RESERVED = re.compile(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?", re.IGNORECASE)


MAX_NAME_BYTES = 200  # a file name is at most 255 bytes; a Chinese character takes three


def file_name(name: str, suffix: str) -> str:
    """A lead office's or region's name as a file name: nothing that leaves the folder, that
    Windows refuses (CON, NUL, COM1) or that import skips (~$, a leading dot); short enough
    for any disk."""
    cleaned = _UNSAFE_IN_NAME.sub("_", name).strip().lstrip(".")
    if not cleaned or _RESERVED.fullmatch(cleaned) or cleaned.startswith("~$"):
        cleaned = "_" + cleaned
    while len(cleaned.encode("utf-8")) > MAX_NAME_BYTES:
        cleaned = cleaned[:-1]
    return cleaned + suffix


def by_kind(by: str) -> By:
    return "owner" if by == "owner" else "region"
