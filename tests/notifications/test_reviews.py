"""Review of indefinite requirements (ss.91A–91F; domain.md section 3): the services, the
supervisors' queue, the case pages and the API, for every persona."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.models import AuditAction, AuditEvent, CaseEvent, InboxItem
from notifications import reviews
from notifications import services as register
from notifications.models import Clock, IndefiniteReview, Schedule3Offence, Station
from notifications.reviews import QueueStage
from tests.conftest import make_user

REVIEW = "notifications.IndefiniteReview"


# --- Building people subject indefinitely -------------------------------------------------------


def make_case(user, surname="Smith", dob=date(1980, 4, 12)):
    return case_services.nominal_create(
        acting_user=user,
        data={"forenames": "John", "surname": surname, "date_of_birth": dob, "sex": "male"},
    )


def convict(nominal, user, *, on=date(2005, 3, 1), months=36):
    """36 months' custody: indefinite (s.82)."""
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


def notify(nominal, user, on: date):
    station, _ = Station.objects.get_or_create(force=nominal.force, name="Reading police station")
    register.notification_record(
        acting_user=user,
        nominal=nominal,
        idempotency_key=uuid.uuid4(),
        data={
            "type": "initial",
            "station": station,
            "taken_at": timezone.make_aware(datetime(on.year, on.month, on.day, 10)),
        },
    )


def indefinite(user, *, surname="Smith", first_notified=date(2008, 6, 2), nominal=None):
    """An adult subject indefinitely whose first notification after release was
    `first_notified` (domain.md 3.1: 2 Jun 2008 gives a qualifying date of 2 Jun 2023)."""
    nominal = nominal or make_case(user, surname)
    convict(nominal, user)
    if first_notified:
        notify(nominal, user, first_notified)
    return nominal


@pytest.fixture
def case(nominal, om):
    return indefinite(om, nominal=nominal)


def open_application(supervisor, nominal, received=date(2024, 2, 1)):
    review, _ = reviews.review_open(
        acting_user=supervisor, nominal=nominal, application_received_on=received
    )
    return review


def audit_rows(obj_type=REVIEW, **filters):
    return AuditEvent.objects.filter(object_type=obj_type, **filters)


# --- Eligibility (3.1–3.4) ----------------------------------------------------------------------


def test_qualifying_date_and_eligibility_from_the_clock(case):
    state = reviews.review_state(case, on=date(2026, 11, 21))
    assert state.clock.review_statutory_date == date(2023, 6, 2)
    assert state.clock.review_policy_date == date(2023, 6, 2)
    assert state.qualifying_date == date(2023, 6, 2)
    assert state.eligibility.eligible and state.stage == QueueStage.ELIGIBLE
    before = reviews.review_state(case, on=date(2023, 6, 1))
    assert not before.eligibility.eligible
    assert before.eligibility.reasons == ("The qualifying date 2 Jun 2023 has not been reached.",)
    assert before.stage == QueueStage.NOT_YET_ELIGIBLE


def test_youth_qualifying_date_is_8_years(om):
    # 3.2: under 18 on the relevant date; first notification after release 10 Mar 2015.
    young = make_case(om, "Young", dob=date(1998, 1, 1))
    convict(young, om, on=date(2014, 1, 1))
    notify(young, om, date(2015, 3, 10))
    assert reviews.review_state(young, on=date(2026, 1, 1)).qualifying_date == date(2023, 3, 10)


def test_premature_application_names_the_qualifying_date(case, supervisor):
    # 3.1: qualifying date 2 Jun 2023; an application of 1 Jun 2023 is premature.
    with pytest.raises(ValidationError) as refused:
        open_application(supervisor, case, received=date(2023, 6, 1))
    message = refused.value.message_dict["application_received_on"][0]
    assert "premature" in message and "2 Jun 2023" in message
    assert not IndefiniteReview.objects.exists()
    review = open_application(supervisor, case, received=date(2023, 6, 2))
    assert review.stage == "application_received" and not review.started_by_police


