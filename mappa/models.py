"""MAPPA (Criminal Justice Act 2003 ss.325-327): each case's category and level with their
history and review dates; level 2 and 3 meetings with attendance, minutes, decisions and
actions; and the meeting packs handed out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Force, MappaCategory, MappaLevel, Nominal


class AgencyKind(models.TextChoices):
    RESPONSIBLE_AUTHORITY = "responsible_authority", "Responsible authority"
    DUTY_TO_COOPERATE = "duty_to_cooperate", "Duty to cooperate"


class Agency(models.Model):
    """Reference data (mappa/data/mappa_agencies.csv), corrected by administrators."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    notes = models.TextField(blank=True)
    confirmed = models.BooleanField(default=False)
    in_use = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class MappaLevelChange(models.Model):
    """Each change of MAPPA category or level; the current one is on the nominal."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="mappa_history")
    category = models.PositiveSmallIntegerField(choices=MappaCategory.choices)
    level = models.PositiveSmallIntegerField(choices=MappaLevel.choices)
    set_on = models.DateField(default=timezone.localdate)
    rationale = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-set_on", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Category {self.category}, level {self.level} from {self.set_on:%-d %b %Y}"


class MappaReviewDue(models.Model):
    """When the case is next due for a MAPPA review (16 weeks at level 2, 8 at level 3)."""

    nominal = models.OneToOneField(
        Nominal, on_delete=models.CASCADE, primary_key=True, related_name="mappa_review"
    )
    due = models.DateField(null=True, blank=True, db_index=True)
    why = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"MAPPA review due {self.due}" if self.due else "No MAPPA review due"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held: minutes being written"
    CLOSED = "closed", "Minutes complete"


class Meeting(models.Model):
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="mappa_meetings")
    level = models.PositiveSmallIntegerField(choices=[(2, "Level 2"), (3, "Level 3")], default=2)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    starts_at = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["force", "-held_on"], name="meeting_by_date")]

    def __str__(self) -> str:
        return f"MAPPA level {self.level} meeting, {self.held_on:%-d %b %Y}"


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(default=True, help_text="Unticked: sent apologies.")

    class Meta:
        ordering = ["agency__order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class AgendaItem(models.Model):
    """A case on a meeting's agenda, with its minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="mappa_items")
    position = models.PositiveSmallIntegerField(default=0)
    discussion = models.TextField(blank=True)
    discussion_not_for_sharing = models.BooleanField(default=False)
    # The plan agreed at the meeting: {"supervision", "monitoring", "interventions",
    # "victim_safety", "contingency"} → text.
    plan = models.JSONField(default=dict, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    minutes_complete = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "nominal"], name="agenda_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.nominal} at {self.meeting}"


class Decision(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    decision = models.TextField()
    rationale = models.TextField()
    dissent = models.TextField(blank=True, help_text="Who disagreed and why.")
    not_for_sharing = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.decision[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class MeetingAction(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField()
    owner = models.CharField(max_length=150)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due = models.DateField()
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)
    not_for_sharing = models.BooleanField(default=False)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["status", "due"], name="mappa_action_open")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="mappa_action_done_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.action[:60]


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class MeetingPack(models.Model):
    """A rendered meeting pack. The shared version leaves out what the chair marked not for
    sharing. Large packs render in a Celery task; progress is stored here."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    shared = models.BooleanField(default=True, help_text="The version handed to attendees.")
    status = models.CharField(max_length=10, choices=PackStatus.choices)
    progress = models.PositiveSmallIntegerField(default=0)  # cases rendered so far
    total = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="mappa-packs/", blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{'Shared' if self.shared else 'Full'} pack for {self.meeting}"
