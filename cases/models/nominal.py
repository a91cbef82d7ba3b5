"""The nominal: the registered person, and the details the law requires them to notify."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils import timezone

from cases.models.people import Force, Team
from cases.validators import (
    validate_account_number,
    validate_card_month,
    validate_card_number,
    validate_ni_number,
    validate_not_future,
    validate_postcode,
    validate_sort_code,
)


class NominalStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REACTIVE = "reactive", "Reactive"
    IN_CUSTODY = "in_custody", "In custody"
    IN_HOSPITAL = "in_hospital", "In hospital"
    WHEREABOUTS_UNKNOWN = "whereabouts_unknown", "Whereabouts unknown"
    MOVED_OUT_OF_FORCE = "moved_out_of_force", "Moved out of force"
    NOTIFICATION_ENDED = "notification_ended", "Notification ended"
    DECEASED = "deceased", "Deceased"


# Statuses of people still on the force's register: the front desk can find them.
REGISTERED_STATUSES = frozenset(NominalStatus.values) - {
    NominalStatus.MOVED_OUT_OF_FORCE,
    NominalStatus.NOTIFICATION_ENDED,
    NominalStatus.DECEASED,
}


# The person's own details an offender manager edits (and whose changes the history records).
NOMINAL_DETAIL_FIELDS = [
    "forenames",
    "surname",
    "date_of_birth",
    "sex",
    "ni_number",
    "photograph",
    "photograph_taken_on",
    "status",
    "mappa_category",
    "mappa_level",
    "on_licence",
]


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"


class RiskLevel(models.TextChoices):
    """The overall risk of serious harm (values as risk.rules.RiskLevel); set by the risk app."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class MappaLevel(models.IntegerChoices):
    LEVEL_1 = 1, "Level 1"
    LEVEL_2 = 2, "Level 2"
    LEVEL_3 = 3, "Level 3"


class MappaCategory(models.IntegerChoices):
    CATEGORY_1 = 1, "Category 1 (registered sexual offender)"
    CATEGORY_2 = 2, "Category 2 (violent or other sexual offender)"
    CATEGORY_3 = 3, "Category 3 (other dangerous offender)"
    CATEGORY_4 = 4, "Category 4 (terrorist or terrorist risk)"


class NominalQuerySet(models.QuerySet):
    def with_permission(self, user, codename: str) -> NominalQuerySet:
        """Cases on which the user holds `codename`, directly or through a group, decided in SQL."""
        from cases.models.access import NominalGroupObjectPermission, NominalUserObjectPermission

        if not (user.is_authenticated and user.is_active and user.force_id):
            return self.none()
        direct = NominalUserObjectPermission.objects.filter(
            content_object=OuterRef("pk"), user=user, permission__codename=codename
        )
        via_group = NominalGroupObjectPermission.objects.filter(
            content_object=OuterRef("pk"), group__user=user, permission__codename=codename
        )
        return self.filter(Q(Exists(direct)) | Q(Exists(via_group)), force_id=user.force_id)

    def visible_to(self, user) -> NominalQuerySet:
        return self.with_permission(user, "view_nominal")

    def editable_by(self, user) -> NominalQuerySet:
        return self.with_permission(user, "change_nominal")

    def registered(self) -> NominalQuerySet:
        return self.filter(status__in=REGISTERED_STATUSES)

    def findable_at_front_desk(self, user) -> NominalQuerySet:
        """Front desk staff find any registered person of their own force (and only there)."""
        if not (user.is_authenticated and user.is_active and user.force_id):
            return self.none()
        return self.registered().filter(force_id=user.force_id)

    def similar_surname(self, surname: str, threshold: float = 0.3) -> NominalQuerySet:
        """A looser match for people already narrowed down (e.g. by date of birth): Smyth, Smith."""
        from django.contrib.postgres.search import TrigramWordSimilarity

        return (
            self.annotate(surname_similarity=TrigramWordSimilarity(surname.lower(), "search_names"))
            .filter(surname_similarity__gte=threshold)
            .order_by("-surname_similarity", "pk")
        )

    def search(self, text: str) -> NominalQuerySet:
        """Match a reference exactly, or names (current and other) by trigram word similarity."""
        text = " ".join(text.split()).lower()
        if not text:
            return self.none()
        from django.contrib.postgres.search import TrigramWordSimilarity

        return (
            self.filter(Q(reference__iexact=text) | Q(search_names__trigram_word_similar=text))
            .annotate(similarity=TrigramWordSimilarity(text, "search_names"))
            .order_by("-similarity", "surname", "pk")
        )


