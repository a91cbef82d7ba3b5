"""Recording a home visit at the door (domain.md section 5): starting a record, saving the draft
as the officer types, recording the outcome (safe to retry), and the photos and recordings taken
at the visit, checked on their contents and stored privately."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import audit
from cases.models import Address, AuditAction, Nominal, User
from cases.selectors import current_home_addresses
from cases.services import case_event
from visits.models import AttachmentKind, Outcome, Visit, VisitAttachment, VisitStatus
from visits.rules import WARRANT_COUNTING_OUTCOMES
from visits.services.warrant import warrant_inbox_notice

RECORD_FIELDS = (
    "visited_at",
    "outcome",
    "address",
    "present",
    "observations",
    "concerns",
    "follow_up",
)
TEXT_LIMIT = 10_000
NOTE_LIMIT = 1_000
ITEM_LIMIT = 200
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)


class DraftConflict(Exception):
    """The record was saved elsewhere (another tab or phone) after this copy was loaded."""

    def __init__(self, visit: Visit):
        self.version = visit.draft_version
        when = timezone.localtime(visit.updated_at)
        super().__init__(
            f"This visit was changed in another browser tab or on another device at "
            f"{when:%H:%M}, after you opened it. What you typed here has not been saved over it."
        )


class AlreadyRecorded(Exception):
    def __init__(self, visit: Visit):
        self.visit = visit
        super().__init__("This visit has been recorded: changes typed here were not saved.")


# --- The observations checklist -----------------------------------------------------------------


@dataclass(frozen=True)
class ObservationItem:
    key: str  # stable form-field key
    item: str  # what is stored in Visit.observations
    source: str  # "arms", "order" or "saved"
    marked: str = ""  # why it comes first, e.g. "Strong evidence in the latest ARMS"


def order_prohibitions(nominal: Nominal) -> list[str]:
    """What the person's civil orders in force prohibit, to check at a visit (for example, "No
    unsupervised contact with a child under 16"): each prohibition that has not ended."""
    from notifications.orders import prohibitions_in_force

    return prohibitions_in_force(nominal)


def observation_items(nominal: Nominal, saved: list[dict] | None = None) -> list[ObservationItem]:
    """The checklist: the ARMS factors in use, those rated some or strong in the latest signed-off
    ARMS first and marked, then the orders' prohibitions, then anything a saved record already
    holds that is no longer on the list (so nothing recorded is dropped)."""
    from risk.models import ArmsFactor, ArmsRating, Evidence
    from risk.services.arms import latest_signed_off

    latest = latest_signed_off(nominal)
    rated: dict[int, str] = {}
    if latest is not None:
        rated = dict(
            ArmsRating.objects.filter(
                assessment=latest, evidence__in=[Evidence.SOME, Evidence.STRONG]
            ).values_list("factor_id", "evidence")
        )
    factors = list(ArmsFactor.objects.filter(in_use=True).order_by("order", "name"))
    rank = {Evidence.STRONG: 0, Evidence.SOME: 1}
    factors.sort(key=lambda f: rank.get(rated.get(f.pk), 2))
    items = [
        ObservationItem(
            key=f"arms-{factor.code}",
            item=factor.name,
            source="arms",
            marked=f"{Evidence(rated[factor.pk]).label} in the latest ARMS"
            if factor.pk in rated
            else "",
        )
        for factor in factors
    ]
    items += [
        ObservationItem(key=f"order-{n}", item=text, source="order", marked="Order prohibition")
        for n, text in enumerate(order_prohibitions(nominal), start=1)
    ]
    listed = {i.item for i in items}
    extra = [o.get("item", "") for o in saved or [] if o.get("item") and o["item"] not in listed]
    items += [
        ObservationItem(key=f"saved-{n}", item=text, source="saved")
        for n, text in enumerate(extra, start=1)
    ]
    return items


def default_address(nominal: Nominal) -> Address | None:
    return current_home_addresses().filter(nominal=nominal).first()


# --- Starting, drafting and recording -----------------------------------------------------------


