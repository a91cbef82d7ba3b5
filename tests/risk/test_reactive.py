"""Reactive management (domain.md section 5): eligibility from the records, the supervisors' queue,
proposal and decision, return to active management, the nightly refresh and the API."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import BooleanField, Case, Value, When
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.dates import add_years
from cases.models import (
    AuditAction,
    AuditEvent,
    CaseEvent,
    FieldChange,
    InboxItem,
    Nominal,
    NominalStatus,
)
from notifications.models import Clock
from notifications.services import clock_refresh
from risk.models import DenialReason, NoteKind, ReactiveCase, ReactiveStage
from risk.services import levels, notes, reactive
from risk.services.triggers import EVENT_TRIGGERS
from risk.sweep import REACTIVE_LOCK, refresh_reactive
from risk.tasks import refresh_reactive_nightly
from visits.models import VisitDue

# domain.md 5.1-5.3 are worked "today 1 Jun 2024".
WORKED_TODAY = date(2024, 6, 1)


# --- Small factories ----------------------------------------------------------------------------


def make_case(om, surname, *, since=None, level="low", mappa=1, licence=False):
    """A case in `om`'s team at `level` from `since` (through the risk level service)."""
    nominal = case_services.nominal_create(
        acting_user=om,
        data={
            "forenames": "Test",
            "surname": surname,
            "date_of_birth": date(1960, 3, 3),
            "sex": "male",
        },
    )
    if mappa != 1 or licence:
        Nominal.objects.filter(pk=nominal.pk).update(mappa_level=mappa, on_licence=licence)
    if since is not None:
        set_level(om, nominal, level, since)
    return Nominal.objects.get(pk=nominal.pk)


def set_level(om, nominal, level, on):
    levels.risk_level_set(
        acting_user=om, nominal=nominal, level=level, rationale=f"{level} on review", set_on=on
    )


def today():
    return timezone.localdate()


def eligible_case(om, surname="Eligible"):
    """Low risk for three years and a day: eligible under the default settings."""
    return make_case(om, surname, since=add_years(today(), -3) - timedelta(days=1))


def note(user, nominal, kind=NoteKind.INTELLIGENCE, *, on=None, concern=False):
    return notes.case_note_add(
        acting_user=user,
        nominal=nominal,
        data={
            "kind": kind,
            "occurred_on": on or today(),
            "text": f"{kind} reported by the neighbourhood team",
            "source": "Neighbourhood team",
            "is_concern": concern,
        },
    )[0]


def stage(nominal):
    return ReactiveCase.objects.get(nominal=nominal).stage


