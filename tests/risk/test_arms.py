"""ARMS assessments (domain.md section 4): the lifecycle through the services, the pages and
the API, for every persona, with the audit rows, timeline events and inbox items each step
leaves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.dates import add_months
from cases.models import AuditAction, AuditEvent, CaseEvent, InboxItem
from risk.models import ArmsAssessment, ArmsFactor, ArmsStatus, RiskReviewDue
from risk.services import arms
from tests.conftest import make_user

ARMS = "risk.ArmsAssessment"

# --- Small factories ----------------------------------------------------------------------------


def every_factor(evidence="some", note="Seen at the last visit"):
    return {f.code: (evidence, note) for f in arms.factors_in_use()}


def started(om, nominal):
    assessment, _ = arms.arms_start(acting_user=om, nominal=nominal, reason="Annual review")
    return assessment


def complete(om, nominal):
    assessment = started(om, nominal)
    arms.arms_save(
        acting_user=om,
        assessment=assessment,
        ratings=every_factor(),
        formulation="Risk is linked to isolation and opportunity.",
        priorities="Monitor internet use; build social investment.",
    )
    return assessment


def submitted(om, nominal):
    assessment = complete(om, nominal)
    arms.arms_submit(acting_user=om, assessment=assessment)
    return assessment


def signed_off(om, supervisor, nominal, on=None):
    assessment = submitted(om, nominal)
    arms.arms_sign_off(acting_user=supervisor, assessment=assessment, on=on)
    return ArmsAssessment.objects.get(pk=assessment.pk)


def audit_rows(assessment, action=AuditAction.CHANGE):
    return AuditEvent.objects.filter(
        object_type=ARMS, object_id=str(assessment.pk), action=action
    ).order_by("id")


def events(nominal, kind):
    return CaseEvent.objects.filter(nominal=nominal, kind=kind)


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- Reference data -----------------------------------------------------------------------------


def test_factors_come_from_reference_data(db, reference_data):
    factors = arms.factors_in_use()
    assert sum(f.kind == "risk" for f in factors) == 7
    assert sum(f.kind == "protective" for f in factors) == 4
    ArmsFactor.objects.filter(code="hostile-orientation").update(in_use=False)
    assert len(arms.factors_in_use()) == 10


def test_a_factor_taken_out_of_use_is_not_needed_to_submit(om, nominal):
    assessment = complete(om, nominal)
    ArmsFactor.objects.filter(code="hostile-orientation").update(in_use=False)
    arms.arms_save(acting_user=om, assessment=assessment, ratings={"hostile-orientation": ("", "")})
    _, done = arms.arms_submit(acting_user=om, assessment=assessment)
    assert done


# --- The lifecycle ------------------------------------------------------------------------------


def test_full_lifecycle_draft_submit_return_resubmit_sign_off(om, supervisor, nominal):
    today = timezone.localdate()
    assessment, created = arms.arms_start(acting_user=om, nominal=nominal, reason="Annual")
    assert created and assessment.status == ArmsStatus.DRAFT
    assert audit_rows(assessment, AuditAction.CREATE).count() == 1
    assert events(nominal, "arms_started").count() == 1

    changes = arms.arms_save(
        acting_user=om,
        assessment=assessment,
        ratings=every_factor(),
        formulation="Formulation",
        priorities="Priorities",
    )
    assert len(changes) == 13  # eleven factors, the formulation and the priorities
    assert audit_rows(assessment).count() == 1
    assert events(nominal, "arms_saved").count() == 1
    assert arms.arms_save(acting_user=om, assessment=assessment, ratings=every_factor()) == []

    assessment, done = arms.arms_submit(acting_user=om, assessment=assessment)
    assert done and assessment.status == ArmsStatus.SUBMITTED
    assert assessment.submitted_by == om
    sign_off_item = InboxItem.objects.get(user=supervisor, kind="arms_sign_off")
    assert sign_off_item.nominal == nominal and sign_off_item.done_at is None
    assert reverse("risk:arms-decide", args=[nominal.pk, assessment.pk]) == sign_off_item.link

    assessment, done = arms.arms_return(
        acting_user=supervisor, assessment=assessment, comments="Say more about routine."
    )
    assert done and assessment.status == ArmsStatus.RETURNED
    returned_item = InboxItem.objects.get(user=om, kind="arms_returned")
    assert returned_item.detail == "Say more about routine."
    sign_off_item.refresh_from_db()
    assert sign_off_item.done_at is not None

    arms.arms_save(acting_user=om, assessment=assessment, ratings={}, formulation="Better")
    assessment, done = arms.arms_submit(acting_user=om, assessment=assessment)
    assert done and assessment.status == ArmsStatus.SUBMITTED
    returned_item.refresh_from_db()
    assert returned_item.done_at is not None
    assert InboxItem.objects.filter(user=supervisor, kind="arms_sign_off").count() == 2
    assert (
        events(nominal, "arms_submitted").first().summary.startswith("ARMS assessment resubmitted")
    )

    assessment, done = arms.arms_sign_off(acting_user=supervisor, assessment=assessment)
    assert done and assessment.status == ArmsStatus.SIGNED_OFF
    assert assessment.signed_off_on == today and assessment.decided_by == supervisor
    due = RiskReviewDue.objects.get(nominal=nominal)
    assert due.due == add_months(today, 12)
    assert due.why == f"12 months after sign-off on {today:%-d %B %Y}"
    plan_item = InboxItem.objects.get(user=om, kind="plan_review")
    assert plan_item.link == reverse("risk:plan-review", args=[nominal.pk])
    assert "review the risk management plan" in plan_item.title
    assert not InboxItem.objects.filter(kind="arms_sign_off", done_at__isnull=True).exists()

    rows = audit_rows(assessment)
    status_changes = [e.changes[0]["new"] for e in rows if e.changes[0]["field"] == "Status"]
    assert status_changes == [
        "Submitted for sign-off",
        "Returned with comments",
        "Submitted for sign-off",
        "Signed off",
    ]
    for kind in ("arms_submitted", "arms_returned", "arms_signed_off"):
        assert events(nominal, kind).exists(), kind


def test_review_due_follows_the_force_setting(om, supervisor, nominal):
    nominal.force.arms_review_months = 6
    nominal.force.save()
    signed_off(om, supervisor, nominal, on=date(2024, 8, 31))
    due = RiskReviewDue.objects.get(nominal=nominal)
    assert due.due == date(2025, 2, 28)  # six calendar months, clamped to the month's end
    assert due.why == "6 months after sign-off on 31 August 2024"


def test_sign_off_replaces_a_triggered_review_date(om, supervisor, nominal):
    from risk.services.triggers import arms_review_trigger

    arms_review_trigger(nominal=nominal, reason="new intelligence", on=date(2025, 1, 5))
    signed_off(om, supervisor, nominal, on=date(2025, 2, 1))
    due = RiskReviewDue.objects.get(nominal=nominal)
    assert (due.due, due.triggered_at) == (date(2026, 2, 1), None)
    assert InboxItem.objects.get(kind="arms_review").done_at is not None


def test_a_trigger_after_submission_keeps_the_review_due(om, supervisor, nominal):
    from risk.services.triggers import arms_review_trigger

    assessment = submitted(om, nominal)
    arms_review_trigger(nominal=nominal, reason="arrest", on=date(2025, 1, 5))
    arms.arms_sign_off(acting_user=supervisor, assessment=assessment, on=date(2025, 1, 6))
    due = RiskReviewDue.objects.get(nominal=nominal)
    assert due.due == date(2025, 1, 5) and due.why.startswith("Review now: arrest")
    assert InboxItem.objects.get(kind="arms_review").done_at is None


def test_starting_again_returns_the_open_assessment(om, supervisor, nominal):
    first = started(om, nominal)
    again, created = arms.arms_start(acting_user=om, nominal=nominal)
    assert again.pk == first.pk and not created
    arms.arms_save(
        acting_user=om,
        assessment=first,
        ratings=every_factor(),
        formulation="F",
        priorities="P",
    )
    arms.arms_submit(acting_user=om, assessment=first)
    assert arms.arms_start(acting_user=om, nominal=nominal)[0].pk == first.pk
    arms.arms_sign_off(acting_user=supervisor, assessment=first)
    second, created = arms.arms_start(acting_user=om, nominal=nominal)
    assert created and second.pk != first.pk
    assert ArmsAssessment.objects.filter(nominal=nominal).count() == 2


def test_submission_names_everything_missing(om, nominal):
    assessment = started(om, nominal)
    arms.arms_save(
        acting_user=om,
        assessment=assessment,
        ratings={"sexual-preoccupation": ("strong", "Daily")},
    )
    with pytest.raises(ValidationError) as error:
        arms.arms_submit(acting_user=om, assessment=assessment)
    errors = error.value.message_dict
    assert len(errors["ratings"]) == 10
    assert "Select the evidence for social investment" in errors["ratings"]
    assert errors["formulation"] == ["Enter the formulation summary"]
    assert errors["priorities"] == ["Enter the priorities for the risk management plan"]
    assessment.refresh_from_db()
    assert assessment.status == ArmsStatus.DRAFT


def test_a_note_needs_an_evidence_level(om, nominal):
    assessment = started(om, nominal)
    with pytest.raises(ValidationError, match="to keep its note"):
        arms.arms_save(
            acting_user=om, assessment=assessment, ratings={"sexual-preoccupation": ("", "N")}
        )


def test_the_offender_manager_cannot_sign_off_or_return(om, supervisor, nominal):
    assessment = submitted(om, nominal)
    with pytest.raises(PermissionDenied):
        arms.arms_sign_off(acting_user=om, assessment=assessment)
    with pytest.raises(PermissionDenied):
        arms.arms_return(acting_user=om, assessment=assessment, comments="No")
    assessment.refresh_from_db()
    assert assessment.status == ArmsStatus.SUBMITTED


def test_a_supervisor_cannot_sign_off_what_they_submitted(om, supervisor, nominal):
    assessment = complete(om, nominal)
    arms.arms_submit(acting_user=supervisor, assessment=assessment)
    with pytest.raises(PermissionDenied):
        arms.arms_sign_off(acting_user=supervisor, assessment=assessment)
    other = make_user("sam_lead", nominal.force, ["supervisor"], [nominal.team])
    _, done = arms.arms_sign_off(acting_user=other, assessment=assessment)
    assert done


def test_a_supervisor_of_another_team_cannot_sign_off(om, nominal, south):
    assessment = submitted(om, nominal)
    stranger = make_user("sue_south", nominal.force, ["supervisor"], [south])
    with pytest.raises(PermissionDenied):
        arms.arms_sign_off(acting_user=stranger, assessment=assessment)


def test_returning_needs_comments(om, supervisor, nominal):
    assessment = submitted(om, nominal)
    with pytest.raises(ValidationError) as error:
        arms.arms_return(acting_user=supervisor, assessment=assessment, comments="  ")
    assert error.value.message_dict == {
        "comments": ["Enter your comments for the offender manager"]
    }


def test_transitions_are_idempotent(om, supervisor, nominal):
    assessment = submitted(om, nominal)
    assert arms.arms_submit(acting_user=om, assessment=assessment)[1] is False
    assert InboxItem.objects.filter(kind="arms_sign_off").count() == 1
    arms.arms_sign_off(acting_user=supervisor, assessment=assessment)
    assert arms.arms_sign_off(acting_user=supervisor, assessment=assessment)[1] is False
    assert arms.arms_submit(acting_user=om, assessment=assessment)[1] is False
    assert events(nominal, "arms_signed_off").count() == 1
    assert InboxItem.objects.filter(kind="plan_review").count() == 1


def test_a_signed_off_assessment_cannot_be_changed_or_returned(om, supervisor, nominal):
    assessment = signed_off(om, supervisor, nominal)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        arms.arms_save(acting_user=om, assessment=assessment, ratings={}, formulation="X")
    with pytest.raises(ValidationError, match="submitted for sign-off can be returned"):
        arms.arms_return(acting_user=supervisor, assessment=assessment, comments="Late")


def test_a_draft_cannot_be_signed_off(om, supervisor, nominal):
    assessment = complete(om, nominal)
    with pytest.raises(ValidationError, match="submitted for sign-off can be signed off"):
        arms.arms_sign_off(acting_user=supervisor, assessment=assessment)


def test_the_database_allows_one_open_assessment(om, nominal):
    from django.db import IntegrityError, transaction

    started(om, nominal)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArmsAssessment.objects.create(nominal=nominal, created_by=om)


# --- The pages ----------------------------------------------------------------------------------


def form_data(evidence="some", **extra):
    data = {"reason": "Annual", "formulation": "F", "priorities": "P", "action": "save"}
    for factor in arms.factors_in_use():
        data[f"evidence_{factor.code}"] = evidence
        data[f"note_{factor.code}"] = f"Note on {factor.code}"
    return {**data, **extra}


def test_om_starts_rates_and_submits_through_the_pages(client, om, supervisor, nominal):
    client.force_login(om)
    page = client.get(reverse("risk:arms-start", args=[nominal.pk]))
    assert page.status_code == 200 and "Start an ARMS assessment" in page.content.decode()
    response = client.post(reverse("risk:arms-start", args=[nominal.pk]), {"reason": "Annual"})
    assessment = ArmsAssessment.objects.get(nominal=nominal)
    edit = reverse("risk:arms-edit", args=[nominal.pk, assessment.pk])
    assert response.url == edit
    again = client.post(reverse("risk:arms-start", args=[nominal.pk]), {"reason": "Again"})
    assert again.url == edit and ArmsAssessment.objects.count() == 1

    page = client.get(edit).content.decode()
    assert "Sexual preoccupation" in page and "Social investment" in page
    assert page.index("Risk factors") < page.index("Protective factors")

    response = client.post(edit, form_data())
    assert response.url == edit
    assessment.refresh_from_db()
    assert assessment.ratings.count() == 11 and assessment.status == "draft"

    response = client.post(edit, form_data(action="submit"))
    detail = reverse("risk:arms-detail", args=[nominal.pk, assessment.pk])
    assert response.url == detail
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    assert client.get(edit).url == detail  # no longer editable


def test_submitting_an_incomplete_assessment_saves_it_and_says_what_is_missing(client, om, nominal):
    assessment = started(om, nominal)
    client.force_login(om)
    data = form_data(action="submit", formulation="", priorities="")
    data["evidence_social-investment"] = ""
    data["note_social-investment"] = ""
    response = client.post(reverse("risk:arms-edit", args=[nominal.pk, assessment.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select the evidence for social investment" in page
    assert "Enter the formulation summary" in page
    assert "Enter the priorities for the risk management plan" in page
    assert "saved as a draft" in page
    assert "Note on sexual-preoccupation" in page  # what was typed is kept
    assessment.refresh_from_db()
    assert assessment.status == "draft" and assessment.ratings.count() == 10


def test_a_bad_draft_keeps_every_field(client, om, nominal):
    assessment = started(om, nominal)
    client.force_login(om)
    data = form_data(formulation="My formulation")
    data["evidence_hostile-orientation"] = ""
    data["evidence_sexual-preoccupation"] = "certain"
    response = client.post(reverse("risk:arms-edit", args=[nominal.pk, assessment.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select the evidence for hostile orientation to keep its note" in page
    assert "Select the evidence for sexual preoccupation" in page
    assert "My formulation" in page and "Note on positive-routine" in page
    assert assessment.ratings.count() == 0


def test_supervisor_returns_then_signs_off_through_the_pages(client, om, supervisor, nominal):
    assessment = submitted(om, nominal)
    decide = reverse("risk:arms-decide", args=[nominal.pk, assessment.pk])
    client.force_login(supervisor)
    detail = client.get(reverse("risk:arms-detail", args=[nominal.pk, assessment.pk]))
    assert decide in detail.content.decode()
    response = client.post(decide, {"decision": "return", "comments": ""})
    assert "Enter your comments for the offender manager" in response.content.decode()
    response = client.post(decide, {"decision": "return", "comments": "Add the routine."})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "returned"

    client.force_login(om)
    edit = reverse("risk:arms-edit", args=[nominal.pk, assessment.pk])
    assert "Add the routine." in client.get(edit).content.decode()
    client.post(edit, form_data(action="submit"))
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    assert client.get(decide).status_code == 403  # the OM cannot sign off

    client.force_login(supervisor)
    client.post(decide, {"decision": "sign_off"})
    assessment.refresh_from_db()
    assert assessment.status == "signed_off"
    page = client.get(reverse("risk:arms-list", args=[nominal.pk])).content.decode()
    assert f"12 months after sign-off on {timezone.localdate():%-d %B %Y}" in page
    assert client.get(decide).status_code == 302  # no longer waiting


def test_the_read_only_view_groups_factors_with_evidence_and_notes(client, colleague, om, nominal):
    assessment = started(om, nominal)
    arms.arms_save(
        acting_user=om,
        assessment=assessment,
        ratings={
            "sexual-preoccupation": ("strong", "Talks of little else"),
            "social-investment": ("some", "Volunteers weekly"),
        },
    )
    client.force_login(colleague)
    page = client.get(reverse("risk:arms-detail", args=[nominal.pk, assessment.pk]))
    text = page.content.decode()
    assert "Risk factors" in text and "Protective factors" in text
    assert "Strong evidence" in text and "Talks of little else" in text
    assert "Volunteers weekly" in text and "Not rated" in text
    assert text.index("Talks of little else") < text.index("Protective factors")
    assert text.index("Protective factors") < text.index("Volunteers weekly")
    assert reverse("risk:arms-edit", args=[nominal.pk, assessment.pk]) not in text
    assert AuditEvent.objects.filter(
        user_id=colleague.pk, action=AuditAction.VIEW, object_id=str(assessment.pk)
    ).exists()


def test_history_lists_every_assessment(client, om, supervisor, nominal):
    first = signed_off(om, supervisor, nominal)
    second = started(om, nominal)
    client.force_login(om)
    page = client.get(reverse("risk:arms-list", args=[nominal.pk])).content.decode()
    for a in (first, second):
        assert reverse("risk:arms-detail", args=[nominal.pk, a.pk]) in page
    assert "Signed off" in page and "Draft" in page


def test_the_risk_tab_summarises_arms_and_the_plan(client, om, supervisor, nominal):
    signed_off(om, supervisor, nominal, on=date(2025, 3, 3))
    client.force_login(om)
    page = client.get(reverse("risk:overview", args=[nominal.pk])).content.decode()
    assert "3 March 2026" in page and "12 months after sign-off on 3 March 2025" in page
    assert reverse("risk:plan-detail", args=[nominal.pk]) in page


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("colleague", 403),
        ("om_south", 404),
        ("front_desk", 404),
        ("mappa_chair", 404),
        ("administrator", 404),
        ("other_force_om", 404),
    ],
)
def test_only_the_case_writers_can_change_an_assessment(
    client, request, om, nominal, persona, expected
):
    assessment = submitted(om, nominal)
    draft_case = case_services.nominal_create(
        acting_user=om,
        data={"forenames": "A", "surname": "B", "date_of_birth": date(1970, 1, 1), "sex": "male"},
    )
    draft = started(om, draft_case)
    client.force_login(request.getfixturevalue(persona))
    posts = [
        (reverse("risk:arms-start", args=[nominal.pk]), {"reason": "x"}),
        (reverse("risk:arms-edit", args=[draft_case.pk, draft.pk]), form_data()),
        (reverse("risk:arms-decide", args=[nominal.pk, assessment.pk]), {"decision": "sign_off"}),
    ]
    for url, data in posts:
        code = client.post(url, data).status_code
        if "sign-off" in url and persona != "other_force_om":
            assert code == 403, url  # signing off needs the supervisor role first
        else:
            assert code == expected, (url, code)
    assessment.refresh_from_db()
    draft.refresh_from_db()
    assert assessment.status == "submitted" and draft.ratings.count() == 0
    assert ArmsAssessment.objects.count() == 2


def test_anonymous_is_sent_to_sign_in(client, om, nominal):
    assessment = started(om, nominal)
    for url in (
        reverse("risk:arms-list", args=[nominal.pk]),
        reverse("risk:arms-edit", args=[nominal.pk, assessment.pk]),
        reverse("risk:arms-decide", args=[nominal.pk, assessment.pk]),
    ):
        assert client.post(url).url.startswith(reverse("login"))


def test_an_assessment_is_reached_only_through_its_own_case(client, om, nominal):
    other = case_services.nominal_create(
        acting_user=om,
        data={"forenames": "C", "surname": "D", "date_of_birth": date(1971, 1, 1), "sex": "male"},
    )
    assessment = started(om, other)
    client.force_login(om)
    assert (
        client.get(reverse("risk:arms-detail", args=[nominal.pk, assessment.pk])).status_code == 404
    )


# --- Query counts -------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_history(om, supervisor, nominal, n):
    for _ in range(n):
        signed_off(om, supervisor, nominal)


@pytest.mark.parametrize("where", ["list", "detail", "edit", "api-list", "api-detail"])
def test_query_counts_are_flat(
    client, om, supervisor, nominal, where, django_assert_max_num_queries
):
    add_history(om, supervisor, nominal, 1)
    latest = ArmsAssessment.objects.filter(nominal=nominal).first()

    def url():
        current = ArmsAssessment.objects.filter(nominal=nominal).first()
        return {
            "list": reverse("risk:arms-list", args=[nominal.pk]),
            "detail": reverse("risk:arms-detail", args=[nominal.pk, current.pk]),
            "edit": reverse("risk:arms-edit", args=[nominal.pk, current.pk]),
            "api-list": reverse("api:arms-list", args=[nominal.pk]),
            "api-detail": reverse("api:arms-detail", args=[current.pk]),
        }[where]

    if where == "edit":
        latest = started(om, nominal)
    client.force_login(om)
    small = count_queries(client, url())
    add_history(om, supervisor, nominal, 0 if where == "edit" else 4)
    if where == "edit":
        arms.arms_save(acting_user=om, assessment=latest, ratings=every_factor())
    large = count_queries(client, url())
    assert small == large
    with django_assert_max_num_queries(20):
        client.get(url())


# --- The API ------------------------------------------------------------------------------------


def ratings_payload(evidence="some"):
    return [{"factor": f.code, "evidence": evidence, "note": "Seen"} for f in arms.factors_in_use()]


def test_api_lifecycle(om, supervisor, nominal):
    listing = reverse("api:arms-list", args=[nominal.pk])
    made = api(om).post(
        listing, {"reason": "Annual", "ratings": ratings_payload()[:3]}, format="json"
    )
    assert made.status_code == 201
    body = made.json()
    assert body["status"] == "draft" and len(body["ratings"]) == 3
    arms_id = body["id"]

    again = api(om).post(listing, {"formulation": "F", "priorities": "P"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == arms_id
    assert again.json()["formulation"] == "F" and len(again.json()["ratings"]) == 3

    submit = reverse("api:arms-submit", args=[arms_id])
    missing = api(om).post(submit)
    assert missing.status_code == 400
    assert missing.json()["message"].startswith("The request has errors")
    assert len(missing.json()["errors"]["ratings"]) == 8

    api(om).post(listing, {"ratings": ratings_payload()}, format="json")
    assert api(om).post(submit).json()["status"] == "submitted"
    assert api(om).post(submit).status_code == 200  # again: unchanged

    sign_off = reverse("api:arms-sign-off", args=[arms_id])
    back = reverse("api:arms-return", args=[arms_id])
    assert api(om).post(sign_off).status_code == 403
    no_comments = api(supervisor).post(back, {"comments": ""}, format="json")
    assert no_comments.status_code == 400
    assert no_comments.json()["errors"] == {
        "comments": ["Enter your comments for the offender manager"]
    }
    returned = api(supervisor).post(back, {"comments": "More on routine"}, format="json")
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_comments"] == "More on routine"
    assert api(om).post(submit).json()["status"] == "submitted"
    done = api(supervisor).post(sign_off)
    assert done.status_code == 200
    assert done.json()["status"] == "signed_off"
    assert done.json()["signed_off_on"] == timezone.localdate().isoformat()
    assert RiskReviewDue.objects.get(nominal=nominal).due == add_months(timezone.localdate(), 12)

    detail = api(om).get(reverse("api:arms-detail", args=[arms_id]))
    assert detail.status_code == 200 and detail.json()["decided_by"]["id"] == supervisor.pk
    listed = api(om).get(listing).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == arms_id
    assert AuditEvent.objects.filter(
        user_id=om.pk, action=AuditAction.VIEW, description="API: ARMS assessment"
    ).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ratings": [{"factor": "made-up", "evidence": "some"}]}, "ratings"),
        ({"ratings": [{"factor": "sexual-preoccupation", "evidence": "lots"}]}, "ratings"),
        ({"ratings": "all of them"}, "ratings"),
        ({"ratings": [{"factor": "sexual-preoccupation", "evidence": "", "note": "x"}]}, "ratings"),
        (
            {
                "ratings": [
                    {"factor": "sexual-preoccupation", "evidence": "some"},
                    {"factor": "sexual-preoccupation", "evidence": "none"},
                ]
            },
            "ratings",
        ),
        ({"reason": "x" * 301}, "reason"),
        ({"formulation": ["not", "text"]}, "formulation"),
        (["a", "list"], "non_field_errors"),
    ],
)
def test_api_bad_input_answers_400_in_the_error_shape(om, nominal, payload, field):
    response = api(om).post(reverse("api:arms-list", args=[nominal.pk]), payload, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"message", "errors"}
    assert field in response.json()["errors"]


def test_api_malformed_json_is_400(om, nominal):
    response = api(om).post(
        reverse("api:arms-list", args=[nominal.pk]), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"message", "errors"}


def test_api_cannot_change_a_submitted_assessment(om, nominal):
    submitted(om, nominal)
    response = api(om).post(
        reverse("api:arms-list", args=[nominal.pk]), {"formulation": "Late"}, format="json"
    )
    assert response.status_code == 400
    assert "can no longer be changed" in response.json()["errors"]["non_field_errors"][0]


def test_api_sign_off_of_a_draft_is_400(om, supervisor, nominal):
    assessment = complete(om, nominal)
    response = api(supervisor).post(reverse("api:arms-sign-off", args=[assessment.pk]))
    assert response.status_code == 400
    assert set(response.json()) == {"message", "errors"}


def test_api_unknown_assessment_is_404(om, db):
    response = api(om).get(reverse("api:arms-detail", args=[999999]))
    assert response.status_code == 404 and set(response.json()) == {"message", "errors"}


@pytest.mark.parametrize(
    ("persona", "read", "write", "decide"),
    [
        ("om", 200, 200, 403),
        ("colleague", 200, 403, 403),
        ("supervisor", 200, 200, 200),
        ("om_south", 404, 404, 403),
        ("front_desk", 403, 403, 403),
        ("mappa_chair", 404, 404, 403),
        ("administrator", 403, 403, 403),
        ("other_force_om", 404, 404, 404),
    ],
)
def test_api_access_per_persona(request, om, nominal, persona, read, write, decide):
    assessment = submitted(om, nominal)
    client = api(request.getfixturevalue(persona))
    assert client.get(reverse("api:arms-list", args=[nominal.pk])).status_code == read
    assert client.get(reverse("api:arms-detail", args=[assessment.pk])).status_code == read
    assert client.post(reverse("api:arms-submit", args=[assessment.pk])).status_code == write
    start = client.post(reverse("api:arms-list", args=[nominal.pk]), {}, format="json")
    assert start.status_code == write
    sign_off = client.post(reverse("api:arms-sign-off", args=[assessment.pk]))
    assert sign_off.status_code == decide
    assessment.refresh_from_db()
    assert assessment.status == ("signed_off" if decide == 200 else "submitted")


def test_api_anonymous_gets_401(om, nominal):
    assessment = started(om, nominal)
    client = APIClient()
    assert client.get(reverse("api:arms-list", args=[nominal.pk])).status_code == 401
    assert client.post(reverse("api:arms-submit", args=[assessment.pk])).status_code == 401
    assert client.post(reverse("api:arms-sign-off", args=[assessment.pk])).status_code == 401


def test_front_desk_sees_nothing_of_arms(client, om, supervisor, front_desk, nominal):
    assessment = signed_off(om, supervisor, nominal)
    client.force_login(front_desk)
    for url in (
        reverse("risk:arms-list", args=[nominal.pk]),
        reverse("risk:arms-detail", args=[nominal.pk, assessment.pk]),
        reverse("risk:arms-start", args=[nominal.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.get(reverse("risk:arms-decide", args=[nominal.pk, assessment.pk])).status_code == 403
    )


def test_timestamps_are_recorded(om, supervisor, nominal):
    before = timezone.now() - timedelta(seconds=5)
    assessment = signed_off(om, supervisor, nominal)
    assert assessment.submitted_at > before and assessment.decided_at >= assessment.submitted_at
