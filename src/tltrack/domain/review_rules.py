"""The review rules (审核, DESIGN §9) one figure is weighed by: by itself (magnitude, growth
range, early excess), against the figure before it in its series (a fall, a jump), and the
regions' figures of a day against the city's. Each returns what it found in the users'
words; review.py runs them over series, rollup.py on the figures a status judges. Pure.
"""

from __future__ import annotations

import math

from tltrack.domain.figures import Record
from tltrack.domain.periods import Period, expected_share
from tltrack.domain.targets import ReviewLimits, Target
from tltrack.domain.values import number
from tltrack.errors import Message, msg

_EPS = 1e-9
# Below this share of the year due, a total is weighed against the whole goal, and only a
# figure far above it is a slip: in January a slow start is normal.
_PRORATE_FROM = 0.2


def weighed_alone(target: Target) -> bool:
    """Whether a rule a status applies can find a figure of `target` unusual: a total, a
    level not in %, a growth rate; a milestone's progress or a level in % never."""
    if target.kind in ("cumulative", "growth"):
        return True
    return target.kind == "level" and target.unit != "%" and target.base_year is None


def unusual(target: Target, record: Record, period: Period, limits: ReviewLimits) -> bool:
    """Whether a status holds `record` back: a rule finds it unusual by itself, and nobody
    explained it."""
    if record.explanation or not weighed_alone(target):
        return False
    return bool(point_flags(target, record, period, limits))


def _shown(target: Target, value: float) -> str:
    return f"{number(value, 4)}{target.unit}"


def point_flags(
    target: Target, record: Record, period: Period, limits: ReviewLimits
) -> list[tuple[str, Message]]:
    """The rules `record` breaks by itself, for `target` as its series carries it (a
    region's: its share)."""
    found: list[tuple[str, Message]] = []
    value, goal, kind = record.value, target.goal, target.kind
    share = expected_share(target.pace, period.elapsed) if kind == "cumulative" else 1.0
    weighed = kind in ("cumulative", "level") and target.unit != "%" and target.base_year is None
    if weighed and limits.applies("magnitude") and goal > 0 and value > 0:
        prorated = share >= _PRORATE_FROM
        reference = goal * share if prorated else goal
        ratio = value / reference
        # Far below is a slip only once a fair share is due: early on it is a slow start.
        low = prorated and ratio <= 1 / limits.magnitude + _EPS
        if ratio >= limits.magnitude - _EPS or low:
            times = ratio if ratio >= 1 else 1 / ratio
            said = msg(
                "review_magnitude" if prorated else "review_magnitude_year",
                value=_shown(target, value),
                reference=_shown(target, reference),
                times=number(times, 0 if times >= 100 else 1),
            )
            found.append(("magnitude", said))
    in_range = limits.growth_low - _EPS <= value <= limits.growth_high + _EPS
    if kind == "growth" and limits.applies("growth_range") and not in_range:
        said = msg(
            "review_growth_range",
            value=number(value),
            low=number(limits.growth_low),
            high=number(limits.growth_high),
        )
        found.append(("growth_range", said))
    early = kind == "cumulative" and target.direction == "at_least" and goal > 0
    early = early and share < limits.early_share - _EPS and limits.applies("early_excess")
    if early and value > limits.early_excess * goal + _EPS:
        said = msg(
            "review_early_excess",
            value=_shown(target, value),
            goal=_shown(target, goal),
            times=number(value / goal, 1),
            expected=f"{number(share * 100, 1)}%",
        )
        found.append(("early_excess", said))
    return found


def step_flags(
    target: Target,
    record: Record,
    previous: tuple[Period, Record] | None,
    limits: ReviewLimits,
) -> list[tuple[str, Message]]:
    """The rules `record` breaks against the same series' figure of the period before."""
    if previous is None:
        return []
    period, before = previous
    found: list[tuple[str, Message]] = []
    fell = record.value < before.value - _EPS
    if target.kind == "cumulative" and limits.applies("falling") and fell:
        said = msg(
            "review_falling",
            value=_shown(target, record.value),
            period=period.label,
            previous=_shown(target, before.value),
        )
        found.append(("falling", said))
    if target.kind == "growth" and limits.applies("growth_jump"):
        change = record.value - before.value
        if abs(change) > limits.growth_jump_pp + _EPS:
            said = msg(
                "review_growth_jump",
                value=number(record.value),
                period=period.label,
                previous=number(before.value),
                change=number(abs(change), 1),
                limit=number(limits.growth_jump_pp),
            )
            found.append(("growth_jump", said))
    return found


def sum_flag(
    target: Target,
    city: Record | None,
    regions: dict[str, Record],
    limits: ReviewLimits,
) -> tuple[str, tuple[str, Message]] | None:
    """Whether the regions' figures of one day sum far above the city's recorded one: the
    region whose figure stands highest against its share is the one flagged."""
    if city is None or not regions or target.kind != "cumulative" or city.value <= 0:
        return None
    if not limits.applies("regions_sum"):
        return None
    total = math.fsum(r.value for r in regions.values())
    if total <= limits.regions_sum * city.value + _EPS:
        return None
    shares = dict(target.split)
    highest = max(regions, key=lambda r: regions[r].value / shares[r] if shares[r] else 0.0)
    said = msg(
        "review_regions_sum",
        total=_shown(target, total),
        city=_shown(target, city.value),
        times=number(total / city.value, 1),
        limit=number(limits.regions_sum),
    )
    return highest, ("regions_sum", said)
