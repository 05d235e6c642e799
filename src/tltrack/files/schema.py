"""Pydantic models that check the hand-written target files and the machine-written records.

They are used when a file is read afresh, and produce the plain objects of domain/."""

from __future__ import annotations

import contextlib
import itertools
import math
import re
import typing
import unicodedata
from datetime import datetime
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    field_validator,
    model_validator,
)

from tltrack.domain.figures import MAX_FIGURE, MAX_REVISION, Record, text_problem, time_problem
from tltrack.domain.periods import parse_period
from tltrack.domain.plan import Goal
from tltrack.domain.targets import REVIEW_RULES, Meta, ReviewLimits, Target, Thresholds
from tltrack.errors import DataError, Invalid, Message

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
# A figure in a target's unit; beyond this no count or sum of a government's is real. (Bounds
# of their own would be overridden by a field's own, so thresholds use FiniteFloat.)
Figure = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_FIGURE, le=MAX_FIGURE)]


# Unicode's control characters (category Cc) are exactly these; a search is far quicker
# than asking unicodedata character by character (a quote is up to 2,000 of them).
# With U+FFFE and U+FFFF, which no XML document holds: a name in a Word or Excel bulletin.
_CONTROLS_BUT_TAB = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROLS_BUT_TAB_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def _one_line(value: str) -> str:
    """Text people read in a table: control characters would break it, or a terminal."""
    if _CONTROLS_BUT_TAB.search(value):
        raise Invalid("holds_controls")
    return value


def _text_block(value: str) -> str:
    """Text that may span lines (a quote, a note), but holds no other control characters."""
    if _CONTROLS_BUT_TAB_NEWLINE.search(value):
        raise Invalid("holds_controls")
    return value


def _name(value: str) -> str:
    """A name is typed on the command line: nothing invisible in it (zero-width, bidi)."""
    if any(unicodedata.category(c) in ("Cc", "Cf") or c in "\ufffe\uffff" for c in value):
        raise Invalid("holds_invisible")
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
    rule: Literal["pace_ratio", "gap_pp"] = "pace_ratio"
    behind_pp: FiniteFloat = Field(10.0, ge=0, le=100, description="gap_pp: behind from here")
    at_risk_pp: FiniteFloat = Field(30.0, ge=0, le=100, description="gap_pp: at risk below")
    ahead_pp: FiniteFloat = Field(5.0, gt=0, le=100, description="ahead from this lead on")
    growth_ahead_pp: FiniteFloat = Field(1.0, gt=0, le=100, description="growth: ahead from")

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdsSpec:
        if self.at_risk > self.on_track or self.behind_pp > self.at_risk_pp:
            raise Invalid("thresholds_order")
        return self


# The review rules a file may name: REVIEW_RULES, as a type.
RuleName = Literal[
    "magnitude", "falling", "growth_jump", "growth_range", "early_excess", "regions_sum"
]
assert typing.get_args(RuleName) == REVIEW_RULES


class TargetReviewSpec(_Strict):
    """A target's own `review` table: the limits it sets for itself, the others are the
    file's (DESIGN §9)."""

    magnitude: FiniteFloat | None = Field(None, gt=1, le=1e6)
    growth_jump_pp: FiniteFloat | None = Field(None, gt=0, le=1000)
    growth_low: FiniteFloat | None = Field(None, ge=-100, le=0)
    growth_high: FiniteFloat | None = Field(None, ge=0, le=1e6)
    early_excess: FiniteFloat | None = Field(None, gt=1, le=1e6)
    early_share: FiniteFloat | None = Field(None, gt=0, le=1)
    regions_sum: FiniteFloat | None = Field(None, gt=1, le=1e6)
    off: list[RuleName] | None = None


class ReviewSpec(TargetReviewSpec):
    """[meta.review]: where a figure needs an explanation; unset, the defaults of
    ReviewLimits."""

    def to_limits(self) -> ReviewLimits:
        return ReviewLimits()._replace(**dict(_review_pairs(self)))


def _review_pairs(spec: TargetReviewSpec | None) -> tuple[tuple[str, Any], ...]:
    """The limits a review table sets, as (field, value) pairs; `off` as a tuple."""
    if spec is None:
        return ()
    return tuple(
        (name, tuple(value) if name == "off" else value)
        for name, value in dict(spec).items()
        if value is not None
    )


def _distinct(names: list[str]) -> list[str]:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise Invalid("listed_twice", name=name)
        seen.add(name)
    return names


# An office or region: typed after --owner and --region, so one line and nothing invisible.
UnitName = Annotated[str, AfterValidator(_name), Field(min_length=1, max_length=100)]
Names = Annotated[list[UnitName], AfterValidator(_distinct), Field(max_length=1000)]


