"""The overall risk level (domain.md section 4) and the case's Risk tab: set with reasons, kept as
history, copied to the case; who set it and why; idempotent; audited; on the timeline; access
per persona; query counts; and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.models import AuditAction, AuditEvent, CaseEvent, FieldChange, MappaLevel, Nominal
from risk.models import RiskLevelChange
from risk.services.levels import current_level, risk_level_set
from risk.services.rm2000 import rm2000_score

pytestmark = pytest.mark.django_db


def set_level(user, nominal, level, on, rationale="Reviewed after ARMS"):
    return risk_level_set(
        acting_user=user, nominal=nominal, level=level, rationale=rationale, set_on=on
    )


def form_data(level="high", on=None, rationale="ARMS shows strong evidence on two factors"):
    on = on or timezone.localdate()
    return {
        "level": level,
        "rationale": rationale,
        "set_on_0": str(on.day),
        "set_on_1": str(on.month),
        "set_on_2": str(on.year),
    }


def set_url(nominal):
    return reverse("risk:level-set", args=[nominal.pk])


def overview_url(nominal):
    return reverse("risk:overview", args=[nominal.pk])


# --- The service --------------------------------------------------------------------------------


def test_setting_the_level_records_it_copies_it_and_explains_it(om, nominal):
    change, created = set_level(om, nominal, "medium", date(2024, 1, 10))
    assert created
    assert (change.level, change.set_on, change.set_by) == ("medium", date(2024, 1, 10), om)
    stored = Nominal.objects.get(pk=nominal.pk)
    assert (stored.risk_level, stored.risk_level_set_on) == ("medium", date(2024, 1, 10))
    set_level(om, nominal, "high", date(2024, 6, 1), rationale="Arrested for breach")
    stored.refresh_from_db()
    assert (stored.risk_level, stored.risk_level_set_on) == ("high", date(2024, 6, 1))
    event = CaseEvent.objects.filter(nominal=nominal, kind="risk_level_set").order_by("-pk")[0]
    assert event.summary == "Risk level medium → high from 1 Jun 2024"
    assert list(FieldChange.objects.filter(event=event).values_list("field", "old", "new")) == [
        ("Risk level", "Medium", "High")
    ]
    audits = AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_type="risk.RiskLevelChange"
    )
    assert audits.count() == 2
    latest = audits.order_by("-pk")[0]
    assert latest.nominal_id == nominal.pk and latest.user_id == om.pk
    assert latest.changes == [{"field": "Risk level", "old": "Medium", "new": "High"}]


def test_the_same_level_date_and_reasons_again_write_nothing(om, nominal):
    first, created = set_level(om, nominal, "low", date(2024, 1, 10))
    counts = (
        RiskLevelChange.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    again, created_again = set_level(om, nominal, "low", date(2024, 1, 10))
    assert created and not created_again and again == first
    after = (RiskLevelChange.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count())
    assert after == counts


def test_a_back_dated_setting_fills_the_history_and_leaves_the_current_level(om, nominal):
    set_level(om, nominal, "high", date(2024, 6, 1))
    change, _ = set_level(om, nominal, "low", date(2023, 1, 1), rationale="Found on file")
    stored = Nominal.objects.get(pk=nominal.pk)
    assert (stored.risk_level, stored.risk_level_set_on) == ("high", date(2024, 6, 1))
    event = CaseEvent.objects.filter(nominal=nominal, kind="risk_level_set").order_by("-pk")[0]
    assert "current level stays high" in event.summary
    assert list(
        RiskLevelChange.objects.filter(nominal=nominal).values_list("level", flat=True)
    ) == [
        "high",
        "low",
    ]


def test_confirming_the_same_level_keeps_the_date_it_took_effect(om, nominal):
    # Section 5: "low since" counts from when the level became low, not from each review.
    set_level(om, nominal, "low", date(2021, 6, 1))
    set_level(om, nominal, "low", date(2023, 6, 1), rationale="Annual review: still low")
    stored = Nominal.objects.get(pk=nominal.pk)
    assert (stored.risk_level, stored.risk_level_set_on) == ("low", date(2021, 6, 1))
    set_level(om, nominal, "medium", date(2024, 1, 1), rationale="New relationship")
    set_level(om, nominal, "low", date(2024, 3, 1), rationale="Relationship ended")
    stored.refresh_from_db()
    assert (stored.risk_level, stored.risk_level_set_on) == ("low", date(2024, 3, 1))


def test_current_level_from_history():
    assert current_level([]) == ("", None)
    history = [("low", date(2024, 3, 1)), ("low", date(2023, 1, 1)), ("high", date(2022, 1, 1))]
    assert current_level(history) == ("low", date(2023, 1, 1))


@pytest.mark.parametrize(
    ("level", "rationale", "on", "field"),
    [
        ("severe", "Reasons", date(2024, 1, 1), "level"),
        ("low", "   ", date(2024, 1, 1), "rationale"),
        ("low", "Reasons", timezone.localdate() + timedelta(days=1), "set_on"),
        ("low", "Reasons", date(1970, 1, 1), "set_on"),
    ],
)
def test_the_service_rejects_bad_input(om, nominal, level, rationale, on, field):
    with pytest.raises(ValidationError) as raised:
        set_level(om, nominal, level, on, rationale=rationale)
    assert field in raised.value.message_dict
    assert not RiskLevelChange.objects.exists()


# --- The page -----------------------------------------------------------------------------------


def test_the_offender_manager_sets_the_level_on_the_page(client, om, nominal):
    rm2000_score(
        acting_user=om,
        nominal=nominal,
        data={
            "commencement_date": date(2010, 6, 1),
            "sexual_appearances": 3,
            "criminal_appearances": 8,
            "male_victim": False,
            "stranger_victim": False,
            "single": False,
            "non_contact": False,
        },
    )
    client.force_login(om)
    page = client.get(set_url(nominal))
    guidance = page.content.decode()
    assert "Informed by RM2000 and ARMS" in guidance
    assert "High (4 points, 0 aggravating factors)" in guidance
    assert page.context["form"].initial["set_on"] == timezone.localdate()
    response = client.post(set_url(nominal), form_data())
    assert response.status_code == 302 and response.url == overview_url(nominal)
    stored = Nominal.objects.get(pk=nominal.pk)
    assert (stored.risk_level, stored.risk_level_set_on) == ("high", timezone.localdate())
    tab = client.get(response.url).content.decode()
    assert "ARMS shows strong evidence on two factors" in tab
    assert 'data-testid="risk-level">High risk' in tab


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"rationale": "  "}, "rationale", "Enter the reasons for this risk level"),
        ({"level": ""}, "level", "Select the risk level"),
        ({"level": "extreme"}, "level", "Select low, medium, high or very high"),
        ({"set_on_2": str(timezone.localdate().year + 1)}, "set_on", "today or in the past"),
        ({"set_on_2": "1970"}, "set_on", "after the date of birth"),
        ({"set_on_1": "14"}, "set_on", "must be a real date"),
        ({"rationale": "x" * 4001}, "rationale", "4,000 characters or fewer"),
    ],
)
def test_bad_input_is_explained_and_kept(client, om, nominal, overrides, field, message):
    client.force_login(om)
    data = {**form_data(rationale="Typed reasons"), **overrides}
    response = client.post(set_url(nominal), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    if field != "rationale":
        assert "Typed reasons" in response.content.decode()
    assert not RiskLevelChange.objects.exists()


def test_a_double_submission_records_one_change(client, om, nominal):
    client.force_login(om)
    client.post(set_url(nominal), form_data())
    client.post(set_url(nominal), form_data())
    assert RiskLevelChange.objects.count() == 1
    assert CaseEvent.objects.filter(kind="risk_level_set").count() == 1


def test_supervisor_sees_who_changed_the_level_and_why(client, om, supervisor, nominal):
    set_level(om, nominal, "medium", date(2024, 1, 10), rationale="RM2000 medium, ARMS some")
    set_level(supervisor, nominal, "high", date(2024, 6, 1), rationale="Intelligence of grooming")
    client.force_login(supervisor)
    response = client.get(reverse("risk:level-list", args=[nominal.pk]))
    text = response.content.decode()
    assert [c.level for c in response.context["page"].object_list] == ["high", "medium"]
    for shown in (
        "Olivia Marsh",
        "Helen Price",
        "RM2000 medium, ARMS some",
        "Intelligence of grooming",
    ):
        assert shown in text
    assert AuditEvent.objects.filter(
        description="Risk level history", user_id=supervisor.pk
    ).exists()


def test_supervisor_can_set_the_level(client, supervisor, nominal):
    client.force_login(supervisor)
    assert client.post(set_url(nominal), form_data("very_high")).status_code == 302
    assert RiskLevelChange.objects.get().set_by == supervisor


def test_colleague_reads_but_cannot_set(client, om, colleague, nominal):
    set_level(om, nominal, "low", date(2024, 1, 10))
    client.force_login(colleague)
    assert client.get(overview_url(nominal)).status_code == 200
    assert client.get(reverse("risk:level-list", args=[nominal.pk])).status_code == 200
    assert client.get(set_url(nominal)).status_code == 403
    assert client.post(set_url(nominal), form_data()).status_code == 403
    assert RiskLevelChange.objects.count() == 1
    assert "Change the risk level" not in client.get(overview_url(nominal)).content.decode()


@pytest.mark.parametrize("persona", ["front_desk", "mappa_chair", "om_south", "other_force_om"])
def test_outsiders_get_not_found(client, request, nominal, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        overview_url(nominal),
        set_url(nominal),
        reverse("risk:level-list", args=[nominal.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(set_url(nominal), form_data()).status_code == 404
    assert not RiskLevelChange.objects.exists()


def test_mappa_chair_reads_a_level_2_case_but_cannot_set_its_level(
    client, om, mappa_chair, nominal
):
    case_services.nominal_update(
        acting_user=om, nominal=nominal, data={"mappa_level": MappaLevel.LEVEL_2}
    )
    client.force_login(mappa_chair)
    assert client.get(overview_url(nominal)).status_code == 200
    assert client.get(set_url(nominal)).status_code == 403


# --- The Risk tab -------------------------------------------------------------------------------


def test_risk_tab_with_nothing_recorded(client, om, nominal):
    client.force_login(om)
    response = client.get(overview_url(nominal))
    text = response.content.decode()
    assert "The overall risk level has not been set." in text
    assert "RM2000/S has not been scored." in text
    assert "Set the risk level" in text and "Score RM2000/S" in text
    assert AuditEvent.objects.filter(description="Risk", action=AuditAction.VIEW).exists()


def test_risk_tab_shows_level_history_and_latest_scoring(client, om, supervisor, nominal):
    set_level(om, nominal, "low", date(2021, 6, 1), rationale="First assessment")
    set_level(supervisor, nominal, "low", date(2023, 6, 1), rationale="Still low at review")
    scoring, _ = rm2000_score(
        acting_user=om,
        nominal=nominal,
        data={
            "commencement_date": date(2002, 6, 1),
            "sexual_appearances": 1,
            "criminal_appearances": 3,
            "male_victim": True,
            "stranger_victim": True,
            "single": True,
            "non_contact": False,
        },
    )
    client.force_login(om)
    response = client.get(overview_url(nominal))
    text = response.content.decode()
    assert "since 1 June 2021" in text
    assert "Still low at review" in text and "Helen Price" in text
    assert response.context["current_level"].rationale == "Still low at review"
    assert len(response.context["level_history"]) == 2
    assert response.context["latest_rm2000"] == scoring
    assert reverse("risk:rm2000-detail", args=[nominal.pk, scoring.pk]) in text
    assert "2 points (medium at step 1), 3 aggravating factors" in text


def _add_history(om, nominal, count):
    start = RiskLevelChange.objects.filter(nominal=nominal).count()
    for i in range(start, start + count):
        set_level(
            om, nominal, ["low", "medium", "high"][i % 3], date(2010, 1, 1) + timedelta(days=30 * i)
        )
        rm2000_score(
            acting_user=om,
            nominal=nominal,
            data={
                "commencement_date": date(2010, 1, 1) + timedelta(days=i),
                "sexual_appearances": 1,
                "criminal_appearances": 1 + i,
                "male_victim": False,
                "stranger_victim": False,
                "single": False,
                "non_contact": False,
            },
        )


@pytest.mark.parametrize("page", ["overview", "level-list", "level-set"])
def test_query_count_is_flat(client, om, nominal, page, django_assert_max_num_queries):
    client.force_login(om)
    url = reverse(f"risk:{page}", args=[nominal.pk])
    _add_history(om, nominal, 2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    _add_history(om, nominal, 15)
    with django_assert_max_num_queries(20) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


# --- API ----------------------------------------------------------------------------------------


def api_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def levels_url(nominal):
    return reverse("api:risk-level-list", kwargs={"pk": nominal.pk})


def test_api_sets_the_level_once_and_lists_history(om, nominal):
    api = api_for(om)
    body = {"level": "high", "rationale": "ARMS strong on sexual preoccupation"}
    first = api.post(levels_url(nominal), body, format="json")
    assert first.status_code == 201, first.json()
    made = first.json()
    assert made["level"] == "high" and made["level_label"] == "High"
    assert made["set_on"] == timezone.localdate().isoformat()
    assert made["set_by"]["name"] == "Olivia Marsh"
    again = api.post(levels_url(nominal), body, format="json")
    assert again.status_code == 200 and again.json()["id"] == made["id"]
    assert Nominal.objects.get(pk=nominal.pk).risk_level == "high"
    listed = api.get(levels_url(nominal)).json()
    assert [row["id"] for row in listed["results"]] == [made["id"]]
    assert AuditEvent.objects.filter(description="API: 1 risk levels", user_id=om.pk).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "extreme", "rationale": "x"}, "level"),
        ({"level": "low", "rationale": ""}, "rationale"),
        ({"level": "low"}, "rationale"),
        ({"level": "low", "rationale": "x", "set_on": "2999-01-01"}, "set_on"),
        ({"level": "low", "rationale": "x", "set_on": "2090-01-01"}, "set_on"),
        ({"level": "low", "rationale": "x", "set_on": "1960-01-01"}, "set_on"),
        ({"level": "low", "rationale": "x", "set_on": "not a date"}, "set_on"),
        ({"level": ["low"], "rationale": "x"}, "level"),
        ({"level": "low", "rationale": "x" * 4001}, "rationale"),
    ],
)
def test_api_bad_input_answers_400_in_the_error_shape(om, nominal, body, field):
    response = api_for(om).post(levels_url(nominal), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert response.json()["message"]
    assert not RiskLevelChange.objects.exists()


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("om", 200, 201),
        ("supervisor", 200, 201),
        ("colleague", 200, 403),
        ("front_desk", 403, 403),
        ("mappa_chair", 404, 404),
        ("administrator", 403, 403),
        ("om_south", 404, 404),
        ("other_force_om", 404, 404),
    ],
)
def test_api_access_per_persona(request, nominal, persona, read, write):
    api = api_for(request.getfixturevalue(persona))
    assert api.get(levels_url(nominal)).status_code == read
    body = {"level": "medium", "rationale": "Reasons"}
    assert api.post(levels_url(nominal), body, format="json").status_code == write


def test_api_anonymous_is_refused(nominal):
    assert api_for().post(levels_url(nominal), {}, format="json").status_code == 401
