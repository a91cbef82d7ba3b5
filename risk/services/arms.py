"""ARMS assessments (domain.md section 4): started by the offender manager, rated against the
factors held as reference data, submitted, then signed off or returned by a supervisor. Signing
off sets the next review date and asks for the risk management plan to be reviewed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.dates import add_months
from cases.models import AuditAction, InboxItem, Nominal, Role, User
from cases.services import case_event, inbox_add
from risk.models import (
    ArmsAssessment,
    ArmsFactor,
    ArmsRating,
    ArmsStatus,
    Evidence,
    FactorKind,
    RiskReviewDue,
)
from risk.services.triggers import team_supervisors

EDITABLE = (ArmsStatus.DRAFT, ArmsStatus.RETURNED)
OPEN = (ArmsStatus.DRAFT, ArmsStatus.SUBMITTED, ArmsStatus.RETURNED)
BUILDS_ON = (Evidence.SOME, Evidence.STRONG)

# --- Reads --------------------------------------------------------------------------------------


def factors_in_use() -> list[ArmsFactor]:
    return list(ArmsFactor.objects.filter(in_use=True).order_by("order", "name"))


def assessments_for(nominal: Nominal) -> QuerySet[ArmsAssessment]:
    """The person's assessments, latest first, with who did what."""
    return ArmsAssessment.objects.filter(nominal=nominal).select_related(
        "created_by", "submitted_by", "decided_by"
    )


def assessment_with_ratings(nominal: Nominal, arms_id: int) -> ArmsAssessment | None:
    ratings = ArmsRating.objects.select_related("factor")
    return (
        assessments_for(nominal)
        .prefetch_related(Prefetch("ratings", queryset=ratings))
        .filter(pk=arms_id)
    ).first()


def open_assessment(nominal: Nominal) -> ArmsAssessment | None:
    return ArmsAssessment.objects.filter(nominal=nominal, status__in=OPEN).first()