class MetaSpec(_Strict):
    year: int = Field(ge=1900, le=9998)
    title: Line = Field("", max_length=200)
    source: Block = Field("", max_length=2000)
    thresholds: ThresholdsSpec = ThresholdsSpec()
    regions: Names = []
    sample: bool = False
    store: Literal["toml", "sqlite", "postgresql"] = "toml"
    review: ReviewSpec = ReviewSpec()

    @field_validator("store", mode="before")
    @classmethod
    def _store_word(cls, value: Any) -> Any:
        """The word as stores.choice reads $TLTRACK_STORE: in any case, spaces around it."""
        return value.strip().lower() if isinstance(value, str) else value

    def to_meta(self) -> Meta:
        thresholds = Thresholds(**dict(self.thresholds))
        regions = tuple(self.regions)
        return Meta(
            self.year,
            self.title,
            self.source,
            thresholds,
            regions,
            self.sample,
            self.store,
            self.review.to_limits(),
        )


def model_of(
    name: str, shape: type[tuple[Any, ...]], rules: dict[str, Rule], base: type[BaseModel]
) -> Any:
    """A Pydantic model with the fields of the named tuple `shape`, in its order and with its
    defaults: the tuple is the one definition, `rules` only narrow a field's type or add
    constraints. A field added to the tuple is checked at once, and cannot be forgotten here."""
    hints = typing.get_type_hints(shape)
    defaults: dict[str, Any] = getattr(shape, "_field_defaults", {})
    fields: dict[str, Any] = {}
    for field in getattr(shape, "_fields", ()):
        rule = rules.get(field, Rule())
        default = ... if rule.required else defaults.get(field, ...)
        annotation = hints[field] if rule.type is None else rule.type
        fields[field] = (annotation, Field(default, **(rule.constraints or {})))
    unknown = set(rules) - set(fields)
    if unknown:
        raise TypeError(f"rules for fields {shape.__name__} does not have: {sorted(unknown)}")
    return create_model(name, __base__=base, **fields)


class Rule(NamedTuple):
    """What a file's field must be beyond its type in the domain's named tuple."""

    type: Any = None  # a narrower type (with validators) than the domain's
    constraints: dict[str, Any] | None = None
    required: bool = False  # required in a file even where the domain has a default


class _TargetChecks(_Strict):
    """The checks across a target's fields; its fields come from Target."""

    @field_validator("pace", check_fields=False)
    @classmethod
    def _monthly_shares(cls, value: Any) -> Any:
        if isinstance(value, list):
            if len(value) != 12:
                raise Invalid("pace_twelve")
            if any(b < a for a, b in itertools.pairwise(value)):
                raise Invalid("pace_decreasing")
            if value[0] < 0 or not math.isclose(value[-1], 1.0):
                raise Invalid("pace_ends")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Any:
        t: Any = self
        if t.kind == "milestone":
            if t.target is not None and t.target != 100:
                raise Invalid("milestone_target")
        elif t.target is None:
            raise Invalid("needs_target", kind=Message(f"kind_{t.kind}", {}))
        if t.kind != "milestone" and t.due is not None:
            raise Invalid("due_milestone")
        if (t.base_year is None) != (t.change is None):
            raise Invalid("base_year_change")
        if t.base_year is not None and t.kind != "level":
            raise Invalid("base_year_level")
        if t.kind == "cumulative" and t.target is not None and t.target <= 0:
            raise Invalid("cumulative_positive")
        return self


TargetSpec = model_of(
    "TargetSpec",
    Target,
    {
        "id": Rule(constraints={"pattern": r"^[a-z][a-z0-9_]{0,63}$"}),
        "name": Rule(Name, {"min_length": 1, "max_length": 100}),
        "category": Rule(Line, {"min_length": 1, "max_length": 50}),
        "target": Rule(Figure | None),
        "unit": Rule(Line, {"max_length": 20}),
        "baseline": Rule(Figure | None),
        "baseline_unit": Rule(Line | None, {"max_length": 20}),
        "baseline_quote": Rule(Block | None, {"max_length": 2000}),
        "base_year": Rule(constraints={"ge": 1900, "le": 9998}),
        "owner": Rule(UnitName | None),
        "co_owners": Rule(Names),
        "pace": Rule(Literal["linear", "year_end"] | list[FiniteFloat]),
        "quote": Rule(Block, {"min_length": 1, "max_length": 2000}, required=True),
        "note": Rule(Block | None, {"max_length": 4000}),
        "split": Rule(dict[UnitName, Figure], {"max_length": 1000}),
        "plan": Rule(constraints={"pattern": r"^[a-z][a-z0-9_]{0,63}$"}),
        "review": Rule(TargetReviewSpec | None),
    },
    _TargetChecks,
)

TargetFile = create_model(
    "TargetFile",
    __base__=_Strict,
    meta=(MetaSpec, ...),
    target=(list[TargetSpec], Field(min_length=1)),  # type: ignore[valid-type]
)


