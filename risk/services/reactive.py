"""Reactive management (domain.md section 5; NPCC 2017): who is eligible, read from the case's
records and the force's settings; the supervisors' queue; the offender manager's proposal; the
supervisor's decision; and the decision on a case flagged for return to active management.

Under reactive management a case gets no routine visits (the visits work reads the case status)
and the annual notification continues: nothing here touches the register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import (
    Case,
    DateField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, Nominal, NominalStatus, RiskLevel, Role, User
from cases.services import case_event, inbox_add, nominal_update
from risk import rules
from risk.models import (
    CaseNote,
    DenialReason,
    ReactiveCase,
    ReactiveStage,
    RiskLevelChange,
)
from risk.services.notes import CONCERN
from risk.services.triggers import team_supervisors

SNOOZE_MAX_DAYS = 90

# A case still in the queue: waiting for a proposal or for the supervisor's decision.
WAITING = (ReactiveStage.ELIGIBLE, ReactiveStage.PROPOSED)
# A case under reactive management (its status is "reactive").
UNDER_REACTIVE = (
    ReactiveStage.APPROVED,
    ReactiveStage.RETURN_FLAGGED,
    ReactiveStage.RETURN_DECLINED,
)
# Where an offender manager may propose from (after a denial or a return, when eligible again).
PROPOSABLE = (ReactiveStage.ELIGIBLE, ReactiveStage.DENIED, ReactiveStage.RETURNED)

CASE_ACTIVE = "case_active"
CRITERION_LABELS = {
    rules.ReactiveCriterion.LOW_RISK_PERIOD: "Low risk for the qualifying period",
    rules.ReactiveCriterion.MAPPA_LEVEL_1: "MAPPA level 1",
    rules.ReactiveCriterion.NOT_ON_LICENCE: "Not on licence",
    rules.ReactiveCriterion.NO_CIVIL_ORDER: "No civil order in force",
    rules.ReactiveCriterion.NO_CONCERN: "No breach, arrest or intelligence concern",
    CASE_ACTIVE: "Case active",
}


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve: move the case to reactive management"
    DENY = "deny", "Deny, with a reason"
    SNOOZE = "snooze", "Decide later (snooze for up to 90 days)"
    RETURN = "return", "Return the case to active management"
    KEEP = "keep", "Keep the case under reactive management"


PROPOSAL_DECISIONS = (Decision.APPROVE, Decision.DENY, Decision.SNOOZE)
RETURN_DECISIONS = (Decision.RETURN, Decision.KEEP)

DECISION_STAGE = {
    Decision.APPROVE: ReactiveStage.APPROVED,
    Decision.DENY: ReactiveStage.DENIED,
    Decision.SNOOZE: ReactiveStage.SNOOZED,
    Decision.RETURN: ReactiveStage.RETURNED,
    Decision.KEEP: ReactiveStage.RETURN_DECLINED,
}


class QueueStage(models.TextChoices):
    RETURN_FLAGGED = "return_flagged", "Flagged for return to active management"
    PROPOSED = "proposed", "Proposed by the offender manager"
    ELIGIBLE = "eligible", "Eligible, not yet proposed"


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


# --- Civil orders (the seam) --------------------------------------------------------------------


def civil_order_in_force(nominal: Nominal, on: date | None = None) -> bool:
    """Whether a civil order (a sexual harm prevention order, a sexual risk order …) is in force
    for this person on `on`."""
    from notifications.orders import any_in_force

    return any_in_force(nominal, on)


def with_civil_orders(queryset: QuerySet[Nominal], on: date) -> QuerySet[Nominal]:
    """The bulk form of `civil_order_in_force`: each row annotated `civil_order_in_force` in the
    same SQL (an EXISTS over the orders in force on `on`), so a list never costs a query per
    person. Keep it in step with `civil_order_in_force`."""
    from notifications.orders import in_force_exists

    return queryset.annotate(civil_order_in_force=in_force_exists(on))


# --- The facts the rule needs, read in SQL ------------------------------------------------------


def _low_risk_since(on: date) -> Coalesce:
    """The start of the current unbroken run of "low" in the level history as on `on`: the first
    low setting after the last setting at any other level. Without history, the date the level
    was set (cases loaded with a level but no history)."""
    last_other = (
        RiskLevelChange.objects.filter(nominal=OuterRef("nominal"), set_on__lte=on)
        .exclude(level=RiskLevel.LOW)
        .order_by()
        .values("nominal")
        .annotate(last=Max("set_on"))
        .values("last")
    )
    run = (
        RiskLevelChange.objects.filter(nominal=OuterRef("pk"), level=RiskLevel.LOW, set_on__lte=on)
        .annotate(last_other=Subquery(last_other, output_field=DateField()))
        .filter(Q(last_other__isnull=True) | Q(set_on__gte=F("last_other")))
        .order_by()
        .values("nominal")
        .annotate(since=Min("set_on"))
        .values("since")
    )
    return Coalesce(Subquery(run, output_field=DateField()), F("risk_level_set_on"))


def _last_concern(on: date) -> Subquery:
    concerns = CaseNote.objects.filter(CONCERN, nominal=OuterRef("pk"), occurred_on__lte=on)
    return Subquery(concerns.order_by("-occurred_on").values("occurred_on")[:1])


def with_reactive_facts(queryset: QuerySet[Nominal], on: date) -> QuerySet[Nominal]:
    """Annotate what the eligibility rule reads beyond the case's own columns, in one query."""
    return with_civil_orders(
        queryset.annotate(low_risk_since=_low_risk_since(on), last_concern_on=_last_concern(on)),
        on,
    )