def display_name(surname: str, forenames: str) -> str:
    """Surname first, as police indexes list people."""
    return f"{surname.upper()}, {forenames}"


class Nominal(models.Model):
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="nominals")
    reference = models.CharField(max_length=20, editable=False)
    forenames = models.CharField("First and middle names", max_length=100)
    surname = models.CharField("Last name", max_length=100)
    date_of_birth = models.DateField(validators=[validate_not_future])
    sex = models.CharField(max_length=10, choices=Sex.choices)
    ni_number = models.CharField(
        "National Insurance number", max_length=9, blank=True, validators=[validate_ni_number]
    )
    photograph = models.ImageField(upload_to="photographs/%Y/", blank=True)
    photograph_taken_on = models.DateField(null=True, blank=True, validators=[validate_not_future])
    status = models.CharField(
        max_length=30, choices=NominalStatus.choices, default=NominalStatus.ACTIVE
    )
    mappa_category = models.PositiveSmallIntegerField(
        "MAPPA category", choices=MappaCategory.choices, default=MappaCategory.CATEGORY_1
    )
    mappa_level = models.PositiveSmallIntegerField(
        "MAPPA level", choices=MappaLevel.choices, default=MappaLevel.LEVEL_1
    )
    on_licence = models.BooleanField(
        "On licence", default=False, help_text="Released on licence and supervised by probation."
    )
    # The current overall risk level, kept by risk.services (its history lives in the risk app).
    risk_level = models.CharField(
        max_length=10, choices=RiskLevel.choices, blank=True, editable=False
    )
    risk_level_set_on = models.DateField(null=True, blank=True, editable=False)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="nominals"
    )
    offender_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocated_nominals",
    )
    # Every name used, lower-cased, maintained by the services: what name search matches.
    search_names = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NominalQuerySet.as_manager()

    class Meta:
        ordering = ["surname", "forenames"]
        permissions = [
            ("view_financial_numbers", "Can see full account and card numbers"),
            ("record_notification", "Can record notifications at the front desk"),
            ("allocate_nominal", "Can allocate and reallocate cases"),
            ("view_case_audit", "Can see who viewed a case"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["force", "reference"], name="nominal_unique_reference"),
            models.CheckConstraint(
                condition=Q(ni_number="") | Q(ni_number__regex=r"^[A-Z]{2}[0-9]{6}[A-D]$"),
                name="nominal_ni_number_format",
            ),
        ]
        indexes = [
            GinIndex(
                name="nominal_search_names_trgm",
                fields=["search_names"],
                opclasses=["gin_trgm_ops"],
            ),
            models.Index(fields=["force", "date_of_birth"], name="nominal_force_dob"),
            # Search matches a reference case-insensitively OR names by trigram; without this
            # PostgreSQL cannot combine the two indexes and scores every case in the force.
            models.Index(Upper("reference"), name="nominal_reference_upper"),
            models.Index(fields=["offender_manager", "status"], name="nominal_om_status"),
            models.Index(fields=["team", "status"], name="nominal_team_status"),
            models.Index(fields=["force", "risk_level", "status"], name="nominal_force_risk"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.reference})"

    @property
    def full_name(self) -> str:
        return f"{self.forenames} {self.surname}"

    @property
    def display_name(self) -> str:
        return display_name(self.surname, self.forenames)

    def age_on(self, on: date) -> int:
        from cases.dates import age_on

        return age_on(self.date_of_birth, on)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