def shpo(monkeypatch, *people):
    """People subject to an SHPO, through both forms of the civil-order seam."""
    ids = {p.pk for p in people}
    monkeypatch.setattr(
        reactive, "civil_order_in_force", lambda nominal, on=None: nominal.pk in ids
    )
    monkeypatch.setattr(
        reactive,
        "with_civil_orders",
        lambda queryset, on: queryset.annotate(
            civil_order_in_force=Case(
                When(pk__in=ids, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        ),
    )


@pytest.fixture
def worked_today(monkeypatch):
    """Today is 1 June 2024, for the worked examples."""
    real = timezone.localdate

    def fixed(value=None, timezone=None):
        return WORKED_TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", fixed)
    return WORKED_TODAY


def queue_ids(client, query=""):
    response = client.get(reverse("risk:reactive-queue") + query)
    assert response.status_code == 200
    return [row.nominal.pk for row in response.context["entries"]], response


def propose(client, nominal):
    return client.post(reverse("risk:reactive-propose", args=[nominal.pk]))


def decide(client, nominal, **data):
    data = {k: v for k, v in data.items() if v is not None}
    if isinstance(data.get("snoozed_until"), date):
        day = data.pop("snoozed_until")
        data.update(snoozed_until_0=day.day, snoozed_until_1=day.month, snoozed_until_2=day.year)
    return client.post(reverse("risk:reactive-decide", args=[nominal.pk]), data)


# --- Eligibility: the worked examples through the queue ----------------------------------------


def test_worked_examples_5_1_to_5_3_through_the_queue(
    client, om, supervisor, worked_today, monkeypatch
):
    example_1 = make_case(om, "Example51", since=date(2021, 6, 1))
    example_2 = make_case(om, "Example52", since=date(2021, 6, 2))
    example_3 = make_case(om, "Example53", since=date(2021, 6, 1))
    shpo(monkeypatch, example_3)

    refresh_reactive(on=worked_today)
    client.force_login(supervisor)
    ids, response = queue_ids(client)

    assert ids == [example_1.pk]
    row = response.context["entries"][0]
    assert row.assessment.eligible and row.stage == "eligible"
    reasons = [c["reason"] for c in row.assessment.criteria]
    assert "Low risk since 1 Jun 2021: 3 years reached on 1 Jun 2024." in reasons
    assert "Managed at MAPPA level 1." in reasons and "No civil order in force." in reasons
    assert "Low risk since 1 Jun 2021" in response.content.decode()
    one_day_short = reactive.assess_case(example_2, on=worked_today)
    assert not one_day_short.eligible
    assert one_day_short.unmet == [
        "Low risk since 2 Jun 2021: 3 years not reached until 2 Jun 2024."
    ]
    with_shpo = reactive.assess_case(example_3, on=worked_today)
    assert with_shpo.unmet == ["A civil order (such as an SHPO) is in force."]
    assert not ReactiveCase.objects.filter(nominal__in=[example_2, example_3]).exists()


def test_an_shpo_does_not_exclude_when_the_force_allows_it(om, monkeypatch):
    nominal = make_case(om, "Allowed", since=date(2021, 6, 1))
    nominal.force.reactive_civil_orders_exclude = False
    nominal.force.save()
    shpo(monkeypatch, nominal)

    assert reactive.assess_case(nominal, on=WORKED_TODAY).eligible


def test_the_force_may_shorten_the_qualifying_period(om):
    nominal = make_case(om, "Shorter", since=date(2022, 6, 1))
    assert not reactive.assess_case(nominal, on=WORKED_TODAY).eligible

    nominal.force.reactive_qualifying_years = 2
    nominal.force.save()

    assert reactive.assess_case(nominal, on=WORKED_TODAY).eligible


def test_the_civil_order_seam_answers_no_in_both_forms_until_orders_are_recorded(om):
    nominal = make_case(om, "Seam", since=date(2021, 6, 1))

    bulk = reactive.with_civil_orders(Nominal.objects.filter(pk=nominal.pk), WORKED_TODAY).get()

    assert reactive.civil_order_in_force(nominal, WORKED_TODAY) is False
    assert bulk.civil_order_in_force is False


def test_low_risk_counts_from_the_start_of_the_current_run(om):
    nominal = make_case(om, "Runs", since=date(2018, 1, 10))
    set_level(om, nominal, "medium", date(2020, 5, 5))
    set_level(om, nominal, "low", date(2021, 6, 1))
    set_level(om, nominal, "low", date(2023, 2, 2))  # confirmed low: the run goes on

    assessment = reactive.assess_case(nominal, on=WORKED_TODAY)

    assert assessment.eligible
    assert assessment.criteria[0]["reason"].startswith("Low risk since 1 Jun 2021")
    # As on a day before the run began, the level then was not low.
    earlier = reactive.assess_case(nominal, on=date(2021, 1, 1))
    assert not earlier.eligible


@pytest.mark.parametrize(
    ("kind", "concern", "eligible"),
    [
        (NoteKind.ARREST, False, False),  # an arrest is always a concern
        (NoteKind.INTELLIGENCE, True, False),
        (NoteKind.INTELLIGENCE, False, True),  # intelligence raising no concern
        (NoteKind.NOTE, True, False),
    ],
)
def test_a_concern_in_the_qualifying_period_rules_out(om, kind, concern, eligible):
    nominal = make_case(om, "Concern", since=date(2019, 1, 1))
    note(om, nominal, kind, on=date(2022, 3, 3), concern=concern)

    assessment = reactive.assess_case(nominal, on=WORKED_TODAY)

    assert assessment.eligible is eligible
    if not eligible:
        assert assessment.unmet == [
            "Breach, arrest or intelligence concern on 3 Mar 2022, within the last 3 years."
        ]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({"mappa": 2}, "Managed at MAPPA level 2, not level 1."),
        ({"licence": True}, "On licence."),
        ({"level": "medium"}, "Current risk level is medium, not low."),
    ],
)
def test_every_criterion_is_read_from_the_case(om, setup, reason):
    nominal = make_case(om, "Criteria", since=date(2019, 1, 1), **setup)

    assert reactive.assess_case(nominal, on=WORKED_TODAY).unmet == [reason]


