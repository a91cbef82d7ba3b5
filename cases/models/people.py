"""Forces, teams, users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Role(models.TextChoices):
    OFFENDER_MANAGER = "offender_manager", "Offender manager"
    SUPERVISOR = "supervisor", "Supervisor"
    FRONT_DESK = "front_desk", "Front desk"
    MAPPA_CHAIR = "mappa_chair", "MAPPA chair"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles whose holders work cases (they may be granted object permissions on nominals).
CASE_ROLES = frozenset({Role.OFFENDER_MANAGER, Role.SUPERVISOR, Role.MAPPA_CHAIR})


class Force(models.Model):
    """A police force. Its policy settings live here; administrators edit them."""

    class Kind(models.TextChoices):
        TERRITORIAL = "territorial", "Territorial (England and Wales)"
        NATIONAL = "national", "National"

    name = models.CharField(max_length=100, unique=True)
    code = models.SlugField(max_length=50, unique=True)
    country = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TERRITORIAL)
    reference_prefix = models.CharField(
        max_length=6, help_text="Starts every case reference the force issues, e.g. TVP-000123."
    )
    last_reference_number = models.PositiveIntegerField(default=0, editable=False)

    # Policy settings (domain.md: configurable, with the defaults given there).
    caseload_guideline = models.PositiveSmallIntegerField(
        default=50,
        validators=[MinValueValidator(1)],
        help_text="Cases per offender manager the force plans for.",
    )
    due_soon_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="A date is shown as due soon this many days before it.",
    )
    feb29_anniversary_on_march_1 = models.BooleanField(
        default=True,
        help_text="A 29 February anniversary in a common year falls on 1 March "
        "(otherwise 28 February).",
    )
    travel_short_notice_hours = models.PositiveSmallIntegerField(
        "Short notice of travel (hours before departure)",
        default=24,
        validators=[MinValueValidator(24), MaxValueValidator(168)],
        help_text="When 7 days' notice of travel was not reasonably practicable, it is due this "
        "long before departure (at least 24 hours in statute). Departure times are not recorded, "
        "so it counts in whole days: 24 means by the day before.",
    )
    review_adult_years = models.PositiveSmallIntegerField(
        "Indefinite review interval for adults (years)",
        default=15,
        validators=[MinValueValidator(10), MaxValueValidator(15)],
        help_text="15 in statute (s.91B); a force may review from 10.",
    )
    review_youth_years = models.PositiveSmallIntegerField(
        "Indefinite review interval for those under 18 on the relevant date (years)",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    further_review_years = models.PositiveSmallIntegerField(
        "Further review interval after a requirement is continued (years)",
        default=8,
        validators=[MinValueValidator(8), MaxValueValidator(15)],
    )
    review_decision_weeks = models.PositiveSmallIntegerField(
        "Target for deciding an indefinite review (weeks)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    reactive_qualifying_years = models.PositiveSmallIntegerField(
        "Years at low risk before reactive management",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    reactive_civil_orders_exclude = models.BooleanField(
        "A civil order in force rules out reactive management", default=True
    )
    arms_review_months = models.PositiveSmallIntegerField(
        "ARMS review interval (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    # Domain.md section 5: minimum home-visit intervals by risk level, in months.
    visit_months_very_high = models.PositiveSmallIntegerField(
        "Visit at least every … months (very high risk)",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    visit_months_high = models.PositiveSmallIntegerField(
        "Visit at least every … months (high risk)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    visit_months_medium = models.PositiveSmallIntegerField(
        "Visit at least every … months (medium risk)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    visit_months_low = models.PositiveSmallIntegerField(
        "Visit at least every … months (low risk)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    mappa_level2_review_weeks = models.PositiveSmallIntegerField(
        "MAPPA level 2 review at least every … weeks",
        default=16,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    mappa_level3_review_weeks = models.PositiveSmallIntegerField(
        "MAPPA level 3 review at least every … weeks",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    ending_notice_days = models.PositiveSmallIntegerField(
        "Tell the offender manager this many days before the requirements end",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        order = [
            self.visit_months_very_high,
            self.visit_months_high,
            self.visit_months_medium,
            self.visit_months_low,
        ]
        if any(higher > lower for higher, lower in zip(order, order[1:], strict=False)):
            raise ValidationError(
                "Higher risk must be visited at least as often as lower risk: check the visit "
                "intervals."
            )

    @property
    def visit_intervals(self) -> dict[str, int]:
        return {
            "very_high": self.visit_months_very_high,
            "high": self.visit_months_high,
            "medium": self.visit_months_medium,
            "low": self.visit_months_low,
        }


class Team(models.Model):
    """A MOSOVO team. Its two groups carry the object permissions of its members and supervisors."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=100)
    members_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="+", editable=False
    )
    supervisors_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["force", "name"]
        constraints = [
            models.UniqueConstraint(fields=["force", "name"], name="team_unique_name_in_force")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. Roles are groups named after `Role` values."""

    force = models.ForeignKey(
        Force, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="users")
    collar_number = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[str]:
        if not hasattr(self, "_roles"):
            names = {g.name for g in self.groups.all()} if self.pk else set()
            self._roles = frozenset(names & set(Role.values))
        return self._roles

    def has_role(self, *roles: str) -> bool:
        return self.is_active and bool(self.roles & set(roles))

    @property
    def role_labels(self) -> str:
        return ", ".join(Role(r).label for r in Role.values if r in self.roles)
