"""The nominal API: same access, 404s and audit as the pages; bad input answers 400, never 500."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import AuditEvent, Nominal

LIST = reverse("api:nominal-list")


def detail(nominal):
    return reverse("api:nominal-detail", kwargs={"pk": nominal.pk})


@pytest.fixture
def api(om):
    client = APIClient()
    client.force_authenticate(om)
    return client


def new_person(**overrides):
    return {
        "forenames": "Mark",
        "surname": "Jones",
        "date_of_birth": "1979-03-03",
        "sex": "male",
        **overrides,
    }


def test_list_shows_only_visible_cases_and_is_audited(api, nominal, other_force_nominal):
    before = AuditEvent.objects.count()
    body = api.get(LIST).json()
    assert [r["reference"] for r in body["results"]] == [nominal.reference]
    assert AuditEvent.objects.count() == before + 1


def test_list_filters_by_search_and_status(api, nominal):
    assert api.get(LIST, {"q": "smith"}).json()["count"] == 1
    assert api.get(LIST, {"q": "nobody-like-this"}).json()["count"] == 0
    assert api.get(LIST, {"status": "reactive"}).json()["count"] == 0


def test_token_authentication(om, nominal):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=om).key}")
    assert client.get(detail(nominal)).json()["surname"] == "Smith"


def test_create_and_update(api, om):
    created = api.post(LIST, new_person(ni_number="ce 12 34 56 a"), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["ni_number"] == "CE123456A" and body["offender_manager"]["id"] == om.pk
    nominal = Nominal.objects.get(pk=body["id"])
    changed = api.patch(detail(nominal), {"status": "in_custody"}, format="json")
    assert changed.json()["status"] == "in_custody"
    assert nominal.events.filter(kind="details_changed").exists()


def test_duplicates_need_confirming(api, nominal):
    same = new_person(forenames="John Paul", surname="Smith", date_of_birth="1980-04-12")
    refused = api.post(LIST, same, format="json")
    assert refused.status_code == 400
    assert nominal.reference in refused.json()["errors"]["confirm_not_duplicate"][0]
    assert api.post(LIST, {**same, "confirm_not_duplicate": True}, format="json").status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (new_person(date_of_birth="2031-01-01"), "date_of_birth"),
        (new_person(date_of_birth="1980-02-31"), "date_of_birth"),
        (new_person(date_of_birth="not a date"), "date_of_birth"),
        (new_person(sex="unknown"), "sex"),
        (new_person(status="on holiday"), "status"),
        (new_person(ni_number="123"), "ni_number"),
        (new_person(forenames=""), "forenames"),
        (new_person(surname="x" * 300), "surname"),
        ({}, "forenames"),
    ],
)
def test_bad_input_answers_400_in_the_error_shape(api, payload, field):
    response = api.post(LIST, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] and field in body["errors"]
    assert not Nominal.objects.exists()


def test_malformed_json_answers_400(api):
    response = api.post(LIST, "{not json", content_type="application/json")
    assert response.status_code == 400 and "message" in response.json()


def test_read_only_colleague_cannot_update(colleague, nominal):
    client = APIClient()
    client.force_authenticate(colleague)
    assert client.get(detail(nominal)).status_code == 200
    response = client.patch(detail(nominal), {"surname": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["message"]


@pytest.mark.parametrize("persona", ["om_south", "other_force_om", "mappa_chair"])
def test_cases_outside_access_answer_404(persona, request, nominal):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(persona))
    assert client.get(detail(nominal)).status_code == 404
    assert client.patch(detail(nominal), {"surname": "X"}, format="json").status_code == 404


@pytest.mark.parametrize("persona", ["front_desk", "administrator"])
def test_roles_without_case_work_are_refused(persona, request, nominal):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(nominal)).status_code == 403
    assert client.post(LIST, new_person(), format="json").status_code == 403


def test_mappa_chair_cannot_create(mappa_chair):
    client = APIClient()
    client.force_authenticate(mappa_chair)
    assert client.post(LIST, new_person(), format="json").status_code == 403


def test_anonymous_gets_401():
    assert APIClient().get(LIST).status_code == 401


def test_schema_validates_without_warnings(capsys):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
