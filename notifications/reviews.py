"""Review of indefinite notification requirements (ss.91A–91F): who may be reviewed and when,
the supervisors' queue, and the writes that open, start and decide a review.

The qualifying date used throughout is the force's policy date (the statutory date unless the
force reviews adults sooner); after a requirement is continued it is the further qualifying date
set by that determination, whichever is later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, Nominal, User
from cases.services import case_event, inbox_add
from notifications import rules
from notifications.models import Clock, IndefiniteReview, ReviewOutcome, ReviewStage
from notifications.orders import in_force_exists, shpo_in_force
from notifications.services import clock_refresh


def _fmt(day: date | None) -> str:
    return day.strftime("%-d %b %Y") if day else ""


class QueueStage(models.TextChoices):
    """Where a person stands in the queue: a review's own stage, or derived when none is open."""

    NOT_YET_ELIGIBLE = "not_yet_eligible", "Not yet eligible"
    ELIGIBLE = "eligible", "Eligible"
    APPLICATION_RECEIVED = ReviewStage.APPLICATION_RECEIVED.value, "Application received"
    UNDER_REVIEW = ReviewStage.UNDER_REVIEW.value, "Under review"
    DECIDED = ReviewStage.DECIDED.value, "Decided"


def subject_to_shpo(nominal: Nominal) -> bool:
    """Whether the person is subject to a sexual harm prevention order or an interim one today,
    which rules out a review (s.91A). Reads the `shpo_in_force` annotation of `review_queue`
    (or the prefetched orders) when the caller has it, so a list costs no query per person."""
    annotated = getattr(nominal, "shpo_in_force", None)
    if annotated is not None:
        return bool(annotated)
    return shpo_in_force(nominal)


# --- One definition of the stage, in Python and in SQL ------------------------------------------


def qualifying_date(policy_date: date | None, last_decided: IndefiniteReview | None) -> date | None:
    # s.91B: after a continuation the person may not apply before the further qualifying date.
    further = last_decided.further_qualifying_date if last_decided else None
    dates = [d for d in (policy_date, further) if d is not None]
    return max(dates, default=None)


def derive_stage(
    *,
    open_review: IndefiniteReview | None,
    last_decided: IndefiniteReview | None,
    qualifying: date | None,
    on: date,
) -> QueueStage:
    """The queue stage; `with_review_state` below is the same rule in SQL (a test holds them
    together)."""
    if open_review is not None:
        return QueueStage(open_review.stage)
    if last_decided is not None and (
        last_decided.outcome == ReviewOutcome.DISCHARGED
        or (last_decided.further_qualifying_date and last_decided.further_qualifying_date > on)
    ):
        return QueueStage.DECIDED
    if qualifying is not None and qualifying <= on:
        return QueueStage.ELIGIBLE
    return QueueStage.NOT_YET_ELIGIBLE


def with_review_state(queryset: models.QuerySet[Nominal], *, on: date) -> models.QuerySet[Nominal]:
    """Annotate each person with their open review, their latest decision, their qualifying
    date and their queue stage (`derive_stage` in SQL), so the queue filters and pages in one
    query."""
    open_reviews = IndefiniteReview.objects.filter(nominal=OuterRef("pk")).exclude(
        stage=ReviewStage.DECIDED
    )
    decided = IndefiniteReview.objects.filter(
        nominal=OuterRef("pk"), stage=ReviewStage.DECIDED
    ).order_by(F("determined_on").desc(nulls_last=True), "-pk")

    def first(rows, field):
        return Subquery(rows.values(field)[:1])

    return (
        queryset.annotate(
            open_review_id=first(open_reviews, "pk"),
            open_stage=first(open_reviews, "stage"),
            open_target=first(open_reviews, "decision_target"),
            last_outcome=first(decided, "outcome"),
            last_further=first(decided, "further_qualifying_date"),
        )
        .annotate(
            # PostgreSQL's GREATEST ignores NULLs, as `qualifying_date` does.
            qualifying_date=Greatest("clock__review_policy_date", "last_further"),
        )
        .annotate(
            queue_stage=Case(
                When(open_stage__isnull=False, then=F("open_stage")),
                When(last_outcome=ReviewOutcome.DISCHARGED, then=Value(QueueStage.DECIDED.value)),
                When(last_further__gt=on, then=Value(QueueStage.DECIDED.value)),
                When(qualifying_date__lte=on, then=Value(QueueStage.ELIGIBLE.value)),
                default=Value(QueueStage.NOT_YET_ELIGIBLE.value),
                output_field=models.CharField(),
            ),
        )
    )


