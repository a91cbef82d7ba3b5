"""Wiring only: sign-ins and sign-outs go to the audit trail."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cases import audit
from cases.models import AuditAction


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit.record(actor=user, action=AuditAction.LOGIN, request=request)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=AuditAction.LOGOUT, request=request)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    name = str(credentials.get("username", ""))[:100]
    audit.record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        request=request,
        description=f"Failed sign-in as “{name}”",
    )
