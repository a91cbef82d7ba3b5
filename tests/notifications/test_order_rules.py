"""Civil order and breach rules (domain.md section 6): table tests, worked examples 6.1–6.4."""

from __future__ import annotations

from datetime import date as D

import pytest

from notifications import order_rules as r
from notifications import rules
from notifications.clock import person_clock
from notifications.models import BreachDuty, OrderChangeKind, OrderType, Severity
from notifications.rules import NotificationPeriod

BORN = D(1980, 4, 12)
CAUTION_6_1 = NotificationPeriod(D(2023, 1, 10), D(2025, 1, 9), False, 24, "2 years — a caution")


def period(order, *, registered, born=BORN):
    return r.order_period(order, registered_on_making=registered, date_of_birth=born)


def test_the_rule_enums_match_the_models():
    assert {k.value for k in r.OrderKind} == set(OrderType.values)
    assert {k.value for k in r.ChangeKind} == set(OrderChangeKind.values)
    assert {d.value for d in r.Duty} == set(BreachDuty.values)
    assert {s.value for s in r.BreachSeverity} == set(Severity.values)


# --- The period an order gives ------------------------------------------------------------------


def test_6_1_an_shpo_keeps_a_registered_person_subject_until_it_ends():
    shpo = r.OrderFacts("shpo", made_on=D(2024, 1, 10), ends_on=D(2029, 1, 9))
    periods = r.order_periods([shpo], conviction_periods=[CAUTION_6_1], date_of_birth=BORN)
    assert periods[0].start == D(2024, 1, 10)  # from the making: registered then
    overall = rules.overall_requirement([CAUTION_6_1, *periods])
    assert overall.last_day == D(2029, 1, 9)
    assert "keeps the registered person subject" in overall.explanation
    assert "s.103G" in overall.explanation


def test_6_2_an_shpo_makes_a_person_not_registered_subject_from_service():
    shpo = r.OrderFacts("shpo", made_on=D(2024, 3, 1), served_on=D(2024, 3, 5))
    (given,) = r.order_periods([shpo], conviction_periods=[], date_of_birth=BORN)
    assert given.start == D(2024, 3, 5)
    assert given.indefinite and given.last_day is None
    clock = person_clock(
        registrations=[], notifications=[], extra_periods=[given], on=D(2024, 3, 6)
    )
    assert clock.subject and clock.indefinite
    assert clock.next_deadline.label == "Initial notification"
    assert clock.next_deadline.due == D(2024, 3, 7)
    # An order's requirement is not reviewable (s.91A): no review dates.
    assert clock.review_statutory_date is None


@pytest.mark.parametrize(
    ("order", "registered", "expected"),
    [
        pytest.param(
            r.OrderFacts("shpo", D(2024, 3, 1), served_on=D(2024, 3, 5), ends_on=D(2029, 2, 28)),
            True,
            (D(2024, 3, 1), D(2029, 2, 28)),
            id="registered-from-making",
        ),
        pytest.param(
            r.OrderFacts(
                "interim_shpo", D(2024, 3, 1), served_on=D(2024, 3, 4), ends_on=D(2024, 9, 1)
            ),
            False,
            (D(2024, 3, 4), D(2024, 9, 1)),
            id="interim-shpo-from-service",
        ),
        pytest.param(
            r.OrderFacts("shpo", D(2024, 3, 1), ends_on=D(2029, 2, 28)),
            False,
            None,
            id="not-yet-served",
        ),
        pytest.param(
            r.OrderFacts("sro", D(2024, 3, 1), served_on=D(2024, 3, 1), ends_on=D(2026, 2, 28)),
            False,
            None,
            id="sro-registers-no-one",
        ),
        pytest.param(
            r.OrderFacts("interim_sro", D(2024, 3, 1), served_on=D(2024, 3, 1)),
            True,
            None,
            id="interim-sro",
        ),
        pytest.param(
            r.OrderFacts(
                "shpo", D(2024, 3, 1), served_on=D(2024, 3, 1), discharged_on=D(2030, 6, 1)
            ),
            False,
            (D(2024, 3, 1), D(2030, 5, 31)),
            id="discharged-ends-the-day-before",
        ),
        pytest.param(
            r.OrderFacts("shpo", D(2024, 3, 1), served_on=D(2024, 3, 1), replaced_on=D(2025, 1, 1)),
            False,
            (D(2024, 3, 1), D(2024, 12, 31)),
            id="replaced",
        ),
        pytest.param(
            r.OrderFacts(
                "interim_notification_order",
                D(2024, 3, 1),
                served_on=D(2024, 3, 2),
                ends_on=D(2024, 6, 1),
            ),
            False,
            (D(2024, 3, 2), D(2024, 6, 1)),
            id="interim-notification-order",
        ),
    ],
)
def test_order_periods(order, registered, expected):
    given = period(order, registered=registered)
    if expected is None:
        assert given is None
    else:
        assert (given.start, given.last_day) == expected