def test_finite_period_is_not_eligible(conviction, supervisor):
    # 3.3: a 10-year (finite) period.
    state = reviews.review_state(conviction.nominal, on=date(2026, 11, 21))
    assert not state.eligibility.eligible
    assert "finite" in state.eligibility.reasons[0]
    for received in (date(2024, 2, 1), None):
        with pytest.raises(ValidationError, match="finite"):
            reviews.review_open(
                acting_user=supervisor,
                nominal=conviction.nominal,
                application_received_on=received,
            )
    assert not IndefiniteReview.objects.exists()


def test_shpo_rules_out_a_review(case, supervisor, monkeypatch):
    # 3.4: indefinite, date passed, subject to an SHPO.
    assert reviews.subject_to_shpo(case) is False
    monkeypatch.setattr(reviews, "subject_to_shpo", lambda nominal: True)
    state = reviews.review_state(case, on=date(2026, 11, 21))
    assert not state.eligibility.eligible and "SHPO" in state.eligibility.reasons[0]
    with pytest.raises(ValidationError, match="SHPO"):
        open_application(supervisor, case)


def test_no_notification_since_release_means_no_date_yet(om, supervisor):
    waiting = indefinite(om, first_notified=None)
    state = reviews.review_state(waiting, on=date(2026, 11, 21))
    assert state.qualifying_date is None and not state.eligibility.eligible
    assert "No notification since release" in state.eligibility.reasons[0]
    with pytest.raises(ValidationError, match="not known yet"):
        open_application(supervisor, waiting)


def test_force_policy_date_is_used_when_sooner(case, supervisor, force):
    force.review_adult_years = 10
    force.save()
    register.clock_refresh(case)
    clock = Clock.objects.get(pk=case.pk)
    assert (clock.review_statutory_date, clock.review_policy_date) == (
        date(2023, 6, 2),
        date(2018, 6, 2),
    )
    assert open_application(supervisor, case, received=date(2023, 6, 1)).pk


# --- Opening, starting and deciding (3.5–3.7) ---------------------------------------------------


def test_open_application_sets_the_decision_target_and_is_recorded(case, supervisor):
    # 3.5: received 1 Feb 2024 → decide by 24 Apr 2024 (12 weeks beginning with receipt).
    review, created = reviews.review_open(
        acting_user=supervisor, nominal=case, application_received_on=date(2024, 2, 1)
    )
    assert created and review.decision_target == date(2024, 4, 24)
    assert review.opened_by == supervisor and review.opened_on == timezone.localdate()
    event = CaseEvent.objects.get(nominal=case, kind="review_opened")
    assert {c.field: c.new for c in event.changes.all()}["Decision target"] == "24 Apr 2024"
    row = audit_rows(action=AuditAction.CREATE).get()
    assert row.object_id == str(review.pk) and row.nominal_id == case.pk
    assert {"field": "Application received", "old": "", "new": "1 Feb 2024"} in row.changes


def test_opening_twice_returns_the_open_review(case, supervisor):
    first = open_application(supervisor, case)
    again, created = reviews.review_open(
        acting_user=supervisor, nominal=case, application_received_on=date(2024, 3, 1)
    )
    assert again.pk == first.pk and not created
    assert IndefiniteReview.objects.count() == 1
    assert audit_rows(action=AuditAction.CREATE).count() == 1


def test_police_may_start_before_the_qualifying_date(om, supervisor, force):
    early = indefinite(om, first_notified=date(2020, 1, 6))
    review, created = reviews.review_open(acting_user=supervisor, nominal=early)
    today = timezone.localdate()
    assert created and review.started_by_police and review.stage == "under_review"
    assert review.application_received_on is None
    assert review.decision_target == today + timedelta(weeks=12) - timedelta(days=1)


def test_decision_target_follows_the_force_setting(case, supervisor, force):
    force.review_decision_weeks = 8
    force.save()
    assert open_application(supervisor, case).decision_target == date(2024, 3, 27)


def test_start_moves_an_application_into_review_once(case, supervisor):
    review = open_application(supervisor, case)
    started, moved = reviews.review_start(acting_user=supervisor, review=review)
    assert moved and started.stage == "under_review"
    _, again = reviews.review_start(acting_user=supervisor, review=review)
    assert not again
    row = audit_rows(action=AuditAction.CHANGE).get()
    assert row.changes == [{"field": "Stage", "old": "Application received", "new": "Under review"}]
    assert CaseEvent.objects.filter(nominal=case, kind="review_started").count() == 1


