"""Pydantic models that check the hand-written target files and the machine-written records.

They are used when a file is read afresh, and produce the plain objects of domain.py."""

from __future__ import annotations

import itertools
import math
import unicodedata
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from tltrack import domain
from tltrack.domain import Direction, Kind, Record

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
# A figure in a target's unit; beyond this no count or sum of a government's is real. (Bounds
# of their own would be overridden by a field's own, so thresholds use FiniteFloat.)
Figure = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]


def _one_line(value: str) -> str:
    """Text people read in a table: control characters would break it, or a terminal."""
    if any(unicodedata.category(c) == "Cc" and c != "\t" for c in value):
        raise ValueError("holds control characters")
    return value


def _text_block(value: str) -> str:
    """Text that may span lines (a quote, a note), but holds no other control characters."""
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n" for c in value):
        raise ValueError("holds control characters")
    return value


def _name(value: str) -> str:
    """A name is typed on the command line: nothing invisible in it (zero-width, bidi)."""
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise ValueError("holds control or invisible characters (zero-width, direction marks)")
    return value


Line = Annotated[str, AfterValidator(_one_line)]
Block = Annotated[str, AfterValidator(_text_block)]
Name = Annotated[str, AfterValidator(_name)]


class _Strict(BaseModel):
    # strict: "500" in a hand-written file is a mistake to report, not a number to guess.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        strict=True,
        defer_build=True,  # build validators on first use, not at import: a faster start
    )


class ThresholdsSpec(_Strict):
    """Where the status bands start; a target file may set its own."""

    on_track: FiniteFloat = Field(0.95, gt=0, le=1, description="pace ratio at or above: on track")
    at_risk: FiniteFloat = Field(0.75, ge=0, le=1, description="pace ratio below: at risk")
    growth_behind_pp: FiniteFloat = Field(
        1.0, ge=0, le=100, description="growth short by at most this many pp: behind; more: at risk"
    )
    stale_after_days: int = Field(
        45, ge=0, le=3660, description="a figure older than this many days is stale"
    )

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdsSpec:
        if self.at_risk > self.on_track:
            raise ValueError("at_risk must not exceed on_track")
        return self


class MetaSpec(_Strict):
    year: int = Field(ge=1900, le=9998)
    title: Line = Field("", max_length=200)
    source: Block = Field("", max_length=2000)
    thresholds: ThresholdsSpec = ThresholdsSpec()

    def to_meta(self) -> domain.Meta:
        return domain.Meta(
            self.year, self.title, self.source, domain.Thresholds(**dict(self.thresholds))
        )


class TargetSpec(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    name: Name = Field(min_length=1, max_length=100)
    category: Line = Field(min_length=1, max_length=50)
    kind: Kind
    target: Figure | None = None
    unit: Line = Field("", max_length=20)
    direction: Direction = "at_least"
    stretch: bool = False  # 力争: a stretch target; a report words a miss differently
    baseline: Figure | None = None
    baseline_unit: Line | None = Field(None, max_length=20)  # when in another unit (GDP: 亿元)
    baseline_quote: Block | None = Field(None, max_length=2000)
    # a change measured against a year other than last year
    base_year: int | None = Field(None, ge=1900, le=9998)
    change: Literal["increase", "decrease"] | None = None
    owner: Line | None = Field(None, max_length=100)  # 牵头单位, only where the source names one
    pace: Literal["linear", "year_end"] | list[FiniteFloat] = "linear"
    due: date | None = None  # milestones: when it must be done (default: the year's end)
    quote: Block = Field(min_length=1, max_length=2000)
    note: Block | None = Field(None, max_length=4000)

    @field_validator("pace")
    @classmethod
    def _monthly_shares(
        cls, value: Literal["linear", "year_end"] | list[float]
    ) -> Literal["linear", "year_end"] | list[float]:
        if isinstance(value, list):
            if len(value) != 12:
                raise ValueError("monthly pace needs 12 cumulative shares, one per month")
            if any(b < a for a, b in itertools.pairwise(value)):
                raise ValueError("monthly pace shares must not decrease")
            if value[0] < 0 or not math.isclose(value[-1], 1.0):
                raise ValueError("monthly pace shares run from 0 up to 1.0 in December")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> TargetSpec:
        if self.kind == "milestone":
            if self.target is not None and self.target != 100:
                raise ValueError("a milestone's target is done (100% complete); leave it out")
        elif self.target is None:
            raise ValueError(f"a {self.kind} target needs a target value")
        if self.kind != "milestone" and self.due is not None:
            raise ValueError("only a milestone has a due date")
        if (self.base_year is None) != (self.change is None):
            raise ValueError("base_year and change go together")
        if self.base_year is not None and self.kind != "level":
            raise ValueError("a change against a base year is a level target")
        if self.kind == "cumulative" and self.target is not None and self.target <= 0:
            raise ValueError("a cumulative target must be above 0")
        return self

    def to_target(self) -> domain.Target:
        return domain.Target(**dict(self))


class TargetFile(_Strict):
    meta: MetaSpec
    target: list[TargetSpec] = Field(min_length=1)


class RecordEntry(_Strict):
    """A line of a records file as read, checked before it becomes a Record."""

    metric: Line = Field(max_length=200)
    period: Line = Field(max_length=20)
    value: Figure
    note: Line = Field("", max_length=2000)
    by: Line = Field("", max_length=200)
    at: datetime
    correction: bool = False
    revision: int = Field(0, ge=0, le=1_000_000)

    @field_validator("at")
    @classmethod
    def _with_offset(cls, value: datetime) -> datetime:
        # Times without an offset cannot be compared with the others: say so, with the line.
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("needs a UTC offset, e.g. 2025-07-08 02:14:09+00:00")
        return value

    def to_record(self) -> Record:
        return Record(
            metric=self.metric,
            period=self.period,
            value=self.value,
            note=self.note,
            by=self.by,
            at=self.at,
            correction=self.correction,
            revision=self.revision,
        )


class RecordsFile(_Strict):
    record: list[RecordEntry] = []

    def records(self) -> list[Record]:
        return [entry.to_record() for entry in self.record]
