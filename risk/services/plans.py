"""The risk management plan (domain.md section 4): versioned, one current version, reviewed with
every ARMS. Reviewing writes a new version; old versions stay as they were."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, InboxItem, Nominal, User
from cases.services import case_event
from risk.models import (
    ActionStatus,
    ArmsAssessment,
    PlanAction,
    PlanHeading,
    RiskManagementPlan,
)
from risk.services.arms import latest_signed_off, protective_summary

# Individual visit frequency, in months (domain.md section 5: set in the plan with a reason).
INTERVAL_MONTHS = range(1, 25)
ACTION_FIELDS = ("heading", "action", "owner", "due", "status")

# --- Reads --------------------------------------------------------------------------------------


def plans_for(nominal: Nominal) -> QuerySet[RiskManagementPlan]:
    """Every version, latest first, with who wrote it and the ARMS it was reviewed with."""
    return RiskManagementPlan.objects.filter(nominal=nominal).select_related("created_by", "arms")


def with_actions(plans: QuerySet[RiskManagementPlan]) -> QuerySet[RiskManagementPlan]:
    return plans.prefetch_related(
        Prefetch("actions", queryset=PlanAction.objects.order_by("heading", "due", "pk"))
    )


def current_plan(nominal: Nominal) -> RiskManagementPlan | None:
    return with_actions(plans_for(nominal).filter(current=True)).first()


def actions_by_heading(plan: RiskManagementPlan) -> list[tuple[str, str, list[PlanAction]]]:
    """(heading, label, actions) for each of the four headings, in the order the plan uses."""
    actions = list(plan.actions.all())
    return [
        (value, label, [a for a in actions if a.heading == value])
        for value, label in PlanHeading.choices
    ]


@dataclass
class PlanDraft:
    """What a review starts from: the current version's content and open actions, and the
    protective factors of an ARMS signed off since that version was written."""

    based_on: int | None
    initial: dict[str, Any]
    actions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    arms: ArmsAssessment | None = None
    protective_from_arms: bool = False


def plan_draft(nominal: Nominal) -> PlanDraft:
    current = current_plan(nominal)
    arms = latest_signed_off(nominal)
    draft = PlanDraft(based_on=current.version if current else None, initial={}, arms=arms)
    if current is not None:
        draft.initial = {
            "contingency": current.contingency,
            "protective_factors": current.protective_factors,
            "visit_interval_months": current.visit_interval_months,
            "visit_interval_reason": current.visit_interval_reason,
        }
        for action in current.actions.all():
            if action.status == ActionStatus.OPEN:
                draft.actions.setdefault(action.heading, []).append(
                    {name: getattr(action, name) for name in ACTION_FIELDS}
                )
    if arms is not None and (current is None or current.arms_id != arms.pk):
        draft.initial["protective_factors"] = protective_summary(arms)
        draft.protective_from_arms = True
    return draft


def review_needed(plan: RiskManagementPlan | None, arms: ArmsAssessment | None) -> bool:
    """An ARMS signed off after the plan was written: the plan is due a review with it."""
    return arms is not None and (plan is None or plan.arms_id != arms.pk)


# --- Writes -------------------------------------------------------------------------------------


@transaction.atomic
def plan_review(
    *,
    acting_user: User,
    nominal: Nominal,
    based_on: int | None,
    contingency: str,
    protective_factors: str = "",
    visit_interval_months: int | None = None,
    visit_interval_reason: str = "",
    actions: list[dict[str, Any]] = (),
) -> tuple[RiskManagementPlan, bool]:
    """Write the next version of the plan and make it current. `based_on` is the version the
    reviewer started from: if another version has been written since, nothing is written (a
    second press of the button returns the version the first one made)."""
    Nominal.objects.select_for_update().filter(pk=nominal.pk).values_list("pk").get()
    current = RiskManagementPlan.objects.filter(nominal=nominal, current=True).first()
    content = {
        "contingency": (contingency or "").strip(),
        "protective_factors": (protective_factors or "").strip(),
        "visit_interval_months": visit_interval_months,
        "visit_interval_reason": (visit_interval_reason or "").strip(),
    }
    actions = [_action_values(a) for a in actions]
    if (current.version if current else None) != based_on:
        if current is not None and _same(current, acting_user, content, actions):
            return current, False
        raise ValidationError(_conflict(current, based_on))
    _check(content)
    version = (
        RiskManagementPlan.objects.filter(nominal=nominal).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    if current is not None:
        RiskManagementPlan.objects.filter(pk=current.pk, current=True).update(current=False)
    plan = RiskManagementPlan(
        nominal=nominal,
        version=version,
        arms=latest_signed_off(nominal),
        current=True,
        created_by=acting_user,
        **content,
    )
    plan.full_clean()
    plan.save()
    made = _actions(plan, actions)
    InboxItem.objects.filter(nominal=nominal, kind="plan_review", done_at__isnull=True).update(
        done_at=timezone.now()
    )
    changes = _changes(current, plan, made)
    verb = "reviewed" if current else "written"
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind="plan_reviewed",
        summary=f"Risk management plan {verb}: version {version}",
        changes=[{**c, "old": c["old"][:500], "new": c["new"][:500]} for c in changes],
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=plan,
        nominal_id=nominal.pk,
        description=f"Risk management plan version {version}",
        changes=changes,
    )
    return plan, True


@transaction.atomic
def plan_action_set_status(*, acting_user: User, action: PlanAction, status: str) -> bool:
    """Mark an action of the current plan done, cancelled or open again. False: no change."""
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Select done, cancelled or open"})
    locked = (
        PlanAction.objects.select_for_update(of=("self",))
        .select_related("plan__nominal")
        .get(pk=action.pk)
    )
    if not locked.plan.current:
        raise ValidationError(
            "This version of the plan has been replaced: change the action in the current plan"
        )
    if not PlanAction.objects.filter(pk=locked.pk).exclude(status=status).update(status=status):
        return False
    old = locked.get_status_display()
    locked.status = status
    change = [{"field": "Status", "old": old, "new": locked.get_status_display()}]
    summary = f"Plan action {locked.get_status_display().lower()}: {locked.action[:200]}"
    case_event(
        nominal=locked.plan.nominal,
        actor=acting_user,
        kind="plan_action_changed",
        summary=summary,
        changes=change,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=locked,
        nominal_id=locked.plan.nominal_id,
        description=f"Risk management plan v{locked.plan.version}: action status",
        changes=change,
    )
    return True


# --- Helpers ------------------------------------------------------------------------------------


def _action_values(given: dict[str, Any]) -> dict[str, Any]:
    return {
        "heading": given.get("heading", ""),
        "action": (given.get("action") or "").strip(),
        "owner": (given.get("owner") or "").strip(),
        "due": given.get("due"),
        "status": given.get("status") or ActionStatus.OPEN,
    }


def _check(content: dict[str, Any]) -> None:
    errors = {}
    if not content["contingency"]:
        errors["contingency"] = "Enter the contingency plan"
    months, reason = content["visit_interval_months"], content["visit_interval_reason"]
    if months is not None and months not in INTERVAL_MONTHS:
        errors["visit_interval_months"] = (
            "The individual visit frequency must be between 1 and 24 months"
        )
    elif months is not None and not reason:
        errors["visit_interval_reason"] = "Give the reason for the individual visit frequency"
    elif months is None and reason:
        errors["visit_interval_months"] = (
            "Enter the individual visit frequency in months, or remove the reason"
        )
    if errors:
        raise ValidationError(errors)


def _actions(plan: RiskManagementPlan, actions: list[dict[str, Any]]) -> list[PlanAction]:
    made = []
    for number, values in enumerate(actions, start=1):
        action = PlanAction(plan=plan, **values)
        try:
            action.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {
                    "actions": [
                        f"Action {number}, {name}: {message}"
                        for name, messages in error.message_dict.items()
                        for message in messages
                    ]
                }
            ) from error
        made.append(action)
    return PlanAction.objects.bulk_create(made)


def _same(
    plan: RiskManagementPlan, user: User, content: dict[str, Any], actions: list[dict[str, Any]]
) -> bool:
    if plan.created_by_id != user.pk:
        return False
    if any(getattr(plan, name) != value for name, value in content.items()):
        return False
    held = [{name: getattr(a, name) for name in ACTION_FIELDS} for a in plan.actions.order_by("pk")]
    return held == actions


def _conflict(current: RiskManagementPlan | None, based_on: int | None) -> str:
    if current is None:
        return f"There is no version {based_on} of the plan: no plan has been written yet"
    if based_on is not None and based_on > current.version:
        return (
            f"There is no version {based_on} of the plan: the current version is {current.version}"
        )
    when = timezone.localtime(current.created_at)
    return (
        f"Version {current.version} of the plan was saved by {current.created_by} at "
        f"{when:%H:%M on %-d %B %Y} after you opened it: review that version instead"
    )


def _changes(
    before: RiskManagementPlan | None, plan: RiskManagementPlan, actions: list[PlanAction]
) -> list[dict[str, str]]:
    labels = {
        "contingency": "Contingency plan",
        "protective_factors": "Protective factors to build on",
        "visit_interval_months": "Individual visit frequency (months)",
        "visit_interval_reason": "Reason for the individual visit frequency",
    }
    changes = []
    for name, label in labels.items():
        old = "" if before is None else _text(getattr(before, name))
        new = _text(getattr(plan, name))
        if old != new:
            changes.append({"field": label, "old": old, "new": new})
    open_count = sum(a.status == ActionStatus.OPEN for a in actions)
    changes.append({"field": "Actions", "old": "", "new": f"{len(actions)} ({open_count} open)"})
    return changes


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    return str(value)
