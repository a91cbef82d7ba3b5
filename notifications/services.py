"""Every write to the register: convictions, time away, notifications and the clock. Atomic,
audited, recorded on the case timeline, and idempotent where a user might repeat them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, Nominal, User
from cases.services import case_event, inbox_add
from notifications import order_rules, rules
from notifications.clock import Deadline, PersonClock, Registration, person_clock
from notifications.details import details_snapshot
from notifications.history import History, load_history
from notifications.models import (
    CLOCK_KIND,
    Absence,
    AbsenceKind,
    Clock,
    Conviction,
    DeadlineKind,
    Notification,
    OpenDeadline,
)


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


# --- Convictions --------------------------------------------------------------------------------


def custody_months_from_terms(terms: list[dict]) -> Decimal | None:
    """The custodial term that counts (s.82): the union of the terms imposed."""
    if not terms:
        return None
    return rules.custodial_term_months(
        [(Decimal(str(t.get("start", 0))), Decimal(str(t["length"]))) for t in terms]
    )


def compute_period(conviction: Conviction, *, date_of_birth: date, feb29: bool) -> None:
    """Fill in the conviction's computed fields from the rules (raises ValidationError)."""
    if date_of_birth >= conviction.relevant_date:
        raise ValidationError(
            {"relevant_date": "The date of conviction must be after the date of birth."}
        )
    problem = rules.impossible_disposal(
        disposal=conviction.disposal,
        date_of_birth=date_of_birth,
        relevant_date=conviction.relevant_date,
    )
    if problem:
        raise ValidationError({"relevant_date": problem})
    try:
        conviction.custody_months = custody_months_from_terms(conviction.terms)
        period = rules.notification_period(
            disposal=conviction.disposal,
            relevant_date=conviction.relevant_date,
            date_of_birth=date_of_birth,
            custody_months=conviction.custody_months,
            discharge_months=conviction.discharge_months,
            indeterminate_sentence=conviction.indeterminate_sentence,
            feb29_falls_on_march_1=feb29,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from error
    from cases.dates import age_on

    conviction.age_on_relevant_date = age_on(date_of_birth, conviction.relevant_date)
    if not conviction.threshold_met:
        conviction.indefinite, conviction.period_months, conviction.last_day = False, None, None
        conviction.period_explanation = (
            "Not registrable: the Schedule 3 threshold for this offence is not met."
        )
        return
    conviction.indefinite = period.indefinite
    conviction.period_months = period.length_months
    conviction.last_day = period.last_day
    conviction.period_explanation = period.explanation[:300]


@transaction.atomic
def conviction_save(
    *,
    acting_user: User,
    nominal: Nominal,
    data: dict[str, Any],
    conviction: Conviction | None = None,
) -> Conviction:
    """Add or correct a conviction, caution or finding; its period is computed, never typed."""
    creating = conviction is None or conviction.pk is None
    if creating:
        conviction = Conviction(nominal=nominal, created_by=acting_user)
    else:
        conviction = Conviction.objects.select_for_update().get(pk=conviction.pk, nominal=nominal)
    before = "" if creating else conviction.period_explanation
    for name, value in data.items():
        setattr(conviction, name, value)
    compute_period(
        conviction,
        date_of_birth=nominal.date_of_birth,
        feb29=nominal.force.feb29_anniversary_on_march_1,
    )
    conviction.full_clean()
    conviction.save()
    verb = "added" if creating else "corrected"
    change = {"field": "Notification period", "old": before, "new": conviction.period_explanation}
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind=f"conviction_{verb}",
        summary=f"{conviction.get_kind_display()} {verb}: {conviction.offence.offence}",
        changes=[change] if change["old"] != change["new"] else [],
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE if creating else AuditAction.CHANGE,
        obj=conviction,
        nominal_id=nominal.pk,
        description=f"{conviction.get_kind_display()} {verb}",
        changes=[change],
    )
    clock_refresh(nominal)
    return conviction


# --- Time away ----------------------------------------------------------------------------------


