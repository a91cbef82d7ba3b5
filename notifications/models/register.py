"""The register: what put a person on it (convictions, cautions, findings), the notifications
they make, time away that pauses the duty to notify, the clock computed from all of these, and
the review of indefinite requirements."""

from __future__ import annotations

import secrets
import uuid
from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Force, Nominal
from cases.validators import validate_not_future
from notifications import rules

# --- Reference data -----------------------------------------------------------------------------


class Schedule3Offence(models.Model):
    """A paragraph of Schedule 3 to the Sexual Offences Act 2003 (reference data, editable by
    administrators because the Schedule is amended from time to time)."""

    paragraph = models.CharField(max_length=10, unique=True)
    offence = models.CharField(max_length=200)
    enactment = models.CharField(max_length=200)
    threshold = models.CharField(
        max_length=300,
        blank=True,
        help_text="Empty when the offence always triggers notification.",
    )
    confirmed = models.BooleanField(
        default=False, help_text="Checked against the text of the Schedule."
    )
    notes = models.TextField(blank=True)
    sort_key = models.PositiveIntegerField(default=0, editable=False)
    in_use = models.BooleanField(default=True, help_text="Offered when recording a conviction.")

    class Meta:
        ordering = ["sort_key", "paragraph"]
        verbose_name = "Schedule 3 offence"

    def __str__(self) -> str:
        return f"Para {self.paragraph}: {self.offence} ({self.enactment})"