# --- Eligibility --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    eligible: bool
    criteria: tuple[dict[str, Any], ...]  # {"code", "met", "reason"}, as ReactiveCase stores them

    @property
    def unmet(self) -> list[str]:
        return [c["reason"] for c in self.criteria if not c["met"]]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return criteria_rows(self.criteria)


def criteria_rows(criteria) -> list[dict[str, Any]]:
    """Criteria with a heading each, for pages."""
    return [{**c, "label": CRITERION_LABELS.get(c["code"], c["code"])} for c in criteria]


def signature(criteria) -> tuple:
    """What the stored criteria decide: a change in wording alone is not a change."""
    return tuple((c["code"], bool(c["met"])) for c in criteria)


def _level_criterion(nominal: Nominal, on: date) -> dict[str, Any] | None:
    """The low-risk criterion when the rule cannot be asked (level unset, or low only later)."""
    since = nominal.low_risk_since
    code = str(rules.ReactiveCriterion.LOW_RISK_PERIOD)
    if not nominal.risk_level:
        return {"code": code, "met": False, "reason": "The overall risk level has not been set."}
    if nominal.risk_level != RiskLevel.LOW:
        return None
    if since is None:
        reason = "The date the risk level became low is not recorded."
        return {"code": code, "met": False, "reason": reason}
    if since > on:
        reason = f"Low risk only from {_fmt(since)}, after {_fmt(on)}."
        return {"code": code, "met": False, "reason": reason}
    return None


def assess(nominal: Nominal, *, on: date) -> Assessment:
    """Eligibility for reactive management as on `on` (section 5). `nominal` (a case, or the
    nightly refresh's plain row of one) carries the annotations of `with_reactive_facts` and its
    force (the settings)."""
    force = nominal.force
    replaced = _level_criterion(nominal, on)
    # When the level criterion is answered above, the rule is still asked for the others; the
    # level passed is a stand-in whose criterion is then replaced.
    result = rules.reactive_eligibility(
        on=on,
        risk_level=rules.RiskLevel.MEDIUM if replaced else nominal.risk_level,
        low_risk_since=None if replaced else nominal.low_risk_since,
        mappa_level=nominal.mappa_level,
        on_licence=nominal.on_licence,
        civil_order_in_force=bool(nominal.civil_order_in_force),
        last_concern_on=nominal.last_concern_on,
        qualifying_years=force.reactive_qualifying_years,
        civil_orders_exclude=force.reactive_civil_orders_exclude,
    )
    criteria = [{"code": str(c.code), "met": c.met, "reason": c.reason} for c in result.criteria]
    if replaced:
        criteria[0] = replaced
    if nominal.status not in (NominalStatus.ACTIVE, NominalStatus.REACTIVE):
        status = NominalStatus(nominal.status).label.lower()
        criteria.append(
            {"code": CASE_ACTIVE, "met": False, "reason": f"The case is {status}, not active."}
        )
    return Assessment(all(c["met"] for c in criteria), tuple(criteria))


def assess_case(nominal: Nominal, *, on: date | None = None) -> Assessment:
    """One case's eligibility, fresh from the database (one query)."""
    on = on or timezone.localdate()
    row = with_reactive_facts(
        Nominal.objects.filter(pk=nominal.pk).select_related("force"), on
    ).get()
    row.civil_order_in_force = civil_order_in_force(row, on)
    return assess(row, on=on)


