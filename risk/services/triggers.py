"""What sets off an ARMS review and a return from reactive management (domain.md sections 4
and 5): new intelligence, a new relationship or address, contact with children, a breach, an
arrest, a missed notification. Other apps' events arrive through cases.extensions."""

from __future__ import annotations

import hashlib
from datetime import date

from django.urls import reverse
from django.utils import timezone

from cases.models import Address, Nominal, NominalStatus, Role, User
from cases.services import inbox_add
from risk.models import ReactiveCase, ReactiveStage, RiskReviewDue
from risk.rules import ReturnTrigger

# Case-event kinds (from any app) that are triggers, with the reactive return trigger they raise.
# (A missed notification is found by the nightly reactive refresh, from the register's clock.)
EVENT_TRIGGERS: dict[str, ReturnTrigger | None] = {
    "breach_recorded": ReturnTrigger.BREACH,
}


def _key(*parts: object) -> str:
    text = ":".join(str(p) for p in parts)
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def team_supervisors(nominal: Nominal) -> list[User]:
    if nominal.team_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True, teams=nominal.team_id, groups__name=Role.SUPERVISOR
        ).distinct()
    )


def arms_review_trigger(*, nominal: Nominal, reason: str, on: date | None = None) -> bool:
    """Make the ARMS review due at once, and tell the offender manager (once per reason a day)."""
    on = on or timezone.localdate()
    RiskReviewDue.objects.update_or_create(
        nominal=nominal,
        defaults={"due": on, "why": f"Review now: {reason}"[:300], "triggered_at": timezone.now()},
    )
    return inbox_add(
        user=nominal.offender_manager,
        nominal=nominal,
        kind="arms_review",
        title=f"{nominal.display_name}: review ARMS",
        detail=reason,
        due=on,
        link=reverse("risk:overview", args=[nominal.pk]),
        key=f"arms-trigger:{nominal.pk}:{on.isoformat()}:{_key(reason)}",
    )


def reactive_return_flag(
    *, nominal: Nominal, trigger: ReturnTrigger, summary: str, on: date | None = None
) -> bool:
    """Flag a case under reactive management for return, for the supervisor to decide."""
    on = on or timezone.localdate()
    if nominal.status != NominalStatus.REACTIVE:
        return False
    case, _ = ReactiveCase.objects.select_for_update().get_or_create(
        nominal=nominal, defaults={"stage": ReactiveStage.APPROVED}
    )
    entry = {"trigger": str(trigger), "on": on.isoformat(), "summary": summary[:300]}
    if entry in case.return_triggers:
        return False
    case.return_triggers = [*case.return_triggers, entry]
    case.stage = ReactiveStage.RETURN_FLAGGED
    case.save(update_fields=["return_triggers", "stage"])
    for supervisor in team_supervisors(nominal):
        inbox_add(
            user=supervisor,
            nominal=nominal,
            kind="reactive_return",
            title=f"{nominal.display_name}: return to active management?",
            detail=summary,
            due=on,
            link=reverse("risk:reactive-queue") + "?stage=return_flagged",
            key=f"reactive-return:{nominal.pk}:{_key(entry)}",
        )
    return True


def on_case_event(event, subject) -> None:
    """Listener for every case event (registered in RiskConfig.ready)."""
    nominal = event.nominal
    trigger = None
    reason = ""
    if isinstance(subject, Address) and event.kind == "address_added":
        if subject.kind == Address.Kind.HOUSEHOLD_WITH_CHILD:
            trigger, reason = (
                ReturnTrigger.ADDRESS_WITH_CHILDREN,
                "staying in a household with a child",
            )
        elif subject.kind in (Address.Kind.HOME, Address.Kind.NO_FIXED_ABODE):
            reason = "change of address"
        else:
            return
    elif event.kind in EVENT_TRIGGERS:
        trigger, reason = EVENT_TRIGGERS[event.kind], event.summary
    else:
        return
    arms_review_trigger(nominal=nominal, reason=f"{reason} ({event.summary})"[:280])
    if trigger is not None:
        reactive_return_flag(nominal=nominal, trigger=trigger, summary=event.summary)
