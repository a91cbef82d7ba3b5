"""The visits API: a case's visits, planning one, one visit, the user's visits due. The same
access, audit and idempotency as the pages; one error shape; never a 500."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import AuditAction, AuditEvent, CaseEvent
from tests.visits.test_planning import make_case, next_weekday, plan, record
from visits.models import Visit, VisitStatus

KEY = "6b0c7b1e-4a4e-4d0e-9a51-0f3c1d2e9a10"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def list_url(nominal) -> str:
    return reverse("api:visit-list", args=[nominal.pk])


def detail_url(visit_id) -> str:
    return reverse("api:visit-detail", kwargs={"visit_id": visit_id})


def body(**extra) -> dict:
    return {
        "planned_for": next_weekday(2).isoformat(),
        "time_band": "evening",
        "announced": False,
        **extra,
    }


def assert_error_shape(response, status, field=None):
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == {"message", "errors"}
    if field is not None:
        assert field in data["errors"], data


# --- A case's visits ----------------------------------------------------------------------------


def test_list_shows_every_visit_of_the_case_and_is_audited(om, nominal):
    done = record(nominal, om, date(2025, 1, 10))
    failed = record(nominal, om, date(2025, 2, 10), outcome="refused")
    planned = plan(om, nominal)

    response = api(om).get(list_url(nominal))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [planned.pk, failed.pk, done.pk]
    assert rows[0]["status"] == "planned" and rows[0]["address"]["postcode"] == "RG1 4XX"
    assert rows[1]["failed"] is True and rows[1]["outcome"] == "refused"
    assert rows[2]["recorded_by"]["name"] == om.get_full_name()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, nominal_id=nominal.pk, description="API: visits (3)"
    ).exists()


def test_post_plans_a_visit_once(om, colleague, nominal):
    sent = body(co_attendee=colleague.pk, client_key=KEY, announced=True)

    first = api(om).post(list_url(nominal), sent, format="json")
    again = api(om).post(list_url(nominal), sent, format="json")

    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    visit = Visit.objects.get()
    assert (visit.status, visit.time_band, visit.announced) == ("planned", "evening", True)
    assert visit.co_attendee == colleague and str(visit.client_key) == KEY
    assert visit.address == nominal.addresses.get()
    assert CaseEvent.objects.filter(kind="visit_planned").count() == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="visits.Visit", object_id=str(visit.pk)
    ).exists()


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"planned_for": "2025-02-30"}, "planned_for"),
        ({"planned_for": "yesterday"}, "planned_for"),
        ({"planned_for": "2000-01-01"}, "planned_for"),
        ({"planned_for": "2999-01-01"}, "planned_for"),
        ({"planned_for": None}, "planned_for"),
        ({"time_band": "lunch"}, "time_band"),
        ({"time_band": ["morning"]}, "time_band"),
        ({"announced": "perhaps"}, "announced"),
        ({"co_attendee": 99999999}, "co_attendee"),
        ({"co_attendee": 2**64}, "co_attendee"),
        ({"co_attendee": -1}, "co_attendee"),
        ({"co_attendee": "Bob"}, "co_attendee"),
        ({"address": 99999999}, "address"),
        ({"address": {"id": 1}}, "address"),
        ({"client_key": "not-a-uuid"}, "client_key"),
    ],
)
def test_post_rejects_bad_input_with_one_error_shape(sent, field, om, nominal):
    response = api(om).post(list_url(nominal), body(**sent), format="json")

    assert_error_shape(response, 400, field)
    assert not Visit.objects.exists()


def test_post_refuses_yourself_or_the_front_desk_as_co_attendee(om, front_desk, nominal):
    for who in (om, front_desk):
        response = api(om).post(list_url(nominal), body(co_attendee=who.pk), format="json")
        assert_error_shape(response, 400, "co_attendee")


def test_post_refuses_an_address_of_another_case(om, nominal):
    other = make_case(om, "Other")

    response = api(om).post(
        list_url(nominal), body(address=other.addresses.get().pk), format="json"
    )

    assert_error_shape(response, 400, "address")


def test_a_key_used_on_another_case_is_refused(om, nominal):
    other = make_case(om, "Other")
    api(om).post(list_url(other), body(client_key=KEY), format="json")

    response = api(om).post(list_url(nominal), body(client_key=KEY), format="json")

    assert_error_shape(response, 400, "client_key")


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        "[]",
        "null",
        '{"planned_for": {"a": 1}}',
        '{"planned_for": "2025-13-45", "time_band": 7, "announced": []}',
        "{" * 50,
    ],
)
def test_post_never_answers_500(payload, om, nominal):
    response = api(om).generic("POST", list_url(nominal), payload, content_type="application/json")

    assert_error_shape(response, 400)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("colleague", 403),
        ("om_south", 404),
        ("front_desk", 403),
        ("mappa_chair", 404),
        ("administrator", 403),
        ("other_force_om", 404),
    ],
)
def test_who_may_not_plan_through_the_api(persona, expected, request, nominal):
    response = api(request.getfixturevalue(persona)).post(list_url(nominal), body(), format="json")

    assert_error_shape(response, expected)
    assert not Visit.objects.exists()


def test_a_supervisor_may_plan_through_the_api(supervisor, nominal):
    assert api(supervisor).post(list_url(nominal), body(), format="json").status_code == 201


def test_anonymous_callers_are_asked_to_sign_in(nominal):
    assert api().get(list_url(nominal)).status_code == 401
    assert api().post(list_url(nominal), body(), format="json").status_code == 401


# --- One visit ----------------------------------------------------------------------------------


def test_detail_shows_the_record_and_is_audited(om, nominal):
    visit = record(nominal, om, date(2025, 1, 10))
    Visit.objects.filter(pk=visit.pk).update(concerns="New partner", present="Partner")

    response = api(om).get(detail_url(visit.pk))

    assert response.status_code == 200
    data = response.json()
    assert data["concerns"] == "New partner" and data["present"] == "Partner"
    assert data["url"].endswith(detail_url(visit.pk))
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="visits.Visit", object_id=str(visit.pk)
    ).exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("om", 200),
        ("colleague", 200),
        ("supervisor", 200),
        ("om_south", 404),
        ("front_desk", 403),
        ("mappa_chair", 404),
        ("administrator", 403),
        ("other_force_om", 404),
    ],
)
def test_who_may_read_a_visit(persona, expected, request, om, nominal):
    visit = plan(om, nominal)

    response = api(request.getfixturevalue(persona)).get(detail_url(visit.pk))

    assert response.status_code == expected


@pytest.mark.parametrize("visit_id", [987654, 2**63, 10**30])
def test_a_missing_visit_is_404_never_500(visit_id, om):
    response = api(om).get(f"/api/v1/visits/{visit_id}/")

    assert_error_shape(response, 404)


def test_a_huge_case_number_is_404_never_500(om):
    response = api(om).get(f"/api/v1/nominals/{10**30}/visits/")

    assert_error_shape(response, 404)


# --- The user's visits due ----------------------------------------------------------------------


def test_visits_due_lists_the_users_overdue_and_upcoming(om, colleague):
    today = timezone.localdate()
    late = make_case(om, "Late", "RG10 1AA", due=today - timedelta(days=2))
    soon = make_case(om, "Soon", "RG2 1AA", due=today + timedelta(days=3))
    make_case(om, "Far", due=today + timedelta(days=200))
    make_case(colleague, "Theirs", due=today - timedelta(days=2))

    response = api(om).get(reverse("api:visits-due"))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["nominal"]["id"], r["status"], r["district"]) for r in rows] == [
        (late.pk, "overdue", "RG10"),
        (soon.pk, "due_soon", "RG2"),
    ]
    assert rows[0]["why"].startswith("Visit every 12 months for low risk")
    assert AuditEvent.objects.filter(description="API: visits due (2 cases)").exists()


def test_visits_due_for_a_supervisors_team_member(supervisor, om, om_south):
    make_case(om, "Late", due=timezone.localdate() - timedelta(days=2))
    client = api(supervisor)

    assert len(client.get(reverse("api:visits-due"), {"manager": om.pk}).json()["results"]) == 1
    assert len(client.get(reverse("api:visits-due")).json()["results"]) == 1  # the teams
    assert_error_shape(client.get(reverse("api:visits-due"), {"manager": om_south.pk}), 404)
    assert_error_shape(client.get(reverse("api:visits-due"), {"manager": "x"}), 400, "manager")
    assert_error_shape(client.get(reverse("api:visits-due"), {"manager": 10**30}), 400, "manager")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("front_desk", 403), ("mappa_chair", 403), ("administrator", 403)],
)
def test_visits_due_is_for_offender_managers_and_supervisors(persona, expected, request):
    response = api(request.getfixturevalue(persona)).get(reverse("api:visits-due"))

    assert_error_shape(response, expected)


def test_visits_due_query_count_is_flat(om, django_assert_max_num_queries):
    today = timezone.localdate()
    client = api(om)
    for n in range(3):
        plan(om, make_case(om, f"Small{n}", f"RG{n} 1AA", due=today - timedelta(days=n)))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("api:visits-due"))
    for n in range(3, 30):
        plan(om, make_case(om, f"Large{n}", f"RG{n} 1AA", due=today + timedelta(days=n % 25)))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("api:visits-due"))
    assert response.json()["count"] == 30


def test_list_query_count_is_flat(om, nominal, django_assert_max_num_queries):
    client = api(om)
    for n in range(3):
        record(nominal, om, date(2025, 1, 1) + timedelta(days=n))
    with django_assert_max_num_queries(20) as small:
        client.get(list_url(nominal))
    for n in range(3, 30):
        record(nominal, om, date(2025, 1, 1) + timedelta(days=n))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(list_url(nominal))
    assert response.json()["count"] == 30


# --- The schema ---------------------------------------------------------------------------------


def test_the_schema_names_the_visit_enums(om):
    schema = api(om).get(reverse("api-schema"), {"format": "json"}).json()

    components = schema["components"]["schemas"]
    for name in ("VisitStatusEnum", "VisitOutcomeEnum", "TimeBandEnum", "VisitDueStatusEnum"):
        assert name in components, name
    assert "/api/v1/nominals/{id}/visits/" in schema["paths"]
    assert "/api/v1/visits/due/" in schema["paths"]
    assert VisitStatus.PLANNED in components["VisitStatusEnum"]["enum"]
