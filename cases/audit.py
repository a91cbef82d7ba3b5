"""Writing the audit trail: every view, change, export and disclosure of personal data."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.models import GENESIS_HASH, AuditEvent
from rsom.middleware import current_ip

# One lock for the whole chain: each event needs the hash of the one before it.
_CHAIN_LOCK = 7_340_001


def client_ip(request) -> str | None:
    if request is None:
        return None
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor,
    action: str,
    obj=None,
    nominal_id: int | None = None,
    request=None,
    description: str = "",
    changes: list[dict] | None = None,
    justification: str = "",
    recipient: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    if nominal_id is None and obj is not None:
        nominal_id = _nominal_id_of(obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            occurred_at=timezone.now(),
            user_id=actor.pk if authenticated else None,
            username=actor.get_username() if authenticated else "",
            ip_address=client_ip(request) if request is not None else current_ip.get(),
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            nominal_id=nominal_id,
            description=description[:300],
            changes=changes or [],
            justification=justification[:300],
            recipient=recipient[:200],
            prev_hash=prev or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    return event


def _nominal_id_of(obj) -> int | None:
    if obj._meta.label == "cases.Nominal":
        return obj.pk
    return getattr(obj, "nominal_id", None)


def first_broken_link(events: Iterator[AuditEvent]) -> str | None:
    """Walk the chain in order; describe the first event whose hash or link does not hold."""
    prev_hash = GENESIS_HASH
    prev_id = None
    for event in events:
        if event.prev_hash != prev_hash:
            after = f"event {prev_id}" if prev_id else "the start of the trail"
            return (
                f"Audit event {event.pk} ({event.occurred_at:%Y-%m-%d %H:%M:%S}) does not link to "
                f"{after}: an event was altered, removed or inserted"
            )
        if event.compute_hash() != event.hash:
            return (
                f"Audit event {event.pk} ({event.occurred_at:%Y-%m-%d %H:%M:%S}) has been altered: "
                f"its contents do not match its hash"
            )
        prev_hash, prev_id = event.hash, event.pk
    return None


def verify_chain() -> tuple[int, str | None]:
    """Return (events checked, first problem or None)."""
    count = 0

    def events():
        nonlocal count
        for event in AuditEvent.objects.order_by("id").iterator(chunk_size=5000):
            count += 1
            yield event

    problem = first_broken_link(events())
    return count, problem