# --- Selectors ----------------------------------------------------------------------------------

# Who may open and decide reviews (supervisors hold it), on cases they may change.
DECIDE_PERMISSION = "notifications.change_indefinitereview"


def review_queue(user: User, on: date) -> models.QuerySet[Nominal]:
    """Everyone indefinitely subject among the cases the user may see, with their review state."""
    return with_review_state(
        Nominal.objects.visible_to(user)
        .filter(clock__indefinite=True, clock__subject=True)
        .select_related("clock", "offender_manager")
        .annotate(shpo_in_force=in_force_exists(on, shpos_only=True)),
        on=on,
    )


def queue_sorted(queue: models.QuerySet[Nominal], sort: str = "policy") -> models.QuerySet[Nominal]:
    """By force policy date ("policy", earliest first, or "-policy"), unknown dates last."""
    policy = F("clock__review_policy_date")
    first = policy.desc(nulls_last=True) if sort == "-policy" else policy.asc(nulls_last=True)
    return queue.order_by(first, "surname", "forenames", "pk")


def eligibility(
    *,
    clock: Clock | None,
    qualifying: date | None,
    shpo: bool,
    on: date,
    discharged: bool = False,
) -> rules.ReviewEligibility:
    """Whether a review may be applied for on `on`, with every reason it may not."""
    if discharged:
        return rules.ReviewEligibility(
            False, ("The indefinite requirements have been discharged on review.",)
        )
    indefinite = bool(clock and clock.indefinite)
    if indefinite and qualifying is None:
        # The qualifying date counts from a notification RSOM has not seen yet.
        others = rules.review_eligibility(
            indefinite=True, subject_to_shpo=shpo, on=on, qualifying_date=on
        )
        why = (clock.review_why if clock else "") or "The qualifying date is not known yet."
        return rules.ReviewEligibility(False, (why, *others.reasons))
    return rules.review_eligibility(
        indefinite=indefinite, subject_to_shpo=shpo, on=on, qualifying_date=qualifying
    )


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue, from a `review_queue` row."""

    nominal: Nominal
    stage: QueueStage
    eligibility: rules.ReviewEligibility
    qualifying_date: date | None
    decision_target: date | None
    overdue: bool
    last_outcome: str
    further_qualifying_date: date | None

    @property
    def stage_label(self) -> str:
        if self.stage == QueueStage.DECIDED and self.last_outcome:
            return f"Decided: {ReviewOutcome(self.last_outcome).label.lower()}"
        return self.stage.label


def queue_row(nominal: Nominal, *, on: date) -> QueueRow:
    target = nominal.open_target
    return QueueRow(
        nominal=nominal,
        stage=QueueStage(nominal.queue_stage),
        eligibility=eligibility(
            clock=nominal.clock,
            qualifying=nominal.qualifying_date,
            shpo=subject_to_shpo(nominal),
            on=on,
            discharged=nominal.last_outcome == ReviewOutcome.DISCHARGED,
        ),
        qualifying_date=nominal.qualifying_date,
        decision_target=target,
        overdue=bool(target and target < on),
        last_outcome=nominal.last_outcome or "",
        further_qualifying_date=nominal.last_further,
    )


@dataclass(frozen=True)
class ReviewState:
    """A person's reviews and where they stand."""

    clock: Clock | None
    reviews: list[IndefiniteReview]
    open_review: IndefiniteReview | None
    last_decided: IndefiniteReview | None
    qualifying_date: date | None
    eligibility: rules.ReviewEligibility
    stage: QueueStage
    on: date

    @property
    def indefinite(self) -> bool:
        return bool(self.clock and self.clock.indefinite)

    @property
    def overdue(self) -> bool:
        return bool(self.open_review and self.open_review.decision_target < self.on)


