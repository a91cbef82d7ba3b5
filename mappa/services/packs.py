"""MAPPA meeting packs (domain.md sections 7 and 9): a chair asks for the shared or the full
version of a meeting's pack; a pack of up to 10 cases is prepared in the request, a longer one
by a Celery task that reports its progress case by case; and every download is a disclosure,
recorded against each case in the pack and naming who the pack is for.

Only the MAPPA chairs of the meeting's force reach any of this; to everyone else a pack does
not exist (404).
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, User
from mappa import selectors
from mappa.models import Meeting, MeetingPack, PackStatus
from mappa.pack import minutes_fingerprint, pack_content, render_pack
from mappa.services.meetings import is_force_chair, meeting_title

log = logging.getLogger(__name__)

# A pack of this many cases or fewer is prepared while the chair waits (about a second).
IN_REQUEST_LIMIT = 10
# A pack still unfinished after this long was lost with its worker: another may be asked for.
STALE_AFTER = timedelta(minutes=15)
BUSY = (PackStatus.QUEUED, PackStatus.RENDERING)
FAILED_MESSAGE = "Something went wrong while preparing the pack: prepare it again"
LOST_MESSAGE = "The pack stopped before it was finished: prepare it again"
# The file's name carries the digest of the minutes it was made from (see `pack_is_current`).
_FINGERPRINT = re.compile(r"-(?P<fingerprint>[0-9a-f]{32})-[0-9a-f]{16}")


def version_name(shared: bool) -> str:
    return "shared" if shared else "full"


def _day(on) -> str:
    return on.strftime("%-d %b %Y")


# --- Reading ------------------------------------------------------------------------------------


def pack_meeting(user: User, meeting_id: int) -> Meeting:
    """The meeting, for a MAPPA chair of its force; 404 to everyone else."""
    meeting = Meeting.objects.filter(pk=meeting_id).select_related("force", "chair").first()
    if meeting is None or not is_force_chair(user, meeting.force_id):
        raise Http404("No meeting found")
    return meeting


def access_pack(user: User, meeting_id: int, pack_id: int) -> tuple[Meeting, MeetingPack]:
    meeting = pack_meeting(user, meeting_id)
    pack = (
        MeetingPack.objects.filter(meeting=meeting, pk=pack_id)
        .select_related("requested_by")
        .first()
    )
    if pack is None:
        raise Http404("No meeting pack found")
    pack.meeting = meeting
    return meeting, pack


def latest_packs(meeting: Meeting) -> dict[str, MeetingPack | None]:
    """The latest pack of each version ("shared", "full"), in one query."""
    latest: dict[str, MeetingPack | None] = {"shared": None, "full": None}
    for pack in (
        MeetingPack.objects.filter(meeting=meeting)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
    ):
        latest[version_name(pack.shared)] = latest[version_name(pack.shared)] or pack
    return latest


def pack_is_current(pack: MeetingPack) -> bool:
    """Whether the meeting's minutes are still as the pack prints them. A pack made before the
    chair changed them, above all before marking something not for sharing, must not be
    handed out."""
    found = _FINGERPRINT.search(pack.file.name or "")
    if found is None:
        return False
    return found["fingerprint"] == minutes_fingerprint(selectors.meeting_for_pack(pack.meeting))


def pack_is_lost(pack: MeetingPack) -> bool:
    """Still unfinished long after it was asked for: its worker is gone."""
    return pack.status in BUSY and timezone.now() - pack.requested_at >= STALE_AFTER


def download_name(pack: MeetingPack) -> str:
    meeting = pack.meeting
    return (
        f"MAPPA-level-{meeting.level}-meeting-{meeting.held_on:%Y-%m-%d}-"
        f"{version_name(pack.shared)}-pack.pdf"
    )


def attendees_recipient(meeting: Meeting) -> str:
    return f"Attendees of the meeting of {_day(meeting.held_on)}"


def chair_recipient(user: User) -> str:
    name = user.get_full_name() or user.get_username()
    return f"{name} (MAPPA chair: the full version, not for circulation)"


# --- Asking for a pack and preparing it ---------------------------------------------------------


def _require_chair(user: User, meeting: Meeting) -> None:
    if not is_force_chair(user, meeting.force_id):
        raise PermissionDenied("Only the force's MAPPA chairs prepare and hand out its packs")


def pack_request(*, acting_user: User, meeting: Meeting, shared: bool) -> tuple[MeetingPack, bool]:
    """Ask for a version of the meeting's pack. While one of that version is being prepared,
    asking again returns it: (pack, created). A long pack is queued for the worker once this
    commits; a short one is left for `pack_prepare` to make at once."""
    _require_chair(acting_user, meeting)
    with transaction.atomic():
        # One request at a time per meeting, so a double click never queues two packs.
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        busy = (
            MeetingPack.objects.filter(meeting=meeting, shared=shared, status__in=BUSY)
            .order_by("-requested_at", "-pk")
            .first()
        )
        if busy is not None:
            if not pack_is_lost(busy):
                return busy, False
            MeetingPack.objects.filter(pk=busy.pk, status__in=BUSY).update(
                status=PackStatus.FAILED, error=LOST_MESSAGE, finished_at=timezone.now()
            )
        total = meeting.agenda.count()
        if not total:
            raise ValidationError("Add at least one case to the agenda before preparing its pack")
        pack = MeetingPack.objects.create(
            meeting=meeting,
            shared=shared,
            status=PackStatus.QUEUED,
            total=total,
            requested_by=acting_user,
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=pack,
            description=(
                f"Asked for the {version_name(shared)} pack of the {meeting_title(meeting)} "
                f"({total} case{'s' if total != 1 else ''})"
            ),
        )
        if total > IN_REQUEST_LIMIT:
            transaction.on_commit(lambda: _queue(pack.pk))
    return pack, True


def _queue(pack_id: int) -> None:
    from mappa.tasks import build_meeting_pack

    build_meeting_pack.delay(pack_id)


def pack_prepare(*, acting_user: User, meeting: Meeting, shared: bool) -> MeetingPack:
    """Ask for a pack and, when it is short enough, prepare it now."""
    pack, created = pack_request(acting_user=acting_user, meeting=meeting, shared=shared)
    if created and pack.total <= IN_REQUEST_LIMIT:
        return pack_build(pack.pk) or pack
    return pack


def _progress(pack_id: int, done: int) -> None:
    # Outside any transaction, so the meeting page sees each case as it is done.
    MeetingPack.objects.filter(pk=pack_id, status=PackStatus.RENDERING).update(progress=done)


def pack_build(pack_id: int) -> MeetingPack | None:
    """Prepare a pack that was asked for. It is claimed first, so a second run (a task
    delivered twice) leaves it alone. A failure marks the pack failed with a message for the
    chair, who can ask again; the details go to the log."""
    claimed = MeetingPack.objects.filter(pk=pack_id, status=PackStatus.QUEUED).update(
        status=PackStatus.RENDERING, progress=0
    )
    pack = (
        MeetingPack.objects.select_related("meeting__force", "requested_by")
        .filter(pk=pack_id)
        .first()
    )
    if pack is None or not claimed:
        return pack
    try:
        content = pack_content(pack.meeting, shared=pack.shared, prepared_by=pack.requested_by)
        MeetingPack.objects.filter(pk=pack_id).update(total=len(content.cases))
        # A long pack (the task's) reports each case as it is done; a short one is quicker
        # laid out in one go.
        long = len(content.cases) > IN_REQUEST_LIMIT
        rendered = render_pack(
            content, progress=(lambda done: _progress(pack_id, done)) if long else None
        )
        fingerprint = minutes_fingerprint(content.meeting)
    except Exception:
        log.exception("Meeting pack %s could not be prepared", pack_id)
        MeetingPack.objects.filter(pk=pack_id).update(
            status=PackStatus.FAILED, error=FAILED_MESSAGE, finished_at=timezone.now()
        )
        pack.refresh_from_db()
        return pack
    name = (
        f"meeting-{pack.meeting_id}-{version_name(pack.shared)}-{fingerprint}-"
        f"{secrets.token_hex(8)}.pdf"
    )
    pack.file.save(name, ContentFile(rendered.pdf), save=False)
    pack.status = PackStatus.READY
    pack.pages = rendered.pages
    pack.total = pack.progress = len(content.cases)
    pack.error = ""
    pack.finished_at = timezone.now()
    pack.save(
        update_fields=["file", "status", "pages", "total", "progress", "error", "finished_at"]
    )
    _discard_superseded(pack)
    return pack


def _discard_superseded(pack: MeetingPack) -> None:
    """Older finished packs of the same version are not kept: fewer copies of the data."""
    older = (
        MeetingPack.objects.filter(
            meeting_id=pack.meeting_id,
            shared=pack.shared,
            status__in=[PackStatus.READY, PackStatus.FAILED],
            requested_at__lte=pack.requested_at,
        )
        .exclude(pk=pack.pk)
        .only("pk", "file")
    )
    for old in older:
        if old.file:
            old.file.delete(save=False)
        old.delete()


# --- Handing it out -----------------------------------------------------------------------------


@transaction.atomic
def pack_disclose(*, acting_user: User, pack: MeetingPack, recipient: str) -> None:
    """Record a download of the pack as a disclosure to `recipient`, once for each case in it
    (so each case's own history shows who its data went to)."""
    _require_chair(acting_user, pack.meeting)
    recipient = " ".join((recipient or "").split())
    if not recipient:
        raise ValidationError("Say who the pack is for")
    if pack.status != PackStatus.READY:
        raise ValidationError("The pack is not ready yet")
    meeting = pack.meeting
    description = f"Downloaded the {version_name(pack.shared)} pack of the {meeting_title(meeting)}"
    nominal_ids = list(
        meeting.agenda.order_by("position", "pk").values_list("nominal_id", flat=True)
    )
    for nominal_id in nominal_ids or [None]:
        audit.record(
            actor=acting_user,
            action=AuditAction.DISCLOSE,
            obj=pack,
            nominal_id=nominal_id,
            description=description,
            recipient=recipient,
        )
