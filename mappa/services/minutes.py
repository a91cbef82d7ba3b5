"""The minutes of each case at a MAPPA meeting (domain.md section 7): discussion, decisions with
rationale and dissent, actions with owners and dates (tracked to done), the plan under four
headings and contingency, and the next review date; then marking them complete.

Only MAPPA chairs of the meeting's force write here, and every write locks the meeting row first
(`meetings.lock_item`), so a close and a change to its minutes never interleave."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, User
from cases.services import case_event
from mappa import rules
from mappa.models import ActionStatus, Agency, AgendaItem, Decision, Meeting, MeetingAction
from mappa.services.meetings import (
    LOCKED,
    TEXT_LIMIT,
    as_text,
    day_text,
    field_changes,
    lock_item,
    mark_held,
    meeting_title,
    require_chair,
    require_open,
)

MINUTES_FIELDS = {
    "discussion": "Discussion",
    "discussion_not_for_sharing": "Discussion not for sharing",
    **{key: f"Plan: {label.lower()}" for key, label in rules.PLAN_HEADINGS},
    "contingency": "Contingency plan",
    "next_review_on": "Next review date",
}


# --- Minutes ------------------------------------------------------------------------------------


def _writable(meeting: Meeting, item: AgendaItem) -> None:
    require_open(meeting)
    if item.minutes_complete:
        raise ValidationError(LOCKED)
    if meeting.held_on > timezone.localdate():
        raise ValidationError(
            f"Minutes can be recorded from the day of the meeting, {day_text(meeting.held_on)}"
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
    require_chair(acting_user, item.meeting.force_id)
    meeting, item = lock_item(item)
    _writable(meeting, item)
    values = _minutes_values(item, data)
    changes = field_changes(_held(item), values, MINUTES_FIELDS)
    if not changes:
        return []
    item.discussion = values["discussion"]
    item.discussion_not_for_sharing = values["discussion_not_for_sharing"]
    item.plan = {key: values[key] for key in rules.PLAN_KEYS}
    item.next_review_on = values["next_review_on"]
    item.full_clean()
    item.save()
    mark_held(meeting)
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
    require_chair(acting_user, item.meeting.force_id)
    meeting, item = lock_item(item)
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
    mark_held(meeting)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=decision,
        nominal_id=item.nominal_id,
        description=f"Decision at the {meeting_title(meeting)}",
        changes=[
            {"field": "Decision", "old": "", "new": decision.decision[:500]},
            {"field": "Not for sharing", "old": "", "new": as_text(decision.not_for_sharing)},
        ],
    )
    return decision, True


@transaction.atomic
def decision_remove(*, acting_user: User, decision: Decision) -> None:
    require_chair(acting_user, decision.item.meeting.force_id)
    meeting, item = lock_item(decision.item)
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
    require_chair(acting_user, item.meeting.force_id)
    meeting, item = lock_item(item)
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
        errors["due"] = [
            f"The due date must be on or after the meeting ({day_text(meeting.held_on)})"
        ]
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
    mark_held(meeting)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=action,
        nominal_id=item.nominal_id,
        description=f"Action from the {meeting_title(meeting)}",
        changes=[
            {"field": "Action", "old": "", "new": action.action[:500]},
            {"field": "Owner", "old": "", "new": f"{action.owner} ({agency})"},
            {"field": "Due", "old": "", "new": day_text(due)},
        ],
    )
    return action, True


@transaction.atomic
def action_remove(*, acting_user: User, action: MeetingAction) -> None:
    require_chair(acting_user, action.item.meeting.force_id)
    meeting, item = lock_item(action.item)
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
    require_chair(acting_user, action.item.meeting.force_id)
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
        after = f"on or after the meeting ({day_text(held_on)})"
        raise ValidationError({"completed_on": f"The date it was done must be {after}"})
    old = locked.get_status_display()
    locked.status, locked.completed_on = status, completed_on
    locked.full_clean()
    locked.save(update_fields=["status", "completed_on"])
    new = locked.get_status_display() + (f" on {day_text(completed_on)}" if completed_on else "")
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
    require_chair(acting_user, item.meeting.force_id)
    meeting, item = lock_item(item)
    require_open(meeting)
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
    mark_held(meeting)
    summary = (
        f"Reviewed at the {meeting_title(meeting)}: next review by {day_text(item.next_review_on)}"
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
    require_chair(acting_user, item.meeting.force_id)
    meeting, item = lock_item(item)
    require_open(meeting)
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
