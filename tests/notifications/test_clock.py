"""Table and property tests for the clock composition, notifications/clock.py (domain.md 2–3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.dates import add_years, age_on
from notifications.clock import Deadline, Registration, person_clock
from notifications.rules import notification_period


def registration(
    disposal: str = "custody",
    relevant: date = date(2020, 3, 1),
    born: date = date(1980, 4, 12),
    months: int | None = 24,
) -> Registration:
    period = notification_period(
        disposal=disposal,
        relevant_date=relevant,
        date_of_birth=born,
        custody_months=months if disposal in ("custody", "dto") else None,
    )
    return Registration(period, age_on(born, relevant) < 18)


TEN_YEARS = registration()  # 24 months on 1 Mar 2020: last day 28 Feb 2030


# --- Section 2: what is due next ----------------------------------------------------------------


def test_initial_notification_three_days_beginning_with_conviction():
    # 2.1: convicted Mon 4 Mar 2024 → initial notification due by Wed 6 Mar 2024.
    clock = person_clock(
        registrations=[registration("other", date(2024, 3, 4))],
        notifications=[],
        on=date(2024, 3, 4),
    )
    assert clock.subject
    assert clock.next_deadline.label == "Initial notification"
    assert clock.next_deadline.due == date(2024, 3, 6)
    assert clock.next_periodic_due == date(2024, 3, 6)
    assert "s.83" in clock.next_deadline.why


def test_change_restarts_the_clock_and_travel_does_not():
    # 2.3: periodic 10 Mar 2024; change of address 1 Sep 2024; travel 1 Nov 2024 → 1 Sep 2025.
    clock = person_clock(
        registrations=[TEN_YEARS],
        notifications=[
            (date(2024, 3, 10), "periodic"),
            (date(2024, 9, 1), "change"),
            (date(2024, 11, 1), "travel"),
        ],
        on=date(2024, 11, 2),
    )
    assert clock.next_periodic_due == date(2025, 9, 1)
    assert clock.next_deadline.label == "Periodic notification"
    assert "1 Sep 2024" in clock.next_deadline.why


@pytest.mark.parametrize(
    "history",
    [
        [(date(2024, 9, 1), "change"), (date(2024, 3, 10), "periodic")],  # any recorded order
        [(date(2024, 11, 1), "travel"), (date(2024, 9, 1), "change")],
    ],
)
def test_latest_restarting_notification_wins_whatever_the_order(history):
    clock = person_clock(registrations=[TEN_YEARS], notifications=history, on=date(2024, 11, 2))
    assert clock.next_periodic_due == date(2025, 9, 1)


def test_due_date_in_custody_moves_to_three_days_after_release():
    # 2.4: periodic due 1 Sep 2025; in custody 20 Aug – 20 Oct 2025 → due 22 Oct 2025.
    clock = person_clock(
        registrations=[TEN_YEARS],
        notifications=[(date(2024, 9, 1), "periodic")],
        absences=[(date(2025, 8, 20), date(2025, 10, 20))],
        custody=[(date(2025, 8, 20), date(2025, 10, 20))],
        on=date(2025, 10, 21),
    )
    assert clock.next_periodic_due == date(2025, 10, 22)
    assert "moved from 1 Sep 2025" in clock.next_deadline.why


def test_no_fixed_abode_notifies_weekly():
    # 2.5: no fixed abode, notified Mon 6 May 2024 → next due Mon 13 May 2024.
    clock = person_clock(
        registrations=[TEN_YEARS],
        notifications=[(date(2024, 5, 6), "change")],
        no_fixed_abode=True,
        on=date(2024, 5, 7),
    )
    assert clock.next_periodic_due == date(2024, 5, 13)
    assert clock.next_deadline.label == "Weekly notification"
    assert clock.next_deadline.why.startswith("No fixed abode, 7 days")


def test_requirement_ending_before_the_next_periodic_date_leaves_no_periodic_deadline():
    # 1.11: community order 1 Jul 2022 → last day 30 Jun 2027; periodic 1 Aug 2026 would next
    # fall due 1 Aug 2027, after the requirement has ended.
    clock = person_clock(
        registrations=[registration("other", date(2022, 7, 1))],
        notifications=[(date(2026, 8, 1), "periodic")],
        on=date(2027, 6, 10),
    )
    assert clock.subject
    assert clock.last_day == date(2027, 6, 30)
    assert clock.next_periodic_due is None
    assert clock.deadlines == ()
    assert clock.next_deadline is None
    assert clock.ending_soon  # 20 days left, inside the default 30-day notice


def test_requirement_ending_keeps_other_open_deadlines():
    release = Deadline("Notify release", date(2027, 6, 12), "3 days beginning with release.")
    clock = person_clock(
        registrations=[registration("other", date(2022, 7, 1))],
        notifications=[(date(2026, 8, 1), "periodic")],
        open_deadlines=[release],
        on=date(2027, 6, 10),
    )
    assert clock.next_periodic_due is None
    assert clock.next_deadline == release


@pytest.mark.parametrize(
    ("on", "ending_soon"),
    [(date(2030, 1, 28), False), (date(2030, 1, 29), True), (date(2030, 2, 28), True)],
)
def test_ending_soon_counts_the_force_notice_days(on, ending_soon):
    clock = person_clock(
        registrations=[TEN_YEARS],
        notifications=[(date(2029, 12, 1), "periodic")],
        on=on,
        ending_notice_days=30,
    )
    assert clock.ending_soon is ending_soon


def test_after_the_last_day_the_person_is_not_subject():
    clock = person_clock(
        registrations=[TEN_YEARS],
        notifications=[(date(2029, 3, 1), "periodic")],
        on=date(2030, 3, 1),
    )
    assert not clock.subject
    assert clock.last_day == date(2030, 2, 28)
    assert clock.next_periodic_due is None
    assert clock.next_deadline is None


def test_nothing_registrable_means_not_subject():
    clock = person_clock(registrations=[], notifications=[], on=date(2025, 1, 1))
    assert not clock.subject
    assert clock.next_periodic_due is None
    assert "No registrable" in clock.requirement_why


def test_indefinite_outlasts_a_finite_period():
    clock = person_clock(
        registrations=[TEN_YEARS, registration("custody", date(2021, 5, 1), months=36)],
        notifications=[(date(2024, 5, 1), "periodic")],
        on=date(2031, 1, 1),
    )
    assert clock.subject and clock.indefinite and clock.last_day is None


# --- Time away: the duty waits, the period runs on ----------------------------------------------


def test_ongoing_absence_makes_the_periodic_duty_wait():
    clock = person_clock(
        registrations=[TEN_YEARS],
        notifications=[(date(2024, 9, 1), "periodic")],
        absences=[(date(2025, 8, 20), None)],
        custody=[(date(2025, 8, 20), None)],
        on=date(2025, 10, 1),
    )
    assert clock.subject  # the period runs on in custody
    assert clock.next_periodic_due is None
    assert clock.next_deadline is None
    assert clock.deadlines[0].due is None
    assert "Waits while away since 20 Aug 2025" in clock.deadlines[0].why


def test_ongoing_custody_from_conviction_makes_the_initial_duty_wait():
    clock = person_clock(
        registrations=[TEN_YEARS],
        notifications=[],
        absences=[(date(2020, 3, 1), None)],
        custody=[(date(2020, 3, 1), None)],
        on=date(2020, 6, 1),
    )
    assert clock.deadlines[0].label == "Initial notification"
    assert clock.deadlines[0].due is None
    assert clock.next_deadline is None


def test_initial_notification_after_release_counts_from_release():
    # 2.2: released Mon 3 Mar 2025 → due by Wed 5 Mar 2025 (time in custody disregarded).
    clock = person_clock(
        registrations=[registration("custody", date(2024, 3, 4), months=18)],
        notifications=[],
        absences=[(date(2024, 3, 4), date(2025, 3, 3))],
        custody=[(date(2024, 3, 4), date(2025, 3, 3))],
        on=date(2025, 3, 4),
    )
    assert clock.next_deadline.due == date(2025, 3, 5)


# --- Section 3: review of indefinite requirements ----------------------------------------------


def test_adult_review_date_from_first_notification_after_release():
    # 3.1: adult; first notification after release 2 Jun 2008 → qualifying date 2 Jun 2023.
    clock = person_clock(
        registrations=[registration("custody", date(2005, 6, 1), months=48)],
        notifications=[(date(2008, 6, 2), "initial"), (date(2009, 5, 30), "periodic")],
        absences=[(date(2005, 6, 1), date(2008, 5, 31))],
        custody=[(date(2005, 6, 1), date(2008, 5, 31))],
        on=date(2023, 1, 1),
        review_adult_years=10,
    )
    assert clock.indefinite
    assert clock.review_statutory_date == date(2023, 6, 2)
    assert clock.review_policy_date == date(2018, 6, 2)
    assert "15 years" in clock.review_why and "2 Jun 2008" in clock.review_why


def test_youth_review_date_is_eight_years():
    # 3.2: under 18 on the relevant date; first notification after release 10 Mar 2015 → 2023.
    clock = person_clock(
        registrations=[registration("custody", date(2014, 3, 1), born=date(1997, 1, 1), months=36)],
        notifications=[(date(2015, 3, 10), "initial")],
        absences=[(date(2014, 3, 1), date(2015, 3, 9))],
        custody=[(date(2014, 3, 1), date(2015, 3, 9))],
        on=date(2020, 1, 1),
    )
    assert clock.review_statutory_date == date(2023, 3, 10)
    assert clock.review_policy_date == date(2023, 3, 10)
    assert "8 years" in clock.review_why


def test_review_waits_for_release_and_the_first_notification():
    indefinite = registration("custody", date(2005, 6, 1), months=48)
    in_custody = person_clock(
        registrations=[indefinite],
        notifications=[],
        absences=[(date(2005, 6, 1), None)],
        custody=[(date(2005, 6, 1), None)],
        on=date(2007, 1, 1),
    )
    released = person_clock(
        registrations=[indefinite],
        notifications=[],
        absences=[(date(2005, 6, 1), date(2008, 5, 31))],
        custody=[(date(2005, 6, 1), date(2008, 5, 31))],
        on=date(2008, 6, 1),
    )
    assert in_custody.review_statutory_date is None
    assert "after release" in in_custody.review_why
    assert released.review_statutory_date is None
    assert "No notification since release" in released.review_why


def test_finite_period_has_no_review_date():
    # 3.3: a 10-year period is not eligible.
    clock = person_clock(
        registrations=[TEN_YEARS],
        notifications=[(date(2021, 3, 1), "initial")],
        on=date(2022, 1, 1),
    )
    assert clock.review_statutory_date is None and clock.review_policy_date is None


# --- Properties -----------------------------------------------------------------------------------

RESTARTING = st.sampled_from(["initial", "periodic", "change"])
ANY_KIND = st.sampled_from(["initial", "periodic", "change", "travel"])
REGISTRATIONS = st.builds(
    registration,
    disposal=st.sampled_from(["custody", "other", "caution"]),
    relevant=st.dates(date(2000, 1, 1), date(2020, 12, 31)),
    born=st.just(date(1970, 2, 28)),
    months=st.sampled_from([6, 18, 24, 36]),
)


@settings(max_examples=300, deadline=None)
@given(
    reg=REGISTRATIONS,
    history=st.lists(st.tuples(st.integers(0, 3000), ANY_KIND), max_size=6),
    later=st.integers(0, 800),
    kind=RESTARTING,
    wait=st.integers(0, 800),
)
def test_a_later_restarting_notification_never_moves_the_due_date_earlier(
    reg, history, later, kind, wait
):
    # quality.md: adding a later notification never moves a due date earlier.
    notifications = [(reg.period.start + timedelta(days=d), k) for d, k in history]
    last = max((day for day, _ in notifications), default=reg.period.start)
    added = last + timedelta(days=later)
    on = added + timedelta(days=wait)
    before = person_clock(registrations=[reg], notifications=notifications, on=on)
    after = person_clock(registrations=[reg], notifications=[*notifications, (added, kind)], on=on)
    if before.next_periodic_due and after.next_periodic_due:
        assert after.next_periodic_due >= before.next_periodic_due


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(date(2021, 1, 1), date(2024, 12, 31)),
    away=st.lists(st.tuples(st.integers(0, 900), st.integers(0, 120)), max_size=3),
)
def test_time_away_only_ever_moves_the_periodic_date_later(start, away):
    # s.85: a due date falling while away moves to after it; it never comes sooner.
    absences = [
        (start + timedelta(days=s), start + timedelta(days=s + length)) for s, length in away
    ]
    clock = person_clock(
        registrations=[TEN_YEARS],
        notifications=[(start, "periodic")],
        absences=absences,
        on=start + timedelta(days=1100),
    )
    if clock.subject and clock.next_periodic_due:
        assert clock.next_periodic_due >= add_years(start, 1)
        assert all(not first <= clock.next_periodic_due <= last for first, last in absences)
