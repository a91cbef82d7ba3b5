"""MAPPA level 2 and 3 meetings (domain.md section 7): the meeting, its agenda of cases, who
attended for which agency, and per case the minutes (discussion, decisions with rationale and
dissent, actions with owners and dates, the plan under four headings and contingency, the next
review date). Closing a meeting stores each case's next review; actions are tracked to done.

Only MAPPA chairs of the meeting's force write here. Every write locks the meeting row first, so
a close and a change to its minutes never interleave."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, MappaLevel, Nominal, Role, User
from cases.services import case_event
from mappa import rules
from mappa.models import (
    ActionStatus,
    Agency,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    MeetingAction,
    MeetingStatus,
)
from mappa.services.levels import REVIEWED_LEVELS, mappa_review_refresh

DAY = "%-d %b %Y"
TEXT_LIMIT = 10000
CLOSED = "The meeting is closed: its minutes can no longer be changed"
LOCKED = "These minutes are marked complete: reopen them to change them"
MEETING_FIELDS = {
    "level": "Level",
    "chair": "Chair",
    "held_on": "Date",
    "starts_at": "Start time",
    "place": "Place",
}
MINUTES_FIELDS = {
    "discussion": "Discussion",
    "discussion_not_for_sharing": "Discussion not for sharing",
    **{key: f"Plan: {label.lower()}" for key, label in rules.PLAN_HEADINGS},
    "contingency": "Contingency plan",
    "next_review_on": "Next review date",
}


def _day(on: date) -> str:
    return on.strftime(DAY)


def meeting_title(meeting: Meeting) -> str:
    return f"MAPPA level {meeting.level} meeting on {_day(meeting.held_on)}"


def is_force_chair(user: User, force_id: int) -> bool:
    return user.has_role(Role.MAPPA_CHAIR) and user.force_id == force_id


def _require_chair(user: User, force_id: int) -> None:
    if not is_force_chair(user, force_id):
        raise PermissionDenied("Only the force's MAPPA chairs run its meetings")


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("chair").get(pk=meeting.pk)


def _open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationError(CLOSED)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return _day(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def _diff(before: dict[str, Any], after: dict[str, Any], labels: dict[str, str]) -> list[dict]:
    return [
        {"field": labels[k], "old": _text(before[k])[:500], "new": _text(after[k])[:500]}
        for k in labels
        if before[k] != after[k]
    ]


# --- The meeting --------------------------------------------------------------------------------


def _check_meeting(acting_user: User, data: dict[str, Any]) -> None:
    errors = {}
    chair = data.get("chair")
    if chair is not None and not is_force_chair(chair, acting_user.force_id):
        errors["chair"] = "The chair must be a MAPPA chair of your force"
    if data.get("level") not in (MappaLevel.LEVEL_2, MappaLevel.LEVEL_3):
        errors["level"] = "Select level 2 or level 3"
    held_on = data.get("held_on")
    if held_on is None:
        errors["held_on"] = "Enter the date of the meeting"
    elif held_on.year < 2001 or held_on > timezone.localdate() + timedelta(days=366):
        # MAPPA began in 2001; a meeting is planned at most a year ahead.
        errors["held_on"] = "The meeting date must be between 2001 and a year from today"
    if not (data.get("place") or "").strip():
        errors["place"] = "Enter where the meeting is held"
    if errors:
        raise ValidationError(errors)


def _meeting_values(acting_user: User, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "level": data.get("level"),
        "chair": data.get("chair") or acting_user,
        "held_on": data.get("held_on"),
        "starts_at": data.get("starts_at"),
        "place": (data.get("place") or "").strip(),
    }


@transaction.atomic
def meeting_create(*, acting_user: User, data: dict[str, Any]) -> tuple[Meeting, bool]:
    """Plan a meeting in the chair's force (chaired by them unless another chair is named). The
    same meeting again (a double submission) is not planned twice: (meeting, created)."""
    _require_chair(acting_user, acting_user.force_id)
    values = _meeting_values(acting_user, data)
    _check_meeting(acting_user, values)
    same = Meeting.objects.filter(
        force_id=acting_user.force_id, status=MeetingStatus.PLANNED, **values
    ).first()
    if same is not None:
        return same, False
    meeting = Meeting(force_id=acting_user.force_id, created_by=acting_user, **values)
    meeting.full_clean()
    meeting.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=meeting,
        description=f"Planned the {meeting_title(meeting)}",
        changes=_diff(
            {k: None for k in MEETING_FIELDS},
            {k: values[k] for k in MEETING_FIELDS},
            MEETING_FIELDS,
        ),
    )
    return meeting, True


@transaction.atomic
def meeting_update(*, acting_user: User, meeting: Meeting, data: dict[str, Any]) -> list[dict]:
    """Change the meeting's details; returns the changes (none: nothing is written). Its date
    is fixed once any minutes are complete (their next review dates count from it)."""
    _require_chair(acting_user, meeting.force_id)
    meeting = _lock(meeting)
    _open(meeting)
    values = _meeting_values(acting_user, {"chair": meeting.chair, **data})
    _check_meeting(acting_user, values)
    before = {k: getattr(meeting, k) for k in MEETING_FIELDS}
    if values["held_on"] != meeting.held_on and meeting.agenda.filter(minutes_complete=True):
        raise ValidationError(
            {"held_on": "Some minutes are complete: reopen them before changing the date"}
        )
    changes = _diff(before, values, MEETING_FIELDS)
    if not changes:
        return []
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=meeting,
        description=f"Changed the {meeting_title(meeting)}",
        changes=changes,
    )
    return changes


def close_problems(meeting: Meeting) -> list[str]:
    """What stops the meeting being closed, one line each (empty: it can be closed)."""
    items = list(meeting.agenda.select_related("nominal").order_by("position", "pk"))
    problems = []
    if not items:
        problems.append("Add at least one case to the agenda")
    if not meeting.attendees.filter(present=True).exists():
        problems.append("Record who attended: at least one person present")
    problems += [
        f"Complete the minutes for {item.nominal.display_name} ({item.nominal.reference})"
        for item in items
        if not item.minutes_complete
    ]
    return problems


@transaction.atomic
def meeting_close(*, acting_user: User, meeting: Meeting) -> bool:
    """Close the meeting once every case's minutes are complete, and store each case's next
    review from the date its minutes set. False: it was already closed."""
    _require_chair(acting_user, meeting.force_id)
    meeting = _lock(meeting)
    if meeting.status == MeetingStatus.CLOSED:
        return False
    problems = close_problems(meeting)
    if problems:
        raise ValidationError(problems)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CLOSED)
    old = meeting.get_status_display()
    meeting.status = MeetingStatus.CLOSED
    items = list(meeting.agenda.select_related("nominal"))
    for item in items:
        mappa_review_refresh(item.nominal)
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=meeting,
        description=f"Closed the {meeting_title(meeting)}: {len(items)} cases reviewed",
        changes=[{"field": "Status", "old": old, "new": meeting.get_status_display()}],
    )
    return True


def _mark_held(meeting: Meeting) -> None:
    """Minutes are being written: the meeting has been held."""
    if meeting.status == MeetingStatus.PLANNED:
        Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.PLANNED).update(
            status=MeetingStatus.HELD
        )
        meeting.status = MeetingStatus.HELD


# --- The agenda ---------------------------------------------------------------------------------


@transaction.atomic
def agenda_add(*, acting_user: User, meeting: Meeting, nominal: Nominal) -> tuple[AgendaItem, bool]:
    """Put a level 2 or 3 case the chair can see on the agenda, last. Already there: (item,
    False)."""
    _require_chair(acting_user, meeting.force_id)
    meeting = _lock(meeting)
    _open(meeting)
    listable = Nominal.objects.visible_to(acting_user).filter(
        pk=nominal.pk, mappa_level__in=REVIEWED_LEVELS
    )
    if not listable.exists():
        raise ValidationError("Only cases managed at MAPPA level 2 or 3 can be added to the agenda")
    existing = AgendaItem.objects.filter(meeting=meeting, nominal=nominal).first()
    if existing is not None:
        return existing, False
    last = meeting.agenda.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(meeting=meeting, nominal=nominal, position=last + 1)
    item.full_clean()
    item.save()
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind="mappa_listed",
        summary=f"Listed for the {meeting_title(meeting)}",
        subject=item,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=item,
        description=f"Added to the agenda of the {meeting_title(meeting)}",
    )
    return item, True


def _item(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    """Lock the item's meeting, then read the item fresh with its case."""
    meeting = _lock(item.meeting)
    fresh = AgendaItem.objects.select_related("nominal__force").get(pk=item.pk)
    fresh.meeting = meeting
    return meeting, fresh