@pytest.mark.parametrize(
    ("disposal", "months", "expected"),
    [
        ("custody", 24, (D(2030, 2, 28), False)),  # 10 years from the conviction abroad
        ("custody", 36, (None, True)),
        ("other", None, (D(2025, 2, 28), False)),
        ("caution", None, None),  # the 2 years ended before the order: no period
        ("conditional_discharge", 12, None),
    ],
)
def test_a_notification_order_gives_the_equivalent_period(disposal, months, expected):
    order = r.OrderFacts(
        "notification_order",
        D(2024, 3, 1),
        served_on=D(2024, 3, 4),
        foreign=r.ForeignConviction(D(2020, 3, 1), disposal, months),
    )
    given = period(order, registered=False)
    if expected is None:
        assert given is None
        return
    assert given.start == D(2024, 3, 4)  # s.98: from service
    assert (given.last_day, given.indefinite) == expected
    assert "s.98" in given.explanation


def test_a_person_kept_subject_by_an_earlier_order_runs_on_from_the_new_making():
    first = r.OrderFacts(
        "interim_shpo", D(2024, 1, 1), served_on=D(2024, 1, 2), replaced_on=D(2024, 6, 1)
    )
    second = r.OrderFacts("shpo", D(2024, 6, 1), served_on=D(2024, 6, 20))
    periods = r.order_periods([second, first], conviction_periods=[], date_of_birth=BORN)
    assert [(p.start, p.last_day) for p in periods] == [
        (D(2024, 1, 2), D(2024, 5, 31)),
        (D(2024, 6, 1), None),  # registered the day before its making: no gap
    ]


# --- What an order may say ----------------------------------------------------------------------

TODAY = D(2025, 6, 1)


def by_field(problems):
    found = {}
    for field, message in problems:
        found.setdefault(field, []).append(message)
    return found


def check(order, terms=(), today=TODAY):
    return by_field(r.check_order(order, list(terms), today=today, date_of_birth=BORN))


def test_6_3_a_seven_year_foreign_travel_ban_is_rejected():
    order = r.OrderFacts("shpo", D(2024, 1, 10))  # until further order
    ban = r.TermFacts("prohibition", "Not to travel outside the UK", True, D(2031, 1, 9))
    problems = check(order, [ban])
    (message,) = problems["terms.0.ends_on"]
    assert "at most 5 years" in message
    assert "no later than 9 Jan 2029" in message
    assert "renewed" in message