def visit_start(
    *, acting_user: User, nominal: Nominal, client_key: uuid.UUID | None = None
) -> tuple[Visit, bool]:
    """A visit to record now: the same one for a repeated request (same client key), else the
    officer's unfinished record of an unplanned visit to this person, else a new draft."""
    if client_key is not None:
        existing = _by_client_key(client_key, nominal)
        if existing is not None:
            return existing, False
    unfinished = (
        Visit.objects.filter(
            nominal=nominal,
            created_by=acting_user,
            status=VisitStatus.DRAFT,
            planned_for__isnull=True,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if unfinished is not None:
        return unfinished, False
    visit = Visit(
        nominal=nominal,
        status=VisitStatus.DRAFT,
        created_by=acting_user,
        address=default_address(nominal),
        client_key=client_key or uuid.uuid4(),
    )
    try:
        with transaction.atomic():
            visit.full_clean(validate_unique=False, validate_constraints=False)
            visit.save(force_insert=True)
            audit.record(
                actor=acting_user,
                action=AuditAction.CREATE,
                obj=visit,
                description="Visit record started",
            )
    except IntegrityError:
        # Two copies of the same request raced: the first one made it.
        existing = _by_client_key(visit.client_key, nominal)
        if existing is None:
            raise
        return existing, False
    return visit, True


def _by_client_key(client_key: uuid.UUID, nominal: Nominal) -> Visit | None:
    visit = Visit.objects.filter(client_key=client_key).first()
    if visit is not None and visit.nominal_id != nominal.pk:
        raise ValidationError(
            {"client_key": "This client key belongs to a visit to someone else: use a new one"}
        )
    return visit


@transaction.atomic
def visit_draft_save(
    *, acting_user: User, visit: Visit, data: dict[str, Any], version: int
) -> tuple[Visit, bool]:
    """Save what has been typed so far. `version` is the draft_version the typing was based on:
    a save based on an older version is refused (DraftConflict) rather than overwriting, unless
    it holds exactly what is stored (a retried save whose answer was lost)."""
    locked = _locked(visit)
    values = _values(locked, data)
    if locked.draft_version != version:
        if _holds(locked, values):
            return locked, False
        raise DraftConflict(locked)
    if _holds(locked, values) and locked.status == VisitStatus.DRAFT:
        return locked, False
    _apply(locked, values)
    locked.status = VisitStatus.DRAFT
    locked.draft_version += 1
    locked.full_clean(validate_constraints=False)
    locked.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=locked,
        description=f"Visit draft saved (version {locked.draft_version})",
    )
    return locked, True


@transaction.atomic
def visit_record(
    *, acting_user: User, visit: Visit, data: dict[str, Any], version: int | None = None
) -> tuple[Visit, bool]:
    """Record the visit or failed attempt. Recording again (a retry) returns the same visit
    unchanged. With a `version`, a record based on an out-of-date draft is refused."""
    try:
        locked = _locked(visit)
    except AlreadyRecorded as done:
        return done.visit, False
    values = _values(locked, data)
    if version is not None and locked.draft_version != version and not _holds(locked, values):
        raise DraftConflict(locked)
    _apply(locked, values)
    _check_complete(locked)
    locked.status = VisitStatus.RECORDED
    locked.recorded_by = acting_user
    locked.draft_version += 1
    locked.full_clean()
    locked.save()
    outcome = locked.get_outcome_display()
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=locked,
        description=f"Visit recorded: {outcome}",
    )
    # The case-event listener in visits.services.due refreshes VisitDue (section 5: only a
    # completed visit moves the due date).
    case_event(
        nominal=locked.nominal,
        actor=acting_user,
        kind="visit_recorded" if locked.outcome == Outcome.COMPLETED else "visit_failed",
        summary=visit_summary(locked),
        subject=locked,
    )
    if locked.outcome in WARRANT_COUNTING_OUTCOMES:
        warrant_inbox_notice(locked.nominal)
    return locked, True


def visit_record_new(
    *, acting_user: User, nominal: Nominal, client_key: uuid.UUID, data: dict[str, Any]
) -> tuple[Visit, bool]:
    """Record an unplanned visit in one step (a phone's API call): a retry with the same client
    key returns the same visit."""
    with transaction.atomic():
        existing = _by_client_key(client_key, nominal)
        if existing is not None and existing.status == VisitStatus.RECORDED:
            return existing, False
        visit = existing or _new_draft(acting_user, nominal, client_key)
        return visit_record(acting_user=acting_user, visit=visit, data=data)


def _new_draft(acting_user: User, nominal: Nominal, client_key: uuid.UUID) -> Visit:
    visit = Visit(
        nominal=nominal, status=VisitStatus.DRAFT, created_by=acting_user, client_key=client_key
    )
    visit.full_clean(validate_unique=False, validate_constraints=False)
    visit.save(force_insert=True)
    audit.record(
        actor=acting_user, action=AuditAction.CREATE, obj=visit, description="Visit record started"
    )
    return visit


def visit_summary(visit: Visit) -> str:
    where = f" at {visit.address}" if visit.address_id else ""
    if visit.outcome == Outcome.COMPLETED:
        return f"Home visit completed{where}"
    return f"Visit attempt{where}: {visit.get_outcome_display().lower()}"