def _renumber(meeting: Meeting, items: list[AgendaItem]) -> None:
    for position, each in enumerate(items, start=1):
        each.position = position
    AgendaItem.objects.bulk_update(items, ["position"])


@transaction.atomic
def agenda_remove(*, acting_user: User, item: AgendaItem) -> None:
    """Take a case off the agenda, with any draft minutes (complete minutes must be reopened)."""
    _require_chair(acting_user, item.meeting.force_id)
    meeting, item = _item(item)
    _open(meeting)
    if item.minutes_complete:
        raise ValidationError(f"{LOCKED}, before taking the case off the agenda")
    nominal = item.nominal
    item.delete()
    _renumber(meeting, list(meeting.agenda.order_by("position", "pk")))
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind="mappa_unlisted",
        summary=f"Taken off the agenda of the {meeting_title(meeting)}",
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=meeting,
        nominal_id=nominal.pk,
        description=f"Taken off the agenda of the {meeting_title(meeting)}",
    )


@transaction.atomic
def agenda_move(*, acting_user: User, item: AgendaItem, direction: str) -> bool:
    """Move a case one place up or down the agenda. False: it was already first or last."""
    if direction not in ("up", "down"):
        raise ValidationError("Move the case up or down")
    _require_chair(acting_user, item.meeting.force_id)
    meeting, item = _item(item)
    _open(meeting)
    items = list(meeting.agenda.order_by("position", "pk"))
    index = next(i for i, each in enumerate(items) if each.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    _renumber(meeting, items)
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=meeting,
        nominal_id=item.nominal_id,
        description=f"Agenda of the {meeting_title(meeting)}: case moved {direction}",
        changes=[{"field": "Position", "old": str(index + 1), "new": str(other + 1)}],
    )
    return True