class DatedRecord(models.Model):
    """A detail that held from one date to another (an open `to_date` means it still holds)."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="+")
    from_date = models.DateField("From", null=True, blank=True, validators=[validate_not_future])
    to_date = models.DateField("To", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.to_date is None or self.to_date >= on


def _dates_in_order():
    return (
        Q(to_date__isnull=True) | Q(from_date__isnull=True) | Q(to_date__gte=models.F("from_date"))
    )


class OtherName(DatedRecord):
    class Kind(models.TextChoices):
        PREVIOUS = "previous", "Previous name"
        ALIAS = "alias", "Alias or nickname"
        ONLINE = "online", "Online name"

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["-from_date", "name"]
        constraints = [models.CheckConstraint(condition=_dates_in_order(), name="othername_dates")]

    def __str__(self) -> str:
        return self.name


class OnlineIdentity(DatedRecord):
    class Kind(models.TextChoices):
        EMAIL = "email", "Email address"
        USERNAME = "username", "User name"
        PHONE = "phone", "Telephone number"
        OTHER = "other", "Other"

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="online_identities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField("Identity", max_length=200)
    platform = models.CharField(
        "Service or platform", max_length=100, blank=True, help_text="For example, a social network"
    )

    class Meta:
        ordering = ["kind", "value"]
        constraints = [models.CheckConstraint(condition=_dates_in_order(), name="onlineid_dates")]

    def __str__(self) -> str:
        return self.value


class Address(DatedRecord):
    class Kind(models.TextChoices):
        HOME = "home", "Home address"
        OTHER = "other", "Other address where they regularly stay"
        HOUSEHOLD_WITH_CHILD = "household_with_child", "Household where a child lives or stays"
        NO_FIXED_ABODE = "no_fixed_abode", "No fixed abode (where they can be found)"

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    line_1 = models.CharField("Address line 1", max_length=100)
    line_2 = models.CharField("Address line 2", max_length=100, blank=True)
    town = models.CharField("Town or city", max_length=60)
    postcode = models.CharField(max_length=10, blank=True, validators=[validate_postcode])
    notes = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a household with a child, the intended periods of stay; for another "
        "address, the stays that made it notifiable",
    )

    class Meta:
        ordering = ["-from_date", "-pk"]
        constraints = [models.CheckConstraint(condition=_dates_in_order(), name="address_dates")]
        indexes = [models.Index(fields=["nominal", "kind", "to_date"], name="address_current")]

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line_1, self.line_2, self.town, self.postcode] if p)

    @property
    def postcode_district(self) -> str:
        return self.postcode.split(" ")[0] if self.postcode else ""


class IdentityDocument(DatedRecord):
    class Kind(models.TextChoices):
        PASSPORT = "passport", "Passport"
        DRIVING_LICENCE = "driving_licence", "Driving licence"
        IDENTITY_CARD = "identity_card", "National identity card"
        OTHER = "other", "Other identity document"

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    number = models.CharField(max_length=40)
    issuing_country = models.CharField(max_length=60, default="United Kingdom")
    issued_on = models.DateField(null=True, blank=True, validators=[validate_not_future])
    expires_on = models.DateField(null=True, blank=True)
    name_shown = models.CharField("Name shown on the document", max_length=200)

    class Meta:
        ordering = ["kind", "-issued_on"]
        constraints = [models.CheckConstraint(condition=_dates_in_order(), name="document_dates")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


def mask(number: str) -> str:
    """Show only the last four digits."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"•••• {digits[-4:]}" if digits else ""


class BankAccount(DatedRecord):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="bank_accounts")
    institution = models.CharField("Bank or building society", max_length=100)
    sort_code = models.CharField(max_length=8, validators=[validate_sort_code])
    account_number = models.CharField(max_length=8, validators=[validate_account_number])

    class Meta:
        ordering = ["institution"]
        constraints = [models.CheckConstraint(condition=_dates_in_order(), name="account_dates")]

    def __str__(self) -> str:
        return f"{self.institution} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return mask(self.account_number)


class PaymentCard(DatedRecord):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="payment_cards")
    issuer = models.CharField("Card issuer", max_length=100)
    card_number = models.CharField(max_length=19, validators=[validate_card_number])
    valid_from = models.CharField(
        "Valid from (MM/YY)", max_length=5, blank=True, validators=[validate_card_month]
    )
    expires = models.CharField("Expires (MM/YY)", max_length=5, validators=[validate_card_month])

    class Meta:
        ordering = ["issuer"]
        constraints = [models.CheckConstraint(condition=_dates_in_order(), name="card_dates")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return mask(self.card_number)


class Vehicle(DatedRecord):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="vehicles")
    registration = models.CharField("Registration number", max_length=10)
    make = models.CharField(max_length=40)
    model = models.CharField(max_length=40, blank=True)
    colour = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["registration"]
        constraints = [models.CheckConstraint(condition=_dates_in_order(), name="vehicle_dates")]

    def __str__(self) -> str:
        return self.registration


class Employment(DatedRecord):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="employments")
    employer = models.CharField(max_length=100)
    role = models.CharField("Job title", max_length=100, blank=True)
    address = models.CharField("Workplace address", max_length=200, blank=True)

    class Meta:
        ordering = ["-from_date"]
        constraints = [models.CheckConstraint(condition=_dates_in_order(), name="employment_dates")]

    def __str__(self) -> str:
        return self.employer