def test_a_case_without_a_risk_level_or_not_active_is_not_eligible(om):
    unset = make_case(om, "Unset")
    custody = make_case(om, "Custody", since=date(2019, 1, 1))
    Nominal.objects.filter(pk=custody.pk).update(status=NominalStatus.IN_CUSTODY)

    assert reactive.assess_case(unset, on=WORKED_TODAY).unmet == [
        "The overall risk level has not been set."
    ]
    assert reactive.assess_case(custody, on=WORKED_TODAY).unmet == [
        "The case is in custody, not active."
    ]


# --- Proposal and decision ----------------------------------------------------------------------


def test_proposal_then_approval_makes_the_case_reactive(client, om, supervisor):
    nominal = eligible_case(om)
    client.force_login(om)

    assert client.get(reverse("risk:reactive-propose", args=[nominal.pk])).status_code == 200
    assert propose(client, nominal).status_code == 302

    case = ReactiveCase.objects.get(nominal=nominal)
    assert case.stage == ReactiveStage.PROPOSED and case.proposed_by == om and case.eligible
    item = InboxItem.objects.get(user=supervisor, kind="reactive_proposal")
    assert item.link == reverse("risk:reactive-decide", args=[nominal.pk])
    assert CaseEvent.objects.filter(nominal=nominal, kind="reactive_proposed").exists()

    client.force_login(supervisor)
    ids, _ = queue_ids(client, "?stage=proposed")
    assert ids == [nominal.pk]
    assert client.get(reverse("risk:reactive-decide", args=[nominal.pk])).status_code == 200
    response = decide(client, nominal, decision="approve")

    assert response.status_code == 302
    nominal.refresh_from_db()
    case.refresh_from_db()
    assert nominal.status == NominalStatus.REACTIVE
    assert case.stage == ReactiveStage.APPROVED and case.decided_by == supervisor
    # The status change went through the case service, so the history has it.
    change = FieldChange.objects.get(event__nominal=nominal, field="Status")
    assert (change.old, change.new) == ("Active", "Reactive")
    assert InboxItem.objects.filter(user=om, kind="reactive_approved").exists()
    # The visits work reads the status: no routine visit is due under reactive management.
    assert VisitDue.objects.get(nominal=nominal).due is None
    assert AuditEvent.objects.filter(
        user_id=supervisor.pk, action=AuditAction.CHANGE, object_type="risk.ReactiveCase"
    ).exists()
    assert queue_ids(client)[0] == []


def test_proposing_twice_changes_nothing(om):
    nominal = eligible_case(om)

    _, first = reactive.reactive_propose(acting_user=om, nominal=nominal)
    _, second = reactive.reactive_propose(acting_user=om, nominal=nominal)

    assert first and not second
    assert CaseEvent.objects.filter(kind="reactive_proposed").count() == 1


def test_a_case_that_is_not_eligible_cannot_be_proposed(client, om):
    nominal = make_case(om, "Medium", since=date(2019, 1, 1), level="medium")
    client.force_login(om)

    page = client.get(reverse("risk:reactive-propose", args=[nominal.pk])).content.decode()
    response = client.post(reverse("risk:reactive-propose", args=[nominal.pk]), follow=True)

    assert "Current risk level is medium, not low." in page
    assert "Propose for reactive management</button>" not in page
    assert "not eligible for reactive management" in response.content.decode()
    assert not ReactiveCase.objects.exists()


def test_approval_rechecks_eligibility(om, supervisor):
    nominal = eligible_case(om)
    reactive.reactive_propose(acting_user=om, nominal=nominal)
    note(om, nominal, NoteKind.ARREST)

    with pytest.raises(ValidationError) as error:
        reactive.reactive_decide(acting_user=supervisor, nominal=nominal, decision="approve")

    assert "no longer eligible" in error.value.message_dict["decision"][0]
    assert stage(nominal) == ReactiveStage.PROPOSED


def test_only_a_proposed_case_can_be_approved(om, supervisor):
    nominal = eligible_case(om)
    refresh_reactive()

    with pytest.raises(ValidationError) as error:
        reactive.reactive_decide(acting_user=supervisor, nominal=nominal, decision="approve")

    assert "proposed" in error.value.message_dict["decision"][0]


def test_only_a_supervisor_decides(om):
    nominal = eligible_case(om)
    reactive.reactive_propose(acting_user=om, nominal=nominal)

    with pytest.raises(PermissionDenied) as error:
        reactive.reactive_decide(acting_user=om, nominal=nominal, decision="approve")

    assert "supervisor" in str(error.value)
    assert stage(nominal) == ReactiveStage.PROPOSED


