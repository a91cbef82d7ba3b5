"""The MAPPA API: levels per case, meetings with their minutes, the force's actions. The same
access, rules and audit as the pages; one error shape; no input answers 500."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import AuditAction, AuditEvent, Nominal, Role
from mappa.models import MappaLevelChange, Meeting
from mappa.services import meetings as service
from tests.conftest import make_user
from tests.mappa.test_meetings import _action, attend, make_case, minute, plan_meeting

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "errors"}
    return body


@pytest.fixture
def listed(om, mappa_chair, nominal):
    """A level 2 case on today's meeting with full minutes and an action; another case on it
    too."""
    api(om).post(
        reverse("api:mappa-level-list", args=[nominal.pk]),
        {"category": 1, "level": 2, "rationale": "Screened", "set_on": "2025-01-06"},
        format="json",
    )
    meeting = plan_meeting(mappa_chair)
    item, _ = service.agenda_add(acting_user=mappa_chair, meeting=meeting, nominal=nominal)
    other, _ = service.agenda_add(
        acting_user=mappa_chair, meeting=meeting, nominal=make_case(om, "Other", level=3)
    )
    attend(mappa_chair, meeting)
    _action(mappa_chair, item, TODAY)
    minute(mappa_chair, item)
    return meeting, item, other


# --- Levels -------------------------------------------------------------------------------------


def test_the_offender_manager_sets_and_reads_the_level(om, nominal):
    url = reverse("api:mappa-level-list", args=[nominal.pk])
    body = {"category": 2, "level": 3, "rationale": "Escalated", "set_on": "2025-01-06"}
    first = api(om).post(url, body, format="json")
    again = api(om).post(url, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["level_label"] == "Level 3" and first.json()["set_by"]["id"] == om.pk
    assert MappaLevelChange.objects.count() == 1
    assert Nominal.objects.get(pk=nominal.pk).mappa_level == 3
    listing = api(om).get(url)
    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, nominal_id=nominal.pk, description="API: 1 MAPPA levels"
    ).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": 9, "level": 2, "rationale": "R"}, "category"),
        ({"category": 1, "level": "two", "rationale": "R"}, "level"),
        ({"category": 1, "level": 2, "rationale": ""}, "rationale"),
        ({"category": 1, "level": 2, "rationale": "R", "set_on": "2025-02-30"}, "set_on"),
        ({"category": 1, "level": 2, "rationale": "R", "set_on": "3000-01-01"}, "set_on"),
    ],
)
def test_bad_levels_answer_400_in_the_error_shape(om, nominal, body, field):
    response = api(om).post(reverse("api:mappa-level-list", args=[nominal.pk]), body, format="json")
    assert field in assert_error_shape(response, 400)["errors"]


def test_a_future_level_date_is_refused_by_the_rule(om, nominal):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = api(om).post(
        reverse("api:mappa-level-list", args=[nominal.pk]),
        {"category": 1, "level": 2, "rationale": "R", "set_on": tomorrow},
        format="json",
    )
    assert assert_error_shape(response, 400)["errors"]["set_on"] == [
        "The date the level takes effect must be today or in the past"
    ]


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("om", 200, 201),
        ("supervisor", 200, 201),
        ("colleague", 200, 403),
        ("mappa_chair", 404, 404),  # a level 1 case
        ("om_south", 404, 404),
        ("front_desk", 403, 403),
        ("administrator", 403, 403),
        ("other_force_om", 404, 404),
    ],
)
def test_level_access_per_persona(request, nominal, persona, read, write):
    client = api(request.getfixturevalue(persona))
    url = reverse("api:mappa-level-list", args=[nominal.pk])
    assert client.get(url).status_code == read
    body = {"category": 1, "level": 2, "rationale": "Screened"}
    assert client.post(url, body, format="json").status_code == write
    assert api().get(url).status_code == 401


# --- Meetings -----------------------------------------------------------------------------------


def test_a_chair_plans_and_lists_meetings(mappa_chair):
    body = {"level": 2, "held_on": TODAY.isoformat(), "starts_at": "14:30", "place": "HQ"}
    first = api(mappa_chair).post(reverse("api:meeting-list"), body, format="json")
    again = api(mappa_chair).post(reverse("api:meeting-list"), body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    made = first.json()
    assert made["chair"]["id"] == mappa_chair.pk and made["status"] == "planned"
    assert made["case_count"] == 0 and made["url"].endswith(f"/meetings/{made['id']}/")
    listing = api(mappa_chair).get(reverse("api:meeting-list")).json()
    assert [m["id"] for m in listing["results"]] == [made["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": 1}, "level"),
        ({"held_on": "tomorrow"}, "held_on"),
        ({"starts_at": "25:99"}, "starts_at"),
        ({"place": ""}, "place"),
        ({"chair_id": "x"}, "chair_id"),
        ({"chair_id": 999999}, "chair_id"),
        ({"held_on": "1999-01-01"}, "held_on"),
    ],
)
def test_bad_meetings_answer_400(mappa_chair, body, field):
    given = {"level": 2, "held_on": TODAY.isoformat(), "place": "HQ", **body}
    response = api(mappa_chair).post(reverse("api:meeting-list"), given, format="json")
    assert field in assert_error_shape(response, 400)["errors"]
    assert not Meeting.objects.exists()


def test_junk_never_answers_500(mappa_chair, om, nominal):
    for url in (reverse("api:meeting-list"), reverse("api:mappa-level-list", args=[nominal.pk])):
        for user in (mappa_chair, om):
            client = api(user)
            for payload in ("not json", "[]", '{"level": {"x": 1}}', "null"):
                response = client.post(url, payload, content_type="application/json")
                assert response.status_code < 500, (url, payload, response.status_code)
    assert api(mappa_chair).get(reverse("api:mappa-actions"), {"page": "x"}).status_code < 500


def test_the_meeting_detail_has_agenda_attendees_decisions_and_actions(mappa_chair, listed):
    meeting, item, other = listed
    response = api(mappa_chair).get(reverse("api:meeting-detail", args=[meeting.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["case_count"] == 2 and body["complete_count"] == 1
    assert [a["name"] for a in body["attendees"]] == ["Sam Jones"]
    first = body["agenda"][0]
    assert first["nominal"]["id"] == item.nominal_id and first["minutes_complete"]
    assert first["plan"]["victim_safety"] == "Exclusion zone around the school"
    assert first["decisions"][0] == {
        "id": first["decisions"][0]["id"],
        "decision": "Stay at level 2",
        "rationale": "Risk managed",
        "dissent": "",
        "not_for_sharing": False,
    }
    assert first["actions"][0]["agency"]["name"] == "Probation Service"
    assert body["agenda"][1]["nominal"]["id"] == other.nominal_id
    # Reading the minutes is recorded against each case on the agenda.
    audited = set(
        AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_type="mappa.AgendaItem"
        ).values_list("nominal_id", flat=True)
    )
    assert audited == {item.nominal_id, other.nominal_id}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("om", 403),
        ("supervisor", 403),
        ("colleague", 403),
        ("front_desk", 403),
        ("administrator", 403),
        ("other_force_om", 403),
    ],
)
def test_meetings_are_for_chairs(request, listed, persona, status):
    meeting, _, _ = listed
    client = api(request.getfixturevalue(persona))
    assert client.get(reverse("api:meeting-list")).status_code == status
    assert client.get(reverse("api:meeting-detail", args=[meeting.pk])).status_code == status
    assert client.get(reverse("api:mappa-actions")).status_code == status
    response = client.post(reverse("api:meeting-list"), {}, format="json")
    assert_error_shape(response, status)
    assert api().get(reverse("api:meeting-list")).status_code == 401


def test_a_chair_of_another_force_sees_none_of_it(listed, other_force):
    meeting, _, _ = listed
    kent = api(make_user("kent_chair", other_force, [Role.MAPPA_CHAIR]))
    assert_error_shape(kent.get(reverse("api:meeting-detail", args=[meeting.pk])), 404)
    assert kent.get(reverse("api:meeting-list")).json()["count"] == 0
    assert kent.get(reverse("api:mappa-actions")).json()["count"] == 0


# --- Actions ------------------------------------------------------------------------------------


def test_the_actions_list_filters_and_marks_overdue(mappa_chair, listed):
    meeting, item, _ = listed
    client = api(mappa_chair)
    open_actions = client.get(reverse("api:mappa-actions")).json()
    assert open_actions["count"] == 1
    action = open_actions["results"][0]
    assert action["status"] == "open" and action["overdue"] is False
    assert action["meeting"]["id"] == meeting.pk and action["nominal"]["id"] == item.nominal_id
    assert client.get(reverse("api:mappa-actions"), {"overdue": "true"}).json()["count"] == 0
    assert client.get(reverse("api:mappa-actions"), {"status": "done"}).json()["count"] == 0
    assert client.get(reverse("api:mappa-actions"), {"status": "all"}).json()["count"] == 1
    bad = client.get(reverse("api:mappa-actions"), {"status": "late"})
    assert assert_error_shape(bad, 400)["errors"]["status"]
    bad = client.get(reverse("api:mappa-actions"), {"overdue": "maybe"})
    assert assert_error_shape(bad, 400)["errors"]["overdue"] == ["Give true or false"]


def test_an_overdue_action_is_marked(mappa_chair, om):
    nominal = make_case(om, "Late", level=2)
    meeting = plan_meeting(mappa_chair, TODAY - timedelta(days=10))
    item, _ = service.agenda_add(acting_user=mappa_chair, meeting=meeting, nominal=nominal)
    _action(mappa_chair, item, TODAY - timedelta(days=1))
    body = api(mappa_chair).get(reverse("api:mappa-actions"), {"overdue": "true"}).json()
    assert body["count"] == 1 and body["results"][0]["overdue"] is True


# --- The schema ---------------------------------------------------------------------------------


def test_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_schema_names_the_mappa_paths_and_enums(mappa_chair):
    schema = api(mappa_chair).get(reverse("api-schema"), {"format": "json"}).json()
    for path in (
        "/api/v1/meetings/",
        "/api/v1/meetings/{meeting_id}/",
        "/api/v1/nominals/{id}/mappa-levels/",
        "/api/v1/mappa/actions/",
    ):
        assert path in schema["paths"], path
    components = schema["components"]["schemas"]
    for enum in ("MeetingLevelEnum", "MeetingStatusEnum", "MappaLevelEnum", "MappaCategoryEnum"):
        assert enum in components, enum


def test_every_api_write_is_audited(mappa_chair):
    api(mappa_chair).post(
        reverse("api:meeting-list"),
        {"level": 3, "held_on": date(2025, 1, 6).isoformat(), "place": "HQ"},
        format="json",
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="mappa.Meeting", user_id=mappa_chair.pk
    ).exists()