@pytest.mark.parametrize(
    ("order", "terms", "field", "message"),
    [
        pytest.param(
            r.OrderFacts("shpo", D(2024, 1, 10), ends_on=D(2029, 1, 8)),
            [],
            "ends_on",
            "at least 5 years",
            id="shpo-under-5-years",
        ),
        pytest.param(
            r.OrderFacts("sro", D(2024, 1, 10), ends_on=D(2026, 1, 8)),
            [],
            "ends_on",
            "at least 2 years",
            id="sro-under-2-years",
        ),
        pytest.param(
            r.OrderFacts("shpo", D(2024, 1, 10), ends_on=D(2024, 1, 9)),
            [],
            "ends_on",
            "cannot end before it was made",
            id="ends-before-made",
        ),
        pytest.param(
            r.OrderFacts("shpo", D(2024, 1, 10), served_on=D(2024, 1, 9)),
            [],
            "served_on",
            "cannot be served before it was made",
            id="served-before-made",
        ),
        pytest.param(
            r.OrderFacts("shpo", D(2025, 6, 2)),
            [],
            "made_on",
            "today or in the past",
            id="made-in-future",
        ),
        pytest.param(
            r.OrderFacts("shpo", D(2024, 1, 10)),
            [r.TermFacts("prohibition", "Not to travel", True, None)],
            "terms.0.ends_on",
            "the order has no end date",
            id="travel-ban-as-long-as-an-indefinite-order",
        ),
        pytest.param(
            r.OrderFacts("shpo", D(2024, 1, 10), ends_on=D(2030, 1, 9)),
            [r.TermFacts("requirement", "Attend a programme", False, D(2031, 1, 1))],
            "terms.0.ends_on",
            "cannot outlast the order",
            id="term-outlasts-order",
        ),
        pytest.param(
            r.OrderFacts("shpo", D(2024, 1, 10)),
            [r.TermFacts("requirement", "Attend", True, D(2025, 1, 1))],
            "terms.0.foreign_travel",
            "Only a prohibition",
            id="travel-requirement",
        ),
        pytest.param(
            r.OrderFacts("shpo", D(2024, 1, 10)),
            [r.TermFacts("prohibition", "  ", False, None)],
            "terms.0.text",
            "Enter what the order prohibits",
            id="empty-term",
        ),
        pytest.param(
            r.OrderFacts("shpo", D(2024, 1, 10)),
            [r.TermFacts("", "Something", False, None)],
            "terms.0.kind",
            "Select whether",
            id="term-kind",
        ),
        pytest.param(
            r.OrderFacts("notification_order", D(2024, 1, 10)),
            [],
            "foreign_conviction_on",
            "Enter the date of the conviction abroad",
            id="notification-order-needs-conviction",
        ),
        pytest.param(
            r.OrderFacts(
                "notification_order",
                D(2024, 1, 10),
                foreign=r.ForeignConviction(D(2020, 1, 1), "custody", None),
            ),
            [],
            "foreign_custody_months",
            "custodial term in months is needed",
            id="notification-order-custody-needs-months",
        ),
        pytest.param(
            r.OrderFacts(
                "notification_order",
                D(2024, 1, 10),
                foreign=r.ForeignConviction(D(2020, 1, 1), "caution", None),
            ),
            [],
            "foreign_conviction_on",
            "ended on 31 Dec 2021, before the order",
            id="notification-order-period-over",
        ),
        pytest.param(
            r.OrderFacts(
                "notification_order",
                D(2024, 1, 10),
                foreign=r.ForeignConviction(D(2020, 1, 1), "caution", 3),
            ),
            [],
            "foreign_custody_months",
            "applies only to custody",
            id="months-for-a-caution",
        ),
        pytest.param(
            r.OrderFacts(
                "shpo", D(2024, 1, 10), foreign=r.ForeignConviction(D(2020, 1, 1), "caution")
            ),
            [],
            "foreign_conviction_on",
            "Only a notification order",
            id="foreign-on-an-shpo",
        ),
        pytest.param(
            r.OrderFacts("interim_notification_order", D(2024, 1, 10)),
            [],
            "ends_on",
            "Enter the date the interim notification order ends",
            id="interim-notification-order-needs-end",
        ),
    ],
)
def test_orders_that_cannot_be_saved(order, terms, field, message):
    problems = check(order, terms)
    assert message in " ".join(problems.get(field, [])), problems


