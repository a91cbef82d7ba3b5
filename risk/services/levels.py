"""The overall risk of serious harm level (domain.md section 4): set by the offender manager with
a rationale, kept as history, the current one copied to the nominal for lists and the identity
bar."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, Nominal, RiskLevel, User
from cases.services import case_event
from risk.models import RiskLevelChange

DAY = "%-d %b %Y"


def _label(level: str) -> str:
    return RiskLevel(level).label if level in RiskLevel.values else "Not set"


def _check(nominal: Nominal, level: str, rationale: str, set_on: date) -> None:
    errors = {}
    if level not in RiskLevel.values:
        allowed = ", ".join(RiskLevel.values)
        errors["level"] = f"Select the risk level: one of {allowed}"
    if not rationale:
        errors["rationale"] = "Enter the reasons for this risk level"
    if set_on > timezone.localdate():
        errors["set_on"] = "The date the level takes effect must be today or in the past"
    elif set_on < nominal.date_of_birth:
        born = f"{nominal.date_of_birth:{DAY}}"
        errors["set_on"] = (
            f"The date the level takes effect must be after the date of birth ({born})"
        )
    if errors:
        raise ValidationError(errors)


def current_level(history: list[tuple[str, date]]) -> tuple[str, date | None]:
    """The level in force and the date it took effect, from the history latest first: a later
    setting at the same level confirms it, and does not restart the time it has held."""
    if not history:
        return "", None
    level, since = history[0]
    for earlier_level, earlier_on in history[1:]:
        if earlier_level != level:
            break
        since = earlier_on
    return level, since


def _history(nominal: Nominal) -> list[tuple[str, date]]:
    rows = RiskLevelChange.objects.filter(nominal=nominal).order_by("-set_on", "-created_at", "-pk")
    return list(rows.values_list("level", "set_on"))


@transaction.atomic
def risk_level_set(
    *,
    acting_user: User,
    nominal: Nominal,
    level: str,
    rationale: str,
    set_on: date | None = None,
) -> tuple[RiskLevelChange, bool]:
    """Record a risk level from a date. The same level, date and rationale again (a double
    submission) writes nothing: (change, created)."""
    set_on = set_on or timezone.localdate()
    rationale = (rationale or "").strip()
    _check(nominal, level, rationale, set_on)
    locked = Nominal.objects.select_for_update().get(pk=nominal.pk)
    earlier = RiskLevelChange.objects.filter(
        nominal=nominal, level=level, set_on=set_on, rationale=rationale
    ).first()
    if earlier is not None:
        return earlier, False
    before = RiskLevelChange.objects.filter(nominal=nominal, set_on__lte=set_on).first()
    old = before.level if before is not None else ""
    change = RiskLevelChange(
        nominal=nominal, level=level, rationale=rationale, set_on=set_on, set_by=acting_user
    )
    change.full_clean()
    change.save()
    current, since = current_level(_history(nominal))
    if (current, since) != (locked.risk_level, locked.risk_level_set_on):
        Nominal.objects.filter(pk=nominal.pk).update(risk_level=current, risk_level_set_on=since)
    nominal.risk_level, nominal.risk_level_set_on = current, since
    changes = [{"field": "Risk level", "old": _label(old), "new": _label(level)}]
    summary = _summary(change, old, current)
    case_event(
        nominal=nominal, actor=acting_user, kind="risk_level_set", summary=summary, changes=changes
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=change,
        nominal_id=nominal.pk,
        description=summary,
        changes=changes,
    )
    return change, True


def _summary(change: RiskLevelChange, old: str, current: str) -> str:
    new = _label(change.level).lower()
    text = f"Risk level {_label(old).lower()} → {new} from {change.set_on:{DAY}}"
    if current != change.level:
        # A back-dated entry fills in the history; a later setting still decides the level.
        text += f" (added to the history; the current level stays {_label(current).lower()})"
    return text


def level_history(nominal: Nominal):
    return RiskLevelChange.objects.filter(nominal=nominal).select_related("set_by")
