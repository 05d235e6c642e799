"""A year's targets as plain objects: a target, the file's meta and the thresholds of its
status bands.

Named tuples, not Pydantic models: they are quick to make, to compare and to load from the
parse cache, and importing them costs nothing. Files are checked by the Pydantic models in
files/schema.py, which produce these.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, NamedTuple

Kind = Literal["growth", "cumulative", "level", "milestone"]
Direction = Literal["at_least", "at_most"]
Pace = Literal["linear", "year_end"] | list[float]
Rule = Literal["pace_ratio", "gap_pp"]


class Thresholds(NamedTuple):
    """Where the status bands start; a target file may set its own."""

    on_track: float = 0.95  # pace ratio at or above: on track
    at_risk: float = 0.75  # pace ratio below: at risk
    growth_behind_pp: float = 1.0  # growth short by at most this many pp: behind; more: at risk
    stale_after_days: int = 45  # a figure whose period ended longer ago is stale
    # "gap_pp": the bands are points below the 时序进度 instead of a pace ratio (三色预警).
    rule: Rule = "pace_ratio"
    behind_pp: float = 10.0  # gap_pp: behind at this many pp below the pace
    at_risk_pp: float = 30.0  # gap_pp: at risk more than this many pp below it
    ahead_pp: float = 5.0  # ahead (超进度) when completion leads the pace by this many pp
    growth_ahead_pp: float = 1.0  # growth: ahead when the rate beats the target by this many pp


# The review rules (审核, DESIGN §9), each of which a target file may switch off.
REVIEW_RULES = (
    "magnitude",
    "falling",
    "growth_jump",
    "growth_range",
    "early_excess",
    "regions_sum",
)


class ReviewLimits(NamedTuple):
    """Where a figure becomes unusual enough to need an explanation (核实性审核); a target
    file sets its own in [meta.review], a target in its own `review` table."""

    magnitude: float = 20.0  # a total or level this many times its goal (or 1/this): a slip
    growth_jump_pp: float = 5.0  # a growth rate this many points off the period before
    growth_low: float = -30.0  # a growth rate below this, in %
    growth_high: float = 50.0  # or above this
    early_excess: float = 1.5  # a total above this many times its goal ...
    early_share: float = 0.5  # ... while the pace expects less than this share of it
    regions_sum: float = 1.2  # the regions' sum above this many times the city's figure
    off: tuple[str, ...] = ()  # rules not applied (REVIEW_RULES)

    def applies(self, rule: str) -> bool:
        return rule not in self.off


class Meta(NamedTuple):
    year: int
    title: str = ""
    source: str = ""
    thresholds: Thresholds = Thresholds()
    regions: tuple[str, ...] = ()  # the regions below the city: 旗县市区, parks
    sample: bool = False  # illustrative figures (tltrack demo): every report says 示例数据
    # Where the figures are kept: toml, sqlite or postgresql (see stores.choice, which decides).
    store: str = "toml"
    review: ReviewLimits = ReviewLimits()


class Target(NamedTuple):
    """A target as its file gives it. The one definition of a target's fields: their order is
    the file's and the JSON's, and files.schema.TargetSpec, which checks a file, is made from it."""

    id: str
    name: str
    category: str
    kind: Kind
    target: float | None = None
    unit: str = ""
    direction: Direction = "at_least"
    stretch: bool = False  # 力争: a stretch target; a report words a miss differently
    baseline: float | None = None
    baseline_unit: str | None = None  # when the 2024 figure is in another unit (GDP: 亿元)
    baseline_quote: str | None = None
    base_year: int | None = None  # a change measured against a year other than last year
    change: Literal["increase", "decrease"] | None = None
    owner: str | None = None  # 牵头单位, only where the source names one
    co_owners: tuple[str, ...] = ()  # 配合单位
    pace: Pace = "linear"
    due: date | None = None  # milestones: when it must be done (default: the year's end)
    quote: str = ""  # the report's own words; a file must give them
    note: str | None = None
    # Each region's own target in the target's unit (分解到旗县市区): a share of a total, or
    # a region's own rate. Pairs in the file's order.
    split: tuple[tuple[str, float], ...] = ()
    # The goal of the multi-year plan (plan.toml) this target's figures count toward.
    plan: str | None = None
    # The review limits this target sets for itself over [meta.review]'s: pairs of a
    # ReviewLimits field and its value, in the file's order.
    review: tuple[tuple[str, Any], ...] = ()

    @property
    def goal(self) -> float:
        return 100.0 if self.target is None else self.target

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions this target is split among, in the file's order."""
        return tuple(name for name, _ in self.split)

    def for_region(self, region: str, share: float | None = None) -> Target:
        """The target as one region carries it: its split value (`share`, when the caller
        has looked it up), judged by the same kind, direction and pace. The city's baseline
        is not the region's, so it is left out."""
        if share is None:
            share = dict(self.split)[region]
        # _replace(target=share, baseline=None, baseline_unit=None, baseline_quote=None,
        # split=()), built directly: a province's status by region makes 180,000 of them.
        return tuple.__new__(
            Target, (*self[:4], share, *self[5:8], None, None, None, *self[11:19], (), *self[20:])
        )

    def review_limits(self, limits: ReviewLimits) -> ReviewLimits:
        """The file's review limits with this target's own over them."""
        return limits._replace(**dict(self.review)) if self.review else limits

    def as_json(self, skip_empty: bool = False) -> dict[str, Any]:
        """The target as in its file, in the file's order of fields."""
        out = self._asdict()
        if out["due"] is not None:
            out["due"] = out["due"].isoformat()
        out["co_owners"] = list(self.co_owners)
        out["split"] = dict(self.split)
        out["review"] = {k: list(v) if k == "off" else v for k, v in self.review}
        if skip_empty:
            out = {key: value for key, value in out.items() if value not in (None, [], {})}
        return out