@pytest.mark.parametrize(
    ("order", "terms"),
    [
        (r.OrderFacts("shpo", D(2024, 1, 10), ends_on=D(2029, 1, 9)), []),  # exactly 5 years
        (r.OrderFacts("sro", D(2024, 1, 10), ends_on=D(2026, 1, 9)), []),  # exactly 2 years
        (r.OrderFacts("interim_shpo", D(2024, 1, 10), ends_on=D(2024, 7, 9)), []),
        (
            r.OrderFacts("shpo", D(2024, 1, 10)),
            [
                r.TermFacts("prohibition", "Not to travel outside the UK", True, D(2029, 1, 9)),
                r.TermFacts("requirement", "Attend a programme", False, None),
            ],
        ),
        (
            r.OrderFacts("shpo", D(2024, 1, 10), ends_on=D(2029, 1, 9)),
            [r.TermFacts("prohibition", "Not to travel", True, None)],  # as long as the order
        ),
    ],
)
def test_orders_that_may_be_saved(order, terms):
    assert check(order, terms) == {}


@pytest.mark.parametrize(
    ("new", "earlier", "ends"),
    [
        ("shpo", "shpo", True),
        ("shpo", "interim_shpo", True),
        ("interim_shpo", "interim_shpo", True),
        ("interim_shpo", "shpo", False),
        ("sro", "sro", True),
        ("sro", "interim_sro", True),
        ("shpo", "sro", False),
        ("sro", "shpo", False),
        ("notification_order", "notification_order", False),
    ],
)
def test_a_new_order_ends_an_earlier_one_of_its_kind(new, earlier, ends):
    assert r.supersedes(new, earlier) is ends


# --- Variation, renewal and discharge ------------------------------------------------------------

SHPO = r.OrderFacts("shpo", D(2020, 1, 10), served_on=D(2020, 1, 10), ends_on=D(2030, 1, 9))
BAN = r.TermFacts("prohibition", "Not to travel outside the UK", True, D(2025, 1, 9))


def change(kind, order=SHPO, terms=(BAN,), decided_on=D(2024, 12, 1), **kwargs):
    return by_field(
        r.check_change(kind, order, list(terms), decided_on=decided_on, today=TODAY, **kwargs)
    )


@pytest.mark.parametrize(
    ("decided_on", "person", "chief", "ok"),
    [
        (D(2025, 1, 9), False, False, False),  # the last day of the 5 years
        (D(2025, 1, 9), True, False, False),
        (D(2025, 1, 9), True, True, True),
        (D(2025, 1, 10), False, False, True),  # 5 years have passed
    ],
)
def test_discharge_within_5_years_needs_both_consents(decided_on, person, chief, ok):
    problems = change(
        "discharge",
        decided_on=decided_on,
        person_consents=person,
        chief_officer_consents=chief,
    )
    assert (problems == {}) is ok
    if not ok:
        text = " ".join(sum(problems.values(), []))
        assert "before 10 Jan 2025" in text and "s.103E" in text
        assert "chief officer of police" in text


def test_an_sro_may_be_discharged_after_2_years_without_consent():
    sro = r.OrderFacts("sro", D(2022, 1, 10), ends_on=D(2030, 1, 9))
    assert change("discharge", order=sro, terms=(), decided_on=D(2024, 1, 10)) == {}
    assert "2 years" in str(change("discharge", order=sro, terms=(), decided_on=D(2024, 1, 9)))


def test_a_foreign_travel_ban_is_renewable_for_5_years_from_the_renewal():
    renewed = change("renewal", term_changes=[r.TermChange(0, D(2029, 11, 30))])
    assert renewed == {}
    too_long = change("renewal", term_changes=[r.TermChange(0, D(2029, 12, 1))])
    assert "no later than 30 Nov 2029" in too_long["terms.0.ends_on"][0]


def test_a_renewal_must_extend_something():
    problems = change("renewal", term_changes=[r.TermChange(0, D(2025, 1, 9))])
    assert "must extend" in problems["ends_on"][0]
    assert change("renewal", new_ends_on=D(2035, 1, 9), terms=()) == {}


def test_a_variation_that_shortens_an_shpo_below_5_years_is_refused():
    problems = change("variation", new_ends_on=D(2024, 12, 31), terms=())
    assert "at least 5 years" in problems["ends_on"][0]


