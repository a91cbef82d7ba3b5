"""The capacity rules: points per case, points available, capacity %. Table tests and
properties; no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboards import capacity as rules
from dashboards.capacity import Capacity
from dashboards.models import DEFAULT_WEIGHTS, WeightCategory

W = {str(k): v for k, v in DEFAULT_WEIGHTS.items()}


@pytest.mark.parametrize(
    "status, risk, expected",
    [
        ("active", "low", WeightCategory.LOW),
        ("active", "medium", WeightCategory.MEDIUM),
        ("active", "high", WeightCategory.HIGH),
        ("active", "very_high", WeightCategory.VERY_HIGH),
        ("active", "", WeightCategory.NOT_ASSESSED),
        ("whereabouts_unknown", "high", WeightCategory.HIGH),
        ("reactive", "low", WeightCategory.REACTIVE),
        ("reactive", "", WeightCategory.REACTIVE),
        ("in_custody", "very_high", WeightCategory.IN_CUSTODY),
        ("in_hospital", "medium", WeightCategory.IN_CUSTODY),
    ],
)
def test_case_category(status, risk, expected):
    assert rules.case_category(status=status, risk_level=risk) == expected


@pytest.mark.parametrize(
    "status, risk, mappa, points",
    [
        ("active", "low", 1, D("1.0")),
        ("active", "very_high", 1, D("4.0")),
        ("active", "high", 2, D("3.5")),  # 2.5 + 1.0 for MAPPA level 2
        ("active", "very_high", 3, D("6.0")),  # 4.0 + 2.0 for MAPPA level 3
        ("active", "", 1, D("1.5")),
        ("reactive", "low", 1, D("0.3")),
        ("in_custody", "very_high", 3, D("2.5")),  # custody weighs the same; MAPPA still adds
    ],
)
def test_case_points_with_default_weights(status, risk, mappa, points):
    assert rules.case_points(status=status, risk_level=risk, mappa_level=mappa, weights=W) == points


def test_unknown_values_are_refused():
    with pytest.raises(ValueError, match="Unknown risk level"):
        rules.case_category(status="active", risk_level="extreme")
    with pytest.raises(ValueError, match="MAPPA level must be 1, 2 or 3"):
        rules.mappa_extra(4)
    with pytest.raises(ValueError):
        rules.weights_on([("tiny", D(1), date(2024, 1, 1))], on=date(2024, 2, 1))
    with pytest.raises(ValueError, match="cannot be negative"):
        rules.weights_on([("low", D(-1), date(2024, 1, 1))], on=date(2024, 2, 1))


def test_weights_use_the_latest_row_on_or_before_the_day_and_default_otherwise():
    rows = [
        ("high", D("3.0"), date(2024, 1, 1)),
        ("high", D("3.5"), date(2025, 1, 1)),
        ("high", D("9.0"), date(2026, 1, 1)),  # not yet in force
        ("low", D("0.8"), date(2025, 6, 1)),
    ]
    on = date(2025, 3, 1)
    weights = rules.weights_on(rows, on=on)
    assert weights["high"] == D("3.5")
    assert weights["low"] == D("1.0")  # its only row starts later: the default applies
    assert weights["medium"] == DEFAULT_WEIGHTS[WeightCategory.MEDIUM]
    assert rules.weights_on(rows, on=date(2025, 6, 1))["low"] == D("0.8")  # from that very day
    assert rules.weights_on([], on=on) == W


@pytest.mark.parametrize(
    "rows, on, expected",
    [
        ([], date(2025, 1, 1), D("37")),  # full time when nothing is recorded
        ([(D("22.5"), date(2024, 9, 1))], date(2025, 1, 1), D("22.5")),
        (
            [(D("22.5"), date(2024, 9, 1)), (D("30"), date(2025, 2, 1))],
            date(2025, 1, 31),
            D("22.5"),
        ),
        ([(D("22.5"), date(2024, 9, 1)), (D("30"), date(2025, 2, 1))], date(2025, 2, 1), D("30")),
        ([(D("30"), date(2025, 2, 1))], date(2025, 1, 1), D("37")),
    ],
)
def test_contracted_hours_on_a_day(rows, on, expected):
    assert rules.hours_on(rows, on=on, full_time_hours=D("37")) == expected


def test_reductions_count_only_while_they_run_both_ends_included():
    reductions = [
        (D("7.5"), date(2025, 1, 6), date(2025, 1, 10)),
        (D("4"), date(2025, 1, 1), None),
    ]
    assert rules.reduction_hours_on(reductions, on=date(2024, 12, 31)) == 0
    assert rules.reduction_hours_on(reductions, on=date(2025, 1, 6)) == D("11.5")
    assert rules.reduction_hours_on(reductions, on=date(2025, 1, 10)) == D("11.5")
    assert rules.reduction_hours_on(reductions, on=date(2025, 1, 11)) == D("4")


@pytest.mark.parametrize(
    "hours, reductions, available",
    [
        (D("37"), D("0"), D("75.00")),  # full time carries the full-time points
        (D("18.5"), D("0"), D("37.50")),  # half time, half the points
        (D("37"), D("7.4"), D("60.00")),  # a day a week off casework
        (D("20"), D("30"), D("0.00")),  # never below nothing
        (D("0"), D("0"), D("0.00")),
    ],
)
def test_available_points(hours, reductions, available):
    result = rules.available_points(
        hours=hours, reduction_hours=reductions, full_time_hours=D("37"), full_time_points=D("75")
    )
    assert result == available


@pytest.mark.parametrize(
    "points, available, percent, over, label",
    [
        (D("0"), D("75"), 0, False, "0 %"),
        (D("37.5"), D("75"), 50, False, "50 %"),
        (D("75"), D("75"), 100, False, "100 %"),
        (D("75.3"), D("75"), 100, False, "100 %"),  # 100.4 % shows and counts as 100 %
        (D("75.4"), D("75"), 101, True, "101 %"),
        (D("90"), D("75"), 120, True, "120 %"),
        (D("0"), D("0"), None, False, "No hours available"),
        (D("1"), D("0"), None, True, "Over (no hours available)"),
    ],
)
def test_capacity(points, available, percent, over, label):
    capacity = Capacity(points, available)
    assert capacity.percent == percent
    assert capacity.over is over
    assert capacity.label == label


def test_moving_a_case_changes_points_not_availability():
    before = Capacity(D("70"), D("75"))
    assert before.moved(D("6")) == Capacity(D("76"), D("75"))
    assert before.moved(D("6")).over
    assert Capacity(D("2"), D("75")).moved(D("-4")).points == 0
    assert Capacity(D("1"), D("2")) + Capacity(D("3"), D("4")) == Capacity(D("4"), D("6"))


def test_points_for_counts():
    counts = {"low": 10, "high": 2, "reactive": 5, "mappa_2": 1}
    assert rules.points_for_counts(counts, W) == D("10") + D("5") + D("1.5") + D("1")
    with pytest.raises(ValueError, match="cannot be negative"):
        rules.points_for_counts({"low": -1}, W)


@given(
    hours=st.decimals(min_value=0, max_value=60, places=2),
    reduction=st.decimals(min_value=0, max_value=60, places=2),
    extra=st.decimals(min_value=0, max_value=10, places=2),
)
def test_more_reduction_never_gives_more_points(hours, reduction, extra):
    def available(r):
        return rules.available_points(
            hours=hours, reduction_hours=r, full_time_hours=D(37), full_time_points=D(75)
        )

    assert D(0) <= available(reduction + extra) <= available(reduction)


@given(
    points=st.decimals(min_value=0, max_value=500, places=2),
    available=st.decimals(min_value="0.01", max_value=500, places=2),
    case=st.decimals(min_value="0.01", max_value=10, places=2),
)
def test_gaining_a_case_never_lowers_capacity(points, available, case):
    before = Capacity(points, available)
    after = before.moved(case)
    assert after.percent >= before.percent
    assert after.moved(-case) == before


@given(
    st.sampled_from(["active", "reactive", "in_custody", "in_hospital", "whereabouts_unknown"]),
    st.sampled_from(["", "low", "medium", "high", "very_high"]),
    st.sampled_from([1, 2, 3]),
)
def test_a_case_is_worth_its_category_plus_its_mappa_extra(status, risk, mappa):
    points = rules.case_points(status=status, risk_level=risk, mappa_level=mappa, weights=W)
    base = W[rules.case_category(status=status, risk_level=risk)]
    assert points >= base
    assert (points > base) == (mappa > 1)
