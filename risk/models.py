"""Risk: RM2000 scorings, ARMS assessments against reference factors, the overall risk level's
history, the risk management plan, intelligence and case notes, and reactive management."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Nominal, RiskLevel

# --- Reference data -----------------------------------------------------------------------------


class FactorKind(models.TextChoices):
    RISK = "risk", "Risk factor"
    PROTECTIVE = "protective", "Protective factor"


class ArmsFactor(models.Model):
    """An ARMS factor (reference data: risk/data/arms_factors.csv), corrected by administrators."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=FactorKind.choices)
    description = models.TextField()
    confirmed = models.BooleanField(default=False, help_text="Name checked against the manual.")
    notes = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    in_use = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "ARMS factor"

    def __str__(self) -> str:
        return self.name


# --- RM2000 -------------------------------------------------------------------------------------

RM2000_RULE_VERSION = "RM2000/S (2007 scoring)"


class Rm2000Scoring(models.Model):
    """One scoring with its inputs, so it can be recomputed and explained (risk.rules)."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="rm2000_scorings")
    commencement_date = models.DateField(
        help_text="Release date, or the date of scoring if in the community."
    )
    age = models.PositiveSmallIntegerField(editable=False)
    sexual_appearances = models.PositiveSmallIntegerField()
    criminal_appearances = models.PositiveSmallIntegerField()
    male_victim = models.BooleanField()
    stranger_victim = models.BooleanField()
    single = models.BooleanField()
    non_contact = models.BooleanField()
    applicable = models.BooleanField(default=True, editable=False)
    not_applicable_reason = models.CharField(max_length=300, blank=True, editable=False)
    points = models.PositiveSmallIntegerField(null=True, editable=False)
    step1 = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True, editable=False)
    aggravating = models.PositiveSmallIntegerField(null=True, editable=False)
    category = models.CharField(
        max_length=10, choices=RiskLevel.choices, blank=True, editable=False
    )
    explanation = models.JSONField(default=list, blank=True, editable=False)
    rule_version = models.CharField(max_length=40, default=RM2000_RULE_VERSION, editable=False)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-scored_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(criminal_appearances__gte=models.F("sexual_appearances")),
                name="rm2000_criminal_includes_sexual",
            ),
            models.CheckConstraint(
                condition=Q(applicable=False) | ~Q(category=""),
                name="rm2000_applicable_has_category",
            ),
        ]

    def __str__(self) -> str:
        return f"RM2000 {self.get_category_display() or 'not applicable'}"


# --- ARMS ---------------------------------------------------------------------------------------


class Evidence(models.TextChoices):
    NONE = "none", "No evidence"
    SOME = "some", "Some evidence"
    STRONG = "strong", "Strong evidence"


class ArmsStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for sign-off"
    RETURNED = "returned", "Returned with comments"
    SIGNED_OFF = "signed_off", "Signed off"


class ArmsAssessment(models.Model):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="arms_assessments")
    status = models.CharField(max_length=20, choices=ArmsStatus.choices, default=ArmsStatus.DRAFT)
    formulation = models.TextField("Formulation summary", blank=True)
    priorities = models.TextField("Priorities for the risk management plan", blank=True)
    reason = models.CharField(
        "Why this assessment", max_length=300, blank=True, help_text="For example, a trigger."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_comments = models.TextField(blank=True)
    signed_off_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One assessment in progress per person.
            models.UniqueConstraint(
                fields=["nominal"],
                condition=~Q(status="signed_off"),
                name="arms_one_open_per_nominal",
            ),
            models.CheckConstraint(
                condition=~Q(status="signed_off") | Q(signed_off_on__isnull=False),
                name="arms_signed_off_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"ARMS {self.get_status_display()} ({self.created_at:%-d %b %Y})"


class ArmsRating(models.Model):
    assessment = models.ForeignKey(ArmsAssessment, on_delete=models.CASCADE, related_name="ratings")
    factor = models.ForeignKey(ArmsFactor, on_delete=models.PROTECT, related_name="+")
    evidence = models.CharField(max_length=10, choices=Evidence.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["factor__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "factor"], name="arms_one_rating_per_factor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.factor}: {self.get_evidence_display()}"


# --- The overall risk level ---------------------------------------------------------------------


class RiskLevelChange(models.Model):
    """Each setting of the overall risk level; the current one is copied to the nominal."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="risk_levels")
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    rationale = models.TextField()
    set_on = models.DateField(default=timezone.localdate)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-set_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["nominal", "-set_on"], name="risklevel_history")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} from {self.set_on:%-d %b %Y}"


# --- Risk management plan -----------------------------------------------------------------------


class PlanHeading(models.TextChoices):
    SUPERVISION = "supervision", "Supervision"
    MONITORING = "monitoring", "Monitoring and control"
    INTERVENTIONS = "interventions", "Interventions and treatment"
    VICTIM_SAFETY = "victim_safety", "Victim safety planning"


