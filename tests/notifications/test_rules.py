"""Table, bad-input and property tests for notifications/rules.py (domain.md sections 0–3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications.rules import (
    AdvanceNoticeOutcome,
    ClockStatus,
    Disposal,
    NotificationKind,
    NotificationPeriod,
    QualifyingStay,
    advance_notice_result,
    application_is_premature,
    clock_status,
    custodial_term_months,
    days_stayed,
    deadline_within_days,
    defer_for_absences,
    discharge_effective_date,
    first_day_of_failure,
    further_review_date,
    household_stay_notifiable,
    indefinite_review_date,
    initial_notification_due,
    latest_clock_start,
    next_periodic_due,
    next_periodic_due_from_history,
    notification_period,
    overall_requirement,
    period_last_day,
    planned_change_problem,
    qualifying_stay,
    restarts_periodic_clock,
    review_appeal_deadline,
    review_decision_target,
    review_eligibility,
    six_day_deadline,
    three_day_deadline,
    travel_deadline,
    travel_notice_deadline,
    travel_return_deadline,
    travel_short_notice_applies,
    weeks_to_months,
)

ADULT_DOB = date(1980, 1, 1)
D = date


def period(disposal, relevant_date, dob=ADULT_DOB, **kwargs):
    return notification_period(
        disposal=disposal, relevant_date=relevant_date, date_of_birth=dob, **kwargs
    )


# --- Section 0: counting days -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("compute", "expected"),
    [
        pytest.param(lambda: three_day_deadline(D(2024, 3, 4)), D(2024, 3, 6), id="0-3-days"),
        pytest.param(lambda: six_day_deadline(D(2024, 6, 10)), D(2024, 6, 15), id="0-6-days"),
        pytest.param(
            lambda: period("custody", D(2020, 3, 1), custody_months=24).last_day,
            D(2030, 2, 28),
            id="0-n-years",
        ),
        pytest.param(lambda: next_periodic_due(D(2024, 3, 10)), D(2025, 3, 10), id="0-one-year"),
        pytest.param(
            lambda: period_last_day(D(2021, 1, 15), 42), D(2024, 7, 14), id="0-halved-3y6m"
        ),
        pytest.param(
            lambda: period_last_day(D(2022, 7, 1), 30), D(2024, 12, 31), id="0-halved-2y6m"
        ),
        pytest.param(
            lambda: three_day_deadline(D(2024, 3, 8)), D(2024, 3, 10), id="0-weekends-count"
        ),
        pytest.param(
            lambda: next_periodic_due(D(2024, 2, 29)), D(2025, 3, 1), id="0-feb29-on-mar1"
        ),
        pytest.param(
            lambda: next_periodic_due(D(2024, 2, 29), feb29_falls_on_march_1=False),
            D(2025, 2, 28),
            id="0-feb29-on-feb28",
        ),
        pytest.param(
            lambda: period("custody", D(2020, 2, 29), custody_months=24).last_day,
            D(2030, 2, 28),
            id="0-feb29-period-mar1",
        ),
        pytest.param(
            lambda: (
                period(
                    "custody", D(2020, 2, 29), custody_months=24, feb29_falls_on_march_1=False
                ).last_day
            ),
            D(2030, 2, 27),
            id="0-feb29-period-feb28",
        ),
        pytest.param(lambda: deadline_within_days(D(2024, 1, 1), 1), D(2024, 1, 1), id="0-1-day"),
    ],
)
def test_day_counting(compute, expected):
    assert compute() == expected


# --- Section 1: the notification period -------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "last_day", "months"),
    [
        pytest.param(
            dict(disposal="custody", relevant_date=D(2020, 3, 1), custody_months=24),
            D(2030, 2, 28),
            120,
            id="1.1",
        ),
        pytest.param(
            dict(
                disposal="dto",
                relevant_date=D(2020, 9, 10),
                date_of_birth=D(2003, 6, 1),
                custody_months=24,
            ),
            D(2025, 9, 9),
            60,
            id="1.2",
        ),
        pytest.param(
            dict(disposal="custody", relevant_date=D(2020, 3, 1), custody_months=6),
            D(2027, 2, 28),
            84,
            id="1.3-6-months",
        ),
        pytest.param(
            dict(disposal="custody", relevant_date=D(2020, 3, 1), custody_months=7),
            D(2030, 2, 28),
            120,
            id="1.3-7-months",
        ),
        pytest.param(
            dict(disposal="custody", relevant_date=D(2020, 3, 1), custody_months=29),
            D(2030, 2, 28),
            120,
            id="1.3-29-months",
        ),
        pytest.param(
            dict(disposal="custody", relevant_date=D(2020, 3, 1), custody_months=30),
            None,
            None,
            id="1.3-30-months",
        ),
        pytest.param(
            dict(
                disposal="custody",
                relevant_date=D(2020, 3, 1),
                custody_months=custodial_term_months([(0, 18), (18, 18)]),
            ),
            None,
            None,
            id="1.4",
        ),
        pytest.param(
            dict(
                disposal="custody",
                relevant_date=D(2020, 3, 1),
                custody_months=custodial_term_months([(0, 18), (0, 18)]),
            ),
            D(2030, 2, 28),
            120,
            id="1.5",
        ),
        pytest.param(
            dict(
                disposal="custody",
                relevant_date=D(2020, 3, 1),
                custody_months=custodial_term_months([(0, 20), (15, 15)]),
            ),
            None,
            None,
            id="1.6",
        ),
        pytest.param(
            dict(disposal="caution", relevant_date=D(2023, 1, 10)),
            D(2025, 1, 9),
            24,
            id="1.7-adult",
        ),
        pytest.param(
            dict(disposal="caution", relevant_date=D(2023, 1, 10), date_of_birth=D(2006, 5, 5)),
            D(2024, 1, 9),
            12,
            id="1.7-aged-16",
        ),
        pytest.param(
            dict(
                disposal="conditional_discharge", relevant_date=D(2022, 5, 5), discharge_months=36
            ),
            D(2025, 5, 4),
            36,
            id="1.8",
        ),
        pytest.param(
            dict(
                disposal="conditional_discharge",
                relevant_date=D(2022, 5, 5),
                date_of_birth=D(2006, 1, 1),
                discharge_months=24,
            ),
            D(2024, 5, 4),
            24,
            id="1.9",
        ),
        pytest.param(
            dict(disposal="hospital_restriction", relevant_date=D(2021, 1, 15)),
            None,
            None,
            id="1.10-restriction",
        ),
        pytest.param(
            dict(disposal="hospital", relevant_date=D(2021, 1, 15), date_of_birth=D(2003, 6, 1)),
            D(2024, 7, 14),
            42,
            id="1.10-aged-17",
        ),
        pytest.param(
            dict(disposal="other", relevant_date=D(2022, 7, 1)),
            D(2027, 6, 30),
            60,
            id="1.11-adult",
        ),
        pytest.param(
            dict(disposal="other", relevant_date=D(2022, 7, 1), date_of_birth=D(2005, 1, 1)),
            D(2024, 12, 31),
            30,
            id="1.11-aged-17",
        ),
        pytest.param(
            # Offence on 1 Jun 2021 at 17; convicted on 1 Feb 2022 at 18: the relevant date counts.
            dict(disposal="other", relevant_date=D(2022, 2, 1), date_of_birth=D(2004, 1, 1)),
            D(2027, 1, 31),
            60,
            id="1.12",
        ),
        pytest.param(
            dict(disposal="custody", relevant_date=D(2020, 3, 1), custody_months=12),
            D(2030, 2, 28),
            120,
            id="1-suspended-12-months",
        ),
        pytest.param(
            dict(
                disposal="custody",
                relevant_date=D(2020, 3, 1),
                custody_months=weeks_to_months(26),
            ),
            D(2027, 2, 28),
            84,
            id="1-26-weeks",
        ),
        pytest.param(
            dict(
                disposal="custody",
                relevant_date=D(2020, 3, 1),
                custody_months=weeks_to_months(27),
            ),
            D(2030, 2, 28),
            120,
            id="1-27-weeks",
        ),
        pytest.param(
            dict(disposal="custody", relevant_date=D(2020, 3, 1), indeterminate_sentence=True),
            None,
            None,
            id="1-life-or-ipp",
        ),
        pytest.param(
            dict(
                disposal=Disposal.CUSTODY,
                relevant_date=D(2020, 3, 1),
                custody_months=Decimal("6.5"),
            ),
            D(2030, 2, 28),
            120,
            id="1-decimal-months",
        ),
    ],
)
def test_notification_period_examples(kwargs, last_day, months):
    kwargs.setdefault("date_of_birth", ADULT_DOB)
    result = notification_period(**kwargs)
    assert result.start == kwargs["relevant_date"]
    assert result.last_day == last_day
    assert result.indefinite is (last_day is None)
    assert result.length_months == months


def test_terms_worked_out():
    assert custodial_term_months([(0, 18), (18, 18)]) == 36  # 1.4
    assert custodial_term_months([(0, 18), (0, 18)]) == 18  # 1.5
    assert custodial_term_months([(0, 20), (15, 15)]) == 30  # 1.6
    assert custodial_term_months([(5, 10), (0, 3)]) == 13  # order does not matter
    assert weeks_to_months(26) == 6
    assert weeks_to_months(130) == 30


@pytest.mark.parametrize(
    ("kwargs", "explanation"),
    [
        pytest.param(
            dict(disposal="custody", relevant_date=D(2020, 3, 1), custody_months=24),
            "10 years — custody of 24 months (more than 6 and less than 30 months), "
            "aged 18 or over on 1 Mar 2020 (s.82)",
            id="1.1",
        ),
        pytest.param(
            dict(
                disposal="dto",
                relevant_date=D(2020, 9, 10),
                date_of_birth=D(2003, 6, 1),
                custody_months=24,
            ),
            "5 years — a 24-month detention and training order, counted as its 12-month "
            "detention half (more than 6 and less than 30 months), aged 17 on 10 Sep 2020, "
            "so half the adult period of 10 years (s.82)",
            id="1.2",
        ),
        pytest.param(
            dict(disposal="custody", relevant_date=D(2020, 3, 1), custody_months=30),
            "Indefinite — custody of 30 months (30 months or more), "
            "aged 18 or over on 1 Mar 2020 (s.82)",
            id="1.3-30-months",
        ),
        pytest.param(
            dict(
                disposal="conditional_discharge",
                relevant_date=D(2022, 5, 5),
                date_of_birth=D(2006, 1, 1),
                discharge_months=24,
            ),
            "2 years — a conditional discharge of 24 months, which sets the period, "
            "aged 16 on 5 May 2022 (not halved under 18) (s.82)",
            id="1.9",
        ),
        pytest.param(
            dict(disposal="hospital", relevant_date=D(2021, 1, 15), date_of_birth=D(2003, 6, 1)),
            "3 years 6 months — a hospital order without a restriction order, aged 17 on "
            "15 Jan 2021, so half the adult period of 7 years (s.82)",
            id="1.10-aged-17",
        ),
    ],
)
def test_period_explains_its_rule(kwargs, explanation):
    kwargs.setdefault("date_of_birth", ADULT_DOB)
    assert notification_period(**kwargs).explanation == explanation


def test_overall_requirement_latest_last_day_and_indefinite_wins():
    caution = period("caution", D(2023, 1, 10))
    community = period("other", D(2022, 7, 1))
    assert overall_requirement([caution, community]) == community
    indefinite = period("hospital_restriction", D(2010, 1, 1))
    assert overall_requirement([caution, indefinite, community]) == indefinite
    shpo = NotificationPeriod(start=D(2024, 1, 10), last_day=D(2029, 1, 9), indefinite=False)
    assert overall_requirement([caution, shpo]).last_day == D(2029, 1, 9)  # 6.1


def test_period_runs_on_and_subject_on():
    result = period("caution", D(2023, 1, 10))
    assert result.subject_on(D(2025, 1, 9))
    assert not result.subject_on(D(2025, 1, 10))
    assert not result.subject_on(D(2023, 1, 9))


# --- Section 2: notifying ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("compute", "expected"),
    [
        pytest.param(lambda: initial_notification_due(D(2024, 3, 4)), D(2024, 3, 6), id="2.1"),
        pytest.param(lambda: three_day_deadline(D(2025, 3, 3)), D(2025, 3, 5), id="2.2"),
        pytest.param(
            lambda: initial_notification_due(
                D(2024, 1, 10), absences=[(D(2024, 1, 10), D(2025, 3, 3))]
            ),
            D(2025, 3, 5),
            id="2.2-initial-after-custody",
        ),
        pytest.param(
            lambda: next_periodic_due_from_history(
                [
                    (D(2024, 3, 10), "periodic"),
                    (D(2024, 9, 1), "change"),
                    (D(2024, 11, 1), "travel"),
                ]
            ),
            D(2025, 9, 1),
            id="2.3",
        ),
        pytest.param(
            lambda: next_periodic_due(D(2024, 9, 1), absences=[(D(2025, 8, 20), D(2025, 10, 20))]),
            D(2025, 10, 22),
            id="2.4",
        ),
        pytest.param(
            lambda: next_periodic_due(D(2024, 5, 6), no_fixed_abode=True), D(2024, 5, 13), id="2.5"
        ),
        pytest.param(lambda: travel_notice_deadline(D(2024, 8, 20)), D(2024, 8, 13), id="2.8"),
        pytest.param(lambda: three_day_deadline(D(2025, 2, 2)), D(2025, 2, 4), id="2.9"),
        pytest.param(
            lambda: next_periodic_due_from_history(
                [(D(2024, 6, 1), "periodic"), (D(2025, 2, 2), "change")]
            ),
            D(2026, 2, 2),
            id="2.9-clock-restarts",
        ),
    ],
)
def test_notifying_examples(compute, expected):
    assert compute() == expected


@pytest.mark.parametrize(
    "stays, days",
    [
        ([(D(2025, 1, 1), D(2025, 1, 3)), (D(2025, 1, 10), D(2025, 1, 13))], 7),  # 2.6
        ([(D(2025, 1, 1), D(2025, 1, 1))], 1),
        ([(D(2025, 1, 1), D(2025, 1, 5)), (D(2025, 1, 4), D(2025, 1, 6))], 6),  # overlap once
        ([], 0),
    ],
)
def test_days_stayed_counts_each_day_once(stays, days):
    assert days_stayed(stays) == days


def test_2_6_stays_add_up_to_seven_days():
    stays = [(D(2025, 1, 1), D(2025, 1, 3)), (D(2025, 1, 10), D(2025, 1, 13))]
    assert qualifying_stay(stays) == QualifyingStay(D(2025, 1, 13), D(2025, 1, 15))


@pytest.mark.parametrize(
    ("stays", "expected"),
    [
        pytest.param([(D(2025, 1, 1), D(2025, 1, 6))], None, id="2.6-six-days"),
        pytest.param(
            [(D(2025, 1, 1), D(2025, 1, 9))],
            QualifyingStay(D(2025, 1, 7), D(2025, 1, 9)),
            id="2.6-one-stay",
        ),
        pytest.param(
            [(D(2024, 1, 1), D(2024, 1, 3)), (D(2024, 12, 28), D(2024, 12, 31))],
            QualifyingStay(D(2024, 12, 31), D(2025, 1, 2)),
            id="2.6-within-12-months",
        ),
        pytest.param(
            [(D(2024, 1, 1), D(2024, 1, 3)), (D(2024, 12, 29), D(2025, 1, 1))],
            None,
            id="2.6-window-slides-past-first-day",
        ),
        pytest.param(
            [(D(2024, 1, 1), D(2024, 1, 3)), (D(2025, 1, 1), D(2025, 1, 4))],
            None,
            id="2.6-more-than-12-months-apart",
        ),
        pytest.param(
            [(D(2025, 1, 1), D(2025, 1, 5)), (D(2025, 1, 3), D(2025, 1, 6))],
            None,
            id="2.6-overlap-counts-once",
        ),
    ],
)
def test_qualifying_stay_edges(stays, expected):
    assert qualifying_stay(stays) == expected


@pytest.mark.parametrize(
    ("actual", "outcome", "change_due", "non_occurrence_due"),
    [
        pytest.param(D(2024, 6, 8), AdvanceNoticeOutcome.COVERED, None, None, id="2.7-8-jun"),
        pytest.param(
            D(2024, 6, 7), AdvanceNoticeOutcome.EARLY, D(2024, 6, 9), None, id="2.7-early"
        ),
        pytest.param(D(2024, 6, 12), AdvanceNoticeOutcome.COVERED, None, None, id="2.7-12-jun"),
        pytest.param(
            D(2024, 6, 13),
            AdvanceNoticeOutcome.LATE,
            D(2024, 6, 15),
            D(2024, 6, 15),
            id="2.7-late",
        ),
        pytest.param(
            None, AdvanceNoticeOutcome.NOT_OCCURRED, None, D(2024, 6, 15), id="2.7-not-yet"
        ),
    ],
)
def test_2_7_advance_notice(actual, outcome, change_due, non_occurrence_due):
    result = advance_notice_result(expected=D(2024, 6, 10), actual=actual)
    assert result.outcome == outcome
    assert result.change_due == change_due
    assert result.non_occurrence_due == non_occurrence_due
    assert result.explanation


@pytest.mark.parametrize(
    ("hours", "notifiable"),
    [pytest.param(11, False, id="2.10-11-hours"), pytest.param(12, True, id="2.10-12-hours")],
)
def test_2_10_household_with_child(hours, notifiable):
    assert household_stay_notifiable(hours) is notifiable


def test_household_hours_may_be_fractional():
    assert household_stay_notifiable(Decimal("11.99")) is False
    assert household_stay_notifiable(12.5) is True


def test_travel_deadlines():
    assert travel_return_deadline(D(2024, 9, 1)) == D(2024, 9, 3)
    assert travel_notice_deadline(D(2024, 8, 20), notice_days=10) == D(2024, 8, 10)


@pytest.mark.parametrize(
    "departure, short_notice, hours, expected",
    [
        (D(2024, 8, 20), False, 24, D(2024, 8, 13)),  # 2.8: the standard 7 days
        (D(2024, 8, 20), True, 24, D(2024, 8, 19)),  # not reasonably practicable: the day before
        (D(2024, 8, 20), True, 36, D(2024, 8, 18)),  # hours not whole days round up to a day
        (D(2024, 8, 20), True, 48, D(2024, 8, 18)),
        (D(2024, 3, 1), True, 24, D(2024, 2, 29)),  # across a leap day
    ],
)
def test_travel_deadline_with_and_without_short_notice(departure, short_notice, hours, expected):
    found = travel_deadline(departure, short_notice=short_notice, short_notice_hours=hours)
    assert found == expected


@pytest.mark.parametrize(
    "first_departure, new_departure, expected",
    [
        (D(2024, 8, 20), D(2024, 8, 20), D(2024, 8, 19)),  # new carrier: the day before
        (D(2024, 8, 20), D(2024, 8, 25), D(2024, 8, 19)),  # postponed: before the first date
        (D(2024, 8, 20), D(2024, 8, 18), D(2024, 8, 17)),  # brought forward: before the new one
    ],
)
def test_a_change_to_a_notified_trip_is_due_24_hours_before_the_earlier_departure(
    first_departure, new_departure, expected
):
    # domain.md section 2: changes at least 24 hours before departure.
    found = travel_deadline(new_departure, changes_departure=first_departure)
    assert found == expected


@pytest.mark.parametrize(
    "notified_on, applies",
    [
        (D(2024, 8, 12), False),
        (D(2024, 8, 13), False),
        (D(2024, 8, 14), True),
        (D(2024, 8, 20), True),
    ],
)
def test_short_notice_applies_only_once_the_standard_notice_has_passed(notified_on, applies):
    # 2.8: departs 20 Aug 2024, latest standard notification 13 Aug 2024.
    assert travel_short_notice_applies(notified_on, D(2024, 8, 20)) is applies


@pytest.mark.parametrize(
    ("kind", "restarts"),
    [
        pytest.param("initial", True, id="initial"),
        pytest.param("periodic", True, id="periodic"),
        pytest.param(NotificationKind.CHANGE, True, id="change"),
        pytest.param("travel", False, id="travel"),
    ],
)
def test_which_notifications_restart_the_clock(kind, restarts):
    assert restarts_periodic_clock(kind) is restarts


def test_latest_clock_start():
    assert latest_clock_start([]) is None
    assert latest_clock_start([(D(2024, 11, 1), "travel")]) is None
    history = [(D(2024, 9, 1), "change"), (D(2024, 3, 10), "periodic")]
    assert latest_clock_start(history) == D(2024, 9, 1)


@pytest.mark.parametrize(
    ("due", "absences", "expected"),
    [
        pytest.param(D(2025, 9, 1), [], D(2025, 9, 1), id="no-absence"),
        pytest.param(D(2025, 9, 1), [(D(2025, 8, 20), D(2025, 10, 20))], D(2025, 10, 22), id="2.4"),
        pytest.param(
            D(2025, 10, 20), [(D(2025, 8, 20), D(2025, 10, 20))], D(2025, 10, 22), id="release-day"
        ),
        pytest.param(
            D(2025, 10, 21), [(D(2025, 8, 20), D(2025, 10, 20))], D(2025, 10, 21), id="day-after"
        ),
        pytest.param(
            D(2025, 9, 1),
            [(D(2025, 8, 20), D(2025, 10, 20)), (D(2025, 10, 22), D(2025, 11, 5))],
            D(2025, 11, 7),
            id="chained",
        ),
        pytest.param(
            D(2025, 9, 1),
            [(D(2025, 9, 10), D(2025, 12, 1)), (D(2025, 8, 20), D(2025, 10, 20))],
            D(2025, 12, 3),
            id="overlapping",
        ),
    ],
)
def test_defer_for_absences(due, absences, expected):
    assert defer_for_absences(due, absences=absences) == expected


@pytest.mark.parametrize(
    ("absences", "expected"),
    [
        pytest.param([(D(2024, 3, 5), D(2024, 3, 10))], D(2024, 3, 11), id="remanded-day-2"),
        pytest.param(
            [(D(2024, 3, 4), D(2024, 3, 8)), (D(2024, 3, 7), D(2024, 3, 20))],
            D(2024, 3, 22),
            id="overlapping",
        ),
        pytest.param([(D(2024, 3, 5), D(2024, 3, 5))], D(2024, 3, 6), id="day-trip-abroad"),
    ],
)
def test_initial_notification_disregards_absence(absences, expected):
    assert initial_notification_due(D(2024, 3, 4), absences=absences) == expected


# --- Section 3: review of indefinite requirements ---------------------------------------------


def test_3_1_qualifying_date_and_premature_application():
    qualifying = indefinite_review_date(
        first_notification_after_release=D(2008, 6, 2), under_18_on_relevant_date=False
    )
    assert qualifying == D(2023, 6, 2)
    assert application_is_premature(application_date=D(2023, 6, 1), qualifying_date=qualifying)
    assert not application_is_premature(application_date=D(2023, 6, 2), qualifying_date=qualifying)


@pytest.mark.parametrize(
    ("compute", "expected"),
    [
        pytest.param(
            lambda: indefinite_review_date(
                first_notification_after_release=D(2015, 3, 10), under_18_on_relevant_date=True
            ),
            D(2023, 3, 10),
            id="3.2",
        ),
        pytest.param(
            lambda: indefinite_review_date(
                first_notification_after_release=D(2008, 6, 2),
                under_18_on_relevant_date=False,
                adult_years=10,
            ),
            D(2018, 6, 2),
            id="3-policy-10-years",
        ),
        pytest.param(lambda: review_decision_target(D(2024, 2, 1)), D(2024, 4, 24), id="3.5"),
        pytest.param(
            lambda: further_review_date(continued_on=D(2024, 1, 15)), D(2032, 1, 15), id="3.6"
        ),
        pytest.param(
            lambda: further_review_date(continued_on=D(2024, 1, 15), years=15),
            D(2039, 1, 15),
            id="3.6-15-years",
        ),
        pytest.param(
            lambda: discharge_effective_date(posted=D(2024, 7, 1), received=D(2024, 7, 3)),
            D(2024, 7, 3),
            id="3.7",
        ),
        pytest.param(lambda: review_appeal_deadline(D(2024, 7, 3)), D(2024, 7, 23), id="3-appeal"),
    ],
)
def test_review_examples(compute, expected):
    assert compute() == expected


@pytest.mark.parametrize(
    ("kwargs", "eligible", "reason"),
    [
        pytest.param(
            dict(indefinite=False, subject_to_shpo=False), False, "finite", id="3.3-finite"
        ),
        pytest.param(
            dict(indefinite=True, subject_to_shpo=True, qualifying_date=D(2023, 6, 2)),
            False,
            "SHPO",
            id="3.4-shpo",
        ),
        pytest.param(
            dict(indefinite=True, subject_to_shpo=False, qualifying_date=D(2024, 6, 2)),
            False,
            "not been reached",
            id="3.1-premature",
        ),
        pytest.param(
            dict(indefinite=True, subject_to_shpo=False, qualifying_date=D(2023, 6, 2)),
            True,
            None,
            id="3-eligible",
        ),
    ],
)
def test_review_eligibility(kwargs, eligible, reason):
    result = review_eligibility(on=D(2024, 1, 1), **kwargs)
    assert result.eligible is eligible
    if reason:
        assert any(reason in line for line in result.reasons)
    else:
        assert result.reasons == ()


# --- Clock status (sections 2 and 6) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param(D(2025, 2, 1), ClockStatus.UP_TO_DATE, id="up-to-date"),
        pytest.param(D(2025, 2, 24), ClockStatus.DUE_SOON, id="due-soon-14-days"),
        pytest.param(D(2025, 3, 10), ClockStatus.DUE_SOON, id="due-today"),
        pytest.param(D(2025, 3, 11), ClockStatus.OVERDUE, id="6.4-overdue"),
    ],
)
def test_clock_status(on, expected):
    assert clock_status(due=D(2025, 3, 10), on=on) == expected


def test_6_4_first_day_of_failure():
    assert first_day_of_failure(D(2025, 3, 10)) == D(2025, 3, 11)


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            dict(disposal="custody", custody_months=-1), "cannot be negative", id="negative"
        ),
        pytest.param(dict(disposal="custody", custody_months=0), "more than 0", id="zero"),
        pytest.param(dict(disposal="custody"), "custodial term in months is needed", id="missing"),
        pytest.param(dict(disposal="dto"), "custodial term in months is needed", id="dto-missing"),
        pytest.param(dict(disposal="custody", custody_months="24"), "must be a number", id="text"),
        pytest.param(
            dict(disposal="custody", custody_months=Decimal("NaN")), "finite", id="not-a-number"
        ),
        pytest.param(dict(disposal="prison"), "Unknown disposal 'prison'", id="unknown"),
        pytest.param(
            dict(disposal="conditional_discharge"),
            "length of the conditional discharge",
            id="discharge-missing",
        ),
        pytest.param(
            dict(disposal="conditional_discharge", discharge_months=37),
            "cannot be longer than 36 months",
            id="discharge-too-long",
        ),
        pytest.param(
            dict(disposal="conditional_discharge", discharge_months=Decimal("2.5")),
            "whole months",
            id="discharge-part-month",
        ),
        pytest.param(
            dict(disposal="caution", custody_months=12),
            "applies only to custody",
            id="term-for-caution",
        ),
        pytest.param(
            dict(disposal="custody", custody_months=12, discharge_months=12),
            "applies only to a conditional discharge",
            id="discharge-for-custody",
        ),
        pytest.param(
            dict(disposal="hospital", indeterminate_sentence=True),
            "Only custody can be an indeterminate",
            id="indeterminate-hospital",
        ),
        pytest.param(
            dict(disposal="caution", date_of_birth=D(2020, 3, 1)),
            r"date of birth \(1 Mar 2020\) must be before the relevant date",
            id="born-on-relevant-date",
        ),
        pytest.param(
            dict(disposal="caution", date_of_birth=D(2021, 1, 1)),
            "must be before the relevant date",
            id="born-after",
        ),
        pytest.param(
            dict(disposal="caution", relevant_date=datetime(2020, 3, 1, 10)),
            "The relevant date must be a date",
            id="datetime",
        ),
    ],
)
def test_notification_period_rejects(kwargs, message):
    arguments = dict(relevant_date=D(2020, 3, 1), date_of_birth=ADULT_DOB) | kwargs
    with pytest.raises(ValueError, match=message):
        notification_period(**arguments)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: custodial_term_months([]), "at least one custodial term", id="none"),
        pytest.param(
            lambda: custodial_term_months([(0, -3)]), "cannot be negative", id="negative-length"
        ),
        pytest.param(
            lambda: custodial_term_months([(-1, 3)]), "cannot be negative", id="negative-start"
        ),
        pytest.param(lambda: custodial_term_months([(0,)]), "must be a pair", id="not-a-pair"),
        pytest.param(lambda: weeks_to_months(-2), "cannot be negative", id="negative-weeks"),
        pytest.param(lambda: deadline_within_days(D(2024, 1, 1), 0), "at least 1", id="zero-days"),
        pytest.param(
            lambda: next_periodic_due(D(2024, 9, 1), absences=[(D(2025, 9, 2), D(2025, 9, 1))]),
            r"absence cannot end \(1 Sep 2025\) before it starts \(2 Sep 2025\)",
            id="absence-backwards",
        ),
        pytest.param(
            lambda: qualifying_stay([(D(2025, 1, 3), D(2025, 1, 1))]),
            "stay cannot end",
            id="stay-backwards",
        ),
        pytest.param(
            lambda: next_periodic_due_from_history([(D(2024, 1, 1), "travel")]),
            "clock has not started",
            id="no-clock",
        ),
        pytest.param(
            lambda: restarts_periodic_clock("letter"),
            "Unknown notification kind 'letter'",
            id="unknown-kind",
        ),
        pytest.param(
            lambda: household_stay_notifiable(-1), "cannot be negative", id="negative-hours"
        ),
        pytest.param(
            lambda: further_review_date(continued_on=D(2024, 1, 15), years=16),
            "between 8 and 15 years",
            id="further-review-16",
        ),
        pytest.param(
            lambda: further_review_date(continued_on=D(2024, 1, 15), years=7),
            "between 8 and 15 years",
            id="further-review-7",
        ),
        pytest.param(
            lambda: indefinite_review_date(
                first_notification_after_release=D(2008, 6, 2),
                under_18_on_relevant_date=False,
                adult_years=0,
            ),
            "adult review interval in years must be at least 1",
            id="review-years-zero",
        ),
        pytest.param(
            lambda: review_eligibility(indefinite=True, subject_to_shpo=False, on=D(2024, 1, 1)),
            "qualifying date is needed",
            id="review-no-qualifying-date",
        ),
        pytest.param(
            lambda: discharge_effective_date(posted=D(2024, 7, 3), received=D(2024, 7, 1)),
            "cannot be received",
            id="received-before-posted",
        ),
        pytest.param(
            lambda: review_decision_target(D(2024, 2, 1), weeks=0),
            "decision target in weeks must be at least 1",
            id="zero-weeks",
        ),
        pytest.param(
            lambda: clock_status(due=D(2025, 3, 10), on=D(2025, 3, 1), due_soon_days=-1),
            "warning in days must be at least 0",
            id="negative-warning",
        ),
        pytest.param(
            lambda: overall_requirement([]), "at least one notification period", id="no-periods"
        ),
        pytest.param(
            lambda: NotificationPeriod(start=D(2024, 1, 1), last_day=None, indefinite=False),
            "finite one needs one",
            id="period-inconsistent",
        ),
        pytest.param(
            lambda: NotificationPeriod(
                start=D(2024, 1, 2), last_day=D(2024, 1, 1), indefinite=False
            ),
            "cannot end before it starts",
            id="period-backwards",
        ),
    ],
)
def test_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- Properties -------------------------------------------------------------------------------

FAST = settings(max_examples=200, deadline=None)
days = st.dates(min_value=D(1990, 1, 1), max_value=D(2060, 12, 31))
months = st.one_of(
    st.integers(min_value=1, max_value=600),
    st.decimals(min_value=Decimal("0.01"), max_value=600, places=2),
)
FINITE_FIXED = [Disposal.HOSPITAL, Disposal.CAUTION, Disposal.OTHER]


@st.composite
def period_inputs(draw):
    relevant = draw(days)
    dob = relevant - timedelta(days=draw(st.integers(min_value=1, max_value=80 * 366)))
    disposal = draw(st.sampled_from(list(Disposal)))
    kwargs = dict(disposal=disposal, relevant_date=relevant, date_of_birth=dob)
    if disposal in (Disposal.CUSTODY, Disposal.DTO):
        kwargs["custody_months"] = draw(months)
    if disposal is Disposal.CONDITIONAL_DISCHARGE:
        kwargs["discharge_months"] = draw(st.integers(min_value=1, max_value=36))
    kwargs["feb29_falls_on_march_1"] = draw(st.booleans())
    return kwargs


@FAST
@given(period_inputs())
def test_period_never_ends_before_it_starts(kwargs):
    result = notification_period(**kwargs)
    assert result.start == kwargs["relevant_date"]
    assert result.indefinite or result.last_day >= result.start
    assert result.explanation.endswith("(s.82)")


@st.composite
def finite_disposal(draw):
    disposal = draw(st.sampled_from([*FINITE_FIXED, Disposal.CUSTODY, Disposal.DTO]))
    extra = {}
    if disposal is Disposal.CUSTODY:
        extra["custody_months"] = draw(
            st.one_of(st.integers(1, 29), st.decimals(Decimal("0.01"), Decimal("29.99"), places=2))
        )
    if disposal is Disposal.DTO:
        extra["custody_months"] = draw(st.integers(1, 59))
    return disposal, extra


@FAST
@given(finite_disposal(), days)
def test_under_18_finite_period_is_half_the_adult_one(disposal_and_extra, relevant):
    disposal, extra = disposal_and_extra
    adult = period(disposal, relevant, D(1950, 1, 1), **extra)
    youth = period(disposal, relevant, relevant - timedelta(days=365 * 15), **extra)
    assert adult.length_months == 2 * youth.length_months


@FAST
@given(st.integers(1, 36), days)
def test_conditional_discharge_is_not_halved(discharge, relevant):
    adult = period("conditional_discharge", relevant, D(1950, 1, 1), discharge_months=discharge)
    youth = period(
        "conditional_discharge",
        relevant,
        relevant - timedelta(days=365 * 15),
        discharge_months=discharge,
    )
    assert adult.length_months == youth.length_months == discharge
    assert adult.last_day == youth.last_day


history_entries = st.lists(
    st.tuples(days, st.sampled_from(list(NotificationKind))), min_size=1, max_size=8
)


@FAST
@given(history_entries, st.tuples(days, st.sampled_from(list(NotificationKind))), st.booleans())
def test_a_later_notification_never_moves_the_due_date_earlier(history, added, no_fixed_abode):
    before = latest_clock_start(history)
    after = latest_clock_start([*history, added])
    if before is None:
        return
    assert after >= before
    assert next_periodic_due(after, no_fixed_abode=no_fixed_abode) >= next_periodic_due(
        before, no_fixed_abode=no_fixed_abode
    )


absence_lists = st.lists(
    st.tuples(days, st.integers(0, 400)).map(lambda p: (p[0], p[0] + timedelta(days=p[1]))),
    max_size=5,
)


@FAST
@given(days, absence_lists)
def test_a_deferred_due_date_is_never_earlier_and_never_inside_an_absence(due, absences):
    moved = defer_for_absences(due, absences=absences)
    assert moved >= due
    assert not any(first <= moved <= last for first, last in absences)


terms = st.lists(
    st.tuples(st.integers(0, 120), st.integers(1, 120)) | st.tuples(months, months),
    min_size=1,
    max_size=6,
)


@FAST
@given(terms)
def test_custodial_term_is_between_longest_and_sum(term_list):
    total = custodial_term_months(term_list)
    lengths = [Decimal(length) for _, length in term_list]
    assert max(lengths) <= total <= sum(lengths)


@pytest.mark.parametrize(
    ("disposal", "born", "convicted", "problem"),
    [
        ("custody", date(1980, 4, 12), date(2020, 3, 1), ""),
        ("caution", date(2015, 1, 1), date(2024, 1, 1), "younger than the age of criminal"),
        ("dto", date(2003, 6, 1), date(2020, 9, 10), ""),  # 1.2: aged 17
        ("dto", date(1980, 4, 12), date(2020, 3, 1), "aged 12 to 17"),
        ("dto", date(2010, 1, 1), date(2021, 6, 1), "aged 12 to 17"),  # aged 11
    ],
)
def test_impossible_disposal(disposal, born, convicted, problem):
    from notifications import rules

    found = rules.impossible_disposal(
        disposal=disposal, date_of_birth=born, relevant_date=convicted
    )
    assert (problem in found) if problem else found == ""


PLANNING_TODAY = D(2026, 6, 8)


@pytest.mark.parametrize(
    "kind, dates, problem",
    [
        ("change", [D(2026, 6, 20)], None),  # 2.7: notified in advance
        ("change", [D(2026, 6, 20), D(2026, 6, 20)], None),  # the same planned day
        ("change", [PLANNING_TODAY, D(2026, 6, 1)], None),
        ("change", [None, PLANNING_TODAY], None),  # an NI number has no date: it has happened
        ("change", [PLANNING_TODAY, D(2026, 6, 20)], "separate notifications"),
        ("change", [None, D(2026, 6, 20)], "separate notifications"),
        ("change", [D(2026, 6, 13), D(2026, 8, 7)], "different days"),
        ("periodic", [D(2026, 6, 20)], "notified in advance on its own"),
        ("periodic", [PLANNING_TODAY], None),
    ],
)
def test_a_planned_change_is_its_own_notification(kind, dates, problem):
    found = planned_change_problem(kind, dates, PLANNING_TODAY)
    assert (found is None) if problem is None else (problem in found)