@pytest.mark.parametrize(("years", "further"), [(None, date(2032, 1, 15)), (15, date(2039, 1, 15))])
def test_continued_sets_a_further_qualifying_date(case, supervisor, om, years, further):
    # 3.6: continued on 15 Jan 2024 → 15 Jan 2032 (15 Jan 2039 if 15 years is chosen).
    review = open_application(supervisor, case, received=date(2024, 1, 2))
    decided, changed = reviews.review_decide(
        acting_user=supervisor,
        review=review,
        outcome="continued",
        determined_on=date(2024, 1, 15),
        reasons="Recent failures to notify; MAPPA assesses the risk as high.",
        notice_posted_on=date(2024, 1, 16),
        notice_received_on=date(2024, 1, 18),
        further_years=years,
    )
    assert changed and decided.stage == "decided" and decided.outcome == "continued"
    assert decided.further_qualifying_date == further and decided.requirements_end_on is None
    assert decided.decided_by == supervisor
    assert reviews.appeal_deadline(decided) == date(2024, 2, 7)
    row = audit_rows(action=AuditAction.CHANGE).get()
    assert {"field": "Further qualifying date", "old": "", "new": f"{further:%-d %b %Y}"} in (
        row.changes
    )
    assert CaseEvent.objects.filter(nominal=case, kind="review_decided").exists()
    assert InboxItem.objects.filter(user=om, key=f"review-decided:{review.pk}").exists()
    state = reviews.review_state(case, on=date(2026, 11, 21))
    assert state.stage == QueueStage.DECIDED and state.qualifying_date == further
    # Once the further date passes, the person may apply again.
    assert reviews.review_state(case, on=further).stage == QueueStage.ELIGIBLE


def test_further_review_years_setting_is_used(case, supervisor, force):
    force.further_review_years = 10
    force.save()
    review = open_application(supervisor, case, received=date(2024, 1, 2))
    decided, _ = reviews.review_decide(
        acting_user=supervisor,
        review=review,
        outcome="continued",
        determined_on=date(2024, 1, 15),
        reasons="Reasons given.",
    )
    assert decided.further_qualifying_date == date(2034, 1, 15)


def test_discharge_ends_on_the_day_the_notice_is_received(case, supervisor):
    # 3.7: notice posted 1 Jul, received 3 Jul → requirements end 3 Jul.
    review = open_application(supervisor, case)
    decided, changed = reviews.review_decide(
        acting_user=supervisor,
        review=review,
        outcome="discharged",
        determined_on=date(2024, 6, 28),
        reasons="",
        notice_posted_on=date(2024, 7, 1),
        notice_received_on=date(2024, 7, 3),
    )
    assert changed and decided.requirements_end_on == date(2024, 7, 3)
    assert decided.further_qualifying_date is None
    state = reviews.review_state(case, on=date(2026, 11, 21))
    assert state.stage == QueueStage.DECIDED and not state.eligibility.eligible
    assert "discharged" in state.eligibility.reasons[0]
    row = audit_rows(action=AuditAction.CHANGE).get()
    assert {"field": "Requirements end", "old": "", "new": "3 Jul 2024"} in row.changes


def test_deciding_twice_changes_nothing(case, supervisor):
    review = open_application(supervisor, case)
    kwargs = dict(
        acting_user=supervisor,
        review=review,
        outcome="continued",
        determined_on=date(2024, 3, 1),
        reasons="Reasons.",
    )
    reviews.review_decide(**kwargs)
    again, changed = reviews.review_decide(**{**kwargs, "outcome": "discharged"})
    assert not changed and again.outcome == "continued"
    assert audit_rows(action=AuditAction.CHANGE).count() == 1
    # A new review may now be opened (the constraint allows one open review at a time).
    assert reviews.review_open(acting_user=supervisor, nominal=case)[1]