def review_state(nominal: Nominal, *, on: date) -> ReviewState:
    clock = Clock.objects.filter(nominal_id=nominal.pk).first()
    reviews = list(
        IndefiniteReview.objects.filter(nominal_id=nominal.pk).select_related(
            "opened_by", "decided_by"
        )
    )
    open_review = next((r for r in reviews if r.stage != ReviewStage.DECIDED), None)
    decided = [r for r in reviews if r.stage == ReviewStage.DECIDED]
    last = max(decided, key=lambda r: (r.determined_on or date.min, r.pk), default=None)
    qualifying = qualifying_date(clock.review_policy_date if clock else None, last)
    return ReviewState(
        clock=clock,
        reviews=reviews,
        open_review=open_review,
        last_decided=last,
        qualifying_date=qualifying,
        eligibility=eligibility(
            clock=clock,
            qualifying=qualifying,
            shpo=subject_to_shpo(nominal),
            on=on,
            discharged=bool(last and last.outcome == ReviewOutcome.DISCHARGED),
        ),
        stage=derive_stage(
            open_review=open_review, last_decided=last, qualifying=qualifying, on=on
        ),
        on=on,
    )


# --- Services -----------------------------------------------------------------------------------


def _not_future(errors: dict[str, list[str]], field: str, label: str, day: date | None, on: date):
    if day is not None and day > on:
        errors.setdefault(field, []).append(f"{label} must be today or in the past")


@transaction.atomic
def review_open(
    *,
    acting_user: User,
    nominal: Nominal,
    application_received_on: date | None = None,
) -> tuple[IndefiniteReview, bool]:
    """Open a review on the person's written application (with the date it was received) or,
    without one, started by the police. Opening again returns the review already open."""
    on = timezone.localdate()
    # One open review per person: the lock makes a second submit wait, then find the first.
    locked = (
        Nominal.objects.select_for_update(of=("self",)).select_related("force").get(pk=nominal.pk)
    )
    existing = (
        IndefiniteReview.objects.filter(nominal=locked).exclude(stage=ReviewStage.DECIDED).first()
    )
    if existing is not None:
        return existing, False
    state = review_state(locked, on=on)
    _check_can_open(state, nominal=locked, received=application_received_on, on=on)
    start = application_received_on or on
    # s.91C: the force aims to decide within 12 weeks (configurable) beginning with receipt.
    target = rules.review_decision_target(start, weeks=locked.force.review_decision_weeks)
    by_police = application_received_on is None
    review = IndefiniteReview(
        nominal=locked,
        stage=ReviewStage.UNDER_REVIEW if by_police else ReviewStage.APPLICATION_RECEIVED,
        started_by_police=by_police,
        application_received_on=application_received_on,
        opened_on=on,
        decision_target=target,
        opened_by=acting_user,
    )
    review.full_clean()
    review.save()
    how = "started by the police" if by_police else "application received"
    changes = [
        {"field": "Stage", "old": "", "new": review.get_stage_display()},
        {"field": "Decision target", "old": "", "new": _fmt(target)},
    ]
    if application_received_on:
        changes.insert(
            1, {"field": "Application received", "old": "", "new": _fmt(application_received_on)}
        )
    case_event(
        nominal=locked,
        actor=acting_user,
        kind="review_opened",
        summary=f"Review of the indefinite requirement opened: {how}",
        changes=changes,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=review,
        nominal_id=locked.pk,
        description=f"Indefinite review opened: {how}",
        changes=changes,
    )
    return review, True


