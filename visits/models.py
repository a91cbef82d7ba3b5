"""Home visits: planned and recorded visits and failed attempts, their attachments, and each
case's next visit due date (stored and indexed, recomputed by services and nightly)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Address, Nominal
from visits.rules import AttemptOutcome, TimeBand


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DRAFT = "draft", "Being recorded"
    RECORDED = "recorded", "Recorded"
    CANCELLED = "cancelled", "Cancelled"


class Outcome(models.TextChoices):
    COMPLETED = AttemptOutcome.COMPLETED, "Completed: risk assessed at the address"
    NO_ANSWER = AttemptOutcome.NO_ANSWER, "No answer"
    REFUSED = AttemptOutcome.REFUSED, "Refused entry"
    NOT_PRESENT = AttemptOutcome.NOT_PRESENT, "Not present (someone else answered)"


class Band(models.TextChoices):
    MORNING = TimeBand.MORNING, "Morning (6am to noon)"
    AFTERNOON = TimeBand.AFTERNOON, "Afternoon (noon to 5pm)"
    EVENING = TimeBand.EVENING, "Evening (5pm to 10pm)"
    NIGHT = TimeBand.NIGHT, "Night (10pm to 6am)"


class VisitQuerySet(models.QuerySet):
    def recorded(self) -> VisitQuerySet:
        return self.filter(status=VisitStatus.RECORDED)

    def completed(self) -> VisitQuerySet:
        return self.recorded().filter(outcome=Outcome.COMPLETED)

    def failed(self) -> VisitQuerySet:
        return self.recorded().exclude(outcome=Outcome.COMPLETED)


class Visit(models.Model):
    """A home visit, from its plan to its record. A failed attempt is a visit recorded with an
    outcome other than completed: it never satisfies the due date (domain.md section 5)."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="visits")
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    status = models.CharField(max_length=10, choices=VisitStatus.choices)
    planned_for = models.DateField(null=True, blank=True)
    time_band = models.CharField(max_length=10, choices=Band.choices, blank=True)
    announced = models.BooleanField(default=False)
    co_attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The record (filled while recording; kept as a draft until submitted).
    visited_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    present = models.TextField("Who was present", blank=True)
    observations = models.JSONField(default=list, blank=True)  # [{"item","seen","note"}]
    concerns = models.TextField(blank=True)
    follow_up = models.TextField("Follow-up actions", blank=True)
    draft_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Lets a phone that lost its connection retry "record" without making a second visit.
    client_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_at", "-planned_for", "-pk"]
        indexes = [
            models.Index(fields=["nominal", "status", "-visited_at"], name="visit_history"),
            models.Index(fields=["created_by", "status", "planned_for"], name="visit_planned"),
            # The nightly sweep reads every case's last completed visit from this index alone.
            models.Index(
                fields=["nominal", "visited_at"],
                condition=Q(status="recorded", outcome="completed"),
                name="visit_completed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="recorded") | (~Q(outcome="") & Q(visited_at__isnull=False)),
                name="visit_recorded_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(status="planned") | Q(planned_for__isnull=False),
                name="visit_planned_has_date",
            ),
        ]

    def __str__(self) -> str:
        when = self.visited_at or self.planned_for
        return f"Visit {when:%-d %b %Y}" if when else "Visit"

    @property
    def failed(self) -> bool:
        return self.status == VisitStatus.RECORDED and self.outcome != Outcome.COMPLETED


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", "Photograph"
    AUDIO = "audio", "Audio recording"
    VIDEO = "video", "Video recording"


def attachment_path(instance: VisitAttachment, filename: str) -> str:
    # Never the uploaded name: it may carry personal data, and it must not be guessable.
    return f"visits/{instance.visit.nominal_id}/{uuid.uuid4().hex}"


class VisitAttachment(models.Model):
    """A photo or recording from a visit: stored privately, served only through a
    permission-checked, audited view."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            # The same file sent twice by a retrying phone is kept once.
            models.UniqueConstraint(fields=["visit", "sha256"], name="attachment_once_per_visit")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name or self.pk})"


class VisitDue(models.Model):
    """When the next home visit is due and why (domain.md section 5)."""

    nominal = models.OneToOneField(
        Nominal, on_delete=models.CASCADE, primary_key=True, related_name="visit_due"
    )
    due = models.DateField(null=True, blank=True, db_index=True)
    why = models.CharField(max_length=300, blank=True)
    computed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Next visit due {self.due}" if self.due else "No routine visit due"