@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        (dict(outcome="discharged"), "notice_posted_on", "Enter the date the notice"),
        (dict(outcome="discharged"), "notice_received_on", "received the notice"),
        (
            dict(
                outcome="discharged",
                notice_posted_on=date(2024, 7, 3),
                notice_received_on=date(2024, 7, 1),
            ),
            "notice_received_on",
            "before it was posted",
        ),
        (
            dict(outcome="discharged", notice_posted_on=date(2024, 2, 20)),
            "notice_posted_on",
            "before the decision",
        ),
        (dict(outcome="continued"), "reasons", "Give the reasons"),
        (dict(outcome="continued", reasons="R", further_years=16), "further_years", "8 and 15"),
        (dict(outcome="continued", reasons="R", further_years=7), "further_years", "8 and 15"),
        (dict(outcome="maybe", reasons="R"), "outcome", "Select whether"),
        (
            dict(outcome="continued", reasons="R", determined_on=date(2099, 1, 1)),
            "determined_on",
            "today or in the past",
        ),
        (
            dict(outcome="continued", reasons="R", determined_on=date(2024, 1, 1)),
            "determined_on",
            "before the application was received",
        ),
    ],
)
def test_bad_decisions_are_refused_with_a_clear_message(case, supervisor, given, field, words):
    review = open_application(supervisor, case)
    kwargs = {"determined_on": date(2024, 3, 1), "reasons": "", **given}
    with pytest.raises(ValidationError) as refused:
        reviews.review_decide(acting_user=supervisor, review=review, **kwargs)
    assert any(words in m for m in refused.value.message_dict[field])
    review.refresh_from_db()
    assert review.stage == "application_received" and not review.outcome
    assert not audit_rows(action=AuditAction.CHANGE).exists()


def test_future_application_date_is_refused(case, supervisor):
    with pytest.raises(ValidationError, match="today or in the past"):
        open_application(supervisor, case, received=timezone.localdate() + timedelta(days=1))


# --- The queue ----------------------------------------------------------------------------------


@pytest.fixture
def varied(om, supervisor):
    """One person at each stage of the queue, all on the North team's cases."""
    people = {
        "eligible": indefinite(om, surname="Able"),
        "not_yet_eligible": indefinite(om, surname="Baker", first_notified=date(2020, 1, 6)),
        "no_date": indefinite(om, surname="Carter", first_notified=None),
        "application_received": indefinite(om, surname="Dunn", first_notified=date(2009, 1, 5)),
        "under_review": indefinite(om, surname="Evans", first_notified=date(2010, 1, 4)),
        "decided": indefinite(om, surname="Fox", first_notified=date(2007, 1, 8)),
        "discharged": indefinite(om, surname="Gray", first_notified=date(2006, 1, 9)),
    }
    open_application(supervisor, people["application_received"], received=date(2024, 2, 1))
    reviews.review_open(acting_user=supervisor, nominal=people["under_review"])
    decided = open_application(supervisor, people["decided"], received=date(2024, 1, 2))
    reviews.review_decide(
        acting_user=supervisor,
        review=decided,
        outcome="continued",
        determined_on=date(2024, 1, 15),
        reasons="Reasons.",
    )
    discharged = open_application(supervisor, people["discharged"], received=date(2024, 1, 2))
    reviews.review_decide(
        acting_user=supervisor,
        review=discharged,
        outcome="discharged",
        determined_on=date(2024, 1, 15),
        notice_posted_on=date(2024, 1, 16),
        notice_received_on=date(2024, 1, 18),
    )
    return people


def test_queue_stage_in_sql_agrees_with_python(varied, supervisor):
    on = timezone.localdate()
    rows = {n.pk: n.queue_stage for n in reviews.review_queue(supervisor, on)}
    expected = {
        "eligible": "eligible",
        "not_yet_eligible": "not_yet_eligible",
        "no_date": "not_yet_eligible",
        "application_received": "application_received",
        "under_review": "under_review",
        "decided": "decided",
    }
    # Discharged: no longer subject indefinitely, so off the queue (its clock has ended).
    assert varied["discharged"].pk not in rows
    for key, expected_stage in expected.items():
        person = varied[key]
        assert rows[person.pk] == expected_stage, key
        assert reviews.review_state(person, on=on).stage == rows[person.pk], key