# --- Attendance ---------------------------------------------------------------------------------

ATTENDEE_FIELDS = {"name": "Name", "role": "Role", "agency": "Agency", "present": "Present"}


def _attendee_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {
        "name": (data.get("name") or "").strip(),
        "role": (data.get("role") or "").strip(),
        "agency": data.get("agency"),
        "present": bool(data.get("present", True)),
    }
    errors = {}
    if not values["name"]:
        errors["name"] = "Enter the attendee's name"
    if not isinstance(values["agency"], Agency) or not values["agency"].in_use:
        errors["agency"] = "Select the attendee's agency from the list"
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def attendee_save(
    *, acting_user: User, meeting: Meeting, data: dict[str, Any], attendee: Attendee | None = None
) -> tuple[Attendee, bool]:
    """Add an attendee (the same name and agency again changes that row) or change one:
    (attendee, changed)."""
    _require_chair(acting_user, meeting.force_id)
    meeting = _lock(meeting)
    _open(meeting)
    values = _attendee_values(data)
    if attendee is None:
        attendee = Attendee.objects.filter(
            meeting=meeting, name__iexact=values["name"], agency=values["agency"]
        ).first()
    creating = attendee is None
    if creating:
        attendee = Attendee(meeting=meeting)
        before = {k: None for k in ATTENDEE_FIELDS}
    else:
        attendee = Attendee.objects.select_related("agency").get(pk=attendee.pk, meeting=meeting)
        before = {k: getattr(attendee, k) for k in ATTENDEE_FIELDS}
    changes = _diff(before, values, ATTENDEE_FIELDS)
    if not creating and not changes:
        return attendee, False
    for name, value in values.items():
        setattr(attendee, name, value)
    attendee.full_clean()
    attendee.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE if creating else AuditAction.CHANGE,
        obj=attendee,
        description=f"Attendance at the {meeting_title(meeting)}",
        changes=changes,
    )
    return attendee, True