def _check_can_open(
    state: ReviewState, *, nominal: Nominal, received: date | None, on: date
) -> None:
    # s.91A: only an indefinite requirement, and not while an SHPO or interim SHPO applies.
    if not state.indefinite:
        raise ValidationError(
            "This person's notification period is finite: only indefinite requirements are "
            "reviewed."
        )
    if subject_to_shpo(nominal):
        raise ValidationError(
            "This person is subject to an SHPO or interim SHPO, so the requirement cannot be "
            "reviewed."
        )
    if received is None:
        return  # the police may start a review before the qualifying date
    errors: dict[str, list[str]] = {}
    _not_future(
        errors, "application_received_on", "The date the application was received", received, on
    )
    if errors:
        raise ValidationError(errors)
    if state.qualifying_date is None:
        why = state.eligibility.reasons[0] if state.eligibility.reasons else "no date yet."
        why = why[:1].lower() + why[1:]
        raise ValidationError(
            {
                "application_received_on": "The qualifying date is not known yet, so the "
                f"application cannot be accepted: {why}"
            }
        )
    # s.91B: an application before the qualifying date is premature.
    if rules.application_is_premature(
        application_date=received, qualifying_date=state.qualifying_date
    ):
        raise ValidationError(
            {
                "application_received_on": f"The application is premature: it was received on "
                f"{_fmt(received)}, before the qualifying date of {_fmt(state.qualifying_date)}. "
                f"The person may apply on or after {_fmt(state.qualifying_date)}."
            }
        )


@transaction.atomic
def review_start(*, acting_user: User, review: IndefiniteReview) -> tuple[IndefiniteReview, bool]:
    """Move an application into review. A review already under way, or decided, is left as is."""
    locked = (
        IndefiniteReview.objects.select_for_update().select_related("nominal").get(pk=review.pk)
    )
    if locked.stage != ReviewStage.APPLICATION_RECEIVED:
        return locked, False
    old = locked.get_stage_display()
    locked.stage = ReviewStage.UNDER_REVIEW
    locked.full_clean()
    locked.save(update_fields=["stage"])
    changes = [{"field": "Stage", "old": old, "new": locked.get_stage_display()}]
    case_event(
        nominal=locked.nominal,
        actor=acting_user,
        kind="review_started",
        summary="Review of the indefinite requirement under way",
        changes=changes,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=locked,
        nominal_id=locked.nominal_id,
        description="Indefinite review under way",
        changes=changes,
    )
    return locked, True


@transaction.atomic
def review_decide(
    *,
    acting_user: User,
    review: IndefiniteReview,
    outcome: str,
    determined_on: date,
    reasons: str = "",
    notice_posted_on: date | None = None,
    notice_received_on: date | None = None,
    further_years: int | None = None,
) -> tuple[IndefiniteReview, bool]:
    """Record the determination. Discharged: the requirements end on the day the person receives
    the notice. Continued: with reasons, and a further qualifying date. A review already decided
    is returned unchanged."""
    locked = (
        IndefiniteReview.objects.select_for_update(of=("self",))
        .select_related("nominal__force", "nominal__offender_manager")
        .get(pk=review.pk)
    )
    if locked.stage == ReviewStage.DECIDED:
        return locked, False
    nominal = locked.nominal
    reasons = (reasons or "").strip()
    decided = _decision(
        locked,
        outcome=outcome,
        determined_on=determined_on,
        reasons=reasons,
        posted=notice_posted_on,
        received=notice_received_on,
        further_years=further_years,
        on=timezone.localdate(),
    )
    old_stage = locked.get_stage_display()
    for name, value in decided.items():
        setattr(locked, name, value)
    locked.stage = ReviewStage.DECIDED
    locked.decided_by = acting_user
    locked.full_clean()
    locked.save()
    changes = _decision_changes(locked, old_stage)
    summary = (
        f"Review of the indefinite requirement decided: {locked.get_outcome_display().lower()}"
    )
    case_event(
        nominal=nominal, actor=acting_user, kind="review_decided", summary=summary, changes=changes
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=locked,
        nominal_id=nominal.pk,
        description=f"Indefinite review decided: {locked.get_outcome_display().lower()}",
        changes=changes,
    )
    inbox_add(
        user=nominal.offender_manager,
        nominal=nominal,
        kind="review_decided",
        title=f"{nominal.display_name}: {summary}"[:200],
        detail="; ".join(f"{c['field']}: {c['new']}" for c in changes[1:]),
        link=reverse("notifications:review-list", kwargs={"pk": nominal.pk}),
        key=f"review-decided:{locked.pk}",
    )
    clock_refresh(nominal)
    return locked, True