def test_queue_lists_only_indefinite_cases_the_supervisor_sees(
    client, supervisor, case, conviction, om_south
):
    other_team = indefinite(om_south, surname="Southern")
    client.force_login(supervisor)
    response = client.get(reverse("notifications:review-queue"))
    assert response.status_code == 200
    people = [row.nominal.pk for row in response.context["entries"]]
    assert people == [case.pk]  # not the finite one, not South's
    assert other_team.pk not in people
    html = response.content.decode()
    assert case.reference in html and "2 Jun 2023" in html and "Eligible" in html
    view = AuditEvent.objects.filter(action=AuditAction.VIEW, user_id=supervisor.pk).last()
    assert view.description == "Indefinite review queue"


def test_queue_filters_by_stage_and_sorts_by_policy_date(client, supervisor, varied):
    client.force_login(supervisor)
    url = reverse("notifications:review-queue")

    def listed(**query):
        response = client.get(url, query)
        return [row.nominal.surname for row in response.context["entries"]]

    assert listed(stage="eligible") == ["Able"]
    assert listed(stage=["application_received", "under_review"]) == ["Dunn", "Evans"]
    # Policy dates: Fox 2022, Able 2023, Dunn 2024, Evans 2025, Baker 2035, Carter none (Gray,
    # discharged, is no longer subject indefinitely).
    assert listed() == ["Fox", "Able", "Dunn", "Evans", "Baker", "Carter"]
    assert listed(sort="-policy") == ["Baker", "Evans", "Dunn", "Able", "Fox", "Carter"]
    assert listed(stage="decided") == ["Fox"]


def test_queue_shows_reasons_targets_overdue_and_decisions(client, supervisor, varied):
    client.force_login(supervisor)
    html = client.get(reverse("notifications:review-queue")).content.decode()
    assert "The qualifying date 6 Jan 2035 has not been reached." in html
    assert "No notification since release yet" in html
    assert "24 Apr 2024" in html and "Overdue" in html  # decision target passed
    assert "Decided: continued" in html and "15 Jan 2032" in html
    assert "GRAY" not in html  # discharged: no longer subject indefinitely, off the queue


def test_queue_bad_filter_is_ignored_not_an_error(client, supervisor, varied):
    client.force_login(supervisor)
    response = client.get(reverse("notifications:review-queue"), {"stage": "nonsense"})
    assert response.status_code == 200 and len(response.context["entries"]) == 6


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_people(om, supervisor, count, start):
    for i in range(start, start + count):
        person = indefinite(om, surname=f"Person{i}", first_notified=date(2006 + i % 15, 1, 10))
        if i % 3 == 0:
            reviews.review_open(acting_user=supervisor, nominal=person)


@pytest.mark.parametrize("where", ["queue", "api-queue", "case", "api-case"])
def test_query_count_is_flat(client, om, supervisor, case, where, django_assert_max_num_queries):
    url = {
        "queue": reverse("notifications:review-queue"),
        "api-queue": reverse("api:review-queue"),
        "case": reverse("notifications:review-list", kwargs={"pk": case.pk}),
        "api-case": reverse("api:nominal-reviews", kwargs={"pk": case.pk}),
    }[where]
    client.force_login(supervisor)
    add_people(om, supervisor, 2, 0)
    small = count_queries(client, url)
    add_people(om, supervisor, 10, 2)
    if where == "case":
        for _ in range(2):
            review, _ = reviews.review_open(acting_user=supervisor, nominal=case)
            reviews.review_decide(
                acting_user=supervisor,
                review=review,
                outcome="continued",
                determined_on=timezone.localdate(),
                reasons="R",
            )
    large = count_queries(client, url)
    assert small == large
    with django_assert_max_num_queries(20):
        client.get(url)


# --- The case pages -----------------------------------------------------------------------------