def test_denial_needs_a_coded_reason_and_comments_for_other(client, om, supervisor):
    nominal = eligible_case(om)
    reactive.reactive_propose(acting_user=om, nominal=nominal)
    client.force_login(supervisor)

    no_reason = decide(client, nominal, decision="deny")
    other = decide(client, nominal, decision="deny", reason=DenialReason.OTHER)
    assert "Select the reason for denying" in no_reason.content.decode()
    assert "Explain the reason in the comments" in other.content.decode()
    assert stage(nominal) == ReactiveStage.PROPOSED

    done = decide(client, nominal, decision="deny", reason=DenialReason.RISK_CONCERN)

    assert done.status_code == 302
    case = ReactiveCase.objects.get(nominal=nominal)
    assert case.stage == ReactiveStage.DENIED and case.reason == DenialReason.RISK_CONCERN
    assert Nominal.objects.get(pk=nominal.pk).status == NominalStatus.ACTIVE
    event = CaseEvent.objects.get(nominal=nominal, kind="reactive_denied")
    assert "professional concern about risk" in event.summary
    assert queue_ids(client)[0] == []


def test_denial_for_another_reason_keeps_the_comments(om, supervisor):
    nominal = eligible_case(om)
    reactive.reactive_propose(acting_user=om, nominal=nominal)

    case, changed = reactive.reactive_decide(
        acting_user=supervisor,
        nominal=nominal,
        decision="deny",
        reason=DenialReason.OTHER,
        comments="Victim has moved nearby",
    )

    assert changed and case.comments == "Victim has moved nearby"


def test_a_snooze_of_more_than_90_days_is_refused(client, om, supervisor):
    nominal = eligible_case(om)
    reactive.reactive_propose(acting_user=om, nominal=nominal)
    client.force_login(supervisor)
    latest = today() + timedelta(days=90)

    response = decide(client, nominal, decision="snooze", snoozed_until=latest + timedelta(days=1))

    body = response.content.decode()
    assert "You can snooze for at most 90 days" in body
    assert f"no later than {latest:%-d %b %Y}" in body
    assert stage(nominal) == ReactiveStage.PROPOSED
    past = decide(client, nominal, decision="snooze", snoozed_until=today())
    assert "must be in the future" in past.content.decode()


def test_a_snoozed_case_is_hidden_until_the_snooze_ends(client, om, supervisor):
    nominal = eligible_case(om)
    reactive.reactive_propose(acting_user=om, nominal=nominal)
    client.force_login(supervisor)
    until = today() + timedelta(days=90)

    assert decide(client, nominal, decision="snooze", snoozed_until=until).status_code == 302

    case = ReactiveCase.objects.get(nominal=nominal)
    assert case.stage == ReactiveStage.SNOOZED and case.snoozed_until == until
    assert queue_ids(client)[0] == []
    refresh_reactive(on=until - timedelta(days=1))
    assert stage(nominal) == ReactiveStage.SNOOZED

    result = refresh_reactive(on=until)

    assert result.unsnoozed == 1
    case.refresh_from_db()
    assert case.stage == ReactiveStage.PROPOSED and case.snoozed_until is None
    assert queue_ids(client)[0] == [nominal.pk]
    assert InboxItem.objects.filter(user=supervisor, kind="reactive_refresh").exists()


def test_the_annual_notification_continues_under_reactive_management(om, supervisor, notification):
    nominal = notification.nominal
    set_level(om, nominal, "low", add_years(today(), -4))
    due_before = Clock.objects.get(nominal=nominal).next_periodic_due
    assert due_before is not None
    reactive.reactive_propose(acting_user=om, nominal=nominal)

    reactive.reactive_decide(acting_user=supervisor, nominal=nominal, decision="approve")

    assert Nominal.objects.get(pk=nominal.pk).status == NominalStatus.REACTIVE
    clock = clock_refresh(nominal)
    assert clock.next_periodic_due == due_before
    assert clock.subject


# --- Return to active management ----------------------------------------------------------------


@pytest.fixture
def reactive_case(om, supervisor):
    nominal = eligible_case(om, "Reactive")
    reactive.reactive_propose(acting_user=om, nominal=nominal)
    reactive.reactive_decide(acting_user=supervisor, nominal=nominal, decision="approve")
    return Nominal.objects.get(pk=nominal.pk)