def _locked(visit: Visit) -> Visit:
    # NO KEY UPDATE: a photo saved at the same moment checks its foreign key to the visit at
    # commit (KEY SHARE) while holding the audit chain's lock; FOR UPDATE would deadlock with it.
    locked = (
        Visit.objects.select_for_update(of=("self",), no_key=True)
        .select_related("nominal", "address")
        .get(pk=visit.pk)
    )
    if locked.status == VisitStatus.RECORDED:
        raise AlreadyRecorded(locked)
    if locked.status == VisitStatus.CANCELLED:
        raise ValidationError("This visit was cancelled: plan or start a new one to record it")
    return locked


def _values(visit: Visit, data: dict[str, Any]) -> dict[str, Any]:
    """The record fields given, checked against the case; fields not given are left alone."""
    values = {name: data[name] for name in RECORD_FIELDS if name in data}
    address = values.get("address")
    if address is not None and address.nominal_id != visit.nominal_id:
        raise ValidationError({"address": "Select one of this person's addresses"})
    for name in ("present", "concerns", "follow_up"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "outcome" in values:
        values["outcome"] = values["outcome"] or ""
    if "observations" in values:
        values["observations"] = clean_observations(values["observations"])
    return values


def clean_observations(observations: list[dict] | None) -> list[dict]:
    cleaned = []
    for entry in observations or []:
        item = str(entry.get("item", "")).strip()[:ITEM_LIMIT]
        if item:
            note = str(entry.get("note", "") or "").strip()[:NOTE_LIMIT]
            cleaned.append({"item": item, "seen": bool(entry.get("seen")), "note": note})
    return cleaned


def _current(visit: Visit, name: str) -> Any:
    if name == "address":
        return visit.address_id
    if name == "visited_at" and visit.visited_at is not None:
        return visit.visited_at.replace(second=0, microsecond=0)
    return getattr(visit, name)


def _given(values: dict[str, Any], name: str) -> Any:
    value = values[name]
    if name == "address":
        return value.pk if value is not None else None
    if name == "visited_at" and value is not None:
        return value.replace(second=0, microsecond=0)
    return value


def _holds(visit: Visit, values: dict[str, Any]) -> bool:
    return all(_current(visit, name) == _given(values, name) for name in values)


def _apply(visit: Visit, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(visit, name, value)


def _check_complete(visit: Visit) -> None:
    errors: dict[str, str] = {}
    if not visit.outcome:
        errors["outcome"] = "Select what happened at the visit"
    if visit.visited_at is None:
        errors["visited_at"] = "Enter the date and time of the visit"
    elif visit.visited_at > timezone.now() + CLOCK_SKEW:
        errors["visited_at"] = "The date and time of the visit must be now or in the past"
    if visit.address_id is None and Address.objects.filter(nominal=visit.nominal_id).exists():
        errors["address"] = "Select the address visited"
    if errors:
        raise ValidationError(errors)


def local_parts(moment: datetime | None) -> tuple[Any, Any]:
    if moment is None:
        return None, None
    local = timezone.localtime(moment)
    return local.date(), local.time().replace(second=0, microsecond=0)


# --- Attachments --------------------------------------------------------------------------------

MB = 1024 * 1024
TYPES: dict[str, tuple[str, str, str]] = {
    # declared type: (kind, what it is called in messages, file extension)
    "image/jpeg": (AttachmentKind.PHOTO, "JPEG photo", "jpg"),
    "image/png": (AttachmentKind.PHOTO, "PNG photo", "png"),
    "image/heic": (AttachmentKind.PHOTO, "HEIC photo", "heic"),
    "audio/mpeg": (AttachmentKind.AUDIO, "MP3 recording", "mp3"),
    "audio/mp4": (AttachmentKind.AUDIO, "M4A recording", "m4a"),
    "audio/webm": (AttachmentKind.AUDIO, "WebM recording", "weba"),
    "audio/ogg": (AttachmentKind.AUDIO, "Ogg recording", "ogg"),
    "audio/wav": (AttachmentKind.AUDIO, "WAV recording", "wav"),
    "video/mp4": (AttachmentKind.VIDEO, "MP4 video", "mp4"),
    "video/webm": (AttachmentKind.VIDEO, "WebM video", "webm"),
    "video/quicktime": (AttachmentKind.VIDEO, "MOV video", "mov"),
}
# Names some phones and browsers give the same types.
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/heif": "image/heic",
    "audio/mp3": "audio/mpeg",
    "audio/x-m4a": "audio/mp4",
    "audio/m4a": "audio/mp4",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/vnd.wave": "audio/wav",
}
SIZE_LIMITS = {
    AttachmentKind.PHOTO: 15 * MB,
    AttachmentKind.AUDIO: 50 * MB,
    AttachmentKind.VIDEO: 200 * MB,
}
ACCEPT = {
    kind: ",".join(t for t, (k, _, _) in TYPES.items() if k == kind) for kind in AttachmentKind
}
ACCEPT_ANY = ",".join(TYPES)
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1"}
QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
WRONG_TYPE = (
    "{name} must be a photo (JPEG, PNG or HEIC), an audio recording (MP3, M4A, WebM, Ogg or "
    "WAV) or a video (MP4, WebM or MOV)"
)


def sniff(head: bytes) -> frozenset[str]:
    """The declared types the file's first bytes (its magic number) are consistent with."""
    if head.startswith(b"\xff\xd8\xff"):
        return frozenset({"image/jpeg"})
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return frozenset({"image/png"})
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in HEIF_BRANDS:
            return frozenset({"image/heic"})
        return frozenset({"audio/mp4", "video/mp4", "video/quicktime"})
    if head[4:8] in QUICKTIME_ATOMS:
        return frozenset({"video/quicktime"})
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return frozenset({"audio/webm", "video/webm"})
    if head.startswith(b"OggS"):
        return frozenset({"audio/ogg"})
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return frozenset({"audio/wav"})
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return frozenset({"audio/mpeg"})
    return frozenset()


def declared_type(upload: UploadedFile) -> str:
    raw = (upload.content_type or "").split(";")[0].strip().lower()
    return ALIASES.get(raw, raw)


def display_name(upload: UploadedFile) -> str:
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:200] or "The file"


