"""The daily e-mail digest: once a day, each user with an e-mail address and new open inbox items
gets one message listing them.

What "new" means: open items that arrived since the user's last digest (all open items before the
first one), up to the end of the digest's day. Each DigestSent row records, in sent_at, the moment
its digest covers up to, so consecutive digests neither miss nor repeat an item.

What it says: how many items, and for each its case reference, its kind, its due date and a link
into RSOM. Never the item's title or detail: those name people, and e-mail leaves the system's
audit and access control. Items about cases the user can no longer see are left out, as in the
inbox itself.

Safe to run twice or at once: one run at a time holds an advisory lock, and a user's DigestSent
row for the day is written before the message goes, in the same transaction, so a second run the
same day sends nothing; a failed send rolls the row back and the next run tries again."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.models import InboxItem, Nominal, User
from dashboards.models import DigestSent
from rsom.locks import session_lock

log = logging.getLogger(__name__)

# One digest run at a time across every worker (the snapshot holds 7_340_071).
DIGEST_LOCK = 7_340_072
# Items listed in one e-mail; the rest are counted and wait in the inbox.
MOST_LISTED = 50
_BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)
_ACRONYMS = {"arms": "ARMS", "mappa": "MAPPA", "rmp": "RMP"}


@dataclass(frozen=True)
class DigestResult:
    on: date
    ran: bool  # False when another run held the lock and this one did nothing
    sent: int = 0
    items: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return {**asdict(self), "on": self.on.isoformat()}

    def __str__(self) -> str:
        day = f"{self.on:%-d %b %Y}"
        if not self.ran:
            return f"Digests for {day} not sent: another run is in progress."
        items = "1 item" if self.items == 1 else f"{self.items} items"
        text = f"Digests for {day}: {self.sent} sent, listing {items}."
        if self.failed:
            text += f" {self.failed} could not be sent and will be tried again."
        return text


@dataclass(frozen=True)
class DigestLine:
    reference: str
    kind: str
    due: date | None
    url: str


def kind_label(kind: str) -> str:
    """An inbox item's kind in words: "arms_review" is "ARMS review"."""
    words = [_ACRONYMS.get(word, word) for word in kind.split("_") if word]
    text = " ".join(words) or "Item"
    return text[0].upper() + text[1:]


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _digest_lock():
    return session_lock(DIGEST_LOCK, "digest")


def digest_cutoff(on: date, now: datetime | None = None) -> datetime:
    """The moment a digest for `on` covers up to: the end of that day, or now if sooner."""
    end = datetime.combine(on + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    return min(now or timezone.now(), end)


def digests_send(on: date | None = None) -> DigestResult:
    """Send every due digest for `on` (default today)."""
    on = on or timezone.localdate()
    until = digest_cutoff(on)
    with _digest_lock() as held:
        if not held:
            log.info("Digests skipped: another run holds the lock")
            return DigestResult(on=on, ran=False)
        sent = items = failed = 0
        for user in recipients(on, until):
            try:
                count = digest_send(user=user, on=on, since=user.digest_since, until=until)
            except OSError:  # smtplib's errors are OSErrors: one bad address stops no one else
                log.warning("Digest for user %s not sent", user.pk, exc_info=True)
                failed += 1
                continue
            sent += bool(count)
            items += count
        return DigestResult(on=on, ran=True, sent=sent, items=items, failed=failed)


def recipients(on: date, until: datetime):
    """Active users with an e-mail address, no digest yet for `on`, and open items that arrived
    since their last digest (annotated with `digest_since`)."""
    last = (
        DigestSent.objects.filter(user=OuterRef("pk"), on__lt=on)
        .order_by("-sent_at")
        .values("sent_at")[:1]
    )
    new_items = InboxItem.objects.filter(
        user=OuterRef("pk"),
        done_at__isnull=True,
        created_at__gte=OuterRef("digest_since"),
        created_at__lt=until,
    )
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .exclude(Exists(DigestSent.objects.filter(user=OuterRef("pk"), on=on)))
        .annotate(digest_since=Coalesce(Subquery(last), Value(_BEGINNING)))
        .filter(Exists(new_items))
        .order_by("pk")
    )


def digest_items(user: User, since: datetime, until: datetime) -> list[InboxItem]:
    visible = Nominal.objects.visible_to(user)
    items = (
        InboxItem.objects.filter(
            user=user, done_at__isnull=True, created_at__gte=since, created_at__lt=until
        )
        .filter(Q(nominal__isnull=True) | Q(nominal__in=visible))
        .select_related("nominal")
        .order_by("due", "created_at", "pk")
    )
    return list(items)


def digest_send(*, user: User, on: date, since: datetime, until: datetime) -> int:
    """Send `user` their digest for `on` unless it went already; the number of items listed."""
    items = digest_items(user, since, until)
    if not items:
        return 0
    with transaction.atomic():
        # The row first: a run racing this one waits on it, then finds it and sends nothing.
        _, created = DigestSent.objects.get_or_create(
            user=user, on=on, defaults={"items": len(items), "sent_at": until}
        )
        if not created:
            return 0
        digest_message(user, items, on).send()
    return len(items)


def digest_message(user: User, items: list[InboxItem], on: date) -> EmailMultiAlternatives:
    inbox = absolute_url(reverse("cases:inbox"))
    lines = [
        DigestLine(
            reference=item.nominal.reference if item.nominal_id else "",
            kind=kind_label(item.kind),
            due=item.due,
            url=absolute_url(item.link) if item.link.startswith("/") else inbox,
        )
        for item in items[:MOST_LISTED]
    ]
    context = {
        "on": on,
        "count": len(items),
        "lines": lines,
        "more": max(len(items) - MOST_LISTED, 0),
        "inbox_url": inbox,
        "service_name": settings.SITE_NAME,
    }
    noun = "item" if len(items) == 1 else "items"
    message = EmailMultiAlternatives(
        subject=f"RSOM: {len(items)} new {noun} in your inbox",
        body=render_to_string("dashboards/digest_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("dashboards/digest_email.html", context), "text/html"
    )
    return message