@transaction.atomic
def absence_save(
    *, acting_user: User, nominal: Nominal, data: dict[str, Any], absence: Absence | None = None
) -> Absence:
    """Record time in custody, in hospital or abroad; ending custody or hospital opens the
    3-day deadline to notify the release (s.84(1)(d))."""
    creating = absence is None or absence.pk is None
    if creating:
        absence = Absence(nominal=nominal, created_by=acting_user)
        was_open = False
    else:
        absence = Absence.objects.select_for_update().get(pk=absence.pk, nominal=nominal)
        was_open = absence.last_day is None
    for name, value in data.items():
        setattr(absence, name, value)
    absence.full_clean()
    absence.save()
    released = absence.last_day and (creating or was_open)
    if released and absence.kind in (AbsenceKind.CUSTODY, AbsenceKind.HOSPITAL):
        # A release recorded after the event may already have been notified.
        after = (
            Notification.objects.filter(
                nominal=nominal,
                type__in=["initial", "periodic", "change"],
                taken_at__date__gte=absence.last_day,
            )
            .order_by("taken_at")
            .first()
        )
        OpenDeadline.objects.create(
            nominal=nominal,
            kind="release",
            due=rules.three_day_deadline(absence.last_day),
            why=f"3 days beginning with release on {_fmt(absence.last_day)} (s.84(1)(d)).",
            met_by=after,
        )
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind="absence_recorded",
        summary=f"{'Recorded' if creating else 'Updated'}: {absence}",
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE if creating else AuditAction.CHANGE,
        obj=absence,
        nominal_id=nominal.pk,
        description=str(absence),
    )
    clock_refresh(nominal)
    return absence


# --- The clock ----------------------------------------------------------------------------------


def _no_fixed_abode(home_addresses, on: date) -> bool:
    # The newest current home decides: an address, or a place where the person can be found.
    current = [a for a in home_addresses if a.to_date is None or a.to_date >= on]
    current.sort(key=lambda a: (a.from_date or date.min, a.pk), reverse=True)
    return bool(current) and current[0].kind == "no_fixed_abode"


def _period(conviction) -> rules.NotificationPeriod:
    return rules.NotificationPeriod(
        conviction.relevant_date,
        conviction.last_day,
        conviction.indefinite,
        conviction.period_months,
        conviction.period_explanation,
    )


def compute_clock(history: History, *, on: date) -> PersonClock:
    """The person's clock from their history (see notifications.history)."""
    force = history.force
    registrations = [
        Registration(_period(c), c.age_on_relevant_date < 18) for c in history.convictions
    ]
    return person_clock(
        registrations=registrations,
        notifications=[(n.day, CLOCK_KIND[n.type]) for n in history.notifications],
        absences=[(a.first_day, a.last_day) for a in history.absences],
        custody=[(a.first_day, a.last_day) for a in history.absences if a.kind == "custody"],
        open_deadlines=[
            Deadline(DeadlineKind(d.kind).label, d.due, d.why) for d in history.open_deadlines
        ],
        on=on,
        no_fixed_abode=_no_fixed_abode(history.home_addresses, on),
        extra_periods=extra_periods(history),
        feb29_falls_on_march_1=force.feb29_anniversary_on_march_1,
        review_adult_years=force.review_adult_years,
        review_youth_years=force.review_youth_years,
        ending_notice_days=force.ending_notice_days,
        discharged_on=max((d.requirements_end_on for d in history.discharges), default=None),
    )


def extra_periods(history: History) -> list[rules.NotificationPeriod]:
    """Periods that extend the requirement beyond convictions: SHPOs and notification orders
    (and their interim versions)."""
    orders = history.civil_orders
    if not orders:
        return []
    by_pk = {order.pk: order for order in orders}
    facts = []
    for order in orders:
        replacement = by_pk.get(order.replaced_by_id)
        foreign = None
        if order.foreign_conviction_on and order.foreign_disposal:
            foreign = order_rules.ForeignConviction(
                order.foreign_conviction_on, order.foreign_disposal, order.foreign_custody_months
            )
        facts.append(
            order_rules.OrderFacts(
                kind=order.type,
                made_on=order.made_on,
                served_on=order.served_on,
                ends_on=order.ends_on,
                discharged_on=order.discharged_on,
                replaced_on=replacement.made_on if replacement else None,
                foreign=foreign,
            )
        )
    return order_rules.order_periods(
        facts,
        conviction_periods=[_period(c) for c in history.convictions],
        date_of_birth=history.date_of_birth,
        feb29_falls_on_march_1=history.force.feb29_anniversary_on_march_1,
    )