class RiskManagementPlan(models.Model):
    """A version of the plan. A new version replaces the current one (kept for history)."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="risk_plans")
    version = models.PositiveSmallIntegerField()
    contingency = models.TextField("Contingency plan")
    protective_factors = models.TextField("Protective factors to build on", blank=True)
    visit_interval_months = models.PositiveSmallIntegerField(
        "Individual visit frequency (months)",
        null=True,
        blank=True,
        help_text="Leave blank to use the force's interval for the risk level.",
    )
    visit_interval_reason = models.CharField(max_length=300, blank=True)
    arms = models.ForeignKey(
        ArmsAssessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans"
    )
    current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["nominal", "version"], name="plan_unique_version"),
            models.UniqueConstraint(
                fields=["nominal"], condition=Q(current=True), name="plan_one_current"
            ),
            models.CheckConstraint(
                condition=Q(visit_interval_months__isnull=True) | ~Q(visit_interval_reason=""),
                name="plan_individual_frequency_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk management plan v{self.version}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class PlanAction(models.Model):
    plan = models.ForeignKey(RiskManagementPlan, on_delete=models.CASCADE, related_name="actions")
    heading = models.CharField(max_length=20, choices=PlanHeading.choices)
    action = models.TextField()
    owner = models.CharField(max_length=100)
    due = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )

    class Meta:
        ordering = ["heading", "due", "pk"]

    def __str__(self) -> str:
        return self.action[:60]


# --- Intelligence and case notes ----------------------------------------------------------------


class NoteKind(models.TextChoices):
    NOTE = "note", "Case note"
    INTELLIGENCE = "intelligence", "Intelligence"
    ARREST = "arrest", "Arrest"
    CONTACT_WITH_CHILDREN = "contact_with_children", "Contact with children"
    RELATIONSHIP = "relationship", "New relationship"


# Kinds that call for an ARMS review and flag a reactive case for return (domain.md 4, 5).
TRIGGER_KINDS = frozenset(
    {
        NoteKind.INTELLIGENCE,
        NoteKind.ARREST,
        NoteKind.CONTACT_WITH_CHILDREN,
        NoteKind.RELATIONSHIP,
    }
)


class CaseNote(models.Model):
    """A note or an intelligence item. Never shown to the front desk."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="case_notes")
    kind = models.CharField(max_length=30, choices=NoteKind.choices)
    occurred_on = models.DateField(default=timezone.localdate)
    text = models.TextField()
    source = models.CharField(
        "Source", max_length=200, blank=True, help_text="For intelligence: where it came from"
    )
    is_concern = models.BooleanField(
        "Raises a concern about risk",
        default=False,
        help_text="A concern restarts the reactive-management qualifying period.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["nominal", "-occurred_on"], name="casenote_history")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%-d %b %Y}"


# --- Reactive management ------------------------------------------------------------------------


class ReactiveStage(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    SNOOZED = "snoozed", "Snoozed"
    RETURN_FLAGGED = "return_flagged", "Flagged for return to active management"
    RETURNED = "returned", "Returned to active management"
    RETURN_DECLINED = "return_declined", "Kept under reactive management"


class DenialReason(models.TextChoices):
    RISK_CONCERN = "risk_concern", "Professional concern about risk"
    RECENT_CHANGE = "recent_change", "Recent change in circumstances"
    PENDING_INFORMATION = "pending_information", "Waiting for information"
    MAPPA_DECISION = "mappa_decision", "MAPPA decision"
    OTHER = "other", "Other (see comments)"


class ReactiveCase(models.Model):
    """A case's place in the reactive-management queue: refreshed nightly from the rule, moved by
    the offender manager's proposal and the supervisor's decision."""

    nominal = models.OneToOneField(
        Nominal, on_delete=models.CASCADE, primary_key=True, related_name="reactive"
    )
    stage = models.CharField(max_length=20, choices=ReactiveStage.choices)
    criteria = models.JSONField(default=list, blank=True)  # [{"code","met","reason"}]
    eligible = models.BooleanField(default=False)
    checked_on = models.DateField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=30, choices=DenialReason.choices, blank=True)
    comments = models.TextField(blank=True)
    snoozed_until = models.DateField(null=True, blank=True)
    return_triggers = models.JSONField(default=list, blank=True)  # [{"trigger","on","summary"}]

    class Meta:
        indexes = [models.Index(fields=["stage"], name="reactive_stage")]

    def __str__(self) -> str:
        return f"Reactive management: {self.get_stage_display()}"


# --- Due work -----------------------------------------------------------------------------------


class RiskReviewDue(models.Model):
    """When the person's ARMS is next due and why (12 months after sign-off, or now on a
    trigger). Stored and indexed so lists and the nightly sweep filter in SQL."""

    nominal = models.OneToOneField(
        Nominal, on_delete=models.CASCADE, primary_key=True, related_name="arms_due"
    )
    due = models.DateField(null=True, blank=True, db_index=True)
    why = models.CharField(max_length=300, blank=True)
    triggered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"ARMS review due {self.due}" if self.due else "No ARMS review due"