def test_review_list_shows_history_and_eligibility(client, colleague, supervisor, case):
    review = open_application(supervisor, case, received=date(2024, 1, 2))
    reviews.review_decide(
        acting_user=supervisor,
        review=review,
        outcome="continued",
        determined_on=date(2024, 1, 15),
        reasons="Risk remains high.",
        notice_posted_on=date(2024, 1, 16),
        notice_received_on=date(2024, 1, 18),
    )
    client.force_login(colleague)
    response = client.get(reverse("notifications:review-list", kwargs={"pk": case.pk}))
    html = response.content.decode()
    assert "Continued" in html and "15 Jan 2032" in html and "Risk remains high." in html
    assert "7 Feb 2024" in html  # appeal within 21 days of receiving the notice
    assert "2 June 2023" in html
    assert "Open a review" not in html  # the colleague reads only
    view = AuditEvent.objects.filter(action=AuditAction.VIEW, user_id=colleague.pk).last()
    assert view.description == "Indefinite reviews" and view.nominal_id == case.pk


def test_supervisor_sees_open_button_only_for_indefinite(client, supervisor, case, conviction):
    client.force_login(supervisor)
    html = client.get(reverse("notifications:review-list", kwargs={"pk": case.pk})).content
    assert b"Open a review" in html
    finite = make_case(supervisor, "Finite")
    convict(finite, supervisor, months=24)
    html = client.get(reverse("notifications:review-list", kwargs={"pk": finite.pk})).content
    assert b"Open a review" not in html and b"finite" in html


def open_url(nominal):
    return reverse("notifications:review-open", kwargs={"pk": nominal.pk})


def test_open_page_accepts_an_application(client, supervisor, case):
    client.force_login(supervisor)
    assert client.get(open_url(case)).status_code == 200
    response = client.post(
        open_url(case),
        {
            "started_by": "application",
            "application_received_on_0": "1",
            "application_received_on_1": "2",
            "application_received_on_2": "2024",
        },
    )
    review = IndefiniteReview.objects.get(nominal=case)
    assert response.status_code == 302
    assert response.url == reverse("notifications:review-decide", kwargs={"review_id": review.pk})
    assert review.decision_target == date(2024, 4, 24)
    # A second press finds the open review instead of opening another.
    again = client.post(open_url(case), {"started_by": "police"})
    assert again.status_code == 302 and IndefiniteReview.objects.count() == 1


