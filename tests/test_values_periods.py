"""Parsing figures and periods typed by people: one reading or a clear refusal, never a guess."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tltrack.domain.periods import default_period, expected_share, parse_period
from tltrack.domain.values import parse_milestone, parse_number
from tltrack.errors import DataError


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("5.8", "%", 5.8),
        ("5.8%", "%", 5.8),
        (" 262 ", "个", 262.0),
        ("262个", "个", 262.0),
        ("1686亿元", "亿元", 1686.0),
        ("-2.5", "%", -2.5),
        ("+3", "%", 3.0),
        ("1e3", "个", 1000.0),
        (".5", "万亩", 0.5),
        ("５.８", "%", 5.8),  # full-width digits from a Chinese input method
        ("５.８％", "%", 5.8),
    ],
)
def test_accepted_values(text: str, unit: str, value: float) -> None:
    assert parse_number(text, unit) == value


@pytest.mark.parametrize(
    ("text", "unit", "reason"),
    [
        ("", "%", "empty value"),
        ("   ", "%", "empty value"),
        ("nan", "%", "nan and infinity"),
        ("NaN", "%", "nan and infinity"),
        ("inf", "%", "nan and infinity"),
        ("-Infinity", "%", "nan and infinity"),
        ("1e309", "%", "out of range"),
        ("1e16", "亿元", "out of range"),
        ("1,686", "亿元", "thousands separators"),
        ("1，686", "亿元", "thousands separators"),
        ("1 686", "亿元", "thousands separators"),
        ("二百", "亿斤", "in digits"),
        ("5百", "亿斤", "in digits"),
        ("٥٫٨", "%", "digits 0-9"),  # Arabic-Indic
        ("५", "%", "digits 0-9"),  # Devanagari
        ("5.8%", "亿元", "not %"),
        ("5.8亿斤", "亿元", "not the target.s unit"),
        ("262 projects", "个", "not the target.s unit"),
        ("0x10", "个", "not a number"),
        ("5.8.1", "%", "not a number"),
        ("1_000", "个", "thousands separators"),
    ],
)
def test_refused_values(text: str, unit: str, reason: str) -> None:
    with pytest.raises(DataError, match=reason):
        parse_number(text, unit)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_any_finite_float_round_trips_through_its_text(value: float) -> None:
    assert parse_number(repr(value), "个") == value


@given(st.text(max_size=30), st.sampled_from(["%", "亿元", "个", ""]))
def test_any_text_is_a_finite_number_or_a_clear_error(text: str, unit: str) -> None:
    try:
        value = parse_number(text, unit)
    except DataError as exc:
        assert exc.message.strip() and "\n" not in exc.message
    else:
        assert math.isfinite(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("done", 100.0),
        ("完成", 100.0),
        ("已完成", 100.0),
        ("DONE", 100.0),
        ("60%", 60.0),
        ("60", 60.0),
        ("未完成", 0.0),
        ("not done", 0.0),
    ],
)
def test_milestone_values(text: str, value: float) -> None:
    assert parse_milestone(text) == value


@pytest.mark.parametrize("text", ["101", "-5%", "maybe", "", "nan"])
def test_milestone_refusals(text: str) -> None:
    with pytest.raises(DataError):
        parse_milestone(text)


@pytest.mark.parametrize(
    ("text", "label", "months", "end"),
    [
        ("2025", "2025", 12, date(2025, 12, 31)),
        ("2025-01", "2025-01", 1, date(2025, 1, 31)),
        ("2025-02", "2025-02", 2, date(2025, 2, 28)),
        ("2025-06", "2025-06", 6, date(2025, 6, 30)),
        ("2025-Q1", "2025-Q1", 3, date(2025, 3, 31)),
        ("2025-q3", "2025-Q3", 9, date(2025, 9, 30)),
        ("2025-H1", "2025-H1", 6, date(2025, 6, 30)),
        ("2025-H2", "2025-H2", 12, date(2025, 12, 31)),
    ],
)
def test_periods(text: str, label: str, months: int, end: date) -> None:
    period = parse_period(text, 2025)
    assert (period.label, period.months, period.end) == (label, months, end)
    assert period.elapsed == months / 12


@pytest.mark.parametrize(
    "text",
    [
        "2025-13",
        "2025-00",
        "2025-Q5",
        "2025-Q0",
        "2025-H3",
        "2025-1",
        "25-06",
        "2025/06",
        "",
        "2025-06-30",
        "June",
        "２０２５-0٦",
    ],
)
def test_bad_periods(text: str) -> None:
    with pytest.raises(DataError, match="period"):
        parse_period(text, 2025)


def test_a_period_outside_the_target_year_is_refused() -> None:
    with pytest.raises(DataError, match="not in the target year 2025"):
        parse_period("2024-06", 2025)


@given(st.text(max_size=12))
@example("0000")  # no calendar has year 0: a bad period, not a ValueError
@example("0001-06")  # its label keeps four digits, so it reads back
@example("0999-q2")
def test_any_period_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        period = parse_period(text)
    except DataError:
        return
    assert 1 <= period.months <= 12
    assert parse_period(period.label) == period


def test_default_period() -> None:
    assert default_period(2025, date(2026, 3, 1)).label == "2025"  # the year is over
    assert default_period(2025, date(2025, 7, 10)).label == "2025-06"
    assert default_period(2025, date(2025, 12, 31)).label == "2025-11"
    with pytest.raises(DataError, match="give the period"):
        default_period(2025, date(2025, 1, 20))
    with pytest.raises(DataError, match="give the period"):
        default_period(2025, date(2024, 11, 1))


def test_pace_profiles() -> None:
    assert expected_share("linear", 0.5) == 0.5
    assert expected_share("year_end", 11 / 12) == 0.0
    assert expected_share("year_end", 1.0) == 1.0
    shares = [i / 12 for i in range(1, 13)]
    assert expected_share(shares, 0.25) == 0.25
