"""The audit trail (domain.md section 9): append-only in the database and hash-chained."""

from __future__ import annotations

import hashlib
import json

from django.db import models

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    DISCLOSE = "disclose", "Disclosed"
    LOGIN = "login", "Signed in"
    LOGOUT = "logout", "Signed out"
    LOGIN_FAILED = "login_failed", "Failed sign-in"


class AuditEvent(models.Model):
    """One event. Rows are never updated or deleted: a database trigger refuses both."""

    occurred_at = models.DateTimeField()
    # No foreign keys: deleting a user or record must never touch the log.
    user_id = models.BigIntegerField(null=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    nominal_id = models.BigIntegerField(null=True, db_index=True)
    description = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=list, blank=True)
    justification = models.CharField(max_length=300, blank=True)
    recipient = models.CharField(max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["nominal_id", "action", "-id"], name="audit_case_action")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def payload(self) -> dict:
        return {
            "occurred_at": self.occurred_at.isoformat(),
            "user_id": self.user_id,
            "username": self.username,
            "ip_address": self.ip_address,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "nominal_id": self.nominal_id,
            "description": self.description,
            "changes": self.changes,
            "justification": self.justification,
            "recipient": self.recipient,
        }

    def compute_hash(self) -> str:
        body = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256((self.prev_hash + body).encode()).hexdigest()

    @property
    def user_display(self) -> str:
        return self.username or "system"