def test_new_intelligence_flags_return_and_reaches_the_supervisor(
    client, om, supervisor, reactive_case
):
    client.force_login(om)
    day = today()
    response = client.post(
        reverse("risk:note-add", args=[reactive_case.pk]),
        {
            "kind": "intelligence",
            "occurred_on_0": day.day,
            "occurred_on_1": day.month,
            "occurred_on_2": day.year,
            "text": "Reported living with a new partner who has two children",
            "source": "Children's services",
        },
    )
    assert response.status_code == 302

    case = ReactiveCase.objects.get(nominal=reactive_case)
    assert case.stage == ReactiveStage.RETURN_FLAGGED
    assert [t["trigger"] for t in case.return_triggers] == ["new_intelligence"]
    item = InboxItem.objects.get(user=supervisor, kind="reactive_return")
    assert item.link.endswith("?stage=return_flagged")
    client.force_login(supervisor)
    ids, page = queue_ids(client, "?stage=return_flagged")
    assert ids == [reactive_case.pk]
    assert "Intelligence recorded" in page.content.decode()


def test_the_supervisor_returns_the_case_to_active_management(
    client, om, supervisor, reactive_case
):
    note(om, reactive_case, NoteKind.ARREST)
    client.force_login(supervisor)

    assert client.get(reverse("risk:reactive-decide", args=[reactive_case.pk])).status_code == 200
    response = decide(client, reactive_case, decision="return")

    assert response.status_code == 302
    case = ReactiveCase.objects.get(nominal=reactive_case)
    assert case.stage == ReactiveStage.RETURNED and case.return_triggers == []
    assert Nominal.objects.get(pk=reactive_case.pk).status == NominalStatus.ACTIVE
    assert InboxItem.objects.filter(user=om, kind="reactive_returned").exists()
    assert VisitDue.objects.get(nominal=reactive_case).due is not None
    assert queue_ids(client)[0] == []


def test_keeping_a_flagged_case_reactive_needs_a_reason(client, om, supervisor, reactive_case):
    note(om, reactive_case, NoteKind.INTELLIGENCE)
    client.force_login(supervisor)

    refused = decide(client, reactive_case, decision="keep")
    assert "Give the reason for keeping" in refused.content.decode()

    decide(client, reactive_case, decision="keep", comments="Unfounded: checked with the school")

    case = ReactiveCase.objects.get(nominal=reactive_case)
    assert case.stage == ReactiveStage.RETURN_DECLINED
    assert Nominal.objects.get(pk=reactive_case.pk).status == NominalStatus.REACTIVE
    # A later trigger flags it again.
    note(om, reactive_case, NoteKind.ARREST, on=today() - timedelta(days=1))
    assert stage(reactive_case) == ReactiveStage.RETURN_FLAGGED


def test_the_same_decision_twice_changes_nothing(om, supervisor, reactive_case):
    events = CaseEvent.objects.count()

    _, changed = reactive.reactive_decide(
        acting_user=supervisor, nominal=reactive_case, decision="approve"
    )

    assert not changed and CaseEvent.objects.count() == events


def test_timeline_kinds_are_not_triggers(reactive_case):
    kinds = set(CaseEvent.objects.filter(nominal=reactive_case).values_list("kind", flat=True))

    assert {"reactive_proposed", "reactive_approved"} <= kinds
    assert not kinds & set(EVENT_TRIGGERS)


def test_the_risk_tab_shows_reactive_management(client, om, supervisor, reactive_case):
    client.force_login(om)

    body = client.get(reverse("risk:overview", args=[reactive_case.pk])).content.decode()

    assert "Under reactive management: no routine visits" in body


# --- The nightly refresh ------------------------------------------------------------------------


def snapshot():
    rows = list(ReactiveCase.objects.order_by("pk").values())
    return rows, AuditEvent.objects.count(), CaseEvent.objects.count(), InboxItem.objects.count()


def test_the_refresh_adds_eligible_cases_once_and_a_second_run_writes_nothing(om, supervisor):
    eligible = eligible_case(om, "Joins")
    make_case(om, "Stays", since=today() - timedelta(days=30))

    first = refresh_reactive()
    after_first = snapshot()
    second = refresh_reactive()

    assert first.ran and first.joined == 1 and first.checked == 2
    assert stage(eligible) == ReactiveStage.ELIGIBLE
    assert InboxItem.objects.filter(user=om, nominal=eligible, kind="reactive_refresh").exists()
    assert second.ran and second.writes == 0
    assert snapshot() == after_first


