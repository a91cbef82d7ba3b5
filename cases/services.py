"""Every write to forces, teams, users and nominals: atomic, audited, with the case's history."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from cases import audit
from cases.access import sync_case_permissions, sync_user_groups
from cases.extensions import CASE_EVENT_LISTENERS
from cases.models import (
    NOMINAL_DETAIL_FIELDS,
    AuditAction,
    CaseEvent,
    FieldChange,
    Force,
    InboxItem,
    Nominal,
    OtherName,
    Role,
    Team,
    User,
)

MASKED_FIELDS = {"account_number", "card_number"}


# --- Forces, teams and users --------------------------------------------------------------------


def force_next_reference(force: Force) -> str:
    """The next case reference, unique within the force (locks the force row)."""
    locked = Force.objects.select_for_update().get(pk=force.pk)
    locked.last_reference_number += 1
    locked.save(update_fields=["last_reference_number"])
    return f"{locked.reference_prefix}-{locked.last_reference_number:06d}"


@transaction.atomic
def team_create(*, force: Force, name: str) -> Team:
    team = Team(force=force, name=name)
    team.members_group = Group.objects.create(name=f"team-{force.code}-{name}-members"[:150])
    team.supervisors_group = Group.objects.create(
        name=f"team-{force.code}-{name}-supervisors"[:150]
    )
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str], teams: list[Team] | None = None) -> None:
    """Give the user exactly these roles (and teams), then their permission groups."""
    role_groups = [Group.objects.get_or_create(name=r)[0] for r in roles]
    current = user.groups.filter(name__in=Role.values)
    user.groups.remove(*current)
    user.groups.add(*role_groups)
    if teams is not None:
        user.teams.set(teams)
    user.is_staff = Role.ADMINISTRATOR in roles
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_roles", None)
    sync_user_groups(user)


# --- History helpers ----------------------------------------------------------------------------


def display_value(instance: models.Model, field_name: str) -> str:
    """A field's value as a person reads it (choices by label, dates in words, numbers masked)."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field_name)
    if value in (None, ""):
        return ""
    if field_name in MASKED_FIELDS:
        return instance.masked_number
    if field.choices:
        return str(getattr(instance, f"get_{field_name}_display")())
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
    if isinstance(field, models.FileField):
        return "Photograph added" if value else ""
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, str]:
    return {f: display_value(instance, f) for f in fields}


def diff(before: dict[str, str], instance: models.Model, fields: list[str]) -> list[dict[str, str]]:
    after = snapshot(instance, fields)
    return [
        {
            "field": str(instance._meta.get_field(f).verbose_name).capitalize(),
            "old": before[f],
            "new": after[f],
        }
        for f in fields
        if before[f] != after[f]
    ]


def case_event(
    *,
    nominal: Nominal,
    actor: User | None,
    kind: str,
    summary: str,
    changes: list[dict[str, str]] = (),
    subject: models.Model | None = None,
) -> CaseEvent:
    """Put an event on the case's timeline and tell the apps listening (see cases.extensions);
    `subject` is the record it is about, e.g. the address added."""
    event = CaseEvent.objects.create(nominal=nominal, actor=actor, kind=kind, summary=summary[:300])
    FieldChange.objects.bulk_create(FieldChange(event=event, **c) for c in changes)
    for listener in CASE_EVENT_LISTENERS:
        listener(event, subject)
    return event


def refresh_search_names(nominal: Nominal) -> None:
    """Keep the searchable names (current name and every other name) in step with the record."""
    names = [
        nominal.full_name,
        *OtherName.objects.filter(nominal=nominal).values_list("name", flat=True),
    ]
    text = " | ".join(" ".join(n.split()).lower() for n in names)
    Nominal.objects.filter(pk=nominal.pk).update(search_names=text)
    nominal.search_names = text


# --- The nominal --------------------------------------------------------------------------------


@transaction.atomic
def nominal_create(*, acting_user: User, data: dict[str, Any]) -> Nominal:
    """Create a case in the acting user's force; an offender manager creating it manages it."""
    nominal = Nominal(force=acting_user.force, **data)
    nominal.reference = force_next_reference(acting_user.force)
    if acting_user.has_role(Role.OFFENDER_MANAGER):
        nominal.offender_manager = acting_user
        nominal.team = acting_user.teams.order_by("pk").first()
    elif acting_user.has_role(Role.SUPERVISOR):
        nominal.team = acting_user.teams.order_by("pk").first()
    nominal.full_clean()
    nominal.save()
    refresh_search_names(nominal)
    sync_case_permissions(nominal)
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind="created",
        summary=f"Record created ({nominal.reference})",
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=nominal,
        description=f"Created {nominal.reference}",
        changes=[
            {"field": k, "old": "", "new": v}
            for k, v in snapshot(nominal, NOMINAL_DETAIL_FIELDS).items()
            if v
        ],
    )
    return nominal