def read_target_file(raw: dict[str, Any]) -> tuple[Meta, tuple[Target, ...]]:
    """The meta and targets of a parsed target file; ValidationError lists every problem."""
    parsed: Any = TargetFile.model_validate(raw)
    targets = tuple(
        Target(
            **{
                **spec.__dict__,  # its fields (dict(spec) walks them one by one: slower)
                "co_owners": tuple(spec.co_owners),
                "split": tuple(dict(spec.split).items()),
                "review": _review_pairs(spec.review),
            }
        )
        for spec in parsed.target
    )
    return parsed.meta.to_meta(), targets


class _RecordChecks(_Strict):
    @field_validator("at", check_fields=False)
    @classmethod
    def _with_offset(cls, value: datetime) -> datetime:
        # Times without an offset cannot be compared with the others: say so, with the line.
        problem = time_problem(value)
        if problem is not None:
            raise Invalid(problem.id, **problem.params)
        return value


def _figure_text(field: str) -> Any:
    """A text field of a figure, checked by the one rule of a figure (domain.figures) once a
    hand-edited line's surrounding spaces are trimmed and its period written as tltrack writes
    it (2025-q1 is 2025-Q1): the file then reads, as edited by hand, until `tltrack repair`
    writes it as tltrack would."""

    def check(value: str) -> str:
        if field == "period":
            with contextlib.suppress(DataError):  # not a period: the rule says so below
                value = parse_period(value).label
        problem = text_problem(field, value)
        if problem is not None:
            raise Invalid(problem.id, **problem.params)
        return value

    return Annotated[str, AfterValidator(check)]


# A line of a records file as read, checked before it becomes a Record.
RecordEntry = model_of(
    "RecordEntry",
    Record,
    {
        "metric": Rule(_figure_text("metric")),
        "period": Rule(_figure_text("period")),
        "value": Rule(Figure),
        "note": Rule(_figure_text("note")),
        "by": Rule(_figure_text("by")),
        "revision": Rule(constraints={"ge": 0, "le": MAX_REVISION}),
        "region": Rule(_figure_text("region") | None),
        "explanation": Rule(_figure_text("explanation")),
        "unit": Rule(_figure_text("unit")),
        "source": Rule(_figure_text("source")),
    },
    _RecordChecks,
)

RecordsFile = create_model(
    "RecordsFile",
    __base__=_Strict,
    record=(list[RecordEntry], []),  # type: ignore[valid-type]
)


def read_records_file(raw: dict[str, Any]) -> list[Record]:
    """The figures of a parsed records file, in file order; ValidationError lists problems."""
    parsed: Any = RecordsFile.model_validate(raw)
    return [Record(**entry.__dict__) for entry in parsed.record]


class PlanSpec(_Strict):
    """The [plan] table of plan.toml: the years a multi-year plan runs over."""

    title: Line = Field(min_length=1, max_length=200)
    base_year: int = Field(ge=1900, le=9998)
    end_year: int = Field(ge=1900, le=9998)
    source: Block = Field("", max_length=2000)

    @model_validator(mode="after")
    def _span(self) -> PlanSpec:
        if not 0 < self.end_year - self.base_year <= 30:
            raise Invalid("plan_span")
        return self


class _GoalChecks(_Strict):
    @model_validator(mode="after")
    def _consistent(self) -> Any:
        g: Any = self
        if g.kind == "level":
            if g.base is None:
                raise Invalid("goal_needs_base")
            if math.isclose(g.base, g.target):
                raise Invalid("goal_same_as_base")
            if g.path == "compound" and (g.base <= 0 or g.target <= 0):
                raise Invalid("goal_compound_positive")
            if g.path == "compound" and not 1e-6 <= g.target / g.base <= 1e6:
                raise Invalid("goal_compound_ratio")
            if (g.direction == "at_least") != (g.target > g.base):
                raise Invalid("goal_direction")
        else:
            if g.base is not None:
                raise Invalid("goal_cumulative_base")
            if g.target <= 0:
                raise Invalid("cumulative_positive")
            if g.direction != "at_least":
                raise Invalid("goal_cumulative_at_least")
        return self


GoalSpec = model_of(
    "GoalSpec",
    Goal,
    {
        "id": Rule(constraints={"pattern": r"^[a-z][a-z0-9_]{0,63}$"}),
        "name": Rule(Name, {"min_length": 1, "max_length": 100}),
        "target": Rule(Figure),
        "base": Rule(Figure | None),
        "unit": Rule(Line, {"max_length": 20}),
        "quote": Rule(Block, {"min_length": 1, "max_length": 2000}, required=True),
        "note": Rule(Block | None, {"max_length": 4000}),
    },
    _GoalChecks,
)

PlanFile = create_model(
    "PlanFile",
    __base__=_Strict,
    plan=(PlanSpec, ...),
    goal=(list[GoalSpec], Field(min_length=1, max_length=10000)),  # type: ignore[valid-type]
)


def read_plan_file(raw: dict[str, Any]) -> tuple[PlanSpec, list[Any]]:
    """The [plan] table and the goals of a parsed plan.toml; ValidationError lists every
    problem."""
    parsed: Any = PlanFile.model_validate(raw)
    return parsed.plan, list(parsed.goal)
