"""MAPPA meetings (domain.md section 7): the meeting, its agenda and attendance, each case's
minutes with validation that names what is missing, not-for-sharing flags, closing (which sets
each case's next review), actions tracked to done, who reads which minutes, every page per
persona, and query counts that stay flat as the agenda grows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import AuditAction, AuditEvent, CaseEvent, Nominal, Role, User
from mappa import rules, selectors
from mappa.models import (
    ActionStatus,
    Agency,
    AgendaItem,
    Attendee,
    Decision,
    MappaReviewDue,
    Meeting,
    MeetingAction,
    MeetingStatus,
)
from mappa.services import meetings as service
from mappa.services import minutes as minutes_service
from mappa.services.levels import mappa_level_set
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PLAN = {
    "supervision": "Weekly reporting to probation",
    "monitoring": "Unannounced home visits monthly",
    "interventions": "Horizon programme",
    "victim_safety": "Exclusion zone around the school",
    "contingency": "Recall if he contacts the victim",
}


# --- Small factories ----------------------------------------------------------------------------


def make_case(om: User, surname: str, level: int | None = None) -> Nominal:
    nominal = case_services.nominal_create(
        acting_user=om,
        data={
            "forenames": "Case",
            "surname": surname,
            "date_of_birth": date(1975, 5, 5),
            "sex": "male",
        },
    )
    if level:
        mappa_level_set(
            acting_user=om,
            nominal=nominal,
            category=1,
            level=level,
            rationale="Screened",
            set_on=TODAY - timedelta(days=30),
        )
    return nominal


def chair_of(force) -> User:
    user = User.objects.filter(force=force, groups__name=Role.MAPPA_CHAIR).first()
    return user or make_user("mary_chair", force, [Role.MAPPA_CHAIR])


def plan_meeting(chair: User, held_on: date = TODAY, level: int = 2) -> Meeting:
    meeting, _ = service.meeting_create(
        acting_user=chair,
        data={"level": level, "held_on": held_on, "place": "Reading police station"},
    )
    return meeting


def agency(name: str = "Probation Service") -> Agency:
    return Agency.objects.get(name=name)


def attend(chair: User, meeting: Meeting, name="Sam Jones", present=True) -> Attendee:
    attendee, _ = service.attendee_save(
        acting_user=chair,
        meeting=meeting,
        data={"name": name, "role": "Probation officer", "agency": agency(), "present": present},
    )
    return attendee


def minute(chair: User, item: AgendaItem, *, complete: bool = True) -> AgendaItem:
    """Full minutes for the item, marked complete unless asked otherwise."""
    item = AgendaItem.objects.select_related("meeting", "nominal").get(pk=item.pk)
    minutes_service.minutes_save(
        acting_user=chair,
        item=item,
        data={
            "discussion": "Compliant; new partner with a child",
            **PLAN,
            "next_review_on": item.meeting.held_on + timedelta(weeks=8),
        },
    )
    minutes_service.decision_add(
        acting_user=chair,
        item=item,
        data={"decision": "Stay at level 2", "rationale": "Risk managed", "dissent": ""},
    )
    if complete:
        minutes_service.item_complete(acting_user=chair, item=item)
    return AgendaItem.objects.get(pk=item.pk)


def closed_meeting(cases: list[Nominal], held_on: date = TODAY) -> tuple[Meeting, list]:
    """A meeting that reviewed `cases` (each at level 2 or 3), minuted and closed."""
    chair = chair_of(cases[0].force)
    meeting = plan_meeting(chair, held_on)
    items = [service.agenda_add(acting_user=chair, meeting=meeting, nominal=n)[0] for n in cases]
    attend(chair, meeting)
    items = [minute(chair, item) for item in items]
    service.meeting_close(acting_user=chair, meeting=meeting)
    return Meeting.objects.get(pk=meeting.pk), items


@pytest.fixture
def case2(om, nominal):
    mappa_level_set(
        acting_user=om,
        nominal=nominal,
        category=1,
        level=2,
        rationale="Screened",
        set_on=TODAY - timedelta(days=30),
    )
    return Nominal.objects.get(pk=nominal.pk)


@pytest.fixture
def meeting(mappa_chair):
    return plan_meeting(mappa_chair)


@pytest.fixture
def item(mappa_chair, meeting, case2):
    return service.agenda_add(acting_user=mappa_chair, meeting=meeting, nominal=case2)[0]


def date_fields(prefix: str, on: date) -> dict[str, str]:
    return {f"{prefix}_0": str(on.day), f"{prefix}_1": str(on.month), f"{prefix}_2": str(on.year)}


# --- Meetings -----------------------------------------------------------------------------------


def test_a_chair_plans_a_meeting_once(mappa_chair):
    data = {"level": 3, "held_on": TODAY, "place": "Police HQ"}
    meeting, created = service.meeting_create(acting_user=mappa_chair, data=data)
    again, created_again = service.meeting_create(acting_user=mappa_chair, data=data)
    assert created and not created_again and again == meeting
    assert (meeting.chair, meeting.force, meeting.status) == (
        mappa_chair,
        mappa_chair.force,
        MeetingStatus.PLANNED,
    )
    assert (
        AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="mappa.Meeting").count()
        == 1
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"level": 1}, "level", "Select level 2 or level 3"),
        ({"place": " "}, "place", "Enter where the meeting is held"),
        (
            {"held_on": TODAY + timedelta(days=400)},
            "held_on",
            "The meeting date must be between 2001 and a year from today",
        ),
    ],
)
def test_a_bad_meeting_is_refused(mappa_chair, data, field, message):
    given = {"level": 2, "held_on": TODAY, "place": "HQ", **data}
    with pytest.raises(ValidationError) as raised:
        service.meeting_create(acting_user=mappa_chair, data=given)
    assert raised.value.message_dict[field] == [message]


def test_only_a_chair_of_the_force_writes(om, meeting, other_force):
    with pytest.raises(PermissionDenied):
        service.meeting_create(acting_user=om, data={"level": 2, "held_on": TODAY, "place": "X"})
    elsewhere = make_user("kent_chair", other_force, [Role.MAPPA_CHAIR])
    with pytest.raises(PermissionDenied):
        service.attendee_save(
            acting_user=elsewhere,
            meeting=meeting,
            data={"name": "A", "agency": agency(), "present": True},
        )


def test_the_chair_must_be_a_chair_of_the_force(mappa_chair, om):
    with pytest.raises(ValidationError) as raised:
        service.meeting_create(
            acting_user=mappa_chair,
            data={"level": 2, "held_on": TODAY, "place": "HQ", "chair": om},
        )
    assert raised.value.message_dict["chair"] == ["The chair must be a MAPPA chair of your force"]


# --- The agenda ---------------------------------------------------------------------------------


def test_the_agenda_takes_level_2_and_3_cases_the_chair_can_see(mappa_chair, meeting, om, case2):
    item, created = service.agenda_add(acting_user=mappa_chair, meeting=meeting, nominal=case2)
    again, created_again = service.agenda_add(
        acting_user=mappa_chair, meeting=meeting, nominal=case2
    )
    assert created and not created_again and item == again and item.position == 1
    event = CaseEvent.objects.get(nominal=case2, kind="mappa_listed")
    assert event.summary == f"Listed for the MAPPA level 2 meeting on {TODAY:%-d %b %Y}"

    level1 = make_case(om, "Levelone")
    with pytest.raises(ValidationError, match="Only cases managed at MAPPA level 2 or 3"):
        service.agenda_add(acting_user=mappa_chair, meeting=meeting, nominal=level1)


def test_a_case_of_another_force_cannot_be_listed(mappa_chair, meeting, other_force_nominal):
    Nominal.objects.filter(pk=other_force_nominal.pk).update(mappa_level=3)
    with pytest.raises(ValidationError):
        service.agenda_add(acting_user=mappa_chair, meeting=meeting, nominal=other_force_nominal)


def test_the_agenda_is_reordered_and_a_case_taken_off(mappa_chair, meeting, om):
    cases = [make_case(om, name, level=2) for name in ("Adams", "Baker", "Clark")]
    items = [
        service.agenda_add(acting_user=mappa_chair, meeting=meeting, nominal=n)[0] for n in cases
    ]
    assert service.agenda_move(acting_user=mappa_chair, item=items[2], direction="up")
    assert not service.agenda_move(acting_user=mappa_chair, item=items[0], direction="up")
    order = list(meeting.agenda.order_by("position").values_list("nominal__surname", flat=True))
    assert order == ["Adams", "Clark", "Baker"]
    service.agenda_remove(acting_user=mappa_chair, item=items[0])
    rows = list(meeting.agenda.order_by("position").values_list("nominal__surname", "position"))
    assert rows == [("Clark", 1), ("Baker", 2)]
    assert CaseEvent.objects.filter(nominal=cases[0], kind="mappa_unlisted").exists()


def test_agenda_candidates_exclude_listed_level_1_and_other_force(
    mappa_chair, meeting, om, case2, other_force_nominal
):
    waiting = make_case(om, "Waiting", level=3)
    make_case(om, "Levelone")
    Nominal.objects.filter(pk=other_force_nominal.pk).update(mappa_level=3)
    service.agenda_add(acting_user=mappa_chair, meeting=meeting, nominal=case2)
    assert list(selectors.agenda_candidates(mappa_chair, meeting)) == [waiting]
    assert list(selectors.agenda_candidates(mappa_chair, meeting, "waiting")) == [waiting]


def test_attendees_list_responsible_authorities_first(mappa_chair, meeting):
    service.attendee_save(
        acting_user=mappa_chair,
        meeting=meeting,
        data={"name": "Ann Bell", "agency": agency("NHS England"), "present": False},
    )
    service.attendee_save(
        acting_user=mappa_chair,
        meeting=meeting,
        data={"name": "Zoe Cole", "agency": agency(), "present": True},
    )
    names = [a.name for a in selectors.attendees_for(meeting)]
    assert names == ["Zoe Cole", "Ann Bell"]
    kinds = [a.kind for a in selectors.agencies()]
    assert kinds[:3] == ["responsible_authority"] * 3
    assert set(kinds[3:]) == {"duty_to_cooperate"}


# --- Minutes ------------------------------------------------------------------------------------


def test_incomplete_minutes_say_exactly_what_is_missing(mappa_chair, item):
    with pytest.raises(ValidationError) as raised:
        minutes_service.item_complete(acting_user=mappa_chair, item=item)
    assert raised.value.message_dict == {
        "discussion": ["Enter the discussion"],
        "decisions": ["Record at least one decision, with its rationale"],
        "supervision": ["Enter the plan for supervision"],
        "monitoring": ["Enter the plan for monitoring and control"],
        "interventions": ["Enter the plan for interventions and treatment"],
        "victim_safety": ["Enter the plan for victim safety planning"],
        "contingency": ["Enter the contingency plan"],
        "next_review_on": ["Enter the next review date"],
    }
    minutes_service.minutes_save(
        acting_user=mappa_chair,
        item=item,
        data={"discussion": "Discussed", **PLAN, "victim_safety": "", "next_review_on": None},
    )
    with pytest.raises(ValidationError) as raised:
        minutes_service.item_complete(acting_user=mappa_chair, item=item)
    assert set(raised.value.message_dict) == {"decisions", "victim_safety", "next_review_on"}
    assert not AgendaItem.objects.get(pk=item.pk).minutes_complete


def test_minutes_missing_rule_counts_only_decisions_with_a_rationale():
    given = {"discussion": "D", "plan": PLAN, "next_review_on": TODAY}
    assert rules.minutes_missing(decisions=[("Stay", "")], **given) == {
        "decisions": "Record at least one decision, with its rationale"
    }
    assert rules.minutes_missing(decisions=[("Stay", "Because")], **given) == {}


def test_the_lifecycle_of_a_meeting(mappa_chair, meeting, om, case2):
    other = make_case(om, "Jones", level=3)
    items = [
        service.agenda_add(acting_user=mappa_chair, meeting=meeting, nominal=n)[0]
        for n in (case2, other)
    ]
    attend(mappa_chair, meeting)
    attend(mappa_chair, meeting, name="Lee Hart", present=False)
    with pytest.raises(ValidationError) as raised:
        service.meeting_close(acting_user=mappa_chair, meeting=meeting)
    assert raised.value.messages == [
        f"Complete the minutes for {case2.display_name} ({case2.reference})",
        f"Complete the minutes for {other.display_name} ({other.reference})",
    ]

    minute(mappa_chair, items[0])
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD
    reviewed = CaseEvent.objects.get(nominal=case2, kind="mappa_reviewed")
    next_on = TODAY + timedelta(weeks=8)
    assert reviewed.summary == (
        f"Reviewed at the MAPPA level 2 meeting on {TODAY:%-d %b %Y}: next review by "
        f"{next_on:%-d %b %Y}"
    )
    minute(mappa_chair, items[1])
    assert service.meeting_close(acting_user=mappa_chair, meeting=meeting)
    assert not service.meeting_close(acting_user=mappa_chair, meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CLOSED
    review = MappaReviewDue.objects.get(nominal=case2)
    assert review.due == next_on
    assert review.why == f"Next review set at the MAPPA meeting on {TODAY:%-d %b %Y}."
    assert MappaReviewDue.objects.get(nominal=other).due == next_on

    with pytest.raises(ValidationError, match="The meeting is closed"):
        minutes_service.decision_add(
            acting_user=mappa_chair, item=items[0], data={"decision": "X", "rationale": "Y"}
        )


def test_closing_needs_a_case_and_someone_present(mappa_chair, meeting):
    with pytest.raises(ValidationError) as raised:
        service.meeting_close(acting_user=mappa_chair, meeting=meeting)
    assert raised.value.messages == [
        "Add at least one case to the agenda",
        "Record who attended: at least one person present",
    ]


def test_complete_minutes_are_locked_until_reopened(mappa_chair, item):
    minute(mappa_chair, item)
    with pytest.raises(ValidationError, match="reopen them to change them"):
        minutes_service.minutes_save(acting_user=mappa_chair, item=item, data={"discussion": "New"})
    assert minutes_service.item_reopen(acting_user=mappa_chair, item=item)
    assert minutes_service.minutes_save(
        acting_user=mappa_chair, item=item, data={**PLAN, "discussion": "New"}
    )
    assert CaseEvent.objects.filter(kind="mappa_minutes_reopened").count() == 1


def test_minutes_wait_for_the_day_of_the_meeting(mappa_chair, case2):
    later = plan_meeting(mappa_chair, TODAY + timedelta(days=7))
    item, _ = service.agenda_add(acting_user=mappa_chair, meeting=later, nominal=case2)
    with pytest.raises(ValidationError, match="Minutes can be recorded from the day of the"):
        minutes_service.minutes_save(
            acting_user=mappa_chair, item=item, data={"discussion": "Early"}
        )


def test_the_next_review_date_keeps_to_the_interval(mappa_chair, item):
    too_late = TODAY + timedelta(weeks=16, days=1)
    with pytest.raises(ValidationError) as raised:
        minutes_service.minutes_save(
            acting_user=mappa_chair, item=item, data={"next_review_on": too_late}
        )
    latest = TODAY + timedelta(weeks=16)
    assert raised.value.message_dict["next_review_on"] == [
        f"The next review date must be on or before {latest:%-d %b %Y}: level 2 cases are "
        "reviewed at least every 16 weeks"
    ]
    assert minutes_service.default_next_review(item) == latest


def test_not_for_sharing_flags_are_stored(mappa_chair, item):
    minutes_service.minutes_save(
        acting_user=mappa_chair,
        item=item,
        data={"discussion": "Source is a neighbour", "discussion_not_for_sharing": True},
    )
    minutes_service.decision_add(
        acting_user=mappa_chair,
        item=item,
        data={"decision": "Covert check", "rationale": "Intelligence", "not_for_sharing": True},
    )
    minutes_service.action_add(
        acting_user=mappa_chair,
        item=item,
        data={
            "action": "Speak to the source",
            "owner": "DC Hart",
            "agency": agency("Police (chief officer of police for the area)"),
            "due": TODAY + timedelta(days=7),
            "not_for_sharing": True,
        },
    )
    stored = AgendaItem.objects.get(pk=item.pk)
    assert stored.discussion_not_for_sharing
    assert Decision.objects.get(item=item).not_for_sharing
    assert MeetingAction.objects.get(item=item).not_for_sharing


def test_a_decision_needs_its_rationale_and_an_action_its_owner_agency_and_date(mappa_chair, item):
    with pytest.raises(ValidationError) as raised:
        minutes_service.decision_add(acting_user=mappa_chair, item=item, data={"decision": "Stay"})
    assert raised.value.message_dict == {"rationale": ["Enter the rationale for the decision"]}
    with pytest.raises(ValidationError) as raised:
        minutes_service.action_add(
            acting_user=mappa_chair,
            item=item,
            data={"action": "Visit", "due": TODAY - timedelta(days=1)},
        )
    assert raised.value.message_dict == {
        "owner": ["Enter who owns the action"],
        "agency": ["Select the owner's agency from the list"],
        "due": [f"The due date must be on or after the meeting ({TODAY:%-d %b %Y})"],
    }


# --- Actions ------------------------------------------------------------------------------------


def _action(chair, item, due, text="Home visit") -> MeetingAction:
    return minutes_service.action_add(
        acting_user=chair,
        item=item,
        data={"action": text, "owner": "PC Lee", "agency": agency(), "due": due},
    )[0]


def test_actions_are_tracked_to_done(mappa_chair, item, case2):
    overdue = _action(mappa_chair, item, TODAY, "Due today")
    later = _action(mappa_chair, item, TODAY + timedelta(days=20), "Later")
    tomorrow = TODAY + timedelta(days=1)
    rows = {a.pk: a.overdue for a in selectors.open_actions(mappa_chair, on=tomorrow)}
    assert rows == {overdue.pk: True, later.pk: False}
    assert [a.pk for a in selectors.open_actions(mappa_chair, on=tomorrow, overdue_only=True)] == [
        overdue.pk
    ]
    assert minutes_service.action_set_status(
        acting_user=mappa_chair, action=overdue, status=ActionStatus.DONE
    )
    assert not minutes_service.action_set_status(
        acting_user=mappa_chair, action=overdue, status=ActionStatus.DONE
    )
    done = MeetingAction.objects.get(pk=overdue.pk)
    assert (done.status, done.completed_on) == (ActionStatus.DONE, TODAY)
    assert [a.pk for a in selectors.open_actions(mappa_chair, on=tomorrow)] == [later.pk]
    assert CaseEvent.objects.filter(nominal=case2, kind="mappa_action_changed").exists()
    with pytest.raises(ValidationError) as raised:
        minutes_service.action_set_status(
            acting_user=mappa_chair, action=later, status="done", completed_on=tomorrow
        )
    assert raised.value.message_dict == {
        "completed_on": ["The date it was done must be today or earlier"]
    }


def test_the_overdue_filter_and_annotation_agree(mappa_chair, item):
    for days in (-1, 0, 1):
        _action(mappa_chair, item, TODAY + timedelta(days=days + 1), f"A{days}")
    on = TODAY + timedelta(days=1)
    annotated = {a.pk for a in selectors.actions_for(mappa_chair, on=on) if a.overdue}
    filtered = set(
        selectors.actions_for(mappa_chair, on=on)
        .filter(selectors.overdue_q(on))
        .values_list("pk", flat=True)
    )
    assert annotated == filtered and len(annotated) == 1


# --- The pages ----------------------------------------------------------------------------------


def test_a_chair_runs_a_meeting_through_the_pages(client, mappa_chair, om, case2):
    client.force_login(mappa_chair)
    response = client.post(
        reverse("mappa:meeting-create"),
        {
            "level": "2",
            "chair": str(mappa_chair.pk),
            **date_fields("held_on", TODAY),
            "starts_at": "14:30",
            "place": "Reading police station",
        },
    )
    meeting = Meeting.objects.get()
    assert response.url == reverse("mappa:meeting-detail", args=[meeting.pk])
    add = reverse("mappa:agenda-add", args=[meeting.pk])
    assert case2.display_name in client.get(add).content.decode()
    assert client.post(add, {"nominal": str(case2.pk)}).status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    response = client.post(
        reverse("mappa:attendee-add", args=[meeting.pk]),
        {"name": "Sam Jones", "role": "", "agency": str(agency().pk), "present": "present"},
    )
    assert response.status_code == 302 and Attendee.objects.filter(meeting=meeting).exists()

    minutes_url = reverse("mappa:item-minutes", args=[meeting.pk, item.pk])
    page = client.get(minutes_url).content.decode()
    assert "Mark the minutes as complete" in page
    response = client.post(reverse("mappa:item-complete", args=[meeting.pk, item.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "These minutes cannot be marked complete yet" in page
    for message in ("Enter the discussion", "Enter the plan for victim safety planning"):
        assert message in page

    response = client.post(
        minutes_url,
        {
            "discussion": "Discussed the new partner",
            "discussion_not_for_sharing": "on",
            **PLAN,
            **date_fields("next_review_on", TODAY + timedelta(weeks=10)),
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("mappa:decision-add", args=[meeting.pk, item.pk]),
        {"decision-decision": "Stay at level 2", "decision-rationale": "", "decision-dissent": ""},
    )
    assert "Enter the rationale for the decision" in response.content.decode()
    assert "Stay at level 2" in response.content.decode()  # what was typed is kept
    client.post(
        reverse("mappa:decision-add", args=[meeting.pk, item.pk]),
        {
            "decision-decision": "Stay at level 2",
            "decision-rationale": "Risk is managed",
            "decision-not_for_sharing": "on",
        },
    )
    client.post(
        reverse("mappa:action-add", args=[meeting.pk, item.pk]),
        {
            "action-action": "Joint visit",
            "action-owner": "PC Lee",
            "action-agency": str(agency().pk),
            **date_fields("action-due", TODAY + timedelta(days=14)),
            "action-not_for_sharing": "on",
        },
    )
    assert Decision.objects.get(item=item).not_for_sharing
    assert MeetingAction.objects.get(item=item).not_for_sharing
    response = client.post(reverse("mappa:item-complete", args=[meeting.pk, item.pk]))
    assert response.status_code == 302
    response = client.post(reverse("mappa:meeting-close", args=[meeting.pk]))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CLOSED
    assert MappaReviewDue.objects.get(nominal=case2).due == TODAY + timedelta(weeks=10)

    action = MeetingAction.objects.get()
    listing = client.get(reverse("mappa:action-list")).content.decode()
    assert "Joint visit" in listing
    done_url = reverse("mappa:action-done", args=[action.pk])
    response = client.post(done_url, date_fields("completed_on", TODAY))
    assert response.status_code == 302
    assert MeetingAction.objects.get().status == ActionStatus.DONE
    assert "Joint visit" not in client.get(reverse("mappa:action-list")).content.decode()


def test_the_minutes_form_starts_from_the_current_risk_plan(client, mappa_chair, om, item):
    from risk.services.plans import plan_review

    plan_review(
        acting_user=om,
        nominal=item.nominal,
        based_on=None,
        contingency="Recall if he goes near the school",
        actions=[{"heading": "supervision", "action": "Fortnightly visits", "owner": "OM"}],
    )
    client.force_login(mappa_chair)
    page = client.get(reverse("mappa:item-minutes", args=[item.meeting_id, item.pk]))
    text = page.content.decode()
    assert "- Fortnightly visits (owner: OM)" in text
    assert "Recall if he goes near the school" in text
    assert 'data-testid="prefilled"' in text
    assert AgendaItem.objects.get(pk=item.pk).plan == {}  # only saving stores it


def test_the_closing_page_lists_what_stops_it(client, mappa_chair, item):
    client.force_login(mappa_chair)
    url = reverse("mappa:meeting-close", args=[item.meeting_id])
    page = client.get(url).content.decode()
    assert "Record who attended: at least one person present" in page
    assert f"Complete the minutes for {item.nominal.display_name}" in page
    response = client.post(url)
    assert response.status_code == 200 and "cannot be closed yet" in response.content.decode()


# --- Who reads minutes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("om", 200),
        ("supervisor", 200),
        ("mappa_chair", 200),
        ("colleague", 403),
        ("om_south", 404),
        ("front_desk", 404),
        ("administrator", 404),
        ("other_force_om", 404),
    ],
)
def test_who_reads_a_cases_minutes(client, request, mappa_chair, item, persona, status):
    minute(mappa_chair, item)
    client.force_login(request.getfixturevalue(persona))
    url = reverse("mappa:case-minutes", args=[item.nominal_id, item.pk])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert "Risk managed" in response.content.decode()
        assert AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_type="mappa.AgendaItem", nominal_id=item.nominal_id
        ).exists()


def test_an_offender_manager_never_reads_another_cases_item(
    client, om, om_south, mappa_chair, meeting, item
):
    theirs = make_case(om_south, "Elsewhere", level=2)
    other_item, _ = service.agenda_add(acting_user=mappa_chair, meeting=meeting, nominal=theirs)
    client.force_login(om)
    # The other case's item under the om's own case: not found.
    url = reverse("mappa:case-minutes", args=[item.nominal_id, other_item.pk])
    assert client.get(url).status_code == 404
    url = reverse("mappa:case-minutes", args=[theirs.pk, other_item.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("mappa:item-minutes", args=[meeting.pk, item.pk])).status_code == 403


CHAIR_PAGES = [
    "meeting-list",
    "meeting-create",
    "meeting-detail",
    "meeting-edit",
    "meeting-close",
    "agenda-add",
    "attendee-add",
    "attendee-edit",
    "item-minutes",
    "action-list",
    "action-done",
]


def _chair_url(name, meeting, item, attendee, action):
    kwargs = {
        "meeting-list": {},
        "meeting-create": {},
        "action-list": {},
        "action-done": {"action_id": action.pk},
        "attendee-edit": {"meeting_id": meeting.pk, "attendee_id": attendee.pk},
        "item-minutes": {"meeting_id": meeting.pk, "item_id": item.pk},
    }.get(name, {"meeting_id": meeting.pk})
    return reverse(f"mappa:{name}", kwargs=kwargs)


@pytest.mark.parametrize(
    "persona", ["om", "colleague", "supervisor", "front_desk", "administrator", "other_force_om"]
)
def test_meeting_pages_are_for_chairs_only(client, request, mappa_chair, item, persona):
    attendee = attend(mappa_chair, item.meeting)
    action = _action(mappa_chair, item, TODAY)
    client.force_login(request.getfixturevalue(persona))
    for name in CHAIR_PAGES:
        url = _chair_url(name, item.meeting, item, attendee, action)
        assert client.get(url).status_code == 403, name
    client.logout()
    response = client.get(_chair_url("meeting-detail", item.meeting, item, attendee, action))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_chair_of_another_force_gets_404(client, mappa_chair, item, other_force):
    attendee = attend(mappa_chair, item.meeting)
    action = _action(mappa_chair, item, TODAY)
    client.force_login(make_user("kent_chair", other_force, [Role.MAPPA_CHAIR]))
    for name in CHAIR_PAGES:
        url = _chair_url(name, item.meeting, item, attendee, action)
        expected = 200 if name in ("meeting-list", "meeting-create", "action-list") else 404
        assert client.get(url).status_code == expected, name
    listing = client.get(reverse("mappa:meeting-list")).content.decode()
    assert "No MAPPA meetings have been planned." in listing


def test_every_chair_page_renders_and_is_audited(client, mappa_chair, item):
    attendee = attend(mappa_chair, item.meeting)
    action = _action(mappa_chair, item, TODAY)
    client.force_login(mappa_chair)
    before = AuditEvent.objects.filter(action__in=[AuditAction.VIEW, AuditAction.SEARCH]).count()
    for name in CHAIR_PAGES:
        assert client.get(_chair_url(name, item.meeting, item, attendee, action)).status_code == 200
    after = AuditEvent.objects.filter(action__in=[AuditAction.VIEW, AuditAction.SEARCH]).count()
    assert after - before == len(CHAIR_PAGES)


# --- Query counts -------------------------------------------------------------------------------


def _grow(chair, meeting, om, count: int) -> None:
    have = meeting.agenda.count()
    for n in range(have, count):
        nominal = make_case(om, f"Grow{n}", level=2 + n % 2)
        item, _ = service.agenda_add(acting_user=chair, meeting=meeting, nominal=nominal)
        attend(chair, meeting, name=f"Person {n}", present=bool(n % 2))
        _action(chair, item, TODAY + timedelta(days=n))
        minute(chair, item, complete=bool(n % 2))


@pytest.mark.parametrize("page", ["meeting-detail", "action-list", "meeting-list", "agenda-add"])
def test_query_counts_stay_flat_as_the_agenda_grows(
    client, mappa_chair, om, meeting, page, django_assert_max_num_queries
):
    client.force_login(mappa_chair)
    url = (
        reverse(f"mappa:{page}")
        if page in ("action-list", "meeting-list")
        else reverse(f"mappa:{page}", args=[meeting.pk])
    )
    _grow(mappa_chair, meeting, om, 2)
    make_case(om, "Unlisted", level=2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    _grow(mappa_chair, meeting, om, 10)
    make_case(om, "Unlisted2", level=3)
    with django_assert_max_num_queries(20) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_minutes_page_query_count_is_flat(
    client, mappa_chair, item, django_assert_max_num_queries
):
    client.force_login(mappa_chair)
    url = reverse("mappa:item-minutes", args=[item.meeting_id, item.pk])
    _action(mappa_chair, item, TODAY)
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    for n in range(8):
        _action(mappa_chair, item, TODAY + timedelta(days=n + 1), f"A{n}")
        minutes_service.decision_add(
            acting_user=mappa_chair, item=item, data={"decision": f"D{n}", "rationale": "R"}
        )
    with django_assert_max_num_queries(25) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_pack_reads_a_meeting_in_a_fixed_number_of_queries(mappa_chair, om, meeting):
    _grow(mappa_chair, meeting, om, 2)
    with CaptureQueriesContext(connection) as small:
        loaded = selectors.meeting_for_pack(meeting)
        _touch(loaded)
    _grow(mappa_chair, meeting, om, 6)
    with CaptureQueriesContext(connection) as large:
        loaded = selectors.meeting_for_pack(meeting)
        count = _touch(loaded)
    assert len(small) == len(large) and count == 6


def _touch(meeting: Meeting) -> int:
    items = list(meeting.agenda.all())
    for item in items:
        _ = item.nominal.offender_manager, list(item.decisions.all())
        _ = [(a.agency.name, a.overdue) for a in item.actions.all()]
    _ = [a.agency.name for a in meeting.attendees.all()], meeting.chair.username
    return len(items)


# --- The agencies' reference list ---------------------------------------------------------------


def test_administrators_keep_the_agency_list(client, administrator):
    client.force_login(administrator)
    listing = client.get(reverse("admin:mappa_agency_changelist"))
    assert listing.status_code == 200 and "Probation Service" in listing.content.decode()
    probation = agency()
    page = reverse("admin:mappa_agency_change", args=[probation.pk])
    assert client.get(page).status_code == 200
    assert client.get(reverse("admin:mappa_agency_delete", args=[probation.pk])).status_code == 403


@pytest.mark.parametrize("persona", ["om", "supervisor", "front_desk", "mappa_chair"])
def test_only_administrators_reach_the_agency_list(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:mappa_agency_changelist"))
    assert response.status_code == 302 and "login" in response.url