def test_a_new_order_end_that_cuts_a_term_short_is_named():
    problems = change(
        "variation",
        new_ends_on=D(2025, 1, 10),
        terms=(BAN,),
        order=r.OrderFacts("interim_shpo", D(2024, 1, 10), ends_on=D(2026, 1, 1)),
    )
    assert problems == {}
    cut = change(
        "variation",
        order=r.OrderFacts("interim_shpo", D(2024, 1, 10), ends_on=D(2026, 1, 1)),
        new_ends_on=D(2025, 1, 1),
    )
    assert cut["ends_on"][0].startswith("Term 1: a term cannot outlast the order")


def test_new_terms_on_a_variation_are_checked_from_the_decision():
    ok = change(
        "variation",
        new_terms=[r.TermFacts("prohibition", "Not to travel", True, D(2029, 11, 30))],
    )
    assert ok == {}
    bad = change("variation", new_terms=[r.TermFacts("prohibition", "", False, None)])
    assert "new_terms.0.text" in bad


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (r.OrderFacts("shpo", D(2020, 1, 10), discharged_on=D(2024, 1, 1)), "discharged"),
        (r.OrderFacts("shpo", D(2020, 1, 10), replaced_on=D(2024, 1, 1)), "replaced"),
    ],
)
def test_an_ended_order_cannot_be_changed(order, message):
    assert message in change("variation", order=order, terms=())["non_field_errors"][0]


def test_a_change_cannot_predate_the_order_or_be_in_the_future():
    assert (
        "before the order was made" in change("variation", decided_on=D(2019, 1, 1))["made_on"][0]
    )
    assert "today or earlier" in change("variation", decided_on=D(2025, 6, 2))["made_on"][0]


def test_a_notification_orders_end_cannot_be_varied():
    order = r.OrderFacts(
        "notification_order",
        D(2024, 1, 10),
        served_on=D(2024, 1, 10),
        ends_on=D(2030, 1, 1),
        foreign=r.ForeignConviction(D(2020, 1, 2), "custody", 24),
    )
    problems = change("variation", order=order, terms=(), new_ends_on=D(2035, 1, 1))
    assert "equivalent disposal" in problems["ends_on"][0]


# --- Review flags --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "codes"),
    [
        (dict(kind="shpo", ends_on=D(2029, 1, 9), conviction_last_day=D(2025, 1, 9)), {"outlives"}),
        (dict(kind="shpo", ends_on=D(2025, 1, 9), conviction_last_day=D(2025, 1, 9)), set()),
        (
            dict(kind="shpo", ends_on=None, conviction_last_day=D(2025, 1, 9)),
            {"outlives", "indefinite"},
        ),
        (dict(kind="shpo", ends_on=None, conviction_last_day=None), {"indefinite"}),
        (
            dict(
                kind="shpo",
                ends_on=None,
                conviction_last_day=D(2025, 1, 9),
                conviction_indefinite=True,
            ),
            {"indefinite"},
        ),
        (dict(kind="sro", ends_on=D(2029, 1, 9), conviction_last_day=D(2025, 1, 9)), {"outlives"}),
        (
            dict(
                kind="notification_order", ends_on=D(2029, 1, 9), conviction_last_day=D(2025, 1, 9)
            ),
            set(),
        ),
        (
            dict(kind="sro", ends_on=D(2029, 1, 9), conviction_last_day=None, reactive=True),
            {"reactive"},
        ),
    ],
)
def test_review_flags(kwargs, codes):
    kwargs = {"conviction_indefinite": False, "reactive": False, **kwargs}
    flags = r.review_flags(**kwargs)
    assert {f.code for f in flags} == codes
    assert all(f.reason for f in flags)


def test_the_outlives_reason_names_both_dates():
    (flag,) = r.review_flags(
        kind="shpo",
        ends_on=D(2029, 1, 9),
        conviction_last_day=D(2025, 1, 9),
        conviction_indefinite=False,
        reactive=False,
    )
    assert flag.reason == (
        "Runs until 9 Jan 2029, beyond the end of the notification requirement from "
        "convictions on 9 Jan 2025"
    )


# --- Breaches ------------------------------------------------------------------------------------


