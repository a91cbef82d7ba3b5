"""Breaches (s.91; domain.md section 6): recording them once per failure, their severity and
what a risk-relevant one sets off in the risk app, the pages and the API, for every persona."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import AuditAction, AuditEvent, CaseEvent, InboxItem, Nominal, NominalStatus
from notifications import orders
from notifications.models import Breach
from risk.models import ReactiveCase, ReactiveStage, RiskReviewDue
from tests.notifications.test_orders import add_order, make_case

pytestmark = pytest.mark.django_db

PERIODIC_6_4 = {
    "duty": "periodic",
    "deadline": date(2025, 3, 10),
    "remedied_on": date(2025, 3, 20),
    "excuse_claimed": "Forgot",
    "how_found": "clock",
    "action": "words",
    "outcome": "Notified on 20 March",
    "severity": "technical",
    "rationale": "Attended ten days late; no risk indicators.",
}


def record(nominal, user, **data):
    return orders.breach_record(acting_user=user, nominal=nominal, data={**PERIODIC_6_4, **data})


# --- The services ---------------------------------------------------------------------------------


def test_6_4_the_failure_begins_the_day_after_the_deadline(om, nominal):
    breach = record(nominal, om)
    assert breach.first_failure_on == date(2025, 3, 11)
    assert breach.remedied_on == date(2025, 3, 20)
    event = CaseEvent.objects.get(nominal=nominal, kind="breach_recorded_technical")
    assert event.summary == (
        "Breach recorded (technical): periodic notification, failing from 11 Mar 2025, "
        "remedied 20 Mar 2025"
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="notifications.Breach", object_id=str(breach.pk)
    ).exists()


def test_one_record_per_failure_names_the_existing_record(om, nominal):
    first = record(nominal, om)
    with pytest.raises(orders.DuplicateBreach) as refused:
        record(nominal, om, severity="risk_relevant", rationale="Another view")
    assert refused.value.existing == first
    message = refused.value.message_dict["first_failure_on"][0]
    assert "already recorded: periodic notification, failing from 11 Mar 2025" in message
    assert "recorded by Olivia Marsh" in message
    assert Breach.objects.count() == 1
    # Another duty failing the same day is another failure.
    record(nominal, om, duty="change")
    assert Breach.objects.count() == 2


def test_a_technical_breach_is_not_a_risk_trigger(om, nominal):
    record(nominal, om)
    assert not RiskReviewDue.objects.filter(nominal=nominal).exists()
    assert not CaseEvent.objects.filter(nominal=nominal, kind="breach_recorded").exists()


def test_a_risk_relevant_breach_makes_the_arms_review_due_and_flags_a_reactive_case(
    om, supervisor, nominal
):
    Nominal.objects.filter(pk=nominal.pk).update(status=NominalStatus.REACTIVE)
    ReactiveCase.objects.create(nominal=nominal, stage=ReactiveStage.APPROVED)
    nominal.refresh_from_db()
    record(nominal, om, severity="risk_relevant", rationale="Late while in contact with a child")
    assert CaseEvent.objects.filter(nominal=nominal, kind="breach_recorded").exists()
    due = RiskReviewDue.objects.get(nominal=nominal)
    assert due.due == timezone.localdate()
    case = ReactiveCase.objects.get(nominal=nominal)
    assert case.stage == ReactiveStage.RETURN_FLAGGED
    assert [t["trigger"] for t in case.return_triggers] == ["breach"]
    assert InboxItem.objects.filter(user=supervisor, nominal=nominal, kind="reactive_return")
    assert InboxItem.objects.filter(user=om, nominal=nominal, kind="arms_review")


def test_an_order_breach_names_an_order_of_the_person(om, nominal):
    shpo = add_order(nominal, om)
    other = add_order(make_case(om, "Other"), om)
    base = {
        "duty": "shpo",
        "deadline": None,
        "first_failure_on": date(2025, 5, 1),
        "remedied_on": None,
    }
    with pytest.raises(ValidationError, match="Select the SHPO"):
        record(nominal, om, **base)
    with pytest.raises(ValidationError, match="this person's orders"):
        record(nominal, om, **base, order=other)
    breach = record(nominal, om, **base, order=shpo)
    assert breach.order == shpo
    event = CaseEvent.objects.get(nominal=nominal, kind="breach_recorded_technical")
    assert "Sexual harm prevention order" in [c.new for c in event.changes.all()][1]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"rationale": "   "}, "rationale", "Give the reason for the severity"),
        ({"deadline": None}, "deadline", "Enter the date the notification was due by"),
        ({"deadline": date(2099, 1, 1)}, "deadline", "has not begun"),
        ({"deadline": date(9999, 12, 31)}, "deadline", "Enter a date between"),
        ({"remedied_on": date(2025, 3, 1)}, "remedied_on", "before it began"),
        ({"duty": "fingerprints", "deadline": None}, "first_failure_on", "Enter the date"),
    ],
)
def test_breaches_that_cannot_be_recorded(om, nominal, data, field, message):
    with pytest.raises(ValidationError) as refused:
        record(nominal, om, **data)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Breach.objects.exists()


# --- The pages ----------------------------------------------------------------------------------


def breach_post(**overrides):
    data = {
        "duty": "periodic",
        "deadline_0": "10",
        "deadline_1": "3",
        "deadline_2": "2025",
        "remedied_on_0": "20",
        "remedied_on_1": "3",
        "remedied_on_2": "2025",
        "how_found": "clock",
        "action": "words",
        "severity": "technical",
        "rationale": "Attended late; nothing else of concern.",
    }
    data.update(overrides)
    return data


def test_recording_a_breach_through_the_page(client, om, nominal):
    client.force_login(om)
    response = client.post(reverse("notifications:breach-add", args=[nominal.pk]), breach_post())
    breach = Breach.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("notifications:breach-detail", args=[breach.pk])
    assert breach.first_failure_on == date(2025, 3, 11)
    page = client.get(response.url).content.decode()
    assert "11 March 2025" in page and "Technical" in page


def test_a_duplicate_through_the_page_links_to_the_existing_record(client, om, nominal):
    first = record(nominal, om)
    client.force_login(om)
    response = client.post(
        reverse("notifications:breach-add", args=[nominal.pk]),
        breach_post(rationale="Typed rationale"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This failure is already recorded" in page
    assert reverse("notifications:breach-detail", args=[first.pk]) in page
    assert "Typed rationale" in page
    assert Breach.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"rationale": ""}, "rationale", "Give the reason for the severity"),
        ({"severity": ""}, "severity", "Select whether the breach is technical"),
        ({"duty": ""}, "duty", "Select the duty"),
        ({"deadline_0": "", "deadline_1": "", "deadline_2": ""}, "deadline", "Enter the date"),
        ({"deadline_1": "13"}, "deadline", "must be a real date"),
        ({"remedied_on_1": "2"}, "remedied_on", "before it began"),
        ({"duty": "shpo"}, "order", "Select the SHPO"),
        ({"order": "999999"}, "order", "Select one of this person's orders"),
    ],
)
def test_bad_breaches_are_refused_and_kept(client, om, nominal, overrides, field, message):
    client.force_login(om)
    data = breach_post(outcome="Typed outcome", **overrides)
    response = client.post(reverse("notifications:breach-add", args=[nominal.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert "Typed outcome" in response.content.decode()
    assert not Breach.objects.exists()


def test_the_form_is_filled_in_from_an_overdue_deadline(client, om, nominal):
    client.force_login(om)
    url = reverse("notifications:breach-add", args=[nominal.pk])
    form = client.get(f"{url}?deadline=2024-03-07&label=Initial+notification").context["form"]
    assert form.initial == {"deadline": date(2024, 3, 7), "how_found": "clock", "duty": "initial"}
    assert client.get(f"{url}?deadline=nonsense").context["form"].initial == {}


def test_the_form_is_filled_in_from_an_order(client, om, nominal):
    sro = add_order(nominal, om, type="sro", ends_on=date(2027, 1, 9))
    client.force_login(om)
    url = reverse("notifications:breach-add", args=[nominal.pk])
    assert client.get(f"{url}?order={sro.pk}").context["form"].initial == {
        "order": sro.pk,
        "duty": "sro",
    }


def test_the_breach_list_counts_both_severities(client, colleague, om, nominal):
    record(nominal, om)
    record(nominal, om, duty="change", severity="risk_relevant", rationale="R")
    client.force_login(colleague)
    page = client.get(reverse("notifications:breach-list", args=[nominal.pk])).content.decode()
    assert "2 breaches recorded: 1 risk-relevant, 1 technical." in page
    assert "Record a breach" not in page
    tab = client.get(reverse("notifications:order-list", args=[nominal.pk])).content.decode()
    assert "2 breaches recorded" in tab


def test_the_breach_list_query_count_is_flat(client, om, nominal):
    def count():
        with CaptureQueriesContext(connection) as queries:
            url = reverse("notifications:breach-list", args=[nominal.pk])
            assert client.get(url).status_code == 200
        return len(queries)

    shpo = add_order(nominal, om)
    client.force_login(om)
    record(nominal, om)
    small = count()
    for day in range(1, 9):
        record(
            nominal,
            om,
            duty="shpo",
            deadline=None,
            first_failure_on=date(2025, 5, day),
            remedied_on=None,
            order=shpo,
        )
    assert count() == small


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("om", 200, 302),
        ("supervisor", 200, 302),
        ("colleague", 200, 403),
        ("om_south", 404, 404),
        ("front_desk", 404, 404),
        ("mappa_chair", 404, 404),
        ("administrator", 404, 404),
        ("other_force_om", 404, 404),
    ],
)
def test_breach_pages_by_persona(request, client, om, nominal, persona, read, write):
    breach = record(nominal, om)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("notifications:breach-list", args=[nominal.pk])).status_code == read
    detail = reverse("notifications:breach-detail", args=[breach.pk])
    assert client.get(detail).status_code == read
    response = client.post(
        reverse("notifications:breach-add", args=[nominal.pk]), breach_post(duty="initial")
    )
    assert response.status_code == write
    assert Breach.objects.count() == (2 if write == 302 else 1)


# --- The API ------------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


API_BODY = {
    "duty": "periodic",
    "deadline": "2025-03-10",
    "remedied_on": "2025-03-20",
    "how_found": "clock",
    "action": "words",
    "severity": "risk_relevant",
    "rationale": "Late and evasive about a new address.",
}


def test_api_records_a_breach_and_refuses_the_same_failure_with_409(om, nominal):
    url = reverse("api:breach-list", args=[nominal.pk])
    created = api(om).post(url, API_BODY, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["first_failure_on"] == "2025-03-11" and body["severity"] == "risk_relevant"
    assert CaseEvent.objects.filter(nominal=nominal, kind="breach_recorded").exists()
    again = api(om).post(url, API_BODY, format="json")
    assert again.status_code == 409
    error = again.json()
    assert set(error) == {"message", "errors"}
    assert f"(breach {body['id']})" in error["message"]
    listed = api(om).get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"duty": "sneezing"}, "duty", "is not a duty"),
        ({"rationale": ""}, "rationale", ""),
        ({"deadline": "tomorrow"}, "deadline", "YYYY-MM-DD"),
        ({"deadline": "2100-01-01"}, "deadline", "between"),
        ({"deadline": None}, "deadline", "Enter the date"),
        ({"order": 999999}, "order", "one of this person's"),
        ({"duty": "sro"}, "order", "Select the SRO"),
        ({"remedied_on": "2025-03-01"}, "remedied_on", "before it began"),
    ],
)
def test_api_refuses_bad_breaches_in_the_one_error_shape(om, nominal, body, field, message):
    url = reverse("api:breach-list", args=[nominal.pk])
    response = api(om).post(url, {**API_BODY, **body}, format="json")
    assert response.status_code == 400, response.json()
    error = response.json()
    assert set(error) == {"message", "errors"}
    assert field in error["errors"], error
    assert message in str(error["errors"][field])
    assert not Breach.objects.exists()


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
def test_api_breach_access_by_persona(request, nominal, persona, read, write):
    user = request.getfixturevalue(persona)
    url = reverse("api:breach-list", args=[nominal.pk])
    assert api(user).get(url).status_code == read
    assert api(user).post(url, API_BODY, format="json").status_code == write
    assert APIClient().get(url).status_code in (401, 403)