@transaction.atomic
def attendee_remove(*, acting_user: User, attendee: Attendee) -> None:
    _require_chair(acting_user, attendee.meeting.force_id)
    meeting = _lock(attendee.meeting)
    _open(meeting)
    name = attendee.name
    Attendee.objects.filter(pk=attendee.pk).delete()
    audit.record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=meeting,
        description=f"Attendance at the {meeting_title(meeting)}: {name} removed",
    )


# --- Minutes ------------------------------------------------------------------------------------


def _writable(meeting: Meeting, item: AgendaItem) -> None:
    _open(meeting)
    if item.minutes_complete:
        raise ValidationError(LOCKED)
    if meeting.held_on > timezone.localdate():
        raise ValidationError(
            f"Minutes can be recorded from the day of the meeting, {_day(meeting.held_on)}"
        )


def _review_settings(item: AgendaItem) -> dict[str, int]:
    force = item.nominal.force
    return {
        "level": item.nominal.mappa_level,
        "level2_weeks": force.mappa_level2_review_weeks,
        "level3_weeks": force.mappa_level3_review_weeks,
    }


def default_next_review(item: AgendaItem) -> date | None:
    """The latest next review the interval allows (the form's suggestion)."""
    return rules.latest_next_review(item.meeting.held_on, **_review_settings(item))


def _minutes_values(item: AgendaItem, data: dict[str, Any]) -> dict[str, Any]:
    values = {
        "discussion": (data.get("discussion") or "").strip(),
        "discussion_not_for_sharing": bool(data.get("discussion_not_for_sharing")),
        **{key: (data.get(key) or "").strip() for key in rules.PLAN_KEYS},
        "next_review_on": data.get("next_review_on"),
    }
    errors = {
        key: f"{MINUTES_FIELDS[key]} must be {TEXT_LIMIT:,} characters or fewer"
        for key in ["discussion", *rules.PLAN_KEYS]
        if len(values[key]) > TEXT_LIMIT
    }
    if values["next_review_on"] is not None:
        problem = rules.next_review_problem(
            values["next_review_on"], held_on=item.meeting.held_on, **_review_settings(item)
        )
        if problem:
            errors["next_review_on"] = problem
    if errors:
        raise ValidationError(errors)
    return values


def _held(item: AgendaItem) -> dict[str, Any]:
    return {
        "discussion": item.discussion,
        "discussion_not_for_sharing": item.discussion_not_for_sharing,
        **{key: item.plan.get(key, "") for key in rules.PLAN_KEYS},
        "next_review_on": item.next_review_on,
    }


@transaction.atomic
def minutes_save(*, acting_user: User, item: AgendaItem, data: dict[str, Any]) -> list[dict]:
    """Save the discussion, the plan and the next review date of a case's minutes (a draft
    until marked complete). Returns the changes (none: nothing is written)."""
    _require_chair(acting_user, item.meeting.force_id)
    meeting, item = _item(item)
    _writable(meeting, item)
    values = _minutes_values(item, data)
    changes = _diff(_held(item), values, MINUTES_FIELDS)
    if not changes:
        return []
    item.discussion = values["discussion"]
    item.discussion_not_for_sharing = values["discussion_not_for_sharing"]
    item.plan = {key: values[key] for key in rules.PLAN_KEYS}
    item.next_review_on = values["next_review_on"]
    item.full_clean()
    item.save()
    _mark_held(meeting)
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=item,
        description=f"Minutes of the {meeting_title(meeting)}",
        changes=changes,
    )
    return changes


