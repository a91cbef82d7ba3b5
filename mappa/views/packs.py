"""Meeting packs, for the MAPPA chairs of the meeting's force (404 to everyone else): prepare
the shared or the full version, watch a long one being prepared, and download it naming who it
is for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cases import audit
from cases.models import AuditAction
from mappa.forms_packs import PackRecipientForm
from mappa.models import Meeting, MeetingPack, PackStatus
from mappa.services import packs as service
from mappa.services.meetings import meeting_title

VERSIONS = {"shared": True, "full": False}
CHAIR_ONLY = "chair"


def _panel_url(meeting: Meeting) -> str:
    return reverse("mappa:meeting-detail", args=[meeting.pk]) + "#pack"


def panel_context(meeting: Meeting) -> dict:
    """What the meeting page's pack panel shows: each version's latest pack."""
    latest = service.latest_packs(meeting)
    rows = [
        {
            "version": "shared",
            "title": "Shared version",
            "hint": "For the meeting's attendees. It leaves out what you marked not for sharing "
            "and the text of police intelligence.",
            "pack": latest["shared"],
        },
        {
            "version": "full",
            "title": "Full version",
            "hint": "For you alone: everything, marked as not for circulation.",
            "pack": latest["full"],
        },
    ]
    for row in rows:
        pack = row["pack"]
        row["lost"] = pack is not None and service.pack_is_lost(pack)
        row["busy"] = pack is not None and pack.status in service.BUSY and not row["lost"]
    return {
        "meeting": meeting,
        "pack_rows": rows,
        "pack_busy": any(row["busy"] for row in rows),
        "lost_message": service.LOST_MESSAGE,
        "in_request_limit": service.IN_REQUEST_LIMIT,
    }


@never_cache
@require_GET
@login_required
def pack_panel(request, meeting_id):
    """The panel alone, which the meeting page polls while a pack is being prepared."""
    meeting = service.pack_meeting(request.user, meeting_id)
    if not request.htmx:
        return redirect(_panel_url(meeting))
    return render(request, "mappa/pack_status.html", panel_context(meeting))


@require_POST
@login_required
def pack_create(request, meeting_id):
    meeting = service.pack_meeting(request.user, meeting_id)
    shared = VERSIONS.get(request.POST.get("version", ""))
    if shared is None:
        messages.error(request, "Choose the shared or the full version of the pack")
        return redirect(_panel_url(meeting))
    try:
        pack = service.pack_prepare(acting_user=request.user, meeting=meeting, shared=shared)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_panel_url(meeting))
    version = service.version_name(shared).capitalize()
    if pack.status == PackStatus.READY:
        messages.success(request, f"{version} version of the pack ready to download")
    elif pack.status == PackStatus.FAILED:
        messages.error(request, pack.error or service.FAILED_MESSAGE)
    else:
        messages.success(
            request,
            f"{version} version of the pack being prepared: it can be downloaded here when "
            "it is ready",
        )
    return redirect(_panel_url(meeting))


@never_cache
@require_GET
@login_required
def pack_download(request, meeting_id, pack_id):
    """Ask who the pack is for, then hand it over. Every download is a disclosure."""
    meeting, pack = service.access_pack(request.user, meeting_id, pack_id)
    if pack.status != PackStatus.READY:
        messages.error(request, "That pack is not ready yet")
        return redirect(_panel_url(meeting))
    current = service.pack_is_current(pack)
    form = None
    recipient = ""
    if pack.shared:
        form = PackRecipientForm(request.GET or None, meeting=meeting)
        if current and form.is_valid():
            recipient = form.recipient_label()
    elif current and request.GET.get("recipient") == CHAIR_ONLY:
        recipient = service.chair_recipient(request.user)
    if recipient:
        return _hand_over(request, pack, recipient)
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=pack,
        description=f"Download the {service.version_name(pack.shared)} pack of the "
        f"{meeting_title(meeting)}",
    )
    return render(
        request,
        "mappa/pack_download.html",
        {
            "meeting": meeting,
            "title": meeting_title(meeting),
            "pack": pack,
            "form": form,
            "current": current,
            "chair_only": CHAIR_ONLY,
        },
    )


def _hand_over(request, pack: MeetingPack, recipient: str) -> FileResponse:
    try:
        handle = pack.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The pack's file is missing: prepare it again") from None
    try:
        service.pack_disclose(acting_user=request.user, pack=pack, recipient=recipient)
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=service.download_name(pack),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
