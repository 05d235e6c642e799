"""Pydantic models that check the hand-written target files and the machine-written records.

They are used when a file is read afresh, and produce the plain objects of domain.py."""

from __future__ import annotations

import itertools
import math
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tltrack import domain
from tltrack.domain import Direction, Kind, Record

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


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
        1.0, ge=0, description="growth short by at most this many pp: behind; more: at risk"
    )
    stale_after_days: int = Field(45, ge=0, description="a figure older than this is stale")

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdsSpec:
        if self.at_risk > self.on_track:
            raise ValueError("at_risk must not exceed on_track")
        return self


class MetaSpec(_Strict):
    year: int = Field(ge=1900, le=9999)
    title: str = ""
    source: str = ""
    thresholds: ThresholdsSpec = ThresholdsSpec()

    def to_meta(self) -> domain.Meta:
        return domain.Meta(
            self.year, self.title, self.source, domain.Thresholds(**dict(self.thresholds))
        )


class TargetSpec(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    name: str = Field(min_length=1)
    category: str = Field(min_length=1)
    kind: Kind
    target: FiniteFloat | None = None
    unit: str = ""
    direction: Direction = "at_least"
    stretch: bool = False  # 力争: a stretch target; a report words a miss differently
    baseline: FiniteFloat | None = None
    baseline_unit: str | None = None  # when the 2024 figure is in another unit (GDP: 亿元)
    baseline_quote: str | None = None
    base_year: int | None = None  # a change measured against a year other than last year
    change: Literal["increase", "decrease"] | None = None
    owner: str | None = None  # 牵头单位, only where the source names one
    pace: Literal["linear", "year_end"] | list[FiniteFloat] = "linear"
    due: date | None = None  # milestones: when it must be done (default: the year's end)
    quote: str = Field(min_length=1)
    note: str | None = None

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

    metric: str
    period: str
    value: FiniteFloat
    note: str = ""
    by: str = ""
    at: datetime
    correction: bool = False

    def to_record(self) -> Record:
        return Record(
            metric=self.metric,
            period=self.period,
            value=self.value,
            note=self.note,
            by=self.by,
            at=self.at,
            correction=self.correction,
        )


class RecordsFile(_Strict):
    record: list[RecordEntry] = []

    def records(self) -> list[Record]:
        return [entry.to_record() for entry in self.record]