def test_6_4_a_periodic_notification_ten_days_late():
    first = r.first_failure("periodic", D(2025, 3, 10))
    assert first == D(2025, 3, 11)
    breach = r.BreachFacts(
        duty="periodic",
        deadline=D(2025, 3, 10),
        first_failure_on=first,
        remedied_on=D(2025, 3, 20),
        rationale="Attended late with no excuse; no risk indicators.",
    )
    assert r.check_breach(breach, today=D(2025, 3, 20)) == []


@pytest.mark.parametrize(
    ("facts", "field", "message"),
    [
        (
            dict(duty="periodic", first_failure_on=None),
            "deadline",
            "Enter the date the notification",
        ),
        (
            dict(duty="periodic", deadline=D(2025, 3, 10), first_failure_on=D(2025, 3, 10)),
            "first_failure_on",
            "the day after the deadline: 11 Mar 2025",
        ),
        (dict(duty="fingerprints", first_failure_on=None), "first_failure_on", "Enter the date"),
        (dict(duty="shpo", first_failure_on=D(2025, 1, 1)), "order", "Select the SHPO"),
        (
            dict(duty="sro", first_failure_on=D(2025, 1, 1), order_kind="shpo"),
            "order",
            "Select an SRO or interim SRO",
        ),
        (
            dict(
                duty="periodic",
                deadline=D(2025, 1, 1),
                first_failure_on=D(2025, 1, 2),
                order_kind="shpo",
            ),
            "order",
            "Only a breach of an SHPO or SRO",
        ),
        (
            dict(duty="periodic", deadline=D(2025, 6, 1), first_failure_on=D(2025, 6, 2)),
            "deadline",
            "has not begun: it would begin on 2 Jun 2025",
        ),
        (
            dict(
                duty="change",
                deadline=D(2025, 3, 1),
                first_failure_on=D(2025, 3, 2),
                remedied_on=D(2025, 3, 1),
            ),
            "remedied_on",
            "cannot be remedied before it began",
        ),
        (
            dict(
                duty="change",
                deadline=D(2025, 3, 1),
                first_failure_on=D(2025, 3, 2),
                remedied_on=D(2025, 6, 2),
            ),
            "remedied_on",
            "today or in the past",
        ),
        (
            dict(duty="false_information", first_failure_on=D(2025, 3, 2), rationale="  "),
            "rationale",
            "Give the reason for the severity",
        ),
    ],
)
def test_breaches_that_cannot_be_saved(facts, field, message):
    facts = {"rationale": "A reason.", **facts}
    problems = dict(r.check_breach(r.BreachFacts(**facts), today=TODAY))
    assert message in problems.get(field, ""), problems


def test_order_breaches_name_an_order_of_their_kind():
    for duty, kind in (("shpo", "interim_shpo"), ("sro", "sro")):
        facts = r.BreachFacts(duty, D(2025, 1, 1), order_kind=kind, rationale="R")
        assert r.check_breach(facts, today=TODAY) == []


@pytest.mark.parametrize(
    ("label", "duty"),
    [
        ("Initial notification", "initial"),
        ("Periodic notification", "periodic"),
        ("Weekly notification", "periodic"),
        ("Notify release", "change"),
        ("Give return details", "travel"),
        ("Something else", None),
    ],
)
def test_the_duty_of_a_clock_deadline(label, duty):
    assert r.duty_for_deadline(label) == duty


def test_only_a_risk_relevant_breach_is_a_risk_trigger():
    from risk.services.triggers import EVENT_TRIGGERS

    assert r.breach_event_kind("risk_relevant") in EVENT_TRIGGERS
    assert r.breach_event_kind("technical") not in EVENT_TRIGGERS


def test_first_failure_is_only_computed_for_notification_duties():
    assert r.first_failure("shpo", D(2025, 3, 10)) is None
    assert r.first_failure("travel", D(2025, 3, 10)) == D(2025, 3, 11)
    assert r.first_failure("initial", None) is None


def test_a_conviction_abroad_before_birth_is_named_on_its_date():
    order = r.OrderFacts(
        "notification_order",
        D(2024, 1, 10),
        foreign=r.ForeignConviction(D(1975, 1, 1), "custody", 24),
    )
    assert "after the date of birth" in check(order)["foreign_conviction_on"][0]