class Station(models.Model):
    """A police station the force lists for notifications (s.87(1))."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="stations")
    name = models.CharField(max_length=100)
    address = models.CharField(max_length=200, blank=True)
    in_use = models.BooleanField(default=True)

    class Meta:
        ordering = ["force", "name"]
        constraints = [
            models.UniqueConstraint(fields=["force", "name"], name="station_unique_name_in_force")
        ]

    def __str__(self) -> str:
        return self.name


# --- Convictions, cautions and findings ---------------------------------------------------------


class ConvictionKind(models.TextChoices):
    CONVICTION = "conviction", "Conviction"
    CAUTION = "caution", "Caution"
    NOT_GUILTY_INSANITY = "insanity", "Found not guilty by reason of insanity"
    UNDER_DISABILITY = "disability", "Found to be under a disability and to have done the act"


class DisposalChoice(models.TextChoices):
    CUSTODY = rules.Disposal.CUSTODY, "Imprisonment or detention (including suspended)"
    DTO = rules.Disposal.DTO, "Detention and training order"
    HOSPITAL_RESTRICTION = rules.Disposal.HOSPITAL_RESTRICTION, "Hospital order with restriction"
    HOSPITAL = rules.Disposal.HOSPITAL, "Hospital order without restriction"
    CAUTION = rules.Disposal.CAUTION, "Caution"
    CONDITIONAL_DISCHARGE = rules.Disposal.CONDITIONAL_DISCHARGE, "Conditional discharge"
    OTHER = rules.Disposal.OTHER, "Community order, fine, youth or referral order, or other"


class ConvictionQuerySet(models.QuerySet):
    def registrable(self) -> ConvictionQuerySet:
        return self.filter(threshold_met=True)


class Conviction(models.Model):
    """A conviction, caution or finding for a Schedule 3 offence. Its notification period is
    computed by `rules.notification_period` and stored with the rule's explanation."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="convictions")
    kind = models.CharField(max_length=20, choices=ConvictionKind.choices)
    relevant_date = models.DateField(
        help_text="The date of the conviction, finding or caution (not the sentence date).",
        validators=[validate_not_future],
    )
    court = models.CharField("Court or police station", max_length=150)
    offence = models.ForeignKey(Schedule3Offence, on_delete=models.PROTECT, related_name="+")
    offence_details = models.CharField(max_length=300, blank=True)
    threshold_met = models.BooleanField(default=True)
    disposal = models.CharField(max_length=30, choices=DisposalChoice.choices)
    # Each custodial term: {"start": months after the first term starts, "length": months}.
    terms = models.JSONField(default=list, blank=True)
    custody_months = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, editable=False
    )
    indeterminate_sentence = models.BooleanField(
        "Life or an indeterminate sentence (IPP)", default=False
    )
    suspended = models.BooleanField("Suspended sentence", default=False)
    discharge_months = models.PositiveSmallIntegerField(null=True, blank=True)

    # Computed, never typed: see notifications.services.conviction_save.
    age_on_relevant_date = models.PositiveSmallIntegerField(editable=False)
    indefinite = models.BooleanField(editable=False, default=False)
    period_months = models.PositiveSmallIntegerField(null=True, editable=False)
    last_day = models.DateField(null=True, editable=False)
    period_explanation = models.CharField(max_length=300, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ConvictionQuerySet.as_manager()

    class Meta:
        ordering = ["-relevant_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(indefinite=True, last_day__isnull=True)
                | Q(
                    indefinite=False,
                    last_day__isnull=False,
                    last_day__gte=models.F("relevant_date"),
                )
                | Q(threshold_met=False, indefinite=False, last_day__isnull=True),
                name="conviction_period_consistent",
            ),
            models.CheckConstraint(
                condition=~Q(disposal__in=["custody", "dto"])
                | Q(custody_months__isnull=False)
                | Q(indeterminate_sentence=True),
                name="conviction_custody_has_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.relevant_date:%-d %b %Y}: {self.offence.offence}"

    @property
    def period(self) -> rules.NotificationPeriod | None:
        if not self.threshold_met:
            return None
        return rules.NotificationPeriod(
            self.relevant_date,
            self.last_day,
            self.indefinite,
            self.period_months,
            self.period_explanation,
        )


# --- Time away: custody, hospital, abroad -------------------------------------------------------


class AbsenceKind(models.TextChoices):
    CUSTODY = "custody", "In custody"
    HOSPITAL = "hospital", "Detained in hospital"
    ABROAD = "abroad", "Outside the United Kingdom"


class Absence(models.Model):
    """Time the duty to notify waits for (ss.83, 85): the period itself runs on."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(max_length=20, choices=AbsenceKind.choices)
    first_day = models.DateField()
    last_day = models.DateField(
        null=True, blank=True, help_text="Leave empty while the person is still away."
    )
    notes = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-first_day", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__isnull=True) | Q(last_day__gte=models.F("first_day")),
                name="absence_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        end = f"{self.last_day:%-d %b %Y}" if self.last_day else "now"
        return f"{self.get_kind_display()} {self.first_day:%-d %b %Y} to {end}"

    def span(self, on: date) -> tuple[date, date]:
        return (self.first_day, self.last_day or on)


# --- Notifications ------------------------------------------------------------------------------


class NotificationType(models.TextChoices):
    INITIAL = "initial", "Initial notification"
    PERIODIC = "periodic", "Periodic notification"
    CHANGE = "change", "Notification of a change"
    TRAVEL = "travel", "Foreign travel (before leaving)"
    TRAVEL_RETURN = "travel_return", "Return from foreign travel"
    NON_OCCURRENCE = "non_occurrence", "Change notified in advance did not happen"


# How each type counts for the periodic clock (s.85): travel and non-occurrence do not restart it.
CLOCK_KIND = {
    NotificationType.INITIAL: rules.NotificationKind.INITIAL,
    NotificationType.PERIODIC: rules.NotificationKind.PERIODIC,
    NotificationType.CHANGE: rules.NotificationKind.CHANGE,
    NotificationType.TRAVEL: rules.NotificationKind.TRAVEL,
    NotificationType.TRAVEL_RETURN: rules.NotificationKind.TRAVEL,
    NotificationType.NON_OCCURRENCE: rules.NotificationKind.TRAVEL,
}


class ChangeType(models.TextChoices):
    NAME = "name", "New name"
    HOME_ADDRESS = "home_address", "New home address"
    QUALIFYING_STAY = "qualifying_stay", "Stayed 7 days at an address not notified"
    RELEASE = "release", "Released from custody or hospital"
    ACCOUNT = "account", "Bank account opened or closed"
    CARD = "card", "Payment card issued or closed"
    IDENTITY_DOCUMENT = "identity_document", "New passport or identity document"
    HOUSEHOLD_WITH_CHILD = "household_with_child", "Staying 12 hours in a household with a child"


def new_verification_code() -> str:
    # Unambiguous letters and digits, grouped for reading aloud: K7QM-4TXP-9H.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class NotificationQuerySet(models.QuerySet):
    def restarting_clock(self) -> NotificationQuerySet:
        return self.filter(
            type__in=[t for t, kind in CLOCK_KIND.items() if rules.restarts_periodic_clock(kind)]
        )


class Notification(models.Model):
    """One notification made in person, with a snapshot of every detail as given."""

    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="notifications")
    type = models.CharField(max_length=20, choices=NotificationType.choices)
    change_types = ArrayField(
        models.CharField(max_length=30, choices=ChangeType.choices), default=list, blank=True
    )
    event_date = models.DateField(
        null=True,
        blank=True,
        help_text="The date of the change, release or return (or the expected date, in advance).",
    )
    in_advance = models.BooleanField(default=False)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(default=timezone.now)
    identity_confirmed = models.BooleanField(default=False)
    fingerprints_taken = models.BooleanField(default=False)
    photograph_taken = models.BooleanField(default=False)
    # Every detail as given: [{"section": ..., "items": [{"label", "value"}], "changed": bool}].
    details = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=list, blank=True)  # [{"field", "old", "new"}]

    # Foreign travel (s.86 and the 2012 regulations).
    departure_date = models.DateField(null=True, blank=True)
    departure_point = models.CharField("Point of departure", max_length=200, blank=True)
    destinations = models.TextField("Countries and points of arrival", blank=True)
    carriers = models.CharField("Carriers", max_length=300, blank=True)
    first_night_accommodation = models.CharField(
        "Accommodation for the first night", max_length=300, blank=True
    )
    return_date = models.DateField(null=True, blank=True)
    return_point = models.CharField("Point of arrival on return", max_length=200, blank=True)
    short_notice_reason = models.TextField(
        "Why 7 days' notice was not reasonably practicable",
        blank=True,
        help_text="Given only for travel notified less than 7 days before departure: the "
        "notification is then due at least 24 hours before departure.",
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name="Changes the trip notified",
        help_text="A change to a trip already notified: due at least 24 hours before departure.",
    )

    deadline = models.DateField(null=True, blank=True, help_text="When this was due by law.")
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    verification_code = models.CharField(
        max_length=12, unique=True, default=new_verification_code, editable=False
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-pk"]
        indexes = [
            # Type included: the clock, and the nightly sweep that computes everyone's, read each
            # person's notification days and types from this index alone.
            models.Index(
                fields=["nominal", "-taken_at"], include=["type"], name="notification_history"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type="change") | ~Q(change_types=[]),
                name="notification_change_has_types",
            ),
            models.CheckConstraint(
                condition=~Q(type="travel") | Q(departure_date__isnull=False),
                name="notification_travel_has_departure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {timezone.localtime(self.taken_at):%-d %b %Y %H:%M}"

    @property
    def clock_kind(self) -> rules.NotificationKind:
        return CLOCK_KIND[self.type]

    @property
    def change_labels(self) -> list[str]:
        return [ChangeType(c).label for c in self.change_types]

    @property
    def on_time(self) -> bool | None:
        if self.deadline is None:
            return None
        return timezone.localtime(self.taken_at).date() <= self.deadline


# --- Deadlines the person must still meet -------------------------------------------------------


class DeadlineKind(models.TextChoices):
    CHANGE = "change", "Notify a change"
    NON_OCCURRENCE = "non_occurrence", "Say that an advance-notified change did not happen"
    TRAVEL_RETURN = "travel_return", "Give return details"
    RELEASE = "release", "Notify release"


class OpenDeadline(models.Model):
    """A deadline arising from an event RSOM knows of (a release, an advance notification, a trip
    abroad). It closes when a notification meets it."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="open_deadlines")
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    due = models.DateField()
    why = models.CharField(max_length=300)
    source = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    met_by = models.ForeignKey(
        Notification, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Closed by an offender manager without a notification (e.g. the advance-notified move
    # happened as notified, so no further notification is due).
    closed_on = models.DateField(null=True, blank=True)
    closed_note = models.CharField(max_length=300, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["nominal", "met_by"], name="deadline_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.due:%-d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.met_by_id is None and self.closed_on is None


# --- The clock: stored, indexed, recomputed by services and the nightly sweep ------------------


class ClockQuerySet(models.QuerySet):
    """Status comes from one definition, `rules.clock_status`, expressed here in SQL."""

    def overdue(self, on: date) -> ClockQuerySet:
        return self.filter(next_due__lt=on)

    def due_soon(self, on: date, days: int) -> ClockQuerySet:
        from datetime import timedelta

        return self.filter(next_due__gte=on, next_due__lte=on + timedelta(days=days))


class Clock(models.Model):
    """A person's notification requirement and deadlines, computed from their record."""

    nominal = models.OneToOneField(
        Nominal, on_delete=models.CASCADE, primary_key=True, related_name="clock"
    )
    subject = models.BooleanField(default=False)
    indefinite = models.BooleanField(default=False)
    last_day = models.DateField(null=True, blank=True)
    requirement_why = models.CharField(max_length=400, blank=True)
    next_periodic_due = models.DateField(null=True, blank=True)
    next_due = models.DateField(null=True, blank=True, db_index=True)
    next_due_label = models.CharField(max_length=100, blank=True)
    # [{"label", "due" (ISO date), "why"}]: every open deadline, the periodic one first.
    deadlines = models.JSONField(default=list, blank=True)
    review_statutory_date = models.DateField(null=True, blank=True)
    review_policy_date = models.DateField(null=True, blank=True)
    review_why = models.CharField(max_length=400, blank=True)
    computed_on = models.DateField(null=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["last_day"], name="clock_last_day"),
            models.Index(
                fields=["review_policy_date"],
                name="clock_indefinite_review",
                condition=Q(indefinite=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Clock for {self.nominal_id}"

    def status(self, on: date, due_soon_days: int) -> rules.ClockStatus | None:
        if self.next_due is None:
            return None
        return rules.clock_status(due=self.next_due, on=on, due_soon_days=due_soon_days)


# --- Review of indefinite requirements (ss.91A–91F) ---------------------------------------------


class ReviewStage(models.TextChoices):
    APPLICATION_RECEIVED = "application_received", "Application received"
    UNDER_REVIEW = "under_review", "Under review"
    DECIDED = "decided", "Decided"


class ReviewOutcome(models.TextChoices):
    DISCHARGED = "discharged", "Discharged"
    CONTINUED = "continued", "Continued"


class IndefiniteReview(models.Model):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(max_length=30, choices=ReviewStage.choices)
    started_by_police = models.BooleanField(default=False)
    application_received_on = models.DateField(null=True, blank=True)
    opened_on = models.DateField(default=timezone.localdate)
    decision_target = models.DateField()
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    determined_on = models.DateField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    notice_posted_on = models.DateField(null=True, blank=True)
    notice_received_on = models.DateField(null=True, blank=True)
    requirements_end_on = models.DateField(null=True, blank=True)
    further_qualifying_date = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_on", "-pk"]
        constraints = [
            # One open review per person at a time.
            models.UniqueConstraint(
                fields=["nominal"],
                condition=~Q(stage="decided"),
                name="review_one_open_per_nominal",
            ),
            models.CheckConstraint(
                condition=~Q(stage="decided") | ~Q(outcome=""), name="review_decided_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"Review opened {self.opened_on:%-d %b %Y} ({self.get_stage_display()})"
