"""Civil orders (SHPO, SRO, notification orders and their interim versions) with their
prohibitions and requirements, changes to them, and breaches of the notification requirements
and of orders (domain.md section 6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Nominal
from notifications.models.register import DisposalChoice


class OrderType(models.TextChoices):
    SHPO = "shpo", "Sexual harm prevention order (SHPO)"
    INTERIM_SHPO = "interim_shpo", "Interim SHPO"
    SRO = "sro", "Sexual risk order (SRO)"
    INTERIM_SRO = "interim_sro", "Interim SRO"
    NOTIFICATION_ORDER = "notification_order", "Notification order"
    INTERIM_NOTIFICATION_ORDER = "interim_notification_order", "Interim notification order"


SHPO_TYPES = frozenset({OrderType.SHPO, OrderType.INTERIM_SHPO})


class OrderStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    EXPIRED = "expired", "Expired"
    DISCHARGED = "discharged", "Discharged"
    REPLACED = "replaced", "Replaced by a new order"


class CivilOrderQuerySet(models.QuerySet):
    def in_force(self, on) -> CivilOrderQuerySet:
        return self.filter(
            Q(served_on__lte=on) | Q(served_on__isnull=True, made_on__lte=on),
            Q(ends_on__isnull=True) | Q(ends_on__gte=on),
            discharged_on__isnull=True,
            replaced_by__isnull=True,
        )

    def shpos(self) -> CivilOrderQuerySet:
        return self.filter(type__in=SHPO_TYPES)


class CivilOrder(models.Model):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="civil_orders")
    type = models.CharField(max_length=30, choices=OrderType.choices)
    court = models.CharField(max_length=150)
    applied_for_by = models.CharField(
        max_length=150, blank=True, help_text="On a police application: the applicant force."
    )
    made_on = models.DateField()
    served_on = models.DateField(
        null=True, blank=True, help_text="For a person not otherwise registered, the relevant date."
    )
    ends_on = models.DateField(null=True, blank=True, help_text="Empty: until further order.")
    # Notification orders: the conviction abroad and its disposal, as for a conviction here.
    foreign_conviction_on = models.DateField(null=True, blank=True)
    foreign_disposal = models.CharField(max_length=30, choices=DisposalChoice.choices, blank=True)
    foreign_custody_months = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    discharged_on = models.DateField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced"
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CivilOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-made_on", "-pk"]
        indexes = [models.Index(fields=["nominal", "ends_on"], name="order_in_force")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("made_on")),
                name="order_ends_after_made",
            ),
            models.CheckConstraint(
                condition=Q(served_on__isnull=True) | Q(served_on__gte=models.F("made_on")),
                name="order_served_after_made",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} made {self.made_on:%-d %b %Y}"

    @property
    def until_further_order(self) -> bool:
        return self.ends_on is None

    @property
    def is_shpo(self) -> bool:
        return self.type in SHPO_TYPES

    def status_on(self, on) -> OrderStatus:
        if self.replaced_by_id:
            return OrderStatus.REPLACED
        if self.discharged_on and self.discharged_on <= on:
            return OrderStatus.DISCHARGED
        if self.ends_on and self.ends_on < on:
            return OrderStatus.EXPIRED
        return OrderStatus.IN_FORCE


class TermKind(models.TextChoices):
    PROHIBITION = "prohibition", "Prohibition"
    REQUIREMENT = "requirement", "Positive requirement"


class OrderTerm(models.Model):
    """A prohibition or positive requirement, with its own end (a foreign travel prohibition
    lasts at most 5 years, renewable)."""

    order = models.ForeignKey(CivilOrder, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(max_length=20, choices=TermKind.choices)
    text = models.TextField()
    foreign_travel = models.BooleanField("A foreign travel prohibition", default=False)
    ends_on = models.DateField(null=True, blank=True, help_text="Empty: as long as the order.")
    order_position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order_position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def has_ended(self, on) -> bool:
        return self.ends_on is not None and self.ends_on < on


class OrderChangeKind(models.TextChoices):
    VARIATION = "variation", "Varied"
    RENEWAL = "renewal", "Renewed"
    DISCHARGE = "discharge", "Discharged"


class OrderChange(models.Model):
    order = models.ForeignKey(CivilOrder, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=OrderChangeKind.choices)
    made_on = models.DateField()
    court = models.CharField(max_length=150)
    details = models.TextField()
    person_consents = models.BooleanField(default=False)
    chief_officer_consents = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["made_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.made_on:%-d %b %Y}"


# --- Breaches -----------------------------------------------------------------------------------


class BreachDuty(models.TextChoices):
    INITIAL = "initial", "Initial notification"
    PERIODIC = "periodic", "Periodic notification"
    CHANGE = "change", "Notification of a change"
    TRAVEL = "travel", "Foreign travel notification"
    FINGERPRINTS = "fingerprints", "Refused fingerprints or photograph"
    FALSE_INFORMATION = "false_information", "Knowingly gave false information"
    SHPO = "shpo", "Breach of an SHPO"
    SRO = "sro", "Breach of an SRO"


NOTIFICATION_DUTIES = frozenset(
    {BreachDuty.INITIAL, BreachDuty.PERIODIC, BreachDuty.CHANGE, BreachDuty.TRAVEL}
)


class Severity(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    RISK_RELEVANT = "risk_relevant", "Risk-relevant"


class HowFound(models.TextChoices):
    CLOCK = "clock", "Notification overdue (RSOM)"
    HOME_VISIT = "home_visit", "Home visit"
    INTELLIGENCE = "intelligence", "Intelligence"
    ARREST = "arrest", "Arrest or other police contact"
    PARTNER_AGENCY = "partner_agency", "Partner agency"
    OTHER = "other", "Other"


class BreachAction(models.TextChoices):
    NONE = "none", "No further action"
    WORDS = "words", "Words of advice"
    CAUTION = "caution", "Cautioned"
    ARREST = "arrest", "Arrested"
    CHARGED = "charged", "Charged or summonsed"
    OTHER = "other", "Other"


class Breach(models.Model):
    """One failure to comply (s.91: one continuing offence from the first day of failure)."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="breaches")
    duty = models.CharField(max_length=20, choices=BreachDuty.choices)
    order = models.ForeignKey(
        CivilOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="breaches"
    )
    deadline = models.DateField(null=True, blank=True)
    first_failure_on = models.DateField()
    remedied_on = models.DateField(null=True, blank=True)
    excuse_claimed = models.TextField(blank=True)
    how_found = models.CharField(max_length=20, choices=HowFound.choices)
    action = models.CharField(max_length=20, choices=BreachAction.choices)
    outcome = models.TextField(blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    rationale = models.TextField(help_text="Why this severity: required.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-first_failure_on", "-pk"]
        constraints = [
            # One record per failure.
            models.UniqueConstraint(
                fields=["nominal", "duty", "first_failure_on"], name="breach_one_per_failure"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="breach_has_rationale"),
            models.CheckConstraint(
                condition=Q(remedied_on__isnull=True)
                | Q(remedied_on__gte=models.F("first_failure_on")),
                name="breach_remedied_after_failure",
            ),
            models.CheckConstraint(
                condition=~Q(duty__in=["shpo", "sro"]) | Q(order__isnull=False),
                name="breach_of_order_names_it",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_duty_display()} from {self.first_failure_on:%-d %b %Y}"
