"""Writes behind an offender manager's capacity: contracted hours and reductions, set by their
supervisor. Atomic, audited in the same transaction, and safe to repeat."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from cases import audit
from cases.models import AuditAction, User
from dashboards.models import Reduction, WorkingHours


def _fmt(day: date | None) -> str:
    return day.strftime("%-d %b %Y") if day else "no end date"


@transaction.atomic
def working_hours_set(
    *, acting_user: User, user: User, hours: Decimal, effective_from: date
) -> tuple[WorkingHours, bool]:
    """Set the offender manager's contracted hours from a date (a second entry for the same date
    replaces the first). Returns (row, changed)."""
    row = (
        WorkingHours.objects.select_for_update()
        .filter(user=user, effective_from=effective_from)
        .first()
    )
    old = row.hours if row else None
    if row is not None and row.hours == hours:
        return row, False
    row = row or WorkingHours(user=user, effective_from=effective_from)
    row.hours = hours
    row.full_clean()
    row.save()
    change = {
        "field": f"Contracted hours from {_fmt(effective_from)}",
        "old": "" if old is None else str(old),
        "new": str(hours),
    }
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE if old is not None else AuditAction.CREATE,
        obj=row,
        description=f"Contracted hours of {user.get_username()}: {hours} a week from "
        f"{_fmt(effective_from)}",
        changes=[change],
    )
    return row, True


@transaction.atomic
def reduction_add(
    *,
    acting_user: User,
    user: User,
    reason: str,
    hours: Decimal,
    starts_on: date,
    ends_on: date | None,
) -> tuple[Reduction, bool]:
    """Take hours a week off the offender manager's casework for a period. The same reduction
    submitted twice is recorded once. Returns (row, created)."""
    reason = " ".join(reason.split())
    same = Reduction.objects.filter(
        user=user, reason=reason, hours=hours, starts_on=starts_on, ends_on=ends_on
    ).first()
    if same is not None:
        return same, False
    row = Reduction(
        user=user,
        reason=reason,
        hours=hours,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=acting_user,
    )
    row.full_clean()
    row.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=row,
        description=f"Reduction for {user.get_username()}: {hours} hours a week for "
        f"“{reason}” from {_fmt(starts_on)} to {_fmt(ends_on)}",
    )
    return row, True


@transaction.atomic
def reduction_end(*, acting_user: User, reduction: Reduction, ends_on: date) -> bool:
    """End a reduction on a date (its last day). Returns False when it already ends then."""
    reduction = Reduction.objects.select_for_update().get(pk=reduction.pk)
    if reduction.ends_on == ends_on:
        return False
    old = reduction.ends_on
    reduction.ends_on = ends_on
    reduction.full_clean()
    reduction.save(update_fields=["ends_on"])
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=reduction,
        description=f"Reduction “{reduction.reason}” of {reduction.user.get_username()} ends "
        f"{_fmt(ends_on)}",
        changes=[{"field": "Last day", "old": _fmt(old), "new": _fmt(ends_on)}],
    )
    return True