def test_open_page_refuses_a_premature_application_keeping_the_input(client, supervisor, case):
    client.force_login(supervisor)
    response = client.post(
        open_url(case),
        {
            "started_by": "application",
            "application_received_on_0": "1",
            "application_received_on_1": "6",
            "application_received_on_2": "2023",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The application is premature" in html and "2 Jun 2023" in html
    assert 'value="2023"' in html and 'value="6"' in html
    assert re.search(r'value="application"\s+checked', html)
    assert not IndefiniteReview.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select how the review started"),
        ({"started_by": "application"}, "Enter the date the application was received"),
        (
            {
                "started_by": "application",
                "application_received_on_0": "31",
                "application_received_on_1": "2",
                "application_received_on_2": "2024",
            },
            "must be a real date",
        ),
    ],
)
def test_open_page_bad_input(client, supervisor, case, data, message):
    client.force_login(supervisor)
    response = client.post(open_url(case), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not IndefiniteReview.objects.exists()


def test_police_start_from_the_page(client, supervisor, case):
    client.force_login(supervisor)
    response = client.post(open_url(case), {"started_by": "police"})
    assert response.status_code == 302
    review = IndefiniteReview.objects.get(nominal=case)
    assert review.started_by_police and review.stage == "under_review"


def decide_url(review):
    return reverse("notifications:review-decide", kwargs={"review_id": review.pk})


def test_decide_page_start_then_discharge(client, supervisor, case):
    review = open_application(supervisor, case)
    client.force_login(supervisor)
    page = client.get(decide_url(review)).content.decode()
    assert "Start the review" in page and "24 April 2024" in page
    assert client.post(decide_url(review), {"action": "start"}).status_code == 302
    review.refresh_from_db()
    assert review.stage == "under_review"
    response = client.post(
        decide_url(review),
        {
            "outcome": "discharged",
            "determined_on_0": "28",
            "determined_on_1": "6",
            "determined_on_2": "2024",
            "notice_posted_on_0": "1",
            "notice_posted_on_1": "7",
            "notice_posted_on_2": "2024",
            "notice_received_on_0": "3",
            "notice_received_on_1": "7",
            "notice_received_on_2": "2024",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.outcome == "discharged" and review.requirements_end_on == date(2024, 7, 3)
    # The same form sent again changes nothing.
    again = client.post(decide_url(review), {"outcome": "continued"})
    assert again.status_code == 302
    assert audit_rows(action=AuditAction.CHANGE).count() == 2  # started, decided


def test_decide_page_bad_input_keeps_what_was_typed(client, supervisor, case):
    review = open_application(supervisor, case)
    client.force_login(supervisor)
    response = client.post(
        decide_url(review),
        {
            "outcome": "discharged",
            "determined_on_0": "28",
            "determined_on_1": "6",
            "determined_on_2": "2024",
            "reasons": "Low risk for many years; no failures to notify.",
            "notice_posted_on_0": "3",
            "notice_posted_on_1": "7",
            "notice_posted_on_2": "2024",
            "notice_received_on_0": "1",
            "notice_received_on_1": "7",
            "notice_received_on_2": "2024",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be received" in html and "before it was posted" in html
    assert "Low risk for many years; no failures to notify." in html
    assert 'value="28"' in html
    review.refresh_from_db()
    assert review.stage == "application_received"


def test_decide_page_shows_every_gap_at_once(client, supervisor, case):
    review = open_application(supervisor, case)
    client.force_login(supervisor)
    html = client.post(decide_url(review), {"outcome": "discharged"}).content.decode()
    for message in (
        "Enter the date of the decision",
        "Enter the date the notice of discharge was posted",
        "Enter the date the person received the notice",
    ):
        assert message in html
    html = client.post(decide_url(review), {}).content.decode()
    assert "Select whether the requirements are discharged or continued" in html


def test_decide_page_continue_with_chosen_years(client, supervisor, case):
    review = open_application(supervisor, case, received=date(2024, 1, 2))
    client.force_login(supervisor)
    response = client.post(
        decide_url(review),
        {
            "outcome": "continued",
            "determined_on_0": "15",
            "determined_on_1": "1",
            "determined_on_2": "2024",
            "reasons": "Risk remains.",
            "further_years": "15",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.further_qualifying_date == date(2039, 1, 15)


def test_decided_review_page_shows_the_decision_without_a_form(client, supervisor, case):
    review = open_application(supervisor, case, received=date(2024, 1, 2))
    reviews.review_decide(
        acting_user=supervisor,
        review=review,
        outcome="continued",
        determined_on=date(2024, 1, 15),
        reasons="Risk remains.",
    )
    client.force_login(supervisor)
    html = client.get(decide_url(review)).content.decode()
    assert "15 January 2032" in html and "Record the decision" not in html


# --- Writes: every persona ----------------------------------------------------------------------

PERSONAS = [
    "om",
    "colleague",
    "om_south",
    "supervisor",
    "front_desk",
    "mappa_chair",
    "administrator",
    "other_force_om",
]
# Opening and deciding: supervisors of the case's team only; another force's supervisor is told
# the case does not exist.
WRITE = {p: 403 for p in PERSONAS} | {"supervisor": 302, "other_force_om": 404}


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_who_may_open_a_review(request, client, case, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.post(open_url(case), {"started_by": "police"})
    if persona == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == WRITE[persona]
    assert IndefiniteReview.objects.exists() == (persona == "supervisor")


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_who_may_start_and_decide_a_review(request, client, case, supervisor, persona):
    review = open_application(supervisor, case)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    started = client.post(decide_url(review), {"action": "start"})
    decided = client.post(
        decide_url(review),
        {
            "outcome": "continued",
            "determined_on_0": "1",
            "determined_on_1": "3",
            "determined_on_2": "2024",
            "reasons": "R",
        },
    )
    for response in (started, decided):
        if persona == "anonymous":
            assert response.status_code == 302 and response.url.startswith(reverse("login"))
        else:
            assert response.status_code == WRITE[persona]
    review.refresh_from_db()
    assert (review.stage == "decided") == (persona == "supervisor")


def test_a_supervisor_of_another_team_cannot_reach_the_case(client, force, south, case):
    elsewhere = make_user("sam_south", force, ["supervisor"], [south])
    client.force_login(elsewhere)
    assert client.get(open_url(case)).status_code == 404
    assert (
        client.get(reverse("notifications:review-list", kwargs={"pk": case.pk})).status_code == 404
    )


# --- The API ------------------------------------------------------------------------------------


@pytest.fixture
def api(supervisor):
    client = APIClient()
    client.force_authenticate(supervisor)
    return client


def reviews_url(nominal):
    return reverse("api:nominal-reviews", kwargs={"pk": nominal.pk})


def test_api_queue(api, supervisor, varied):
    body = api.get(reverse("api:review-queue")).json()
    assert body["count"] == 6
    fox = body["results"][0]
    assert varied["discharged"].reference not in [r["reference"] for r in body["results"]]
    assert fox["queue_stage"] == "decided" and fox["last_outcome"] == "continued"
    assert fox["further_qualifying_date"] == "2032-01-15"
    dunn = api.get(reverse("api:review-queue"), {"stage": "application_received"}).json()
    assert [r["name"] for r in dunn["results"]] == ["John Dunn"]
    assert dunn["results"][0]["decision_target"] == "2024-04-24"
    assert dunn["results"][0]["overdue"] is True
    baker = next(r for r in body["results"] if r["name"] == "John Baker")
    assert baker["eligible"] is False and "6 Jan 2035" in baker["reasons"][0]
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, user_id=supervisor.pk, description__startswith="API: indefinite"
    ).exists()


def test_api_queue_rejects_unknown_stage(api):
    response = api.get(reverse("api:review-queue"), {"stage": "nonsense"})
    assert response.status_code == 400
    body = response.json()
    assert body["message"] and "stage" in body["errors"]


def test_api_nominal_reviews_get(api, case, supervisor):
    open_application(supervisor, case)
    body = api.get(reviews_url(case)).json()
    assert body["indefinite"] is True and body["eligible"] is True
    assert body["statutory_date"] == "2023-06-02" and body["policy_date"] == "2023-06-02"
    assert body["queue_stage"] == "application_received"
    assert body["decision_target"] == "2024-04-24" and body["overdue"] is True
    assert body["reviews"][0]["opened_by"]["id"] == supervisor.pk
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, nominal_id=case.pk, description="API: indefinite reviews"
    ).exists()


def test_api_open_review(api, case):
    url = reviews_url(case)
    created = api.post(url, {"application_received_on": "2024-02-01"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["decision_target"] == "2024-04-24"
    again = api.post(url, {"application_received_on": "2024-02-01"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert audit_rows(action=AuditAction.CREATE).count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"application_received_on": "2023-06-01"}, "application_received_on", "premature"),
        ({}, "application_received_on", "Give the date"),
        ({"application_received_on": "2024-02-31"}, "application_received_on", ""),
        ({"application_received_on": "soon"}, "application_received_on", ""),
        (
            {"started_by_police": True, "application_received_on": "2024-02-01"},
            "application_received_on",
            "Leave this out",
        ),
        ({"started_by_police": "perhaps"}, "started_by_police", ""),
    ],
)
def test_api_open_bad_input(api, case, payload, field, words):
    response = api.post(reviews_url(case), payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] and any(words in m for m in body["errors"][field])
    assert not IndefiniteReview.objects.exists()


def test_api_open_finite_is_refused(api, conviction):
    response = api.post(reviews_url(conviction.nominal), {"started_by_police": True}, format="json")
    assert response.status_code == 400
    assert "finite" in response.json()["errors"]["non_field_errors"][0]


API_WRITE = {p: 403 for p in PERSONAS} | {"supervisor": 201, "other_force_om": 404}


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_who_may_open_through_the_api(request, case, persona):
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(request.getfixturevalue(persona))
    response = client.post(reviews_url(case), {"started_by_police": True}, format="json")
    assert response.status_code == (401 if persona == "anonymous" else API_WRITE[persona])
    assert set(response.json()) == {"message", "errors"} or response.status_code == 201
