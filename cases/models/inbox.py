"""Each user's inbox: what became due, overdue or changed on their cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models.nominal import Nominal


class InboxItemQuerySet(models.QuerySet):
    def open(self) -> InboxItemQuerySet:
        return self.filter(done_at__isnull=True)


class InboxItem(models.Model):
    """One thing for one person to look at. `key` makes writing it idempotent: the same event
    (e.g. "notification overdue, due 1 Sep 2025") produces the same key, and the key is unique
    per user, so a second run of a task adds nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items"
    )
    nominal = models.ForeignKey(
        Nominal, on_delete=models.CASCADE, null=True, blank=True, related_name="inbox_items"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    due = models.DateField(null=True, blank=True)
    link = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = InboxItemQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="inboxitem_unique_key_per_user")
        ]
        indexes = [
            models.Index(fields=["user", "done_at", "-created_at"], name="inbox_open_items"),
        ]

    def __str__(self) -> str:
        return self.title