def reactive_case(nominal: Nominal) -> ReactiveCase | None:
    return (
        ReactiveCase.objects.filter(nominal=nominal)
        .select_related("proposed_by", "decided_by")
        .first()
    )


# --- The queue ----------------------------------------------------------------------------------


def _queue_stage() -> Case:
    proposed = Q(reactive__stage=ReactiveStage.PROPOSED) | Q(
        reactive__stage=ReactiveStage.SNOOZED, reactive__proposed_at__isnull=False
    )
    return Case(
        When(reactive__stage=ReactiveStage.RETURN_FLAGGED, then=Value(QueueStage.RETURN_FLAGGED)),
        When(proposed, then=Value(QueueStage.PROPOSED)),
        default=Value(QueueStage.ELIGIBLE),
        output_field=models.CharField(),
    )


def reactive_queue(user: User, on: date, stages: list[str] | None = None) -> QuerySet[Nominal]:
    """The cases the user may see that wait for a decision: eligible or proposed (a snooze hides
    a case until the day it ends), and cases flagged for return. Flagged first, then proposed."""
    waiting = Q(reactive__stage__in=WAITING, reactive__eligible=True) | Q(
        reactive__stage=ReactiveStage.SNOOZED, reactive__snoozed_until__lte=on
    )
    queue = (
        Nominal.objects.visible_to(user)
        .filter(waiting | Q(reactive__stage=ReactiveStage.RETURN_FLAGGED))
        .select_related("force", "reactive", "offender_manager", "reactive__proposed_by")
        .annotate(queue_stage=_queue_stage())
    )
    if stages:
        queue = queue.filter(queue_stage__in=stages)
    order = Case(
        *(When(queue_stage=s, then=Value(i)) for i, s in enumerate(QueueStage.values)),
        output_field=IntegerField(),
    )
    return with_reactive_facts(queue, on).order_by(order, "surname", "forenames", "pk")


@dataclass(frozen=True)
class QueueRow:
    nominal: Nominal
    case: ReactiveCase
    stage: str
    assessment: Assessment

    @property
    def stage_label(self) -> str:
        return QueueStage(self.stage).label


def queue_row(nominal: Nominal, *, on: date) -> QueueRow:
    """One queue entry with today's criteria (each met or not, with its reason)."""
    return QueueRow(nominal, nominal.reactive, nominal.queue_stage, assess(nominal, on=on))


# --- Proposal -----------------------------------------------------------------------------------


def _locked(nominal: Nominal) -> tuple[Nominal, ReactiveCase | None]:
    nominal = (
        Nominal.objects.select_for_update(of=("self",))
        .select_related("force", "offender_manager", "team")
        .get(pk=nominal.pk)
    )
    return nominal, ReactiveCase.objects.select_for_update().filter(nominal=nominal).first()


def _stage_label(case: ReactiveCase | None) -> str:
    return case.get_stage_display() if case else "Not in the queue"


PROPOSE_REFUSED = {
    ReactiveStage.SNOOZED: "A supervisor has put off the decision on this case until {until}.",
    ReactiveStage.APPROVED: "This case is already under reactive management.",
    ReactiveStage.RETURN_FLAGGED: "This case is already under reactive management.",
    ReactiveStage.RETURN_DECLINED: "This case is already under reactive management.",
}