def check_upload(upload: UploadedFile) -> tuple[str, str, str]:
    """(declared type, kind, sha256) if the file is a photo or recording of an allowed type and
    size whose contents match its declared type; a ValidationError saying what is wrong if not."""
    name = display_name(upload)
    declared = declared_type(upload)
    if declared not in TYPES:
        raise ValidationError(WRONG_TYPE.format(name=name), code="type")
    kind, label, _ = TYPES[declared]
    limit = SIZE_LIMITS[kind]
    if upload.size == 0:
        raise ValidationError(f"{name} is empty: choose it again", code="empty")
    if upload.size > limit:
        raise ValidationError(
            f"{name} is {upload.size / MB:.1f} MB: a {AttachmentKind(kind).label.lower()} must "
            f"be {limit // MB} MB or smaller",
            code="size",
        )
    upload.seek(0)
    head = upload.read(32)
    if declared not in sniff(head):
        raise ValidationError(
            f"{name} is not a real {label}: its contents do not match its type. Choose the "
            "photo or recording again",
            code="mismatch",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return declared, kind, digest.hexdigest()


def attachment_add(
    *, acting_user: User, visit: Visit, upload: UploadedFile, caption: str = ""
) -> tuple[VisitAttachment, bool]:
    """Keep a photo or recording from the visit. The same file sent again (a retrying phone) is
    kept once: the first copy is returned."""
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError("This visit was cancelled: photos and recordings cannot be added")
    content_type, kind, digest = check_upload(upload)
    existing = VisitAttachment.objects.filter(visit=visit, sha256=digest).first()
    if existing is not None:
        return existing, False
    attachment = VisitAttachment(
        visit=visit,
        kind=kind,
        content_type=content_type,
        size=upload.size,
        original_name=display_name(upload),
        sha256=digest,
        caption=caption.strip()[:300],
        uploaded_by=acting_user,
    )
    attachment.file.save("upload", upload, save=False)  # upload_to picks a random name
    try:
        with transaction.atomic():
            attachment.full_clean(validate_constraints=False)
            attachment.save(force_insert=True)
            audit.record(
                actor=acting_user,
                action=AuditAction.CREATE,
                obj=attachment,
                nominal_id=visit.nominal_id,
                description=f"{AttachmentKind(kind).label} added to a visit",
            )
    except IntegrityError:
        attachment.file.delete(save=False)
        return VisitAttachment.objects.get(visit=visit, sha256=digest), False
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment, True


def attachment_filename(attachment: VisitAttachment) -> str:
    """A generic name for downloads: the uploaded name may hold personal data."""
    extension = TYPES.get(attachment.content_type, ("", "", "bin"))[2]
    return f"visit-{attachment.visit_id}-{attachment.kind}-{attachment.pk}.{extension}"