def test_a_case_no_longer_eligible_drops_back_with_the_reason(om, supervisor):
    nominal = eligible_case(om)
    reactive.reactive_propose(acting_user=om, nominal=nominal)
    note(om, nominal, NoteKind.ARREST)

    result = refresh_reactive()

    assert result.dropped == 1
    case = ReactiveCase.objects.get(nominal=nominal)
    assert case.stage == ReactiveStage.ELIGIBLE and not case.eligible
    assert case.proposed_by is None
    reasons = [c["reason"] for c in case.criteria if not c["met"]]
    assert reasons and "arrest" in reasons[0]
    event = CaseEvent.objects.get(nominal=nominal, kind="reactive_refreshed")
    assert event.summary.startswith("No longer eligible for reactive management: Breach, arrest")
    assert InboxItem.objects.filter(user=om, kind="reactive_refresh", nominal=nominal).exists()
    assert refresh_reactive().writes == 0


def test_a_status_changed_by_hand_is_recorded_as_returned(om, reactive_case):
    case_services.nominal_update(
        acting_user=om, nominal=reactive_case, data={"status": NominalStatus.IN_CUSTODY}
    )

    result = refresh_reactive()

    assert result.returned == 1 and stage(reactive_case) == ReactiveStage.RETURNED


def test_the_refresh_as_on_a_past_day(om):
    nominal = make_case(om, "Past", since=date(2021, 6, 1))

    assert refresh_reactive(on=date(2024, 5, 31)).joined == 0
    assert refresh_reactive(on=WORKED_TODAY).joined == 1
    assert ReactiveCase.objects.get(nominal=nominal).checked_on == WORKED_TODAY


@pytest.fixture
def lock_holder(hold_sweep_lock):
    return hold_sweep_lock(REACTIVE_LOCK)


def test_a_concurrent_refresh_returns_at_once(om, lock_holder):
    nominal = eligible_case(om)

    with CaptureQueriesContext(connection) as queries:
        busy = refresh_reactive()

    assert not busy.ran and busy.writes == 0
    assert "another refresh is in progress" in str(busy)
    assert len(queries) == 1
    assert not ReactiveCase.objects.exists()
    lock_holder.release()
    assert refresh_reactive().joined == 1 and stage(nominal) == ReactiveStage.ELIGIBLE


def test_the_refresh_costs_a_handful_of_queries_per_batch_not_per_case(om):
    for n in range(3):
        eligible_case(om, f"Small{n}")
    with CaptureQueriesContext(connection) as small:
        refresh_reactive(batch_size=500)
    for n in range(12):
        eligible_case(om, f"Large{n}")
    ReactiveCase.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        result = refresh_reactive(batch_size=500)

    assert result.joined == 15
    assert len(large) == len(small) <= 25  # a fixed handful, savepoints and locks included


