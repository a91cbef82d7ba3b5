"""Case notes and intelligence (domain.md sections 4 and 5). Case readers read them, writers add
them; the front desk never sees them. An intelligence item, an arrest, contact with children or a
new relationship makes the ARMS review due at once, and the first three flag a case under
reactive management for return."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, Nominal, User
from cases.services import case_event
from risk.models import TRIGGER_KINDS, CaseNote, NoteKind
from risk.rules import ReturnTrigger
from risk.services.triggers import arms_review_trigger, reactive_return_flag

NOTE_FIELDS = ["kind", "occurred_on", "text", "source", "is_concern"]

# Section 5: these flag a case under reactive management for return to active management.
RETURN_TRIGGERS: dict[str, ReturnTrigger] = {
    NoteKind.INTELLIGENCE: ReturnTrigger.NEW_INTELLIGENCE,
    NoteKind.ARREST: ReturnTrigger.ARREST,
    NoteKind.CONTACT_WITH_CHILDREN: ReturnTrigger.ADDRESS_WITH_CHILDREN,
}

# What counts as "a breach, arrest or intelligence concern" for reactive management (section 5):
# any note marked as raising a concern, and every arrest, marked or not (an arrest is named
# outright). Intelligence that raises no concern does not restart the qualifying period, though
# it still flags a reactive case for the supervisor to look at. Breaches join this when civil
# orders are recorded.
CONCERN = Q(is_concern=True) | Q(kind=NoteKind.ARREST)

# The same note from the same person within this window is a second press of the button.
REPEAT_WINDOW = timedelta(minutes=10)


def notes_for(nominal: Nominal, *, kind: str = "") -> QuerySet[CaseNote]:
    """The case's notes and intelligence, newest first, with their authors."""
    notes = CaseNote.objects.filter(nominal=nominal).select_related("created_by")
    return notes.filter(kind=kind) if kind else notes


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


def _check(nominal: Nominal, note: CaseNote, on: date) -> None:
    errors: dict[str, str] = {}
    if note.occurred_on is None:
        errors["occurred_on"] = "Enter the date it happened"
    elif note.occurred_on > on:
        errors["occurred_on"] = "The date it happened must be today or in the past"
    elif note.occurred_on < nominal.date_of_birth:
        born = _fmt(nominal.date_of_birth)
        errors["occurred_on"] = f"The date it happened must be after the date of birth ({born})"
    if note.kind == NoteKind.INTELLIGENCE and not note.source.strip():
        errors["source"] = "Enter where the intelligence came from"
    if not note.text.strip():
        errors["text"] = "Enter what happened"
    if errors:
        raise ValidationError(errors)


def _repeat_of(nominal: Nominal, acting_user: User, note: CaseNote) -> CaseNote | None:
    return (
        CaseNote.objects.filter(
            nominal=nominal,
            created_by=acting_user,
            created_at__gte=timezone.now() - REPEAT_WINDOW,
            **{f: getattr(note, f) for f in NOTE_FIELDS},
        )
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def case_note_add(
    *, acting_user: User, nominal: Nominal, data: dict[str, Any]
) -> tuple[CaseNote, bool]:
    """Record a note or an intelligence item; returns (note, created). Pressing the button twice
    records one note."""
    on = timezone.localdate()
    # The case row is the lock: two identical submissions queue here and the second finds the first.
    nominal = (
        Nominal.objects.select_for_update(of=("self",))
        .select_related("offender_manager", "force")
        .get(pk=nominal.pk)
    )
    note = CaseNote(nominal=nominal, created_by=acting_user, **data)
    note.text = (note.text or "").strip()
    note.source = (note.source or "").strip()
    _check(nominal, note, on)
    note.full_clean(exclude=["nominal", "created_by"])
    repeat = _repeat_of(nominal, acting_user, note)
    if repeat is not None:
        return repeat, False
    note.save()
    label = note.get_kind_display()
    summary = f"{label} recorded ({_fmt(note.occurred_on)})"
    if note.is_concern:
        summary += ": raises a concern about risk"
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind="intelligence_added" if note.kind == NoteKind.INTELLIGENCE else "note_added",
        summary=summary,
        subject=note,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=note,
        nominal_id=nominal.pk,
        description=f"{label} added",
        changes=[{"field": "Kind", "old": "", "new": label}],
    )
    _raise_triggers(nominal, note, summary)
    return note, True


def _raise_triggers(nominal: Nominal, note: CaseNote, summary: str) -> None:
    if note.kind not in TRIGGER_KINDS:
        return
    arms_review_trigger(nominal=nominal, reason=summary)
    trigger = RETURN_TRIGGERS.get(note.kind)
    if trigger is not None:
        reactive_return_flag(nominal=nominal, trigger=trigger, summary=summary)