def _required_text(data: dict[str, Any], messages: dict[str, str]) -> dict[str, str]:
    values = {key: (data.get(key) or "").strip() for key in messages}
    errors = {key: msg for key, msg in messages.items() if not values[key]}
    errors |= {
        key: f"{key.capitalize()} must be {TEXT_LIMIT:,} characters or fewer"
        for key, value in values.items()
        if len(value) > TEXT_LIMIT
    }
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def decision_add(
    *, acting_user: User, item: AgendaItem, data: dict[str, Any]
) -> tuple[Decision, bool]:
    """Record a decision with its rationale and any dissent. The same decision and rationale
    again (a double submission) records nothing: (decision, created)."""
    _require_chair(acting_user, item.meeting.force_id)
    meeting, item = _item(item)
    _writable(meeting, item)
    values = _required_text(
        data,
        {"decision": "Enter the decision", "rationale": "Enter the rationale for the decision"},
    )
    dissent = (data.get("dissent") or "").strip()[:TEXT_LIMIT]
    same = Decision.objects.filter(item=item, **values).first()
    if same is not None:
        return same, False
    decision = Decision(
        item=item,
        dissent=dissent,
        not_for_sharing=bool(data.get("not_for_sharing")),
        **values,
    )
    decision.full_clean()
    decision.save()
    _mark_held(meeting)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=decision,
        nominal_id=item.nominal_id,
        description=f"Decision at the {meeting_title(meeting)}",
        changes=[
            {"field": "Decision", "old": "", "new": decision.decision[:500]},
            {"field": "Not for sharing", "old": "", "new": _text(decision.not_for_sharing)},
        ],
    )
    return decision, True


@transaction.atomic
def decision_remove(*, acting_user: User, decision: Decision) -> None:
    _require_chair(acting_user, decision.item.meeting.force_id)
    meeting, item = _item(decision.item)
    _writable(meeting, item)
    text = decision.decision
    Decision.objects.filter(pk=decision.pk, item=item).delete()
    audit.record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=item,
        description=f"Decision removed from the minutes of the {meeting_title(meeting)}",
        changes=[{"field": "Decision", "old": text[:500], "new": ""}],
    )


@transaction.atomic
def action_add(
    *, acting_user: User, item: AgendaItem, data: dict[str, Any]
) -> tuple[MeetingAction, bool]:
    """Record an action with its owner, agency and due date. The same action again records
    nothing: (action, created)."""
    _require_chair(acting_user, item.meeting.force_id)
    meeting, item = _item(item)
    _writable(meeting, item)
    errors = {}
    try:
        values = _required_text(
            data, {"action": "Enter the action", "owner": "Enter who owns the action"}
        )
    except ValidationError as error:
        errors, values = dict(error.message_dict), {}
    agency, due = data.get("agency"), data.get("due")
    if not isinstance(agency, Agency) or not agency.in_use:
        errors["agency"] = ["Select the owner's agency from the list"]
    if due is None:
        errors["due"] = ["Enter the date the action is due"]
    elif due < meeting.held_on:
        errors["due"] = [f"The due date must be on or after the meeting ({_day(meeting.held_on)})"]
    if errors:
        raise ValidationError(errors)
    values["owner"] = values["owner"][:150]
    same = MeetingAction.objects.filter(item=item, agency=agency, due=due, **values).first()
    if same is not None:
        return same, False
    action = MeetingAction(
        item=item,
        agency=agency,
        due=due,
        not_for_sharing=bool(data.get("not_for_sharing")),
        **values,
    )
    action.full_clean()
    action.save()
    _mark_held(meeting)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=action,
        nominal_id=item.nominal_id,
        description=f"Action from the {meeting_title(meeting)}",
        changes=[
            {"field": "Action", "old": "", "new": action.action[:500]},
            {"field": "Owner", "old": "", "new": f"{action.owner} ({agency})"},
            {"field": "Due", "old": "", "new": _day(due)},
        ],
    )
    return action, True


@transaction.atomic
def action_remove(*, acting_user: User, action: MeetingAction) -> None:
    _require_chair(acting_user, action.item.meeting.force_id)
    meeting, item = _item(action.item)
    _writable(meeting, item)
    text = action.action
    MeetingAction.objects.filter(pk=action.pk, item=item).delete()
    audit.record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=item,
        description=f"Action removed from the minutes of the {meeting_title(meeting)}",
        changes=[{"field": "Action", "old": text[:500], "new": ""}],
    )