def test_the_command_and_the_task(om):
    nominal = make_case(om, "Command", since=date(2021, 6, 1))
    out = io.StringIO()

    call_command("refresh_reactive", "--date", "2024-06-01", stdout=out)

    assert "Newly eligible:          1" in out.getvalue()
    assert stage(nominal) == ReactiveStage.ELIGIBLE
    with pytest.raises(CommandError):
        call_command("refresh_reactive", "--date", "1 June", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("refresh_reactive", "--batch-size", "0", stdout=io.StringIO())
    ReactiveCase.objects.all().delete()
    queued = refresh_reactive_nightly.delay().get()
    assert queued["sweep"] == "reactive"
    assert stage(nominal) == ReactiveStage.ELIGIBLE  # the task's parts ran at once


def test_the_nightly_task_is_scheduled_with_an_expiry(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-reactive-nightly"]

    assert entry["task"] == "risk.tasks.refresh_reactive_nightly"
    assert 0 < entry["options"]["expires"] < 24 * 3600


# --- The queue: scope, query counts, access -----------------------------------------------------


def test_the_queue_shows_only_the_supervisors_teams(client, om, om_south, supervisor):
    mine = eligible_case(om, "Mine")
    theirs = eligible_case(om_south, "Theirs")
    refresh_reactive()
    client.force_login(supervisor)

    ids, _ = queue_ids(client)

    assert ids == [mine.pk] and theirs.pk not in ids


def test_the_queue_query_count_is_flat(client, om, supervisor, django_assert_max_num_queries):
    client.force_login(supervisor)
    for n in range(2):
        eligible_case(om, f"Few{n}")
    refresh_reactive()
    client.get(reverse("risk:reactive-queue"))
    with django_assert_max_num_queries(16) as small:
        assert len(queue_ids(client)[0]) == 2
    for n in range(10):
        eligible_case(om, f"Many{n}")
    refresh_reactive()
    with django_assert_max_num_queries(16) as large:
        assert len(queue_ids(client)[0]) == 12
    assert len(large.captured_queries) == len(small.captured_queries)


def test_supervisors_find_the_queue_in_the_navigation(client, om, supervisor):
    queue = reverse("risk:reactive-queue")
    client.force_login(supervisor)
    assert f'href="{queue}"' in client.get(reverse("cases:inbox")).content.decode()

    client.force_login(om)
    assert f'href="{queue}"' not in client.get(reverse("cases:inbox")).content.decode()


def test_the_queue_is_audited(client, supervisor):
    client.force_login(supervisor)

    client.get(reverse("risk:reactive-queue"))

    assert AuditEvent.objects.filter(
        user_id=supervisor.pk, action=AuditAction.VIEW, description="Reactive-management queue"
    ).exists()


@pytest.mark.parametrize(
    ("persona", "queue", "propose_status", "decide_status"),
    [
        ("om", 403, 302, 403),
        ("colleague", 403, 403, 403),
        ("supervisor", 200, 302, 302),
        ("om_south", 403, 404, 403),
        ("front_desk", 403, 404, 403),
        ("mappa_chair", 403, 404, 403),
        ("administrator", 403, 404, 403),
        ("other_force_om", 200, 404, 404),
    ],
)
def test_page_access_per_persona(
    request, client, om, supervisor, persona, queue, propose_status, decide_status
):
    nominal = eligible_case(om)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("risk:reactive-queue")).status_code == queue
    assert propose(client, nominal).status_code == propose_status
    if propose_status != 302:
        reactive.reactive_propose(acting_user=om, nominal=nominal)
    response = decide(client, nominal, decision="deny", reason=DenialReason.MAPPA_DECISION)
    assert response.status_code == decide_status
    expected = ReactiveStage.DENIED if decide_status == 302 else ReactiveStage.PROPOSED
    assert stage(nominal) == expected


def test_the_decide_page_with_nothing_to_decide(client, om, supervisor):
    nominal = eligible_case(om)
    client.force_login(supervisor)

    page = client.get(reverse("risk:reactive-decide", args=[nominal.pk]))
    posted = decide(client, nominal, decision="approve")

    assert "nothing for you to decide" in page.content.decode()
    assert posted.status_code == 200 and not ReactiveCase.objects.exists()


# --- The API ------------------------------------------------------------------------------------


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_propose_and_decide_end_to_end(om, supervisor):
    nominal = eligible_case(om)
    propose_url = reverse("api:reactive-propose", args=[nominal.pk])
    decide_url = reverse("api:reactive-decide", args=[nominal.pk])

    proposed = api_for(om).post(propose_url)
    again = api_for(om).post(propose_url)
    queue = api_for(supervisor).get(reverse("api:reactive-queue")).json()
    approved = api_for(supervisor).post(decide_url, {"decision": "approve"}, format="json")

    assert proposed.status_code == 201 and again.status_code == 200
    assert proposed.json()["stage"] == "proposed"
    assert proposed.json()["proposed_by"]["id"] == om.pk
    assert queue["count"] == 1
    row = queue["results"][0]
    assert row["id"] == nominal.pk and row["stage"] == "proposed" and row["eligible"]
    assert {c["code"] for c in row["criteria"]} == {
        "low_risk_period",
        "mappa_level_1",
        "not_on_licence",
        "no_civil_order",
        "no_concern",
    }
    assert approved.status_code == 200 and approved.json()["stage"] == "approved"
    assert Nominal.objects.get(pk=nominal.pk).status == NominalStatus.REACTIVE


def test_api_snooze_limit_and_denial_reason_errors(om, supervisor):
    nominal = eligible_case(om)
    reactive.reactive_propose(acting_user=om, nominal=nominal)
    url = reverse("api:reactive-decide", args=[nominal.pk])
    client = api_for(supervisor)
    too_late = (today() + timedelta(days=91)).isoformat()

    snooze = client.post(url, {"decision": "snooze", "snoozed_until": too_late}, format="json")
    deny = client.post(url, {"decision": "deny"}, format="json")
    other = client.post(url, {"decision": "deny", "reason": "other"}, format="json")

    assert snooze.status_code == 400
    assert "at most 90 days" in snooze.json()["errors"]["snoozed_until"][0]
    assert deny.status_code == 400 and "reason" in deny.json()["errors"]
    assert other.status_code == 400 and "comments" in other.json()["errors"]
    assert stage(nominal) == ReactiveStage.PROPOSED


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"decision": "maybe"},
        {"decision": "snooze", "snoozed_until": "next week"},
        {"decision": "deny", "reason": "dislike"},
        {"decision": "return"},
        {"decision": "keep", "comments": "x" * 6000},
        [],
        "approve",
    ],
)
def test_api_decide_never_fails_on_bad_input(om, supervisor, body):
    nominal = eligible_case(om)
    reactive.reactive_propose(acting_user=om, nominal=nominal)

    response = api_for(supervisor).post(
        reverse("api:reactive-decide", args=[nominal.pk]), body, format="json"
    )

    assert response.status_code == 400
    assert response.json()["message"] and response.json()["errors"]


