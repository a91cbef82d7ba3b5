"""Table, bad-input and property tests for visits/rules.py (domain.md section 5)."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.rules import RiskLevel
from visits.rules import (
    DEFAULT_VISIT_INTERVAL_MONTHS,
    AttemptOutcome,
    TimeBand,
    VisitAttempt,
    next_visit_due,
    time_band,
    visit_intervals,
    visit_pattern_warning,
    warrant_readiness,
)

# --- Section 5 worked examples -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "last_visit", "due"),
    [
        pytest.param("high", date(2025, 1, 10), date(2025, 4, 10), id="5.4"),
        pytest.param("very_high", date(2025, 1, 31), date(2025, 2, 28), id="5.5"),
    ],
)
def test_next_visit_worked_examples(level, last_visit, due):
    assert (
        next_visit_due(
            risk_level=level, last_completed_visit=last_visit, risk_set_on=date(2024, 1, 1)
        )
        == due
    )


def test_default_table_matches_section_5():
    assert DEFAULT_VISIT_INTERVAL_MONTHS == {"very_high": 1, "high": 3, "medium": 6, "low": 12}


@pytest.mark.parametrize(
    ("level", "due"),
    [
        ("very_high", date(2024, 3, 29)),
        ("high", date(2024, 5, 29)),
        ("medium", date(2024, 8, 29)),
        (RiskLevel.LOW, date(2025, 2, 28)),
    ],
)
def test_no_visit_yet_counts_from_the_date_risk_was_set(level, due):
    assert (
        next_visit_due(risk_level=level, last_completed_visit=None, risk_set_on=date(2024, 2, 29))
        == due
    )


def test_reactive_management_has_no_routine_visits():
    assert (
        next_visit_due(
            risk_level="low",
            last_completed_visit=date(2025, 1, 1),
            risk_set_on=date(2020, 1, 1),
            reactive=True,
        )
        is None
    )


def test_force_table_and_individual_frequency():
    table = {"very_high": 1, "high": 2, "medium": 4, "low": 6}
    facts = {
        "risk_level": "high",
        "last_completed_visit": date(2025, 1, 10),
        "risk_set_on": date(2024, 1, 1),
    }
    assert next_visit_due(**facts, intervals_months=table) == date(2025, 3, 10)
    assert next_visit_due(**facts, individual_interval_months=1) == date(2025, 2, 10)


# --- Warrant readiness (s.96B) -------------------------------------------------------------------

HOME = "1 High Street"
OTHER = "Flat 2, 5 Low Road"


def test_two_failed_occasions_at_the_same_address_are_ready():
    attempts = [(HOME, date(2025, 3, 3), "no_answer"), (HOME, date(2025, 3, 10), "refused")]
    result = warrant_readiness(attempts=attempts, person_unavailable=False)
    assert result.ready
    assert result.addresses == (HOME,)
    assert [a.on for a in result.qualifying_attempts] == [date(2025, 3, 3), date(2025, 3, 10)]
    assert "2 occasions at 1 High Street (3 Mar 2025, 10 Mar 2025)" in result.reason


@pytest.mark.parametrize(
    ("attempts", "why"),
    [
        pytest.param(
            [(HOME, date(2025, 3, 3), "no_answer"), (OTHER, date(2025, 3, 10), "refused")],
            "per address",
            id="two-addresses",
        ),
        pytest.param(
            [(HOME, date(2025, 3, 3), "no_answer"), (HOME, date(2025, 3, 10), "not_present")],
            "not_present",
            id="not-present",
        ),
        pytest.param(
            [(HOME, date(2025, 3, 3), "no_answer"), (HOME, date(2025, 3, 3), "refused")],
            "same day",
            id="same-day",
        ),
        pytest.param(
            [
                (HOME, date(2025, 3, 3), "no_answer"),
                (HOME, date(2025, 3, 5), "completed"),
                (HOME, date(2025, 3, 10), "no_answer"),
            ],
            "completed visit in between",
            id="completed-between",
        ),
    ],
)
def test_not_ready(attempts, why):
    result = warrant_readiness(attempts=attempts, person_unavailable=False)
    assert not result.ready, why
    assert "needs at least two at the same address" in result.reason


def test_not_while_in_custody_hospital_or_abroad():
    attempts = [(HOME, date(2025, 3, 3), "no_answer"), (HOME, date(2025, 3, 10), "refused")]
    result = warrant_readiness(attempts=attempts, person_unavailable=True)
    assert not result.ready
    assert "custody, in hospital or abroad" in result.reason


def test_attempts_during_an_absence_do_not_count():
    attempts = [(HOME, date(2025, 3, 3), "no_answer"), (HOME, date(2025, 3, 10), "refused")]
    absent = [(date(2025, 3, 1), date(2025, 3, 5))]
    assert not warrant_readiness(attempts=attempts, person_unavailable=False, absences=absent).ready


def test_only_listed_addresses_count():
    attempts = [
        VisitAttempt(OTHER, date(2025, 3, 3), "no_answer"),
        VisitAttempt(OTHER, date(2025, 3, 4), "refused"),
    ]
    assert warrant_readiness(attempts=attempts, person_unavailable=False).ready
    assert not warrant_readiness(
        attempts=attempts, person_unavailable=False, addresses={HOME}
    ).ready


def test_unknown_outcome_is_rejected():
    with pytest.raises(ValueError, match="Unknown visit outcome 'gone'"):
        warrant_readiness(attempts=[(HOME, date(2025, 3, 3), "gone")], person_unavailable=False)
    assert VisitAttempt(HOME, date(2025, 3, 3), "refused").outcome is AttemptOutcome.REFUSED


# --- Varying days and times --------------------------------------------------------------------

MON, TUE, WED = date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 5)


@pytest.mark.parametrize(
    ("visits", "expected"),
    [
        pytest.param([(MON, "morning"), (TUE, "evening"), (WED, "afternoon")], None, id="varied"),
        pytest.param(
            [(MON, "morning"), (date(2025, 3, 10), "evening")],
            "2 of the last 2 visits were on a Monday",
            id="weekday",
        ),
        pytest.param(
            [(MON, "morning"), (TUE, "afternoon"), (WED, "morning")],
            "2 of the last 3 visits were in the morning",
            id="band",
        ),
        pytest.param(
            [
                (date(2025, 2, 3), "night"),
                (date(2025, 2, 10), "night"),
                (MON, "morning"),
                (TUE, "evening"),
                (WED, "afternoon"),
            ],
            None,
            id="only-last-three",
        ),
        pytest.param([(MON, "morning")], None, id="one-visit"),
    ],
)
def test_visit_pattern_warning(visits, expected):
    warning = visit_pattern_warning(visits)
    if expected is None:
        assert warning is None
    else:
        assert expected in warning
        assert warning.endswith("Vary the days and times of visits.")


def test_time_bands():
    assert [time_band(time(h)) for h in (5, 6, 12, 17, 22)] == [
        TimeBand.NIGHT,
        TimeBand.MORNING,
        TimeBand.AFTERNOON,
        TimeBand.EVENING,
        TimeBand.NIGHT,
    ]


# --- Bad input ---------------------------------------------------------------------------------

FACTS = {"last_completed_visit": date(2025, 1, 10), "risk_set_on": date(2024, 1, 1)}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"risk_level": "severe"},
            r"Unknown risk level 'severe': expected one of low, medium, high, very_high",
        ),
        (
            {"risk_level": "high", "individual_interval_months": 0},
            r"individual visit interval must be a positive whole number",
        ),
        (
            {
                "risk_level": "high",
                "intervals_months": {"very_high": 1, "high": -3, "medium": 6, "low": 12},
            },
            r"interval for high risk must be a positive",
        ),
        (
            {"risk_level": "high", "intervals_months": {"high": 3}},
            r"missing: low, medium, very high",
        ),
        (
            {
                "risk_level": "high",
                "intervals_months": {"very_high": 1, "high": 3, "medium": 6, "severe": 1},
            },
            r"Unknown risk level 'severe'",
        ),
        (
            {
                "risk_level": "high",
                "intervals_months": {"very_high": 6, "high": 3, "medium": 6, "low": 12},
            },
            r"higher risk level must not have a longer",
        ),
    ],
)
def test_next_visit_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        next_visit_due(**FACTS, **kwargs)


def test_unknown_time_band_is_rejected():
    with pytest.raises(ValueError, match="Unknown time band 'dawn'"):
        visit_pattern_warning([(MON, "dawn")])


def test_visit_intervals_default_is_a_copy():
    assert visit_intervals() == dict(DEFAULT_VISIT_INTERVAL_MONTHS)


# --- Properties --------------------------------------------------------------------------------

dates = st.dates(date(2000, 1, 1), date(2090, 12, 31))
levels = st.sampled_from(list(RiskLevel))


@settings(max_examples=200)
@given(levels, dates, dates, st.one_of(st.none(), st.integers(1, 36)))
def test_next_visit_is_after_the_last_completed_visit(level, last_visit, risk_set_on, individual):
    due = next_visit_due(
        risk_level=level,
        last_completed_visit=last_visit,
        risk_set_on=risk_set_on,
        individual_interval_months=individual,
    )
    assert due > last_visit


@settings(max_examples=200)
@given(levels, levels, st.one_of(st.none(), dates), dates)
def test_higher_risk_never_gives_a_later_due_date(a, b, last_visit, risk_set_on):
    lower, higher = sorted((a, b), key=lambda level: level.rank)
    facts = {"last_completed_visit": last_visit, "risk_set_on": risk_set_on}
    assert next_visit_due(risk_level=higher, **facts) <= next_visit_due(risk_level=lower, **facts)
