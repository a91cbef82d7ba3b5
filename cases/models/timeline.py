"""The case timeline and the history of every change to a case's details."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models.nominal import Nominal


class CaseEvent(models.Model):
    """Something that happened to a case. Other apps add their own kinds."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["nominal", "-occurred_at"], name="caseevent_timeline")]

    def __str__(self) -> str:
        return self.summary


class FieldChange(models.Model):
    """One field's old and new value, as displayed (card and account numbers masked)."""

    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=100)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old} → {self.new}"
