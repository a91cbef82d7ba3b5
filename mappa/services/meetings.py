"""MAPPA level 2 and 3 meetings (domain.md section 7): the meeting, its agenda of cases and who
attended for which agency; each case's minutes are in `minutes`. Closing a meeting stores each
case's next review.

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
from mappa.models import (
    Agency,
    AgendaItem,
    Attendee,
    Meeting,
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


def day_text(on: date) -> str:
    return on.strftime(DAY)


def meeting_title(meeting: Meeting) -> str:
    return f"MAPPA level {meeting.level} meeting on {day_text(meeting.held_on)}"


def is_force_chair(user: User, force_id: int) -> bool:
    return user.has_role(Role.MAPPA_CHAIR) and user.force_id == force_id


def require_chair(user: User, force_id: int) -> None:
    if not is_force_chair(user, force_id):
        raise PermissionDenied("Only the force's MAPPA chairs run its meetings")


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("chair").get(pk=meeting.pk)


def require_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationError(CLOSED)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return day_text(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def field_changes(
    before: dict[str, Any], after: dict[str, Any], labels: dict[str, str]
) -> list[dict]:
    return [
        {"field": labels[k], "old": as_text(before[k])[:500], "new": as_text(after[k])[:500]}
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
    require_chair(acting_user, acting_user.force_id)
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
        changes=field_changes(
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
    require_chair(acting_user, meeting.force_id)
    meeting = _lock(meeting)
    require_open(meeting)
    values = _meeting_values(acting_user, {"chair": meeting.chair, **data})
    _check_meeting(acting_user, values)
    before = {k: getattr(meeting, k) for k in MEETING_FIELDS}
    if values["held_on"] != meeting.held_on and meeting.agenda.filter(minutes_complete=True):
        raise ValidationError(
            {"held_on": "Some minutes are complete: reopen them before changing the date"}
        )
    changes = field_changes(before, values, MEETING_FIELDS)
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
    require_chair(acting_user, meeting.force_id)
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


def mark_held(meeting: Meeting) -> None:
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
    require_chair(acting_user, meeting.force_id)
    meeting = _lock(meeting)
    require_open(meeting)
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


def lock_item(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
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
    require_chair(acting_user, item.meeting.force_id)
    meeting, item = lock_item(item)
    require_open(meeting)
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
    require_chair(acting_user, item.meeting.force_id)
    meeting, item = lock_item(item)
    require_open(meeting)
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
    require_chair(acting_user, meeting.force_id)
    meeting = _lock(meeting)
    require_open(meeting)
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
    changes = field_changes(before, values, ATTENDEE_FIELDS)
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
    require_chair(acting_user, attendee.meeting.force_id)
    meeting = _lock(attendee.meeting)
    require_open(meeting)
    name = attendee.name
    Attendee.objects.filter(pk=attendee.pk).delete()
    audit.record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=meeting,
        description=f"Attendance at the {meeting_title(meeting)}: {name} removed",
    )