CLOCK_FIELDS = [
    "subject",
    "indefinite",
    "last_day",
    "requirement_why",
    "next_periodic_due",
    "next_due",
    "next_due_label",
    "deadlines",
    "review_statutory_date",
    "review_policy_date",
    "review_why",
]


def clock_values(computed: PersonClock) -> dict[str, Any]:
    nearest = computed.next_deadline
    return {
        "subject": computed.subject,
        "indefinite": computed.indefinite,
        "last_day": computed.last_day,
        "requirement_why": computed.requirement_why[:400],
        "next_periodic_due": computed.next_periodic_due,
        "next_due": nearest.due if nearest else None,
        "next_due_label": nearest.label[:100] if nearest else "",
        "deadlines": [d.as_json() for d in computed.deadlines],
        "review_statutory_date": computed.review_statutory_date,
        "review_policy_date": computed.review_policy_date,
        "review_why": computed.review_why[:400],
    }


def clock_refresh(nominal: Nominal, *, on: date | None = None) -> Clock:
    """Recompute and store one person's clock (called by every service that changes it)."""
    on = on or timezone.localdate()
    values = clock_values(compute_clock(load_history(nominal.pk), on=on))
    clock, _ = Clock.objects.update_or_create(
        nominal_id=nominal.pk, defaults={**values, "computed_on": on}
    )
    return clock


# --- Notifications ------------------------------------------------------------------------------


def notification_deadline(notification: Notification, clock: Clock | None) -> date | None:
    """When the law required this notification (for "on time" and the failure date)."""
    if notification.type in ("initial", "periodic"):
        return clock.next_periodic_due if clock else None
    if notification.type == "change" and notification.event_date and not notification.in_advance:
        return rules.three_day_deadline(notification.event_date)
    if notification.type == "travel" and notification.departure_date:
        first = notification.amends
        return rules.travel_deadline(
            notification.departure_date,
            short_notice=bool(notification.short_notice_reason),
            changes_departure=first.departure_date if first else None,
            short_notice_hours=notification.nominal.force.travel_short_notice_hours,
        )
    if notification.type == "travel_return" and notification.return_date:
        return rules.travel_return_deadline(notification.return_date)
    if notification.type == "non_occurrence" and notification.event_date:
        return rules.six_day_deadline(notification.event_date)
    return None


def trips_to_change(nominal: Nominal):
    """The person's trips abroad not yet begun, each as last notified: the ones a travel
    notification may change."""
    return Notification.objects.filter(
        nominal=nominal,
        type="travel",
        departure_date__gte=timezone.localdate(),
        amendments__isnull=True,
    ).order_by("departure_date", "pk")


def short_notice_problem(
    departure: date | None, reason: str | None, *, amends: Notification | None = None
) -> str | None:
    """What is wrong with a reason for short notice of travel, if anything: it is needed only
    when the standard 7 days' notice can no longer be met (notified today), and never for a
    change to a trip already notified, which is due 24 hours before departure anyway."""
    if reason and amends is not None:
        return (
            "A change to a trip already notified is due 24 hours before departure: no reason "
            "for short notice is needed, so clear this box"
        )
    if (
        departure
        and reason
        and not rules.travel_short_notice_applies(timezone.localdate(), departure)
    ):
        return (
            f"They are giving at least 7 days' notice of a departure on {_fmt(departure)}, so no "
            "reason for short notice is needed: clear this box"
        )
    return None


def _new_deadlines(notification: Notification) -> list[OpenDeadline]:
    """Deadlines this notification opens: the non-occurrence of an advance-notified change, and
    return details not given before leaving."""
    made = []
    if notification.type == "change" and notification.in_advance and notification.event_date:
        result = rules.advance_notice_result(expected=notification.event_date)
        made.append(
            OpenDeadline(
                nominal=notification.nominal,
                kind="non_occurrence",
                due=result.non_occurrence_due,
                why=f"Change notified in advance for {_fmt(notification.event_date)}. "
                + result.explanation,
                source=notification,
            )
        )
    if notification.type == "travel" and notification.return_date and not notification.return_point:
        made.append(
            OpenDeadline(
                nominal=notification.nominal,
                kind="travel_return",
                due=rules.travel_return_deadline(notification.return_date),
                why=f"Return details not given before leaving: 3 days beginning with the return "
                f"on {_fmt(notification.return_date)} (s.86).",
                source=notification,
            )
        )
    return made