def _decision(
    review: IndefiniteReview,
    *,
    outcome: str,
    determined_on: date,
    reasons: str,
    posted: date | None,
    received: date | None,
    further_years: int | None,
    on: date,
) -> dict[str, Any]:
    """Check the determination against the rules; every problem is reported at once."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if outcome not in ReviewOutcome.values:
        fail("outcome", "Select whether the requirements are discharged or continued")
    if determined_on is None:
        fail("determined_on", "Enter the date of the decision")
    _not_future(errors, "determined_on", "The date of the decision", determined_on, on)
    received_app = review.application_received_on
    if determined_on and received_app and determined_on < received_app:
        fail(
            "determined_on",
            f"The decision cannot be made before the application was received "
            f"({_fmt(received_app)})",
        )
    _not_future(errors, "notice_posted_on", "The date the notice was posted", posted, on)
    _not_future(errors, "notice_received_on", "The date the notice was received", received, on)
    if posted and determined_on and posted < determined_on:
        fail(
            "notice_posted_on",
            f"The notice cannot be posted before the decision ({_fmt(determined_on)})",
        )
    values: dict[str, Any] = {
        "outcome": outcome,
        "determined_on": determined_on,
        "reasons": reasons,
        "notice_posted_on": posted,
        "notice_received_on": received,
        "requirements_end_on": None,
        "further_qualifying_date": None,
    }
    if outcome == ReviewOutcome.DISCHARGED:
        if posted is None:
            fail("notice_posted_on", "Enter the date the notice of discharge was posted")
        if received is None:
            fail("notice_received_on", "Enter the date the person received the notice")
        if posted and received:
            try:
                # s.91C: the person stops being subject on the day they receive the notice.
                values["requirements_end_on"] = rules.discharge_effective_date(
                    received=received, posted=posted
                )
            except ValueError as error:
                fail("notice_received_on", str(error))
    elif outcome == ReviewOutcome.CONTINUED:
        if not reasons:
            fail("reasons", "Give the reasons for continuing the requirements")
        if posted and received and received < posted:
            fail(
                "notice_received_on",
                f"The notice cannot be received ({_fmt(received)}) before it was posted "
                f"({_fmt(posted)}).",
            )
        years = further_years or review.nominal.force.further_review_years
        if determined_on:
            try:
                # s.91B: the further qualifying date, 8 years on unless the force sets up to 15.
                values["further_qualifying_date"] = rules.further_review_date(
                    continued_on=determined_on,
                    years=years,
                    feb29_falls_on_march_1=review.nominal.force.feb29_anniversary_on_march_1,
                )
            except ValueError as error:
                fail("further_years", str(error))
    if errors:
        raise ValidationError(errors)
    return values


def _decision_changes(review: IndefiniteReview, old_stage: str) -> list[dict[str, str]]:
    rows = [
        ("Stage", old_stage, review.get_stage_display()),
        ("Outcome", "", review.get_outcome_display()),
        ("Date of the decision", "", _fmt(review.determined_on)),
        ("Notice posted", "", _fmt(review.notice_posted_on)),
        ("Notice received", "", _fmt(review.notice_received_on)),
        ("Requirements end", "", _fmt(review.requirements_end_on)),
        ("Further qualifying date", "", _fmt(review.further_qualifying_date)),
        ("Reasons", "", review.reasons),
    ]
    return [{"field": f, "old": o, "new": n} for f, o, n in rows if n or o]


def appeal_deadline(review: IndefiniteReview) -> date | None:
    """When an appeal against a continuation must reach the magistrates' court (s.91E)."""
    if review.outcome != ReviewOutcome.CONTINUED or review.notice_received_on is None:
        return None
    return rules.review_appeal_deadline(review.notice_received_on)
