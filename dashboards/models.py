"""What supervisors and forces need to see the whole: each offender manager's capacity (a
points model with effective dates and reductions), the daily figures kept for trends, and the
daily e-mail digest of each user's inbox."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Force


class WeightCategory(models.TextChoices):
    LOW = "low", "Low risk, active management"
    MEDIUM = "medium", "Medium risk"
    HIGH = "high", "High risk"
    VERY_HIGH = "very_high", "Very high risk"
    NOT_ASSESSED = "not_assessed", "Risk not yet assessed"
    REACTIVE = "reactive", "Reactive management"
    IN_CUSTODY = "in_custody", "In custody or hospital"
    MAPPA_2 = "mappa_2", "Added for MAPPA level 2"
    MAPPA_3 = "mappa_3", "Added for MAPPA level 3"


# Points a force starts with (editable, with effective dates): more for higher risk.
DEFAULT_WEIGHTS = {
    WeightCategory.LOW: Decimal("1.0"),
    WeightCategory.MEDIUM: Decimal("1.5"),
    WeightCategory.HIGH: Decimal("2.5"),
    WeightCategory.VERY_HIGH: Decimal("4.0"),
    WeightCategory.NOT_ASSESSED: Decimal("1.5"),
    WeightCategory.REACTIVE: Decimal("0.3"),
    WeightCategory.IN_CUSTODY: Decimal("0.5"),
    WeightCategory.MAPPA_2: Decimal("1.0"),
    WeightCategory.MAPPA_3: Decimal("2.0"),
}


class CaseWeight(models.Model):
    """Points per case of a category, from a date (the latest row on or before a day applies)."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="case_weights")
    category = models.CharField(max_length=20, choices=WeightCategory.choices)
    points = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    effective_from = models.DateField()

    class Meta:
        ordering = ["force", "category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "category", "effective_from"], name="caseweight_once_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.points} from {self.effective_from}"


class CapacitySettings(models.Model):
    """How a force turns working hours into points."""

    force = models.OneToOneField(Force, on_delete=models.CASCADE, related_name="capacity")
    full_time_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("37.00"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    full_time_points = models.DecimalField(
        "Points a full-time offender manager can carry",
        max_digits=6,
        decimal_places=2,
        default=Decimal("75.00"),
        validators=[MinValueValidator(Decimal("1"))],
    )

    def __str__(self) -> str:
        return f"Capacity settings for {self.force}"


class WorkingHours(models.Model):
    """An offender manager's contracted hours a week, from a date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    effective_from = models.DateField()

    class Meta:
        ordering = ["user", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["user", "effective_from"], name="hours_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.hours} hours from {self.effective_from}"


class Reduction(models.Model):
    """Hours a week taken off an offender manager's caseload work (training, other duties,
    phased return), for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reductions"
    )
    reason = models.CharField(max_length=200)
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["user", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="reduction_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason}: {self.hours} hours"


class DailySnapshot(models.Model):
    """A force's figures for one day, written by the nightly task (one row per force a day)."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="snapshots")
    on = models.DateField()
    figures = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["force", "-on"]
        constraints = [models.UniqueConstraint(fields=["force", "on"], name="snapshot_once_a_day")]

    def __str__(self) -> str:
        return f"{self.force} on {self.on}"


class DigestSent(models.Model):
    """That a user's daily digest went out (so a second run sends nothing)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    on = models.DateField()
    items = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on"]
        constraints = [models.UniqueConstraint(fields=["user", "on"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.on}"