def latest_signed_off(nominal: Nominal) -> ArmsAssessment | None:
    return (
        ArmsAssessment.objects.filter(nominal=nominal, status=ArmsStatus.SIGNED_OFF)
        .order_by("-signed_off_on", "-decided_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class FactorRow:
    factor: ArmsFactor
    rating: ArmsRating | None


def factor_groups(
    assessment: ArmsAssessment, factors: list[ArmsFactor]
) -> list[tuple[str, list[FactorRow]]]:
    """Risk then protective factors, each with its rating. Factors since taken out of use still
    show where this assessment rated them."""
    ratings = {r.factor_id: r for r in assessment.ratings.all()}
    shown = {f.pk: f for f in factors}
    for rating in ratings.values():
        shown.setdefault(rating.factor_id, rating.factor)
    ordered = sorted(shown.values(), key=lambda f: (f.order, f.name))
    return [
        (
            label,
            [FactorRow(f, ratings.get(f.pk)) for f in ordered if f.kind == kind],
        )
        for kind, label in FactorKind.choices
    ]


def protective_summary(assessment: ArmsAssessment | None) -> str:
    """The protective factors the assessment found some or strong evidence of, one a line."""
    if assessment is None:
        return ""
    lines = []
    for rating in assessment.ratings.select_related("factor").order_by("factor__order"):
        if rating.factor.kind == FactorKind.PROTECTIVE and rating.evidence in BUILDS_ON:
            line = f"{rating.factor.name} ({rating.get_evidence_display().lower()})"
            lines.append(f"{line}: {rating.note.strip()}" if rating.note.strip() else line)
    return "\n".join(lines)


def submission_gaps(assessment: ArmsAssessment, factors: list[ArmsFactor]) -> list[tuple[str, str]]:
    """What is missing before the assessment can be submitted, as (field, message); a factor's
    field is "factor:<code>"."""
    rated = {r.factor_id for r in assessment.ratings.all()}
    gaps = [
        (f"factor:{f.code}", f"Select the evidence for {f.name.lower()}")
        for f in factors
        if f.pk not in rated
    ]
    if not assessment.formulation.strip():
        gaps.append(("formulation", "Enter the formulation summary"))
    if not assessment.priorities.strip():
        gaps.append(("priorities", "Enter the priorities for the risk management plan"))
    return gaps


def may_decide(user: User, assessment: ArmsAssessment, nominal: Nominal) -> bool:
    """A supervisor who can change the case, and who neither submitted the assessment nor
    manages the case: nobody signs off their own assessment."""
    return (
        user.has_role(Role.SUPERVISOR)
        and user.pk not in (assessment.submitted_by_id, nominal.offender_manager_id)
        and Nominal.objects.editable_by(user).filter(pk=nominal.pk).exists()
    )


# --- Writes -------------------------------------------------------------------------------------


@transaction.atomic
def arms_start(
    *, acting_user: User, nominal: Nominal, reason: str = ""
) -> tuple[ArmsAssessment, bool]:
    """Start an assessment, or return the one already in progress (one at a time per person)."""
    # The person's row serialises starts, so two at once cannot both create.
    Nominal.objects.select_for_update().filter(pk=nominal.pk).values_list("pk").get()
    existing = open_assessment(nominal)
    if existing is not None:
        return existing, False
    assessment = ArmsAssessment(nominal=nominal, reason=reason.strip(), created_by=acting_user)
    assessment.full_clean()
    assessment.save()
    summary = "ARMS assessment started" + (f": {assessment.reason}" if assessment.reason else "")
    case_event(nominal=nominal, actor=acting_user, kind="arms_started", summary=summary)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=assessment,
        nominal_id=nominal.pk,
        description="ARMS assessment started",
    )
    return assessment, True


@transaction.atomic
def arms_save(
    *,
    acting_user: User,
    assessment: ArmsAssessment,
    ratings: dict[str, tuple[str, str]],
    formulation: str | None = None,
    priorities: str | None = None,
    reason: str | None = None,
) -> list[dict[str, str]]:
    """Save a draft (or a returned assessment being corrected). `ratings` maps a factor's code to
    (evidence, note); an empty evidence clears the rating. Fields left as None are unchanged.
    Returns the changes; none means nothing was written."""
    locked = _lock(assessment)
    if locked.status not in EDITABLE:
        raise ValidationError(
            f"This assessment is {locked.get_status_display().lower()}: it can no longer be changed"
        )
    changes = _save_ratings(locked, ratings)
    for name, value in (
        ("reason", reason),
        ("formulation", formulation),
        ("priorities", priorities),
    ):
        if value is not None and getattr(locked, name) != value.strip():
            label = str(ArmsAssessment._meta.get_field(name).verbose_name)
            changes.append(
                {"field": label[0].upper() + label[1:], "old": getattr(locked, name), "new": value}
            )
            setattr(locked, name, value.strip())
    if not changes:
        return []
    locked.full_clean()
    locked.save(update_fields=["reason", "formulation", "priorities"])
    case_event(
        nominal=locked.nominal,
        actor=acting_user,
        kind="arms_saved",
        summary="ARMS assessment draft saved",
        changes=[{**c, "old": c["old"][:500], "new": c["new"][:500]} for c in changes],
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=locked,
        nominal_id=locked.nominal_id,
        description="ARMS assessment draft saved",
        changes=changes,
    )
    return changes


def _save_ratings(
    assessment: ArmsAssessment, ratings: dict[str, tuple[str, str]]
) -> list[dict[str, str]]:
    factors = {f.code: f for f in ArmsFactor.objects.filter(code__in=list(ratings))}
    unknown = sorted(set(ratings) - set(factors))
    if unknown:
        raise ValidationError({"ratings": [f"“{code}” is not an ARMS factor" for code in unknown]})
    held = {r.factor_id: r for r in assessment.ratings.all()}
    changes = []
    for code, (evidence, note) in ratings.items():
        factor, note = factors[code], (note or "").strip()
        rating = held.get(factor.pk)
        before = _rating_text(rating)
        if not evidence:
            if note:
                raise ValidationError(
                    {"ratings": [f"Select the evidence for {factor.name.lower()} to keep its note"]}
                )
            if rating is not None:
                rating.delete()
        elif rating is None:
            rating = ArmsRating(assessment=assessment, factor=factor, evidence=evidence, note=note)
            rating.full_clean()
            rating.save()
        elif (rating.evidence, rating.note) != (evidence, note):
            rating.evidence, rating.note = evidence, note
            rating.full_clean()
            rating.save(update_fields=["evidence", "note"])
        after = _rating_text(rating if evidence else None)
        if before != after:
            changes.append({"field": factor.name, "old": before, "new": after})
    return changes


def _rating_text(rating: ArmsRating | None) -> str:
    if rating is None:
        return ""
    text = str(rating.get_evidence_display())
    return f"{text}: {rating.note}" if rating.note else text


@transaction.atomic
def arms_submit(*, acting_user: User, assessment: ArmsAssessment) -> tuple[ArmsAssessment, bool]:
    """Submit for sign-off once every factor in use is rated and the formulation and priorities
    are written. Already submitted or signed off: returned unchanged."""
    locked = _lock(assessment)
    if locked.status not in EDITABLE:
        return locked, False
    gaps = submission_gaps(locked, factors_in_use())
    if gaps:
        errors: dict[str, list[str]] = {}
        for field, message in gaps:
            errors.setdefault("ratings" if field.startswith("factor:") else field, []).append(
                message
            )
        raise ValidationError(errors)
    was = locked.status
    now = timezone.now()
    _swap(locked, was, ArmsStatus.SUBMITTED, submitted_by=acting_user, submitted_at=now)
    nominal = locked.nominal
    _close_inbox(nominal, "arms_returned", f"arms-returned:{locked.pk}:")
    link = reverse("risk:arms-decide", args=[nominal.pk, locked.pk])
    for supervisor in team_supervisors(nominal):
        if supervisor.pk == acting_user.pk:
            continue
        inbox_add(
            user=supervisor,
            nominal=nominal,
            kind="arms_sign_off",
            title=f"{nominal.display_name}: sign off the ARMS assessment",
            detail=f"Submitted by {acting_user.get_full_name() or acting_user.get_username()}",
            due=timezone.localdate(),
            link=link,
            key=f"arms-submitted:{locked.pk}:{now.isoformat()}",
        )
    resubmitted = was == ArmsStatus.RETURNED
    _transition_record(
        acting_user,
        locked,
        was,
        kind="arms_submitted",
        summary="ARMS assessment "
        + ("resubmitted" if resubmitted else "submitted")
        + " for sign-off",
    )
    return locked, True


@transaction.atomic
def arms_sign_off(
    *, acting_user: User, assessment: ArmsAssessment, on: date | None = None
) -> tuple[ArmsAssessment, bool]:
    """Sign off a submitted assessment. The next review falls due the force's interval after
    sign-off, and the offender manager is asked to review the risk management plan with it."""
    locked = _lock(assessment)
    nominal = locked.nominal
    _check_decider(acting_user, locked, nominal)
    if locked.status == ArmsStatus.SIGNED_OFF:
        return locked, False
    if locked.status != ArmsStatus.SUBMITTED:
        raise ValidationError("Only an assessment submitted for sign-off can be signed off")
    on = on or timezone.localdate()
    _swap(
        locked,
        ArmsStatus.SUBMITTED,
        ArmsStatus.SIGNED_OFF,
        decided_by=acting_user,
        decided_at=timezone.now(),
        signed_off_on=on,
    )
    due = _next_review(nominal, locked, on)
    _close_inbox(nominal, "arms_sign_off", f"arms-submitted:{locked.pk}:")
    inbox_add(
        user=nominal.offender_manager or locked.submitted_by,
        nominal=nominal,
        kind="plan_review",
        title=f"{nominal.display_name}: review the risk management plan",
        detail=f"The ARMS assessment was signed off on {on:%-d %B %Y}.",
        due=on,
        link=reverse("risk:plan-review", args=[nominal.pk]),
        key=f"plan-review:{locked.pk}",
    )
    _transition_record(
        acting_user,
        locked,
        ArmsStatus.SUBMITTED,
        kind="arms_signed_off",
        summary=f"ARMS assessment signed off; next review due {due:%-d %b %Y}",
    )
    return locked, True


@transaction.atomic
def arms_return(
    *, acting_user: User, assessment: ArmsAssessment, comments: str
) -> tuple[ArmsAssessment, bool]:
    """Return a submitted assessment to the offender manager with comments to act on."""
    locked = _lock(assessment)
    nominal = locked.nominal
    _check_decider(acting_user, locked, nominal)
    if locked.status == ArmsStatus.RETURNED:
        return locked, False
    if locked.status != ArmsStatus.SUBMITTED:
        raise ValidationError("Only an assessment submitted for sign-off can be returned")
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError({"comments": "Enter your comments for the offender manager"})
    now = timezone.now()
    _swap(
        locked,
        ArmsStatus.SUBMITTED,
        ArmsStatus.RETURNED,
        decided_by=acting_user,
        decided_at=now,
        return_comments=comments,
    )
    _close_inbox(nominal, "arms_sign_off", f"arms-submitted:{locked.pk}:")
    inbox_add(
        user=nominal.offender_manager or locked.submitted_by,
        nominal=nominal,
        kind="arms_returned",
        title=f"{nominal.display_name}: ARMS assessment returned",
        detail=comments,
        due=timezone.localdate(),
        link=reverse("risk:arms-edit", args=[nominal.pk, locked.pk]),
        key=f"arms-returned:{locked.pk}:{now.isoformat()}",
    )
    _transition_record(
        acting_user,
        locked,
        ArmsStatus.SUBMITTED,
        kind="arms_returned",
        summary="ARMS assessment returned with comments",
        extra=[{"field": "Comments", "old": "", "new": comments}],
    )
    return locked, True


# --- Helpers ------------------------------------------------------------------------------------


def _next_review(nominal: Nominal, assessment: ArmsAssessment, on: date) -> date:
    """The force's interval after sign-off (domain.md section 4) — unless a trigger arrived
    after the assessment was submitted: it did not weigh that, so the review stays due now."""
    months = nominal.force.arms_review_months
    row, _ = RiskReviewDue.objects.select_for_update().get_or_create(nominal=nominal)
    submitted_at = assessment.submitted_at or timezone.now()
    if row.triggered_at and row.triggered_at > submitted_at and row.due:
        return row.due
    row.due = add_months(on, months)
    row.why = f"{months} months after sign-off on {on:%-d %B %Y}"
    row.triggered_at = None
    row.save()
    InboxItem.objects.filter(
        nominal=nominal, kind="arms_review", created_at__lte=submitted_at, done_at__isnull=True
    ).update(done_at=timezone.now())
    return row.due


def _lock(assessment: ArmsAssessment) -> ArmsAssessment:
    return (
        ArmsAssessment.objects.select_for_update(of=("self",))
        .select_related("nominal__force", "nominal__offender_manager", "submitted_by")
        .get(pk=assessment.pk)
    )


def _swap(assessment: ArmsAssessment, was: str, to: str, **fields) -> None:
    """Compare-and-swap on the status: the row moves only from the status it was read in."""
    moved = ArmsAssessment.objects.filter(pk=assessment.pk, status=was).update(status=to, **fields)
    if not moved:  # pragma: no cover - the row lock makes this unreachable
        raise ValidationError("The assessment changed while you were working: reload it")
    assessment.status = to
    for name, value in fields.items():
        setattr(assessment, name, value)


def _check_decider(user: User, assessment: ArmsAssessment, nominal: Nominal) -> None:
    if not may_decide(user, assessment, nominal):
        raise PermissionDenied(
            "Only a supervisor of the case's team who did not submit the assessment can sign it "
            "off or return it"
        )


def _transition_record(
    acting_user: User,
    assessment: ArmsAssessment,
    was: str,
    *,
    kind: str,
    summary: str,
    extra: list[dict[str, str]] = (),
) -> None:
    changes = [
        {
            "field": "Status",
            "old": str(ArmsStatus(was).label),
            "new": assessment.get_status_display(),
        },
        *extra,
    ]
    case_event(
        nominal=assessment.nominal,
        actor=acting_user,
        kind=kind,
        summary=summary,
        changes=changes,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=assessment,
        nominal_id=assessment.nominal_id,
        description=summary,
        changes=changes,
    )


def _close_inbox(nominal: Nominal, kind: str, key_prefix: str) -> None:
    """The items that asked for this step are done once it is taken, whoever took it."""
    InboxItem.objects.filter(
        nominal=nominal, kind=kind, key__startswith=key_prefix, done_at__isnull=True
    ).update(done_at=timezone.now())