@transaction.atomic
def nominal_update(*, acting_user: User, nominal: Nominal, data: dict[str, Any]) -> list[dict]:
    """Change the case's details; returns the changes (none: nothing is written)."""
    nominal = Nominal.objects.select_for_update().get(pk=nominal.pk)
    before = snapshot(nominal, NOMINAL_DETAIL_FIELDS)
    mappa_before = nominal.mappa_level
    for name, value in data.items():
        setattr(nominal, name, value)
    nominal.full_clean()
    changes = diff(before, nominal, NOMINAL_DETAIL_FIELDS)
    if not changes:
        return []
    nominal.save()
    refresh_search_names(nominal)
    if nominal.mappa_level != mappa_before:
        sync_case_permissions(nominal)
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind="details_changed",
        summary="Details changed: " + ", ".join(c["field"] for c in changes),
        changes=changes,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=nominal,
        description="Changed details",
        changes=changes,
    )
    return changes


@transaction.atomic
def nominal_allocate(*, acting_user: User, nominal: Nominal, offender_manager: User) -> bool:
    """Allocate the case to an offender manager (and their team), moving every object permission
    in the same transaction. Returns False when it was already theirs."""
    nominal = (
        Nominal.objects.select_for_update(of=("self",))
        .select_related("offender_manager")
        .get(pk=nominal.pk)
    )
    if nominal.offender_manager_id == offender_manager.pk:
        return False
    previous = nominal.offender_manager
    nominal.offender_manager = offender_manager
    nominal.team = offender_manager.teams.order_by("pk").first()
    nominal.save(update_fields=["offender_manager", "team", "updated_at"])
    sync_case_permissions(nominal)
    change = {"field": "Offender manager", "old": str(previous or ""), "new": str(offender_manager)}
    verb = "Reallocated" if previous else "Allocated"
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind="allocated",
        summary=f"{verb} to {offender_manager}",
        changes=[change],
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=nominal,
        description=f"{verb} to {offender_manager.get_username()}",
        changes=[change],
    )
    return True


# --- The details a person notifies (names, addresses, accounts …) --------------------------------


@transaction.atomic
def record_save(
    *,
    acting_user: User,
    nominal: Nominal,
    instance: models.Model,
    data: dict[str, Any],
    label: str,
) -> list[dict]:
    """Add or change one detail of a case (an address, a card, a vehicle …), keeping its history."""
    fields = list(data)
    creating = instance.pk is None
    if not creating:
        # The stored row, not the caller's copy (a ModelForm has already changed that one).
        instance = type(instance).objects.select_for_update().get(pk=instance.pk, nominal=nominal)
    before = {f: "" for f in fields} if creating else snapshot(instance, fields)
    for name, value in data.items():
        setattr(instance, name, value)
    instance.nominal = nominal
    instance.full_clean()
    changes = diff(before, instance, fields)
    if not creating and not changes:
        return []
    instance.save()
    if isinstance(instance, OtherName):
        refresh_search_names(nominal)
    verb = "added" if creating else "changed"
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind=f"{instance._meta.model_name}_{verb}",
        summary=f"{label} {verb}: {instance}",
        changes=changes,
        subject=instance,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE if creating else AuditAction.CHANGE,
        obj=instance,
        nominal_id=nominal.pk,
        description=f"{label} {verb}",
        changes=changes,
    )
    Nominal.objects.filter(pk=nominal.pk).update(updated_at=timezone.now())
    return changes


# --- Inbox --------------------------------------------------------------------------------------


def inbox_add(
    *,
    user: User | None,
    nominal: Nominal | None,
    kind: str,
    title: str,
    key: str,
    detail: str = "",
    due: date | None = None,
    link: str = "",
) -> bool:
    """Put one item in a user's inbox unless the same item (same key) is already there."""
    if user is None:
        return False
    _, created = InboxItem.objects.get_or_create(
        user=user,
        key=key[:200],
        defaults={
            "nominal": nominal,
            "kind": kind,
            "title": title[:200],
            "detail": detail,
            "due": due,
            "link": link[:300],
        },
    )
    return created


def inbox_add_many(items: list[InboxItem]) -> int:
    """Add the unsaved items not already in their users' inboxes (same key, done or not), in a
    few statements however many; returns how many were added. For the nightly jobs."""
    if not items:
        return 0
    have = set(
        InboxItem.objects.filter(
            user_id__in={i.user_id for i in items}, key__in=[i.key for i in items]
        ).values_list("user_id", "key")
    )
    new = [i for i in items if (i.user_id, i.key) not in have]
    if new:
        InboxItem.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def inbox_mark_done(*, acting_user: User, item_id: int) -> bool:
    """Mark one of the user's own items done (again is a no-op)."""
    return bool(
        InboxItem.objects.filter(pk=item_id, user=acting_user, done_at__isnull=True).update(
            done_at=timezone.now()
        )
    )
