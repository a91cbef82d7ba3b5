"""The risk management plan (domain.md section 4): versions, actions under the four headings,
the individual visit frequency and its reason, and the link to each signed-off ARMS — through
the services, the pages and the API, for every persona."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import AuditAction, AuditEvent, CaseEvent, InboxItem
from risk.models import PlanAction, RiskManagementPlan
from risk.services import arms, plans
from tests.conftest import make_user

PLAN = "risk.RiskManagementPlan"

# --- Small factories ----------------------------------------------------------------------------


def action(heading="supervision", text="Monthly home visit", owner="Offender manager", **extra):
    return {"heading": heading, "action": text, "owner": owner, **extra}


def review(user, nominal, based_on=None, **extra):
    values = {
        "contingency": "Recall to custody if he contacts children",
        "actions": [action(), action("victim_safety", "Exclusion zone briefing", "Probation")],
        **extra,
    }
    plan, _ = plans.plan_review(acting_user=user, nominal=nominal, based_on=based_on, **values)
    return plan


def sign_off_arms(om, supervisor, nominal, protective=("strong", "Works full time")):
    ratings = {f.code: ("none", "") for f in arms.factors_in_use()}
    ratings["social-investment"] = protective
    ratings["commitment-to-desist"] = ("some", "")
    ratings["positive-routine"] = ("none", "Sleeps all day")
    assessment, _ = arms.arms_start(acting_user=om, nominal=nominal)
    arms.arms_save(
        acting_user=om, assessment=assessment, ratings=ratings, formulation="F", priorities="P"
    )
    arms.arms_submit(acting_user=om, assessment=assessment)
    arms.arms_sign_off(acting_user=supervisor, assessment=assessment)
    return assessment


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- Versions -----------------------------------------------------------------------------------


def test_reviewing_makes_a_new_version_and_keeps_the_old_one(om, nominal):
    first = review(om, nominal)
    assert (first.version, first.current) == (1, True)
    assert first.actions.count() == 2
    second = review(om, nominal, based_on=1, contingency="New contingency", actions=[])
    first.refresh_from_db()
    assert (second.version, second.current, first.current) == (2, True, False)
    assert first.contingency == "Recall to custody if he contacts children"
    assert first.actions.count() == 2
    assert RiskManagementPlan.objects.filter(nominal=nominal, current=True).count() == 1
    assert (
        AuditEvent.objects.filter(
            object_type=PLAN, action=AuditAction.CREATE, nominal_id=nominal.pk
        ).count()
        == 2
    )
    summaries = list(
        CaseEvent.objects.filter(kind="plan_reviewed").values_list("summary", flat=True)
    )
    assert sorted(summaries) == [
        "Risk management plan reviewed: version 2",
        "Risk management plan written: version 1",
    ]


def test_the_database_holds_one_current_version(om, nominal):
    plan = review(om, nominal)
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskManagementPlan.objects.create(
            nominal=nominal, version=2, contingency="C", created_by=om, current=True
        )
    assert plan.current


def test_a_review_starts_from_the_current_content_and_open_actions(om, nominal):
    plan = review(
        om,
        nominal,
        actions=[
            action(),
            action("monitoring", "Check devices", "Police", due=date(2025, 6, 1)),
            action("interventions", "Attend group", "Probation", status="done"),
        ],
        visit_interval_months=2,
        visit_interval_reason="Recent change of address",
    )
    draft = plans.plan_draft(nominal)
    assert draft.based_on == plan.version
    assert draft.initial["contingency"] == plan.contingency
    assert draft.initial["visit_interval_months"] == 2
    assert set(draft.actions) == {"supervision", "monitoring"}  # the done one is not copied
    assert draft.actions["monitoring"][0]["due"] == date(2025, 6, 1)


def test_protective_factors_come_from_the_latest_signed_off_arms(om, supervisor, nominal):
    assessment = sign_off_arms(om, supervisor, nominal)
    draft = plans.plan_draft(nominal)
    assert draft.arms.pk == assessment.pk and draft.protective_from_arms
    assert draft.initial["protective_factors"] == (
        "Social investment (strong evidence): Works full time\nCommitment to desist (some evidence)"
    )
    plan = review(om, nominal, protective_factors=draft.initial["protective_factors"])
    assert plan.arms_id == assessment.pk
    # Once the plan is reviewed with that ARMS, the next review copies the plan's own text.
    RiskManagementPlan.objects.filter(pk=plan.pk).update(protective_factors="Edited")
    assert plans.plan_draft(nominal).initial["protective_factors"] == "Edited"
    assert not plans.plan_draft(nominal).protective_from_arms


def test_a_plan_links_to_the_latest_signed_off_arms(om, supervisor, nominal):
    before = review(om, nominal)
    assert before.arms is None
    assessment = sign_off_arms(om, supervisor, nominal)
    assert plans.review_needed(plans.current_plan(nominal), assessment)
    item = InboxItem.objects.get(user=om, kind="plan_review", done_at__isnull=True)
    after = review(om, nominal, based_on=1)
    assert after.arms_id == assessment.pk
    assert not plans.review_needed(after, assessment)
    item.refresh_from_db()
    assert item.done_at is not None


def test_individual_visit_frequency_needs_a_reason(om, nominal):
    with pytest.raises(ValidationError) as error:
        review(om, nominal, visit_interval_months=3)
    assert error.value.message_dict == {
        "visit_interval_reason": ["Give the reason for the individual visit frequency"]
    }
    with pytest.raises(ValidationError, match="between 1 and 24 months"):
        review(om, nominal, visit_interval_months=30, visit_interval_reason="x")
    plan = review(om, nominal, visit_interval_months=3, visit_interval_reason="Very high risk")
    assert plan.visit_interval_months == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskManagementPlan.objects.filter(pk=plan.pk).update(visit_interval_reason="")


def test_the_contingency_plan_is_required(om, nominal):
    with pytest.raises(ValidationError) as error:
        review(om, nominal, contingency="  ")
    assert error.value.message_dict == {"contingency": ["Enter the contingency plan"]}
    assert not RiskManagementPlan.objects.exists()


def test_a_second_press_returns_the_version_the_first_made(om, nominal):
    first = review(om, nominal)
    plan, created = plans.plan_review(
        acting_user=om,
        nominal=nominal,
        based_on=None,
        contingency="Recall to custody if he contacts children",
        actions=[action(), action("victim_safety", "Exclusion zone briefing", "Probation")],
    )
    assert (plan.pk, created) == (first.pk, False)
    assert RiskManagementPlan.objects.count() == 1


def test_a_review_of_an_old_version_is_refused(om, supervisor, nominal):
    review(om, nominal)
    review(supervisor, nominal, based_on=1, contingency="Supervisor's version")
    with pytest.raises(ValidationError, match="Version 2 of the plan was saved by"):
        review(om, nominal, based_on=1, contingency="Mine")
    assert RiskManagementPlan.objects.count() == 2


def test_marking_an_action_done(om, nominal):
    plan = review(om, nominal)
    item = plan.actions.get(heading="supervision")
    assert plans.plan_action_set_status(acting_user=om, action=item, status="done")
    assert not plans.plan_action_set_status(acting_user=om, action=item, status="done")
    item.refresh_from_db()
    assert item.status == "done"
    assert CaseEvent.objects.filter(kind="plan_action_changed").count() == 1
    assert AuditEvent.objects.filter(object_type="risk.PlanAction", action="change").count() == 1
    review(om, nominal, based_on=1)
    with pytest.raises(ValidationError, match="has been replaced"):
        plans.plan_action_set_status(acting_user=om, action=item, status="open")


# --- The pages ----------------------------------------------------------------------------------


def rows_data(data, heading, rows):
    data[f"{heading}-rows"] = str(len(rows))
    for i, row in enumerate(rows):
        prefix = f"{heading}-{i}"
        data[f"{prefix}-action"] = row.get("action", "")
        data[f"{prefix}-owner"] = row.get("owner", "")
        due = row.get("due")
        data[f"{prefix}-due_0"] = str(due.day) if due else ""
        data[f"{prefix}-due_1"] = str(due.month) if due else ""
        data[f"{prefix}-due_2"] = str(due.year) if due else ""
        data[f"{prefix}-status"] = row.get("status", "open")
    return data


def page_data(based_on="", **extra):
    data = {
        "based_on": based_on,
        "contingency": "Recall if he contacts children",
        "protective_factors": "Work",
        "visit_interval_months": "",
        "visit_interval_reason": "",
        "save": "1",
    }
    data.update(extra)
    rows_data(data, "supervision", [{"action": "Visit monthly", "owner": "OM"}, {}])
    rows_data(
        data,
        "monitoring",
        [{"action": "Check devices", "owner": "POLIT", "due": date(2026, 1, 31)}],
    )
    rows_data(data, "interventions", [{}])
    rows_data(data, "victim_safety", [])
    return data


def test_om_writes_then_reviews_the_plan_through_the_pages(client, om, nominal):
    client.force_login(om)
    url = reverse("risk:plan-review", args=[nominal.pk])
    page = client.get(url).content.decode()
    for heading in (
        "Supervision",
        "Monitoring and control",
        "Interventions and treatment",
        "Victim safety planning",
    ):
        assert heading in page
    response = client.post(url, page_data())
    assert response.url == reverse("risk:plan-detail", args=[nominal.pk])
    plan = RiskManagementPlan.objects.get()
    assert plan.version == 1 and plan.actions.count() == 2
    assert plan.actions.get(heading="monitoring").due == date(2026, 1, 31)

    page = client.get(url).content.decode()
    assert "Visit monthly" in page and "Check devices" in page  # open actions copied
    assert 'name="based_on" value="1"' in page
    client.post(url, page_data(based_on="1", contingency="Revised contingency"))
    assert RiskManagementPlan.objects.filter(nominal=nominal).count() == 2
    current = client.get(reverse("risk:plan-detail", args=[nominal.pk])).content.decode()
    assert "Revised contingency" in current and "Version 2" in current
    old = client.get(reverse("risk:plan-version", args=[nominal.pk, 1])).content.decode()
    assert "Recall if he contacts children" in old and "This version has been replaced" in old


def test_add_another_row_saves_nothing_and_keeps_what_was_typed(client, om, nominal):
    client.force_login(om)
    url = reverse("risk:plan-review", args=[nominal.pk])
    data = page_data(contingency="Typed contingency")
    data.pop("save")
    data["add"] = "interventions"
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and not RiskManagementPlan.objects.exists()
    assert "Typed contingency" in page and "Visit monthly" in page and "31" in page
    assert 'name="interventions-rows" value="2"' in page
    assert 'name="interventions-1-action"' in page and "autofocus" in page
    assert "govuk-error-message" not in page


def test_the_review_page_says_what_to_fix_and_keeps_what_was_typed(client, om, nominal):
    client.force_login(om)
    url = reverse("risk:plan-review", args=[nominal.pk])
    data = page_data(contingency="", visit_interval_months="3", protective_factors="Typed")
    data["supervision-1-action"] = "An action with no owner"
    data["monitoring-0-due_1"] = "13"
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter the contingency plan",
        "Give the reason for the individual visit frequency",
        "Enter who owns the action",
        "Due date must be a real date",
    ):
        assert message in page, message
    assert "An action with no owner" in page and "Typed" in page
    assert not RiskManagementPlan.objects.exists()


def test_a_reason_without_a_frequency_is_refused(client, om, nominal):
    client.force_login(om)
    response = client.post(
        reverse("risk:plan-review", args=[nominal.pk]),
        page_data(visit_interval_reason="Because"),
    )
    assert "Select the individual visit frequency, or remove the reason" in (
        response.content.decode()
    )


def test_the_plan_page_prefills_from_a_signed_off_arms(client, om, supervisor, nominal):
    sign_off_arms(om, supervisor, nominal)
    client.force_login(om)
    page = client.get(reverse("risk:plan-review", args=[nominal.pk])).content.decode()
    assert "Social investment (strong evidence): Works full time" in page
    assert "its protective factors with some or strong evidence are filled in" in page


def test_the_plan_page_asks_for_a_review_after_a_new_arms(client, om, supervisor, nominal):
    review(om, nominal)
    sign_off_arms(om, supervisor, nominal)
    client.force_login(om)
    page = client.get(reverse("risk:plan-detail", args=[nominal.pk])).content.decode()
    assert 'data-testid="plan-review-needed"' in page


def test_marking_an_action_done_through_the_page(client, om, colleague, nominal):
    plan = review(om, nominal)
    item = plan.actions.get(heading="supervision")
    url = reverse("risk:plan-action-status", args=[nominal.pk, item.pk])
    client.force_login(colleague)
    assert client.post(url, {"status": "done"}).status_code == 403
    client.force_login(om)
    assert client.get(url).status_code == 405
    response = client.post(url, {"status": "done"})
    assert response.url.endswith(f"#action-{item.pk}")
    item.refresh_from_db()
    assert item.status == "done"
    assert client.post(url, {"status": "finished"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("om", 200, 302),
        ("colleague", 200, 403),
        ("supervisor", 200, 302),
        ("om_south", 404, 404),
        ("front_desk", 404, 404),
        ("mappa_chair", 404, 404),
        ("administrator", 404, 404),
        ("other_force_om", 404, 404),
    ],
)
def test_plan_pages_per_persona(client, request, om, nominal, persona, read, write):
    plan = review(om, nominal)
    item = plan.actions.first()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("risk:plan-detail", args=[nominal.pk])).status_code == read
    assert client.get(reverse("risk:plan-version", args=[nominal.pk, 1])).status_code == read
    made = client.post(reverse("risk:plan-review", args=[nominal.pk]), page_data(based_on="1"))
    assert made.status_code == write
    status = client.post(
        reverse("risk:plan-action-status", args=[nominal.pk, item.pk]), {"status": "done"}
    )
    assert status.status_code == write
    expected_versions = 2 if write == 302 else 1
    assert RiskManagementPlan.objects.filter(nominal=nominal).count() == expected_versions


# --- Query counts -------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_versions(om, nominal, n):
    for _ in range(n):
        current = plans.current_plan(nominal)
        review(
            om,
            nominal,
            based_on=current.version if current else None,
            contingency=f"Contingency {current.version if current else 0}",
            actions=[action(), action("monitoring"), action("interventions", status="done")],
        )


@pytest.mark.parametrize("where", ["detail", "version", "review", "api"])
def test_query_counts_are_flat(client, om, nominal, where, django_assert_max_num_queries):
    url = {
        "detail": reverse("risk:plan-detail", args=[nominal.pk]),
        "version": reverse("risk:plan-version", args=[nominal.pk, 1]),
        "review": reverse("risk:plan-review", args=[nominal.pk]),
        "api": reverse("api:plan-list", args=[nominal.pk]),
    }[where]
    add_versions(om, nominal, 1)
    client.force_login(om)
    small = count_queries(client, url)
    add_versions(om, nominal, 5)
    large = count_queries(client, url)
    assert small == large
    with django_assert_max_num_queries(20):
        client.get(url)


# --- The API ------------------------------------------------------------------------------------


def plan_payload(based_on=None, **extra):
    return {
        "based_on_version": based_on,
        "contingency": "Recall if he contacts children",
        "actions": [
            {"heading": "supervision", "action": "Visit", "owner": "OM", "due": "2026-01-31"},
            {"heading": "victim_safety", "action": "Brief school", "owner": "SPOC"},
        ],
        **extra,
    }


def test_api_writes_and_lists_versions(om, nominal):
    url = reverse("api:plan-list", args=[nominal.pk])
    made = api(om).post(url, plan_payload(), format="json")
    assert made.status_code == 201
    assert made.json()["version"] == 1 and len(made.json()["actions"]) == 2
    again = api(om).post(url, plan_payload(), format="json")
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    second = api(om).post(
        url,
        plan_payload(1, visit_interval_months=2, visit_interval_reason="New address"),
        format="json",
    )
    assert second.status_code == 201 and second.json()["version"] == 2
    listed = api(om).get(url).json()
    assert [p["version"] for p in listed["results"]] == [2, 1]
    assert [p["current"] for p in listed["results"]] == [True, False]
    assert AuditEvent.objects.filter(
        user_id=om.pk, action=AuditAction.VIEW, description__startswith="API: risk management"
    ).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (plan_payload(contingency=""), "contingency"),
        (plan_payload(visit_interval_months=2), "visit_interval_reason"),
        (plan_payload(visit_interval_reason="Why"), "visit_interval_months"),
        (plan_payload(visit_interval_months=0, visit_interval_reason="x"), "visit_interval_months"),
        (
            plan_payload(visit_interval_months="often", visit_interval_reason="x"),
            "visit_interval_months",
        ),
        (plan_payload(actions=[{"heading": "other", "action": "a", "owner": "b"}]), "actions"),
        (plan_payload(actions=[{"heading": "supervision", "action": "a"}]), "actions"),
        (
            plan_payload(
                actions=[
                    {"heading": "supervision", "action": "a", "owner": "b", "due": "31/01/2026"}
                ]
            ),
            "actions",
        ),
        (plan_payload(actions="none"), "actions"),
        (plan_payload(based_on=4), "non_field_errors"),
        ({"contingency": "C"}, "based_on_version"),
        ("just text", "non_field_errors"),
    ],
)
def test_api_bad_input_answers_400_in_the_error_shape(om, nominal, payload, field):
    response = api(om).post(reverse("api:plan-list", args=[nominal.pk]), payload, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"message", "errors"}
    assert field in response.json()["errors"], response.json()
    assert not RiskManagementPlan.objects.exists()


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("om", 200, 201),
        ("colleague", 200, 403),
        ("supervisor", 200, 201),
        ("om_south", 404, 404),
        ("front_desk", 403, 403),
        ("mappa_chair", 404, 404),
        ("administrator", 403, 403),
        ("other_force_om", 404, 404),
    ],
)
def test_api_access_per_persona(request, nominal, persona, read, write):
    client = api(request.getfixturevalue(persona))
    url = reverse("api:plan-list", args=[nominal.pk])
    assert client.get(url).status_code == read
    assert client.post(url, plan_payload(), format="json").status_code == write
    assert RiskManagementPlan.objects.count() == (1 if write == 201 else 0)


def test_api_anonymous_gets_401(nominal):
    assert APIClient().get(reverse("api:plan-list", args=[nominal.pk])).status_code == 401


def test_front_desk_never_sees_the_plan(client, om, front_desk, nominal):
    review(om, nominal)
    client.force_login(front_desk)
    for url in (
        reverse("risk:plan-detail", args=[nominal.pk]),
        reverse("risk:plan-version", args=[nominal.pk, 1]),
        reverse("risk:plan-review", args=[nominal.pk]),
    ):
        assert client.get(url).status_code == 404
    assert PlanAction.objects.count() == 2


def test_another_supervisor_in_the_team_can_review(om, nominal):
    lead = make_user("sam_lead", nominal.force, ["supervisor"], [nominal.team])
    review(om, nominal)
    assert review(lead, nominal, based_on=1).version == 2