@transaction.atomic
def reactive_propose(
    *, acting_user: User, nominal: Nominal, on: date | None = None
) -> tuple[ReactiveCase, bool]:
    """The offender manager proposes the case for reactive management: only while it is
    eligible. Returns (case, proposed now); proposing again changes nothing."""
    on = on or timezone.localdate()
    nominal, case = _locked(nominal)
    if case is not None and case.stage == ReactiveStage.PROPOSED:
        return case, False
    if case is not None and case.stage not in PROPOSABLE:
        until = _fmt(case.snoozed_until) if case.snoozed_until else "later"
        raise ValidationError(PROPOSE_REFUSED[case.stage].format(until=until))
    if case is None and nominal.status == NominalStatus.REACTIVE:
        raise ValidationError(PROPOSE_REFUSED[ReactiveStage.APPROVED])
    assessment = assess_case(nominal, on=on)
    if not assessment.eligible:
        raise ValidationError(
            "This case is not eligible for reactive management: " + " ".join(assessment.unmet)
        )
    before = _stage_label(case)
    case = case or ReactiveCase(nominal=nominal)
    case.stage = ReactiveStage.PROPOSED
    case.proposed_by, case.proposed_at = acting_user, timezone.now()
    case.decided_by, case.decided_at = None, None
    case.reason, case.comments, case.snoozed_until = "", "", None
    case.eligible, case.criteria, case.checked_on = True, list(assessment.criteria), on
    case.full_clean(exclude=["nominal"])
    case.save()
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind="reactive_proposed",
        summary="Proposed for reactive management",
    )
    _audit(acting_user, case, "Proposed for reactive management", before)
    for supervisor in team_supervisors(nominal):
        inbox_add(
            user=supervisor,
            nominal=nominal,
            kind="reactive_proposal",
            title=f"{nominal.display_name}: proposed for reactive management",
            detail=f"Proposed by {acting_user}. Approve, deny or decide later.",
            due=on,
            link=reverse("risk:reactive-decide", args=[nominal.pk]),
            key=f"reactive-proposal:{nominal.pk}:{case.proposed_at.isoformat()}",
        )
    return case, True


def _audit(user: User, case: ReactiveCase, description: str, before: str, extra=()) -> None:
    changes = [{"field": "Reactive management", "old": before, "new": case.get_stage_display()}]
    audit.record(
        actor=user,
        action=AuditAction.CHANGE,
        obj=case,
        nominal_id=case.nominal_id,
        description=description,
        changes=[*changes, *extra],
    )


# --- The supervisor's decision ------------------------------------------------------------------


def _check_decision(
    case: ReactiveCase | None,
    decision: Decision,
    *,
    reason: str,
    comments: str,
    snoozed_until: date | None,
    on: date,
) -> None:
    """Whether this decision may be made on the case as it stands, with what it needs."""
    if case is None:
        raise ValidationError(
            {"decision": "There is nothing to decide: the case is not in the queue."}
        )
    stage = case.stage
    if decision == Decision.APPROVE and not (
        stage == ReactiveStage.PROPOSED
        or (stage == ReactiveStage.SNOOZED and case.proposed_at is not None)
    ):
        raise ValidationError(
            {"decision": "Only a case the offender manager has proposed can be approved."}
        )
    if decision in (Decision.DENY, Decision.SNOOZE) and stage not in (
        *WAITING,
        ReactiveStage.SNOOZED,
    ):
        raise ValidationError(
            {"decision": f"This case is not waiting for a decision ({case.get_stage_display()})."}
        )
    if decision in RETURN_DECISIONS and stage != ReactiveStage.RETURN_FLAGGED:
        raise ValidationError(
            {"decision": "Only a case flagged for return to active management can be decided."}
        )
    errors: dict[str, str] = {}
    if decision == Decision.DENY:
        if reason not in DenialReason.values:
            errors["reason"] = "Select the reason for denying reactive management"
        elif reason == DenialReason.OTHER and not comments:
            errors["comments"] = "Explain the reason in the comments"
    if decision == Decision.SNOOZE:
        # Section 5 (force practice): a decision may be put off, but for 90 days at most.
        latest = on + timedelta(days=SNOOZE_MAX_DAYS)
        if snoozed_until is None:
            errors["snoozed_until"] = "Enter the date to decide by"
        elif snoozed_until <= on:
            errors["snoozed_until"] = "The date to decide by must be in the future"
        elif snoozed_until > latest:
            errors["snoozed_until"] = (
                f"You can snooze for at most {SNOOZE_MAX_DAYS} days: "
                f"choose a date no later than {_fmt(latest)}"
            )
    if decision == Decision.KEEP and not comments:
        errors["comments"] = "Give the reason for keeping the case under reactive management"
    if errors:
        raise ValidationError(errors)


def _unchanged(case: ReactiveCase | None, decision: Decision, snoozed_until: date | None) -> bool:
    # A second press of the button: the case is already where the decision puts it.
    if case is None or case.stage != DECISION_STAGE[decision]:
        return False
    return decision != Decision.SNOOZE or case.snoozed_until == snoozed_until