def _meets(deadline: OpenDeadline, notification: Notification) -> bool:
    if deadline.kind == "travel_return":
        # A change to the trip that gives the return details, or a new return date (and with
        # it its own deadline), replaces the trip's; one that leaves them alone does not.
        changes_trip = deadline.source_id and notification.amends_id == deadline.source_id
        replaces = changes_trip and (notification.return_point or notification.return_date)
        return notification.type == "travel_return" or bool(replaces)
    if deadline.kind == "non_occurrence":
        if notification.type == "non_occurrence":
            return True
        notified = set(deadline.source.change_types) if deadline.source else set()
        return notification.type == "change" and bool(notified & set(notification.change_types))
    if deadline.kind == "release":
        return notification.type in ("change", "periodic", "initial")
    return notification.type == "change"


@transaction.atomic
def notification_record(
    *,
    acting_user: User,
    nominal: Nominal,
    idempotency_key,
    data: dict[str, Any],
    apply_changes: Callable[[Nominal], list[dict]] | None = None,
    changed_sections: frozenset[str] = frozenset(),
) -> tuple[Notification, bool]:
    """Record a notification once per idempotency key (a second submit returns the first).

    `apply_changes(nominal)` makes the notified changes to the record (through the case
    services, so each keeps its history) and returns them as [{"field", "old", "new"}]; the
    details are then snapshotted as they now stand, as given at the counter."""
    existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    # One notification at a time per person: the clock depends on the order.
    locked = (
        Nominal.objects.select_for_update(of=("self",)).select_related("force").get(pk=nominal.pk)
    )
    existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    changes = apply_changes(locked) if apply_changes else []
    locked.refresh_from_db()  # the changes went through the case services: snapshot them
    notification = Notification(
        nominal=locked, taken_by=acting_user, idempotency_key=idempotency_key, **data
    )
    notification.changes = changes
    notification.details = details_snapshot(locked, changed=changed_sections)
    clock = Clock.objects.filter(pk=locked.pk).first()
    notification.deadline = notification_deadline(notification, clock)
    notification.full_clean(exclude=["verification_code", "idempotency_key"])
    notification.save()
    open_deadlines = OpenDeadline.objects.filter(
        nominal=locked, met_by__isnull=True, closed_on__isnull=True
    ).select_related("source")
    for deadline in open_deadlines:
        if _meets(deadline, notification):
            deadline.met_by = notification
            deadline.save(update_fields=["met_by"])
    OpenDeadline.objects.bulk_create(_new_deadlines(notification))
    summary = notification.get_type_display()
    if notification.change_types:
        summary += ": " + ", ".join(notification.change_labels).lower()
    case_event(
        nominal=locked,
        actor=acting_user,
        kind="notification",
        summary=f"{summary} at {notification.station}",
        changes=changes,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=notification,
        nominal_id=locked.pk,
        description=summary,
        changes=changes,
    )
    if changes or notification.type in ("change", "travel", "non_occurrence"):
        inbox_add(
            user=locked.offender_manager,
            nominal=locked,
            kind="notification",
            title=f"{locked.display_name}: {summary[:150]}",
            detail="; ".join(f"{c['field']}: {c['new']}" for c in changes),
            link=reverse("notifications:notification-detail", args=[notification.pk]),
            key=f"notification:{notification.pk}",
        )
    clock_refresh(locked)
    return notification, True


@transaction.atomic
def deadline_close(*, acting_user: User, deadline: OpenDeadline, note: str) -> bool:
    """Close an open deadline that no notification will meet (the advance-notified change
    happened as notified). Returns False when it was already closed or met."""
    deadline = OpenDeadline.objects.select_for_update().get(pk=deadline.pk)
    if not deadline.is_open:
        return False
    deadline.closed_on = timezone.localdate()
    deadline.closed_note = note[:300]
    deadline.closed_by = acting_user
    deadline.save(update_fields=["closed_on", "closed_note", "closed_by"])
    summary = f"Deadline closed: {deadline.get_kind_display().lower()} by {_fmt(deadline.due)}"
    change = {"field": "Deadline", "old": str(deadline), "new": f"Closed: {note}"[:300]}
    case_event(
        nominal=deadline.nominal,
        actor=acting_user,
        kind="deadline_closed",
        summary=summary,
        changes=[change],
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=deadline,
        nominal_id=deadline.nominal_id,
        description=summary,
        changes=[change],
    )
    clock_refresh(deadline.nominal)
    return True