@transaction.atomic
def action_set_status(
    *,
    acting_user: User,
    action: MeetingAction,
    status: str,
    completed_on: date | None = None,
) -> bool:
    """Track an action: done (on a date, today by default), cancelled, or open again. Allowed
    after the meeting has closed. False: it already had that status."""
    _require_chair(acting_user, action.item.meeting.force_id)
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Select done, cancelled or open"})
    locked = (
        MeetingAction.objects.select_for_update(of=("self",))
        .select_related("item__meeting", "item__nominal")
        .get(pk=action.pk)
    )
    if locked.status == status:
        return False
    completed_on = (completed_on or timezone.localdate()) if status == ActionStatus.DONE else None
    held_on = locked.item.meeting.held_on
    if completed_on is not None and completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date it was done must be today or earlier"})
    if completed_on is not None and completed_on < held_on:
        after = f"on or after the meeting ({_day(held_on)})"
        raise ValidationError({"completed_on": f"The date it was done must be {after}"})
    old = locked.get_status_display()
    locked.status, locked.completed_on = status, completed_on
    locked.full_clean()
    locked.save(update_fields=["status", "completed_on"])
    new = locked.get_status_display() + (f" on {_day(completed_on)}" if completed_on else "")
    changes = [{"field": "Status", "old": old, "new": new}]
    summary = f"An action from the {meeting_title(locked.item.meeting)}: {new.lower()}"
    case_event(
        nominal=locked.item.nominal,
        actor=acting_user,
        kind="mappa_action_changed",
        summary=summary,
        changes=changes,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=locked,
        nominal_id=locked.item.nominal_id,
        description=summary,
        changes=changes,
    )
    return True


# --- Completing a case's minutes ----------------------------------------------------------------


def minutes_missing(item: AgendaItem, decisions: list[tuple[str, str]] | None = None) -> dict:
    """What the case's stored minutes still lack, by part (empty: they are complete)."""
    if decisions is None:
        decisions = list(item.decisions.values_list("decision", "rationale"))
    return rules.minutes_missing(
        discussion=item.discussion,
        decisions=decisions,
        plan=item.plan or {},
        next_review_on=item.next_review_on,
    )


@transaction.atomic
def item_complete(*, acting_user: User, item: AgendaItem) -> bool:
    """Mark a case's minutes complete once every required part is filled in; the case's
    timeline records the review. Raises a ValidationError naming each missing part. False:
    already complete."""
    _require_chair(acting_user, item.meeting.force_id)
    meeting, item = _item(item)
    _open(meeting)
    if item.minutes_complete:
        return False
    _writable(meeting, item)
    missing = minutes_missing(item)
    if not missing and item.next_review_on is not None:
        problem = rules.next_review_problem(
            item.next_review_on, held_on=meeting.held_on, **_review_settings(item)
        )
        if problem:
            missing["next_review_on"] = problem
    if missing:
        raise ValidationError(missing)
    AgendaItem.objects.filter(pk=item.pk).update(minutes_complete=True)
    item.minutes_complete = True
    _mark_held(meeting)
    summary = (
        f"Reviewed at the {meeting_title(meeting)}: next review by {_day(item.next_review_on)}"
    )
    case_event(
        nominal=item.nominal,
        actor=acting_user,
        kind="mappa_reviewed",
        summary=summary,
        subject=item,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=item,
        description=f"Minutes marked complete: {meeting_title(meeting)}",
        changes=[{"field": "Minutes", "old": "Being written", "new": "Complete"}],
    )
    return True


@transaction.atomic
def item_reopen(*, acting_user: User, item: AgendaItem) -> bool:
    """Reopen complete minutes to correct them, until the meeting is closed. False: not
    complete."""
    _require_chair(acting_user, item.meeting.force_id)
    meeting, item = _item(item)
    _open(meeting)
    if not item.minutes_complete:
        return False
    AgendaItem.objects.filter(pk=item.pk).update(minutes_complete=False)
    item.minutes_complete = False
    case_event(
        nominal=item.nominal,
        actor=acting_user,
        kind="mappa_minutes_reopened",
        summary=f"Minutes of the {meeting_title(meeting)} reopened for correction",
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=item,
        description=f"Minutes reopened: {meeting_title(meeting)}",
        changes=[{"field": "Minutes", "old": "Complete", "new": "Being written"}],
    )
    return True