@transaction.atomic
def reactive_decide(
    *,
    acting_user: User,
    nominal: Nominal,
    decision: str,
    reason: str = "",
    comments: str = "",
    snoozed_until: date | None = None,
    on: date | None = None,
) -> tuple[ReactiveCase, bool]:
    """A supervisor decides on a proposal (approve, deny with a coded reason, or snooze up to
    90 days) or on a case flagged for return (return it, or keep it with a reason). Returns
    (case, changed); the same decision again changes nothing."""
    if not acting_user.has_role(Role.SUPERVISOR):
        raise PermissionDenied("Only a supervisor can decide on reactive management")
    on = on or timezone.localdate()
    if decision not in Decision.values:
        raise ValidationError({"decision": "Select a decision"})
    decision = Decision(decision)
    comments = (comments or "").strip()
    nominal, case = _locked(nominal)
    if _unchanged(case, decision, snoozed_until):
        return case, False
    _check_decision(
        case, decision, reason=reason, comments=comments, snoozed_until=snoozed_until, on=on
    )
    assessment = assess_case(nominal, on=on) if decision == Decision.APPROVE else None
    if assessment is not None and not assessment.eligible:
        raise ValidationError(
            {"decision": "This case is no longer eligible: " + " ".join(assessment.unmet)}
        )
    before = case.get_stage_display()
    _apply(acting_user, nominal, case, decision, assessment, on)
    case.stage = DECISION_STAGE[decision]
    case.decided_by, case.decided_at = acting_user, timezone.now()
    case.reason = reason if decision == Decision.DENY else ""
    case.comments = comments
    case.snoozed_until = snoozed_until if decision == Decision.SNOOZE else None
    case.full_clean(exclude=["nominal"])
    case.save()
    _record_decision(acting_user, nominal, case, decision, before)
    return case, True


def _apply(
    user: User,
    nominal: Nominal,
    case: ReactiveCase,
    decision: Decision,
    assessment: Assessment | None,
    on: date,
) -> None:
    """What the decision does beyond the queue: the case's status, through the case service so
    its history is kept."""
    if decision == Decision.APPROVE:
        nominal_update(acting_user=user, nominal=nominal, data={"status": NominalStatus.REACTIVE})
        case.eligible, case.criteria, case.checked_on = True, list(assessment.criteria), on
    elif decision == Decision.RETURN and nominal.status == NominalStatus.REACTIVE:
        nominal_update(acting_user=user, nominal=nominal, data={"status": NominalStatus.ACTIVE})
    if decision in RETURN_DECISIONS:
        # The triggers decided on go to the timeline and the audit trail; the row starts clean.
        case.return_triggers = []


DECISION_SUMMARY = {
    Decision.APPROVE: "Reactive management approved: no routine visits; the annual notification "
    "continues",
    Decision.DENY: "Reactive management denied",
    Decision.SNOOZE: "Reactive management decision put off",
    Decision.RETURN: "Returned to active management",
    Decision.KEEP: "Kept under reactive management",
}


def _record_decision(
    user: User, nominal: Nominal, case: ReactiveCase, decision: Decision, before: str
) -> None:
    summary = DECISION_SUMMARY[decision]
    extra = []
    if decision == Decision.DENY:
        summary += f": {case.get_reason_display().lower()}"
        extra.append({"field": "Reason", "old": "", "new": case.get_reason_display()})
    if decision == Decision.SNOOZE:
        summary += f" until {_fmt(case.snoozed_until)}"
        extra.append({"field": "Decide by", "old": "", "new": _fmt(case.snoozed_until)})
    if case.comments:
        extra.append({"field": "Comments", "old": "", "new": case.comments})
    case_event(
        nominal=nominal,
        actor=user,
        kind=f"reactive_{DECISION_STAGE[decision]}",
        summary=summary,
        changes=[{"field": "Reactive management", "old": before, "new": case.get_stage_display()}],
    )
    _audit(user, case, summary, before, extra)
    _tell_offender_manager(nominal, case, decision, summary)


def _tell_offender_manager(
    nominal: Nominal, case: ReactiveCase, decision: Decision, summary: str
) -> None:
    detail = summary
    if case.comments:
        detail += f". {case.comments}"
    if decision == Decision.RETURN:
        detail += ". Plan the next home visit."
    inbox_add(
        user=nominal.offender_manager,
        nominal=nominal,
        kind=f"reactive_{DECISION_STAGE[decision]}",
        title=f"{nominal.display_name}: {DECISION_SUMMARY[decision].split(':')[0].lower()}",
        detail=detail,
        due=case.snoozed_until,
        link=reverse("risk:overview", args=[nominal.pk]),
        key=f"reactive-{decision}:{nominal.pk}:{case.decided_at.isoformat()}",
    )