def test_api_propose_when_not_eligible_is_a_clear_error(om):
    nominal = make_case(om, "High", since=date(2019, 1, 1), level="high")

    response = api_for(om).post(reverse("api:reactive-propose", args=[nominal.pk]))

    assert response.status_code == 400
    assert "not eligible" in response.json()["errors"]["non_field_errors"][0]


def test_api_queue_rejects_an_unknown_stage(supervisor):
    response = api_for(supervisor).get(reverse("api:reactive-queue"), {"stage": "approved"})

    assert response.status_code == 400 and "stage" in response.json()["errors"]


def test_api_queue_shows_return_triggers(om, supervisor, reactive_case):
    note(om, reactive_case, NoteKind.ARREST)

    body = api_for(supervisor).get(reverse("api:reactive-queue"), {"stage": "return_flagged"})

    row = body.json()["results"][0]
    assert row["stage"] == "return_flagged"
    assert [t["trigger"] for t in row["case"]["return_triggers"]] == ["arrest"]


def test_api_queue_query_count_is_flat(om, supervisor, django_assert_max_num_queries):
    client = api_for(supervisor)
    eligible_case(om, "ApiFew")
    refresh_reactive()
    client.get(reverse("api:reactive-queue"))
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("api:reactive-queue")).json()["count"] == 1
    for n in range(8):
        eligible_case(om, f"ApiMany{n}")
    refresh_reactive()
    with django_assert_max_num_queries(12) as large:
        assert client.get(reverse("api:reactive-queue")).json()["count"] == 9
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize(
    ("persona", "queue", "propose_status", "decide_status"),
    [
        ("om", 403, 201, 403),
        ("colleague", 403, 403, 403),
        ("supervisor", 200, 201, 200),
        ("om_south", 403, 404, 403),
        ("front_desk", 403, 403, 403),
        ("mappa_chair", 403, 404, 403),
        ("administrator", 403, 403, 403),
        ("other_force_om", 200, 404, 404),
    ],
)
def test_api_access_per_persona(request, om, persona, queue, propose_status, decide_status):
    nominal = eligible_case(om)
    client = api_for(request.getfixturevalue(persona))

    assert client.get(reverse("api:reactive-queue")).status_code == queue
    assert client.post(reverse("api:reactive-propose", args=[nominal.pk])).status_code == (
        propose_status
    )
    if propose_status != 201:
        reactive.reactive_propose(acting_user=om, nominal=nominal)
    response = client.post(
        reverse("api:reactive-decide", args=[nominal.pk]),
        {"decision": "deny", "reason": "pending_information"},
        format="json",
    )
    assert response.status_code == decide_status


def test_api_anonymous_is_refused(nominal):
    client = APIClient()

    assert client.get(reverse("api:reactive-queue")).status_code == 401
    assert client.post(reverse("api:reactive-propose", args=[nominal.pk])).status_code == 401


def test_a_missed_notification_flags_a_reactive_case_for_return(om, supervisor, conviction):
    """Domain.md section 5: a missed notification brings a reactive case back for decision."""
    from cases.models import Nominal, NominalStatus
    from notifications.models import Clock
    from risk.models import ReactiveCase, ReactiveStage
    from risk.sweep import refresh_reactive

    nominal = conviction.nominal
    Nominal.objects.filter(pk=nominal.pk).update(status=NominalStatus.REACTIVE)
    ReactiveCase.objects.create(nominal=nominal, stage=ReactiveStage.APPROVED)
    clock = Clock.objects.get(pk=nominal.pk)
    assert clock.next_due < timezone.localdate()  # never notified since 2020

    first = refresh_reactive()
    second = refresh_reactive()

    case = ReactiveCase.objects.get(pk=nominal.pk)
    assert case.stage == ReactiveStage.RETURN_FLAGGED
    assert case.return_triggers[0]["trigger"] == "missed_notification"
    assert first.flagged == 1 and second.flagged == 0
