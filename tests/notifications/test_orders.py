"""Civil orders on a case (domain.md section 6): the services, their seams into the register's
clock, indefinite reviews, reactive management and visits, the pages, the review list and the
API, for every persona."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.models import AuditAction, AuditEvent, CaseEvent, InboxItem, Nominal, NominalStatus
from notifications import orders, reviews
from notifications import services as register
from notifications.history import load_history
from notifications.models import CivilOrder, Clock, OrderChange, OrderTerm, Schedule3Offence
from notifications.sweep import sweep_register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


# --- Factories ----------------------------------------------------------------------------------


def make_case(user, surname="Smith", dob=date(1980, 4, 12)):
    return case_services.nominal_create(
        acting_user=user,
        data={"forenames": "John", "surname": surname, "date_of_birth": dob, "sex": "male"},
    )


def caution(nominal, user, on=date(2023, 1, 10)):
    """A caution: 2 years (6.1: given 10 Jan 2023, the period ends 9 Jan 2025)."""
    return register.conviction_save(
        acting_user=user,
        nominal=nominal,
        data={
            "kind": "caution",
            "relevant_date": on,
            "court": "Reading police station",
            "offence": Schedule3Offence.objects.get(paragraph="13"),
            "disposal": "caution",
        },
    )


def custody(nominal, user, months=36, on=date(2005, 3, 1)):
    return register.conviction_save(
        acting_user=user,
        nominal=nominal,
        data={
            "kind": "conviction",
            "relevant_date": on,
            "court": "Reading Crown Court",
            "offence": Schedule3Offence.objects.get(paragraph="13"),
            "disposal": "custody",
            "terms": [{"start": 0, "length": months}],
        },
    )


def add_order(nominal, user, terms=(), **data):
    data = {
        "type": "shpo",
        "court": "Reading Crown Court",
        "made_on": date(2024, 1, 10),
        "served_on": date(2024, 1, 10),
        "ends_on": None,
        **data,
    }
    order, _ = orders.order_add(acting_user=user, nominal=nominal, data=data, terms=list(terms))
    return order


BAN = {
    "kind": "prohibition",
    "text": "Not to travel outside the United Kingdom",
    "foreign_travel": True,
    "ends_on": date(2029, 1, 9),
}
CONTACT = {"kind": "prohibition", "text": "No unsupervised contact with a child under 16"}


def clock(nominal) -> Clock:
    return Clock.objects.get(pk=nominal.pk)


# --- The worked examples through the services and the register ----------------------------------


def test_6_1_an_shpo_keeps_a_cautioned_person_subject_until_it_ends(client, om, nominal):
    caution(nominal, om)
    assert clock(nominal).last_day == date(2025, 1, 9)
    add_order(nominal, om, ends_on=date(2029, 1, 9))
    stored = clock(nominal)
    assert stored.subject and stored.last_day == date(2029, 1, 9)
    assert "keeps the registered person subject" in stored.requirement_why
    client.force_login(om)
    page = client.get(reverse("notifications:register", args=[nominal.pk])).content.decode()
    assert "Subject until 9 January 2029" in page


def test_6_2_an_shpo_makes_a_person_not_registered_subject_from_service(client, om, nominal):
    assert not register.clock_refresh(nominal).subject
    add_order(nominal, om, made_on=date(2024, 3, 1), served_on=date(2024, 3, 5))
    stored = clock(nominal)
    assert stored.subject and stored.indefinite and stored.last_day is None
    assert stored.deadlines[0]["label"] == "Initial notification"
    assert stored.deadlines[0]["due"] == "2024-03-07"
    assert "from service on 5 Mar 2024" in stored.requirement_why
    assert stored.review_statutory_date is None  # an order's requirement is not reviewed
    client.force_login(om)
    page = client.get(reverse("notifications:register", args=[nominal.pk])).content.decode()
    assert "Subject indefinitely" in page
    assert "Due by Thursday 7 March 2024" in page
    # The overdue initial notification offers a breach record filled in from it.
    link = reverse("notifications:breach-add", args=[nominal.pk])
    assert f"{link}?deadline=2024-03-07&amp;label=Initial%20notification" in page


def test_an_shpo_not_yet_served_on_a_person_not_registered_gives_no_period(om, nominal):
    add_order(nominal, om, served_on=None)
    assert not clock(nominal).subject


def test_an_sro_does_not_make_a_person_registered(om, nominal):
    add_order(nominal, om, type="sro", ends_on=date(2026, 1, 9))
    assert not clock(nominal).subject


def test_a_notification_order_gives_the_equivalent_period_from_service(om, nominal):
    order = add_order(
        nominal,
        om,
        type="notification_order",
        made_on=date(2024, 3, 1),
        served_on=date(2024, 3, 4),
        foreign_conviction_on=date(2020, 3, 1),
        foreign_disposal="custody",
        foreign_custody_months=Decimal(24),
    )
    assert order.ends_on == date(2030, 2, 28)  # stored, so "in force" reads it
    stored = clock(nominal)
    assert stored.last_day == date(2030, 2, 28)
    assert stored.deadlines[0]["label"] == "Initial notification"
    assert stored.deadlines[0]["due"] == "2024-03-06"


def test_a_discharged_shpo_ends_the_requirement_it_gave(om, nominal):
    order = add_order(nominal, om)
    orders.order_change(
        acting_user=om,
        order=order,
        kind="discharge",
        made_on=TODAY(),
        court="Reading Crown Court",
        details="Discharged on application",
        person_consents=True,
        chief_officer_consents=True,
    )
    assert not clock(nominal).subject
    assert CaseEvent.objects.filter(nominal=nominal, kind="order_discharged").exists()


# --- Recording orders ---------------------------------------------------------------------------


def test_adding_an_order_is_audited_and_on_the_timeline(om, nominal):
    order = add_order(nominal, om, terms=[BAN, CONTACT], ends_on=date(2030, 1, 9))
    assert [t.text for t in order.terms.all()] == [BAN["text"], CONTACT["text"]]
    event = CaseEvent.objects.get(nominal=nominal, kind="order_added")
    assert "until 9 Jan 2030" in event.summary
    assert [c.field for c in event.changes.all()] == ["Order", "Length", "Term", "Term"]
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="notifications.CivilOrder", object_id=str(order.pk)
    ).exists()


def test_the_same_order_twice_is_recorded_once(om, nominal):
    first = add_order(nominal, om)
    again, created = orders.order_add(
        acting_user=om,
        nominal=nominal,
        data={"type": "shpo", "court": "Reading Crown Court", "made_on": date(2024, 1, 10)},
    )
    assert again == first and not created
    assert CivilOrder.objects.filter(nominal=nominal).count() == 1


def test_a_new_shpo_ends_the_earlier_one(om, nominal):
    interim = add_order(nominal, om, type="interim_shpo", ends_on=date(2024, 6, 1))
    full = add_order(nominal, om, made_on=date(2024, 3, 1), served_on=date(2024, 3, 20))
    interim.refresh_from_db()
    assert interim.replaced_by == full
    assert interim.status_on(TODAY()) == "replaced"
    event = CaseEvent.objects.get(
        nominal=nominal, kind="order_added", summary__contains="made 1 Mar"
    )
    assert "Ended: replaced by this order" in [c.new for c in event.changes.all()]
    # Kept subject by the interim order, the person runs on from the new order's making.
    assert clock(nominal).deadlines[0]["label"] == "Initial notification"
    assert clock(nominal).deadlines[0]["due"] == "2024-01-12"


def test_6_3_a_seven_year_travel_ban_is_refused_by_the_service(om, nominal):
    with pytest.raises(ValidationError) as refused:
        add_order(nominal, om, terms=[{**BAN, "ends_on": date(2031, 1, 9)}])
    assert "at most 5 years" in refused.value.message_dict["terms.0.ends_on"][0]
    assert not CivilOrder.objects.exists()


def test_variation_renewal_and_discharge_keep_their_history(om, nominal):
    order = add_order(
        nominal,
        om,
        made_on=date(2022, 1, 10),
        served_on=date(2022, 1, 10),
        terms=[{**BAN, "ends_on": date(2027, 1, 9)}, CONTACT],
    )
    ban, contact = order.terms.all()
    orders.order_change(
        acting_user=om,
        order=order,
        kind="renewal",
        made_on=date(2026, 11, 1),
        court="Reading Crown Court",
        details="Foreign travel prohibition renewed",
        term_ends={ban.pk: date(2031, 10, 31)},
    )
    ban.refresh_from_db()
    assert ban.ends_on == date(2031, 10, 31)
    orders.order_change(
        acting_user=om,
        order=order,
        kind="variation",
        made_on=date(2026, 11, 2),
        court="Reading Crown Court",
        details="Added a requirement",
        new_terms=[{"kind": "requirement", "text": "Attend a programme"}],
    )
    assert OrderTerm.objects.filter(order=order).count() == 3
    with pytest.raises(ValidationError) as refused:
        orders.order_change(
            acting_user=om,
            order=order,
            kind="discharge",
            made_on=date(2026, 11, 3),
            court="Reading Crown Court",
            details="Applied to discharge",
            person_consents=True,
        )
    assert "chief officer of police" in str(refused.value)
    assert [c.kind for c in OrderChange.objects.filter(order=order)] == ["renewal", "variation"]
    kinds = set(CaseEvent.objects.filter(nominal=nominal).values_list("kind", flat=True))
    assert {"order_added", "order_renewed", "order_varied"} <= kinds


# --- Seams: indefinite reviews, reactive management, visits --------------------------------------


def test_an_shpo_rules_out_an_indefinite_review(client, om, supervisor, nominal):
    custody(nominal, om)
    assert not reviews.subject_to_shpo(nominal)
    add_order(nominal, om)
    assert reviews.subject_to_shpo(nominal)
    row = reviews.review_queue(supervisor, TODAY()).get(pk=nominal.pk)
    assert row.shpo_in_force
    assert "subject to an SHPO" in " ".join(reviews.queue_row(row, on=TODAY()).eligibility.reasons)
    with pytest.raises(ValidationError, match="subject to an SHPO"):
        reviews.review_open(acting_user=supervisor, nominal=nominal)


def test_the_review_queue_stays_flat_with_orders(client, om, supervisor):
    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("notifications:review-queue"))
        return len(queries)

    client.force_login(supervisor)
    for n in range(2):
        person = make_case(om, f"Small{n}")
        custody(person, om)
        add_order(person, om)
    small = count()
    for n in range(6):
        person = make_case(om, f"Large{n}")
        custody(person, om)
        add_order(person, om)
    assert count() == small


def test_reactive_civil_order_seam_in_both_forms(om, nominal):
    from risk.services import reactive

    on = TODAY()
    assert not reactive.civil_order_in_force(nominal, on)
    add_order(nominal, om, type="sro", ends_on=date(2027, 1, 9))
    bulk = reactive.with_civil_orders(Nominal.objects.filter(pk=nominal.pk), on).get()
    assert bulk.civil_order_in_force is True
    assert reactive.civil_order_in_force(nominal, on) is True
    assert reactive.civil_order_in_force(nominal, date(2028, 1, 1)) is False
    assert (
        not reactive.with_civil_orders(Nominal.objects.filter(pk=nominal.pk), date(2028, 1, 1))
        .get()
        .civil_order_in_force
    )


def test_visits_check_the_prohibitions_in_force(om, nominal):
    from visits.services.recording import order_prohibitions

    add_order(
        nominal,
        om,
        terms=[
            CONTACT,
            {"kind": "prohibition", "text": "Ended prohibition", "ends_on": date(2025, 1, 1)},
            {"kind": "requirement", "text": "Attend a programme"},
        ],
    )
    assert order_prohibitions(nominal) == [CONTACT["text"]]


def test_the_sweep_reads_orders_and_agrees_with_clock_refresh(om):
    def run():
        Clock.objects.update(last_day=None, subject=False, deadlines=[])
        InboxItem.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            sweep_register(on=TODAY())
        return len(queries)

    def pair(n):
        # 6.1: an SHPO outlasting a caution; 6.2: an SHPO on a person not otherwise registered.
        extended = make_case(om, f"Extended{n}")
        caution(extended, om)
        add_order(extended, om, ends_on=date(2029, 1, 9))
        only = make_case(om, f"Only{n}")
        add_order(only, om, served_on=date(2024, 3, 5), made_on=date(2024, 3, 1))
        return [extended, only]

    people = pair(0)
    small = run()
    for n in range(1, 5):
        people += pair(n)
    assert run() == small
    for person in people:
        fresh = register.clock_values(register.compute_clock(load_history(person.pk), on=TODAY()))
        stored = clock(person)
        assert stored.subject and stored.last_day == fresh["last_day"]
        assert stored.deadlines == fresh["deadlines"]


# --- Review flags -------------------------------------------------------------------------------


def test_the_review_list_flags_each_order_with_its_reasons(client, om, supervisor):
    outlives = make_case(om, "Outlives")
    caution(outlives, om)
    add_order(outlives, om, ends_on=date(2029, 1, 9))
    reactive = make_case(om, "Reactive")
    add_order(reactive, om, type="sro", ends_on=date(2027, 1, 9))
    Nominal.objects.filter(pk=reactive.pk).update(status=NominalStatus.REACTIVE)
    unflagged = make_case(om, "Quiet")
    custody(unflagged, om, months=24, on=date(2024, 1, 1))
    add_order(unflagged, om, ends_on=date(2029, 1, 9))
    client.force_login(supervisor)
    response = client.get(reverse("notifications:order-reviews"))
    assert response.status_code == 200
    rows = {row.order.nominal.surname: row for row in response.context["entries"]}
    assert set(rows) == {"Outlives", "Reactive"}
    assert rows["Outlives"].reasons == [
        "Runs until 9 Jan 2029, beyond the end of the notification requirement from "
        "convictions on 9 Jan 2025"
    ]
    assert [f.code for f in rows["Reactive"].flags] == ["reactive"]
    assert AuditEvent.objects.filter(user_id=supervisor.pk, description="Orders to review").exists()


def test_the_sql_and_the_rule_agree_on_which_orders_are_flagged(om, supervisor):
    cases = [
        ("Finite", dict(ends_on=date(2029, 1, 9)), "caution"),
        ("Shorter", dict(type="sro", ends_on=date(2026, 1, 9)), "long"),
        ("Indef", dict(), None),
        ("IndefConv", dict(ends_on=date(2031, 1, 9)), "indefinite"),
        (
            "Notice",
            dict(
                type="notification_order",
                foreign_conviction_on=date(2020, 1, 1),
                foreign_disposal="other",
                made_on=date(2024, 1, 10),
            ),
            "caution",
        ),
    ]
    for surname, data, conviction in cases:
        person = make_case(om, surname)
        if conviction == "caution":
            caution(person, om)
        elif conviction == "long":
            custody(person, om, months=24, on=date(2024, 1, 1))
        elif conviction == "indefinite":
            custody(person, om)
        add_order(person, om, **data)
    on = TODAY()
    everything = orders.with_conviction_requirement(
        CivilOrder.objects.in_force(on).select_related("nominal")
    )
    by_rule = {o.pk for o in everything if orders.flags_for(o)}
    by_sql = set(orders.flagged_orders(supervisor, on).values_list("pk", flat=True))
    assert by_rule == by_sql
    assert len(by_sql) == 2  # Finite (outlives), Indef (indefinite)


def test_the_review_list_query_count_is_flat(client, om, supervisor):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notifications:order-reviews")).status_code == 200
        return len(queries)

    client.force_login(supervisor)
    for n in range(2):
        add_order(make_case(om, f"Small{n}"), om)
    small = count()
    for n in range(8):
        add_order(make_case(om, f"Large{n}"), om)
    assert count() == small


def test_outsiders_do_not_see_other_teams_orders(client, om, om_south, supervisor, other_force_om):
    theirs = make_case(om_south, "South")
    add_order(theirs, om_south)
    client.force_login(supervisor)
    assert not client.get(reverse("notifications:order-reviews")).context["entries"]
    client.force_login(other_force_om)
    assert not client.get(reverse("notifications:order-reviews")).context["entries"]


# --- The pages ----------------------------------------------------------------------------------


def order_post(**overrides):
    data = {
        "type": "shpo",
        "court": "Reading Crown Court",
        "made_on_0": "10",
        "made_on_1": "1",
        "made_on_2": "2024",
        "served_on_0": "10",
        "served_on_1": "1",
        "served_on_2": "2024",
        "duration": "fixed",
        "ends_on_0": "9",
        "ends_on_1": "1",
        "ends_on_2": "2029",
        "term-TOTAL_FORMS": "3",
        "term-INITIAL_FORMS": "0",
        "term-MIN_NUM_FORMS": "0",
        "term-MAX_NUM_FORMS": "40",
    }
    data.update(overrides)
    return data


def term(n, text, kind="prohibition", travel=False, ends=None):
    data = {f"term-{n}-kind": kind, f"term-{n}-text": text}
    if travel:
        data[f"term-{n}-foreign_travel"] = "on"
    if ends:
        data |= {f"term-{n}-ends_on_{i}": str(v) for i, v in enumerate(ends)}
    return data


def test_the_tab_lists_orders_with_their_flags(client, colleague, om, nominal):
    caution(nominal, om)
    add_order(nominal, om, terms=[BAN, CONTACT], ends_on=date(2029, 1, 9))
    client.force_login(colleague)
    response = client.get(reverse("notifications:order-list", args=[nominal.pk]))
    page = response.content.decode()
    assert "Orders and breaches" in page
    assert "Sexual harm prevention order (SHPO)" in page
    assert "Outlives requirement" in page
    assert "Add an order" not in page  # a colleague reads only
    assert AuditEvent.objects.filter(
        user_id=colleague.pk, description="Orders and breaches"
    ).exists()


def test_adding_an_order_with_several_terms_in_one_form(client, om, nominal):
    client.force_login(om)
    url = reverse("notifications:order-add", args=[nominal.pk])
    data = order_post(
        **term(0, "No unsupervised contact with a child under 16"),
        **term(2, "Not to travel outside the UK", travel=True, ends=(9, 1, 2029)),
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    order = CivilOrder.objects.get(nominal=nominal)
    assert order.ends_on == date(2029, 1, 9)
    assert [(t.text, t.foreign_travel) for t in order.terms.all()] == [
        ("No unsupervised contact with a child under 16", False),
        ("Not to travel outside the UK", True),
    ]
    assert response.url == reverse("notifications:order-detail", args=[order.pk])


def test_add_another_term_without_javascript_keeps_what_was_typed(client, om, nominal):
    client.force_login(om)
    url = reverse("notifications:order-add", args=[nominal.pk])
    response = client.post(url, order_post(court="Typed court", add_term="1", **term(0, "First")))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 4
    page = response.content.decode()
    assert "Typed court" in page and "First" in page
    assert "There is a problem" not in page
    assert not CivilOrder.objects.exists()


def test_6_3_the_form_puts_the_travel_ban_error_on_its_row(client, om, nominal):
    client.force_login(om)
    data = order_post(
        duration="until_further_order",
        **term(1, "Not to travel outside the UK", travel=True, ends=(9, 1, 2031)),
    )
    response = client.post(reverse("notifications:order-add", args=[nominal.pk]), data)
    assert response.status_code == 200
    row = response.context["formset"].forms[1]
    assert "at most 5 years" in " ".join(row.errors["ends_on"])
    page = response.content.decode()
    assert "Term 2: A foreign travel prohibition lasts at most 5 years" in page
    assert "Not to travel outside the UK" in page
    assert not CivilOrder.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"type": ""}, "type", "Select the type of order"),
        ({"duration": ""}, "duration", "Select how long the order lasts"),
        (
            {"ends_on_0": "", "ends_on_1": "", "ends_on_2": ""},
            "ends_on",
            "Enter the date the order ends",
        ),
        ({"ends_on_2": "2028"}, "ends_on", "at least 5 years"),
        ({"made_on_2": "2099"}, "made_on", "today or in the past"),
        ({"made_on_2": "9999"}, "made_on", "Enter a date between"),
        ({"served_on_2": "2023"}, "served_on", "cannot be served before it was made"),
        ({"made_on_1": "13"}, "made_on", "must be a real date"),
        (
            {"type": "notification_order"},
            "foreign_conviction_on",
            "Enter the date of the conviction abroad",
        ),
    ],
)
def test_bad_orders_are_refused_and_kept(client, om, nominal, overrides, field, message):
    client.force_login(om)
    data = order_post(court="Typed court", **overrides)
    response = client.post(reverse("notifications:order-add", args=[nominal.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context[
        "form"
    ].errors
    assert "Typed court" in response.content.decode()
    assert not CivilOrder.objects.exists()


def test_a_term_row_half_filled_is_an_error(client, om, nominal):
    client.force_login(om)
    data = order_post(**{"term-0-text": "Something"})
    response = client.post(reverse("notifications:order-add", args=[nominal.pk]), data)
    assert "Select whether this is a prohibition" in " ".join(
        response.context["formset"].forms[0].errors["kind"]
    )


def test_the_order_page_and_its_changes(client, om, nominal):
    order = add_order(nominal, om, terms=[BAN], ends_on=date(2030, 1, 9))
    client.force_login(om)
    detail = reverse("notifications:order-detail", args=[order.pk])
    page = client.get(detail).content.decode()
    assert BAN["text"] in page and "Record a discharge" in page
    discharge = reverse("notifications:order-change", args=[order.pk, "discharge"])
    data = {
        "made_on_0": str(TODAY().day),
        "made_on_1": str(TODAY().month),
        "made_on_2": str(TODAY().year),
        "court": "Reading Crown Court",
        "details": "Application to discharge",
    }
    refused = client.post(discharge, {**data, "person_consents": "on"})
    assert refused.status_code == 200
    assert "record the consent of the chief officer of police" in " ".join(
        refused.context["form"].errors["chief_officer_consents"]
    )
    done = client.post(discharge, {**data, "person_consents": "on", "chief_officer_consents": "on"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.discharged_on == TODAY()
    page = client.get(detail).content.decode()
    assert "Record a discharge" not in page and "Consent: person yes, chief officer yes" in page


def test_renewing_a_travel_ban_through_the_page(client, om, nominal):
    order = add_order(nominal, om, terms=[BAN], ends_on=date(2035, 1, 9))
    ban = order.terms.get()
    client.force_login(om)
    url = reverse("notifications:order-change", args=[order.pk, "renew"])
    data = {
        "made_on_0": "1",
        "made_on_1": "11",
        "made_on_2": "2026",
        "court": "Reading Crown Court",
        "details": "Renewed",
        "duration": "unchanged",
        f"term_{ban.pk}_ends_on_0": "1",
        f"term_{ban.pk}_ends_on_1": "11",
        f"term_{ban.pk}_ends_on_2": "2032",
    }
    refused = client.post(url, data)
    assert "no later than 31 Oct 2031" in " ".join(
        refused.context["form"].errors[f"term_{ban.pk}_ends_on"]
    )
    data[f"term_{ban.pk}_ends_on_2"] = "2031"
    data[f"term_{ban.pk}_ends_on_0"] = "31"
    data[f"term_{ban.pk}_ends_on_1"] = "10"
    assert client.post(url, data).status_code == 302
    ban.refresh_from_db()
    assert ban.ends_on == date(2031, 10, 31)


def test_an_unknown_change_is_not_found(client, om, nominal):
    order = add_order(nominal, om)
    client.force_login(om)
    url = reverse("notifications:order-change", args=[order.pk, "cancel"])
    assert client.get(url).status_code == 404


def test_an_order_on_a_case_out_of_reach_is_not_found(client, om, om_south):
    order = add_order(make_case(om_south, "Other"), om_south)
    client.force_login(om)
    for url in (
        reverse("notifications:order-detail", args=[order.pk]),
        reverse("notifications:order-change", args=[order.pk, "vary"]),
        reverse("notifications:order-detail", args=[order.pk + 1000]),
    ):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("om", 302),
        ("supervisor", 302),
        ("colleague", 403),
        ("om_south", 404),
        ("front_desk", 404),
        ("mappa_chair", 404),
        ("administrator", 404),
        ("other_force_om", 404),
    ],
)
def test_who_may_add_an_order(request, client, nominal, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("notifications:order-add", args=[nominal.pk]), order_post())
    assert response.status_code == status
    assert CivilOrder.objects.exists() is (status == 302)


def test_the_tab_query_count_is_flat(client, om, nominal):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("notifications:order-list", args=[nominal.pk])).status_code
                == 200
            )
        return len(queries)

    client.force_login(om)
    add_order(nominal, om, terms=[CONTACT])
    small = count()
    for year in range(2010, 2016):
        add_order(
            nominal,
            om,
            type="sro",
            made_on=date(year, 1, 10),
            ends_on=None,
            terms=[CONTACT, BAN | {"ends_on": date(year + 4, 1, 1)}],
        )
    assert count() == small


# --- The API ------------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_records_and_reads_an_order(om, nominal):
    caution(nominal, om)
    url = reverse("api:order-list", args=[nominal.pk])
    body = {
        "type": "shpo",
        "court": "Reading Crown Court",
        "made_on": "2024-01-10",
        "served_on": "2024-01-10",
        "ends_on": "2029-01-09",
        "terms": [
            {
                "kind": "prohibition",
                "text": "Not to travel",
                "foreign_travel": True,
                "ends_on": "2029-01-09",
            },
            {"kind": "requirement", "text": "Attend a programme"},
        ],
    }
    created = api(om).post(url, body, format="json")
    assert created.status_code == 201, created.json()
    order = created.json()
    assert order["status"] == "in_force" and order["in_force"] is True
    assert [f["code"] for f in order["review_flags"]] == ["outlives"]
    assert [t["kind"] for t in order["terms"]] == ["prohibition", "requirement"]
    assert api(om).post(url, body, format="json").status_code == 200  # the same order again
    listed = api(om).get(url).json()
    assert listed["count"] == 1
    detail = api(om).get(order["url"]).json()
    assert detail["id"] == order["id"] and detail["ends_on"] == "2029-01-09"
    assert clock(nominal).last_day == date(2029, 1, 9)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"type": "banishment"}, "type", "is not a type of order"),
        ({"made_on": "10/01/2024"}, "made_on", "YYYY-MM-DD"),
        ({"made_on": "9999-01-01"}, "made_on", "between"),
        ({"ends_on": "2028-01-01"}, "ends_on", "at least 5 years"),
        ({"terms": "lots"}, "terms", ""),
        (
            {"terms": [{"kind": "prohibition", "text": "Travel", "foreign_travel": True}]},
            "terms.0.ends_on",
            "at most 5 years",
        ),
        ({"foreign_custody_months": "-1"}, "foreign_custody_months", ""),
    ],
)
def test_api_refuses_bad_orders_in_the_one_error_shape(om, nominal, body, field, message):
    base = {"type": "shpo", "court": "Reading Crown Court", "made_on": "2024-01-10"}
    response = api(om).post(
        reverse("api:order-list", args=[nominal.pk]), {**base, **body}, format="json"
    )
    assert response.status_code == 400
    error = response.json()
    assert set(error) == {"message", "errors"}
    assert field in error["errors"], error
    assert message in str(error["errors"][field])


def test_api_order_detail_is_404_to_outsiders(om, om_south, nominal):
    order = add_order(nominal, om)
    url = reverse("api:order-detail", args=[order.pk])
    assert api(om_south).get(url).status_code == 404
    assert api(om_south).get(reverse("api:order-detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("om", 200, 201),
        ("colleague", 200, 403),
        ("supervisor", 200, 201),
        ("om_south", 404, 404),
        ("front_desk", 403, 403),
        ("administrator", 403, 403),
        ("mappa_chair", 404, 404),
        ("other_force_om", 404, 404),
    ],
)
def test_api_order_access_by_persona(request, nominal, persona, read, write):
    user = request.getfixturevalue(persona)
    url = reverse("api:order-list", args=[nominal.pk])
    assert api(user).get(url).status_code == read
    body = {"type": "sro", "court": "Reading Magistrates", "made_on": "2024-01-10"}
    assert api(user).post(url, body, format="json").status_code == write


def test_api_order_reviews(om, supervisor, nominal):
    caution(nominal, om)
    add_order(nominal, om, ends_on=date(2029, 1, 9))
    response = api(supervisor).get(reverse("api:order-reviews"))
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["nominal"]["id"] == nominal.pk
    assert row["conviction_requirement_ends"] == "2025-01-09"
    assert [f["code"] for f in row["review_flags"]] == ["outlives"]
    assert api(om).get(reverse("api:order-reviews")).status_code == 403
    assert APIClient().get(reverse("api:order-reviews")).status_code in (401, 403)


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"terms": [1, 2]},
        {"type": "shpo", "court": "C", "made_on": "2024-01-10", "foreign_custody_months": "1e400"},
        {
            "type": "notification_order",
            "court": "C",
            "made_on": "2024-01-10",
            "foreign_conviction_on": "1975-01-01",
            "foreign_disposal": "conditional_discharge",
            "foreign_custody_months": "1.5",
        },
        {
            "type": "interim_notification_order",
            "court": "C",
            "made_on": "2024-01-10",
            "served_on": "1900-01-01",
            "ends_on": "2099-12-31",
        },
        {
            "type": "shpo",
            "court": "C",
            "made_on": "1900-01-01",
            "terms": [{"kind": "prohibition", "text": "t", "foreign_travel": True}],
        },
    ],
)
def test_api_answers_odd_orders_with_400_never_500(om, nominal, body):
    response = api(om).post(reverse("api:order-list", args=[nominal.pk]), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"message", "errors"}


@pytest.mark.parametrize("name", ["api:order-list", "api:order-reviews", "api:breach-list"])
def test_api_lists_query_count_is_flat(om, supervisor, nominal, name):
    def count():
        url = reverse(name) if name == "api:order-reviews" else reverse(name, args=[nominal.pk])
        fresh = type(supervisor).objects.get(pk=supervisor.pk)  # no roles cached from before
        with CaptureQueriesContext(connection) as queries:
            assert api(fresh).get(url).status_code == 200
        return len(queries)

    def order(year):
        made = add_order(
            nominal, om, type="sro", made_on=date(year, 1, 10), terms=[CONTACT, CONTACT]
        )
        orders.order_change(
            acting_user=om,
            order=made,
            kind="variation",
            made_on=date(year, 2, 1),
            court="Reading Crown Court",
            details="Varied",
            new_terms=[{"kind": "requirement", "text": "Attend"}],
        )
        orders.breach_record(
            acting_user=om,
            nominal=nominal,
            data={
                "duty": "sro",
                "order": made,
                "first_failure_on": date(year, 3, 1),
                "how_found": "home_visit",
                "action": "arrest",
                "severity": "technical",
                "rationale": "R",
            },
        )

    order(2010)
    small = count()
    for year in range(2011, 2017):
        order(year)
    assert count() == small


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"type": "shpo", "foreign_conviction_on": date(2020, 1, 1)},
            "foreign_conviction_on",
            "Only a notification order",
        ),
        (
            {"type": "notification_order", "foreign_conviction_on": date(2020, 1, 1)},
            "foreign_disposal",
            "Select the equivalent disposal",
        ),
        (
            {"type": "notification_order", "foreign_disposal": "caution"},
            "foreign_conviction_on",
            "Enter the date of the conviction abroad",
        ),
    ],
)
def test_a_conviction_abroad_belongs_to_a_notification_order(om, nominal, data, field, message):
    with pytest.raises(ValidationError) as refused:
        add_order(nominal, om, **data)
    assert refused.value.message_dict == {field: [refused.value.message_dict[field][0]]}
    assert message in refused.value.message_dict[field][0]
