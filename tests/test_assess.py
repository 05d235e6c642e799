"""Assessment rules of DESIGN §3: every kind x direction x status, pace profiles, staleness."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tltrack.domain.assess import assess, latest_actual
from tltrack.domain.figures import Record
from tltrack.domain.targets import Target, Thresholds

YEAR = 2025
MID_JULY = date(2025, 7, 15)
AFTER_YEAR = date(2026, 1, 20)


def target(kind: str, goal: float | None = 100, **fields: Any) -> Target:
    return Target(id="t", name="测试", category="c", kind=kind, target=goal, quote="q", **fields)


def rec(period: str, value: float, minute: int = 0) -> Record:
    return Record(
        metric="t", period=period, value=value, at=datetime(2025, 8, 1, 0, minute, tzinfo=UTC)
    )


def judged_at(period: str) -> date:
    """A full-year figure is judged after the year, a mid-year one while the year runs."""
    return AFTER_YEAR if period == "2025" else MID_JULY


def judge(t: Target, *records: Record, as_of: date = MID_JULY, **limits: Any):
    return assess(t, list(records), YEAR, as_of, Thresholds(**limits))


# --- the worked examples of the issue -------------------------------------------------------


def test_jan_to_may_45_2_percent_is_3_5_points_ahead() -> None:
    result = judge(target("cumulative", 500), rec("2025-05", 226))
    assert result.completion == pytest.approx(45.2)
    assert result.expected == pytest.approx(41.6667, abs=1e-4)
    assert round(result.gap, 1) == 3.5
    assert result.status == "on_track"


def test_262_of_500_projects_at_june_is_on_track() -> None:
    result = judge(target("cumulative", 500), rec("2025-06", 262))
    assert (result.completion, result.expected, result.gap) == (52.4, 50.0, 2.4)
    assert result.projected == pytest.approx(524)
    assert result.status == "on_track"


def test_gdp_5_8_against_6_is_behind_and_4_5_at_risk() -> None:
    gdp = target("growth", 6, unit="%")
    behind = judge(gdp, rec("2025-H1", 5.8))
    assert (behind.status, behind.gap) == ("behind", -0.2)
    at_risk = judge(gdp, rec("2025-H1", 4.5))
    assert (at_risk.status, at_risk.gap) == ("at_risk", -1.5)


def test_grain_201_3_for_the_full_year_is_achieved() -> None:
    grain = target("cumulative", 200, pace="year_end", unit="亿斤")
    result = judge(grain, rec("2025", 201.3), as_of=AFTER_YEAR)
    assert result.status == "achieved"
    assert result.completion == pytest.approx(100.65)


def test_a_full_year_figure_that_falls_short_is_missed() -> None:
    assert judge(target("cumulative", 500), rec("2025", 480), as_of=AFTER_YEAR).status == "missed"
    assert judge(target("growth", 6), rec("2025", 5.9), as_of=AFTER_YEAR).status == "missed"
    assert judge(target("level", 95), rec("2025", 94), as_of=AFTER_YEAR).status == "missed"


def test_a_year_end_target_is_never_behind_mid_year() -> None:
    grain = target("cumulative", 200, pace="year_end")
    for period, value in [("2025-03", 0), ("2025-06", 10), ("2025-Q3", 50), ("2025-11", 120)]:
        result = judge(grain, rec(period, value), as_of=date(2025, 12, 31))
        assert result.status == "on_track", period
        assert result.expected == 0
        assert result.projected is None


# --- cumulative ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (300, "ahead"),  # 60% done, 50% due: 10 pp ahead of the pace
        (274, "on_track"),  # 54.8%: 4.8 pp ahead, short of the 5 pp that make "ahead"
        (237.5, "on_track"),  # pace ratio exactly 0.95
        (237, "behind"),
        (187.5, "behind"),  # exactly 0.75
        (187, "at_risk"),
        (0, "at_risk"),
        (500, "achieved"),  # met mid-year: achieved at once
        (650, "achieved"),
    ],
)
def test_cumulative_at_least_bands_at_june(value: float, status: str) -> None:
    assert judge(target("cumulative", 500), rec("2025-06", value)).status == status


@pytest.mark.parametrize(
    ("period", "status"),
    [
        ("2025", "missed"),
        ("2025-12", "missed"),
        ("2025-Q4", "missed"),
        ("2025-H2", "missed"),
        ("2025-11", "no_data"),  # the year is over: a November figure waits for the year's
    ],
)
def test_cumulative_short_at_the_years_end_is_missed(period: str, status: str) -> None:
    judged = judge(target("cumulative", 500), rec(period, 400), as_of=AFTER_YEAR)
    assert judged.status == status
    assert judged.awaiting_year is (period == "2025-11")
    assert judged.value == 400  # the figure is still shown


def test_after_the_year_a_mid_year_figure_is_not_on_track() -> None:
    # 未报全年数据: once the year is over only a full-year figure tells whether it was met.
    for kind, goal, value in (("growth", 6, 6.5), ("level", 95, 96), ("cumulative", 100, 90)):
        judged = judge(target(kind, goal), rec("2025-11", value), as_of=AFTER_YEAR)
        assert (judged.status, judged.awaiting_year) == ("no_data", True), kind
    met = judge(target("cumulative", 100), rec("2025-11", 120), as_of=AFTER_YEAR)
    assert met.status == "achieved"  # a total met mid-year stays met


@pytest.mark.parametrize(
    ("period", "value", "status"),
    [
        ("2025-06", 40, "ahead"),  # allowance by June is 50: 10 pp under it
        ("2025-06", 48, "on_track"),  # 2 pp under it
        ("2025-06", 52, "on_track"),  # 50/52 = 0.96
        ("2025-06", 60, "behind"),  # 50/60 = 0.83
        ("2025-06", 80, "at_risk"),  # 50/80 = 0.63
        ("2025", 95, "achieved"),
        ("2025", 105, "missed"),
    ],
)
def test_cumulative_at_most(period: str, value: float, status: str) -> None:
    ceiling = target("cumulative", 100, direction="at_most")
    result = judge(ceiling, rec(period, value), as_of=AFTER_YEAR if period == "2025" else MID_JULY)
    assert result.status == status
    if period == "2025-06":
        assert result.gap == pytest.approx(50 - value)


def test_monthly_pace_profile() -> None:
    shares = [0.02, 0.05, 0.1, 0.15, 0.22, 0.3, 0.4, 0.5, 0.62, 0.75, 0.88, 1.0]
    seasonal = target("cumulative", 500, pace=shares)
    ahead = judge(seasonal, rec("2025-06", 160))  # 32% against 30%
    assert (ahead.expected, ahead.status) == (30.0, "on_track")
    assert ahead.projected == pytest.approx(160 / 0.3)
    assert judge(seasonal, rec("2025-06", 120)).status == "behind"  # 24/30 = 0.8
    assert judge(seasonal, rec("2025-Q1", 10)).expected == 10.0  # Q1 ends in March


def test_thresholds_from_the_target_file_apply() -> None:
    projects = target("cumulative", 500)
    assert judge(projects, rec("2025-06", 225)).status == "behind"  # 0.9
    assert judge(projects, rec("2025-06", 225), on_track=0.9).status == "on_track"
    assert judge(projects, rec("2025-06", 225), on_track=0.99, at_risk=0.95).status == "at_risk"


# --- growth -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status", "gap"),
    [
        (6.2, "on_track", 0.2),
        (6.0, "on_track", 0.0),
        (5.0, "behind", -1.0),  # short by exactly 1 pp
        (4.99, "at_risk", -1.01),
        (-2.0, "at_risk", -8.0),
    ],
)
def test_growth_at_least(value: float, status: str, gap: float) -> None:
    result = judge(target("growth", 6), rec("2025-Q2", value))
    assert (result.status, result.gap, result.projected) == (status, gap, value)
    assert result.completion is None and result.expected is None


def test_growth_decimal_noise_does_not_change_the_band() -> None:
    assert judge(target("growth", 7.1), rec("2025-06", 6.1)).status == "behind"


@pytest.mark.parametrize(
    ("period", "value", "status"),
    [
        ("2025-06", 2.5, "on_track"),
        ("2025-06", 3.5, "behind"),
        ("2025-06", 4.5, "at_risk"),
        ("2025", 2.9, "achieved"),
        ("2025", 3.1, "missed"),
    ],
)
def test_growth_at_most(period: str, value: float, status: str) -> None:
    cap = target("growth", 3, direction="at_most")
    when = AFTER_YEAR if period == "2025" else MID_JULY
    assert judge(cap, rec(period, value), as_of=when).status == status


# --- level --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "value", "status"),
    [
        ("2025-06", 96, "ahead"),  # a point above the goal, like a growth rate
        ("2025-06", 95.5, "on_track"),
        ("2025-06", 94.5, "behind"),
        ("2025-06", 92.5, "at_risk"),  # 低于目标2.5个百分点, though 92.5/95 is 97%
        ("2025", 95, "achieved"),
        ("2025", 94.9, "missed"),
    ],
)
def test_a_level_in_percent_without_baseline_is_judged_by_its_gap_in_points(
    period: str, value: float, status: str
) -> None:
    rate = target("level", 95, unit="%")
    result = judge(rate, rec(period, value), as_of=judged_at(period))
    assert result.status == status
    assert result.gap == pytest.approx(value - 95)
    assert result.completion is None  # 97% of 95% means nothing to a reader


@pytest.mark.parametrize(
    ("value", "status"),
    [(96, "on_track"), (91, "on_track"), (85, "behind"), (60, "at_risk")],
)
def test_a_level_in_other_units_is_judged_by_its_ratio(value: float, status: str) -> None:
    beds = target("level", 95, unit="张")  # 91/95 = 0.958: within the on-track band
    assert judge(beds, rec("2025-06", value)).status == status


def test_a_level_met_mid_year_is_on_track_not_achieved() -> None:
    assert judge(target("level", 95), rec("2025-06", 97)).status == "on_track"


@pytest.mark.parametrize(
    ("value", "status", "gap"),
    [(88, "on_track", -2.0), (80, "behind", -10.0), (60, "at_risk", -30.0)],
)
def test_level_with_baseline_is_judged_against_the_path_from_it(
    value: float, status: str, gap: float
) -> None:
    rate = target("level", 100, baseline=80)
    result = judge(rate, rec("2025-06", value))  # required by June: 80 + 20 * 0.5 = 90
    assert (result.status, result.gap, result.expected) == (status, gap, 90.0)


@pytest.mark.parametrize(
    ("period", "value", "status"),
    [
        ("2025-06", 0, "on_track"),
        ("2025-06", 2, "at_risk"),
        ("2025", 0, "achieved"),
        ("2025", 1, "missed"),
    ],
)
def test_level_at_most_zero_target(period: str, value: float, status: str) -> None:
    inferior_v = target("level", 0, direction="at_most", unit="个")
    assert judge(inferior_v, rec(period, value), as_of=judged_at(period)).status == status


@pytest.mark.parametrize(
    ("value", "status"), [(2, "on_track"), (2.1, "on_track"), (2.5, "behind"), (4, "at_risk")]
)
def test_level_at_most_with_baseline(value: float, status: str) -> None:
    inferior_v = target("level", 0, direction="at_most", baseline=4)
    assert judge(inferior_v, rec("2025-06", value)).status == status  # required by June: 2


@pytest.mark.parametrize(
    ("period", "value", "status"),
    [
        ("2025-06", 12.5, "on_track"),  # 12.24% needed by June
        ("2025-06", 11, "behind"),  # observed annual rate 2.56% / required 2.86% = 0.89
        ("2025-06", 8, "at_risk"),  # 1.84% / 2.86% = 0.64
        ("2025", 14, "achieved"),
        ("2025", 13, "missed"),
    ],
)
def test_change_against_a_2020_baseline_uses_compound_rates(
    period: str, value: float, status: str
) -> None:
    water = target("level", 13.5, unit="%", base_year=2020, change="decrease")
    result = judge(water, rec(period, value), as_of=judged_at(period))
    assert result.status == status
    if period == "2025-06":
        assert result.gap == pytest.approx(value - 12.2364, abs=1e-3)


# --- milestone ----------------------------------------------------------------------------


def test_milestones() -> None:
    water = target("milestone", None)
    assert judge(water, rec("2025-06", 100)).status == "achieved"
    assert judge(water, rec("2025-06", 60)).status == "on_track"
    assert judge(water, rec("2025-09", 60), as_of=AFTER_YEAR).status == "missed"
    early = target("milestone", None, due=date(2025, 6, 30))
    assert judge(early, rec("2025-06", 80), as_of=date(2025, 7, 10)).status == "missed"
    assert judge(early, rec("2025-06", 80), as_of=date(2025, 6, 30)).status == "on_track"


def test_no_figure_is_no_data_for_every_kind() -> None:
    for kind, goal in [("cumulative", 1), ("growth", 6), ("level", 95), ("milestone", None)]:
        result = judge(target(kind, goal), as_of=AFTER_YEAR)
        assert (result.status, result.stale, result.completion) == ("no_data", None, None)


# --- which figure counts, staleness -------------------------------------------------------


def test_a_figure_counts_once_its_period_has_ended() -> None:
    records = [rec("2025-05", 200), rec("2025-06", 262)]
    assert latest_actual(records, YEAR, date(2025, 6, 29)).record.value == 200
    assert latest_actual(records, YEAR, date(2025, 6, 30)).record.value == 262
    assert latest_actual(records, YEAR, date(2025, 5, 30)) is None


def test_the_most_recent_recording_of_a_period_wins() -> None:
    records = [rec("2025-06", 262, minute=1), rec("2025-06", 270, minute=2), rec("2025-05", 9)]
    assert latest_actual(records, YEAR, MID_JULY).record.value == 270


def test_periods_ending_the_same_day_go_to_the_last_recorded() -> None:
    records = [rec("2025-Q2", 5.6, minute=1), rec("2025-06", 5.7, minute=2)]
    assert latest_actual(records, YEAR, MID_JULY).period.label == "2025-06"


def test_staleness_after_45_days() -> None:
    projects = target("cumulative", 500)
    assert judge(projects, rec("2025-05", 200), as_of=date(2025, 7, 15)).stale is False
    assert judge(projects, rec("2025-05", 200), as_of=date(2025, 7, 16)).stale is True
    assert judge(projects, rec("2025-05", 200), as_of=date(2025, 7, 1), stale_after_days=30).stale
    assert judge(projects, rec("2025", 400), as_of=date(2026, 11, 1)).stale is False
