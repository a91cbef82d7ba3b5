"""Recording a visit at the door on a phone, its draft saved as the officer types, the visit's
record, and its photos and recordings (served only here, to case readers, and audited)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cases import audit
from cases.access import access_case
from cases.models import Address, AuditAction, Nominal
from cases.views.nominal import case_context
from visits.forms_recording import AttachmentForm, VisitRecordForm
from visits.models import AttachmentKind, Visit, VisitAttachment, VisitStatus
from visits.services import recording
from visits.services.recording import AlreadyRecorded, DraftConflict

RECORDABLE = (VisitStatus.PLANNED, VisitStatus.DRAFT)


def visit_for(nominal: Nominal, visit_id: int) -> Visit:
    """The case's visit (the case's access was checked first): 404 for any other."""
    attachments = Prefetch(
        "attachments", queryset=VisitAttachment.objects.select_related("uploaded_by")
    )
    visit = (
        Visit.objects.filter(nominal=nominal, pk=visit_id)
        .select_related("address", "created_by", "recorded_by", "co_attendee")
        .prefetch_related(attachments)
        .first()
    )
    if visit is None:
        raise Http404("No visit found")
    return visit


def _client_key(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error_json(message: str, status: int, errors: dict | None = None, **extra) -> JsonResponse:
    return JsonResponse({"message": message, "errors": errors or {}, **extra}, status=status)


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"non_field_errors": error.messages}


# --- Starting and recording ---------------------------------------------------------------------


@require_POST
@login_required
def visit_start(request, pk):
    """ "Record a visit now": a draft for an unplanned visit (a repeated press gives the same)."""
    nominal = access_case(request.user, pk, write=True)
    try:
        visit, _ = recording.visit_start(
            acting_user=request.user,
            nominal=nominal,
            client_key=_client_key(request.POST.get("client_key")),
        )
    except ValidationError:
        visit, _ = recording.visit_start(acting_user=request.user, nominal=nominal)
    return redirect("visits:visit-record", pk=nominal.pk, visit_id=visit.pk)


def _record_form(request, nominal: Nominal, visit: Visit, *, drafting: bool = False):
    addresses = list(Address.objects.filter(nominal=nominal).order_by("to_date", "-from_date"))
    addresses.sort(key=lambda a: (not a.is_current(), a.kind != Address.Kind.HOME))
    bound = request.method == "POST"
    return VisitRecordForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        nominal=nominal,
        visit=visit,
        items=recording.observation_items(nominal, visit.observations),
        addresses=addresses,
        default_address=recording.default_address(nominal),
        drafting=drafting,
    )


@never_cache
@login_required
def visit_record(request, pk, visit_id):
    nominal = access_case(request.user, pk, write=True)
    visit = visit_for(nominal, visit_id)
    if visit.status == VisitStatus.RECORDED:
        # A retried "Record visit" lands here: the visit is recorded once.
        if request.method == "POST":
            messages.success(request, "Visit recorded")
        return redirect("visits:visit-detail", visit_id=visit.pk)
    if visit.status not in RECORDABLE:
        raise Http404("This visit was cancelled")
    form = _record_form(request, nominal, visit)
    if request.method == "POST":
        done = _record_post(request, form, visit)
        if done is not None:
            return done
    else:
        audit.record(
            actor=request.user, action=AuditAction.VIEW, obj=visit, description="Record a visit"
        )
    return render(
        request,
        "visits/record_form.html",
        {
            **case_context(request, nominal, "visits"),
            "visit": visit,
            "form": form,
            "attachments": list(visit.attachments.all()),
        },
    )


def _record_post(request, form: VisitRecordForm, visit: Visit):
    """Record the visit, or keep everything that can be kept (files, a draft) and say what to
    fix: nothing typed is lost on a validation error."""
    valid = form.is_valid()
    for field, upload in form.uploads():
        try:
            recording.attachment_add(acting_user=request.user, visit=visit, upload=upload)
        except ValidationError as error:
            form.add_error(field, error.messages)
            valid = False
    version = form.cleaned_data.get("draft_version")
    if "client_key" in form.errors or version is None:
        return None
    try:
        if valid:
            try:
                recording.visit_record(
                    acting_user=request.user,
                    visit=visit,
                    data=form.record_values(),
                    version=version,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Visit recorded")
                return redirect("visits:visit-detail", visit_id=visit.pk)
        saved, _ = recording.visit_draft_save(
            acting_user=request.user, visit=visit, data=form.record_values(), version=version
        )
        _set_version(form, saved.draft_version)
    except DraftConflict as conflict:
        form.add_error(
            None,
            f"{conflict} Check your answers below, then select Record visit again to replace "
            "the other version.",
        )
        _set_version(form, conflict.version)
    except AlreadyRecorded as done:
        messages.info(request, str(done))
        return redirect("visits:visit-detail", visit_id=visit.pk)
    except ValidationError as error:
        _add_errors(form, error)
    return None


def _set_version(form: VisitRecordForm, version: int) -> None:
    data = form.data.copy()
    data["draft_version"] = str(version)
    form.data = data


def _add_errors(form: VisitRecordForm, error: ValidationError) -> None:
    fields = {"visited_at": "visited_time"}
    for field, errors in _messages(error).items():
        name = fields.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


@require_POST
@login_required
def visit_draft(request, pk, visit_id):
    """The page's autosave: JSON in the API's error shape; 409 for a stale or recorded visit."""
    nominal = access_case(request.user, pk, write=True)
    visit = visit_for(nominal, visit_id)
    form = _record_form(request, nominal, visit, drafting=True)
    form.is_valid()
    version = form.cleaned_data.get("draft_version")
    if version is None or "client_key" in form.errors:
        return _error_json("This page is out of date: reload it", 400, form.not_saved())
    try:
        saved, _ = recording.visit_draft_save(
            acting_user=request.user, visit=visit, data=form.record_values(), version=version
        )
    except DraftConflict as conflict:
        return _error_json(str(conflict), 409, version=conflict.version, conflict="changed")
    except AlreadyRecorded as done:
        detail = reverse("visits:visit-detail", kwargs={"visit_id": visit.pk})
        return _error_json(str(done), 409, conflict="recorded", link=detail)
    except ValidationError as error:
        return _error_json("Not saved: correct the answers marked", 400, _messages(error))
    when = timezone.localtime(saved.updated_at)
    return JsonResponse(
        {"version": saved.draft_version, "saved_at": f"{when:%H:%M}", "not_saved": form.not_saved()}
    )


# --- Attachments --------------------------------------------------------------------------------


@require_POST
@login_required
def attachment_add(request, pk, visit_id):
    """Photos and recordings sent as soon as they are taken (JSON), or from the visit's page."""
    nominal = access_case(request.user, pk, write=True)
    visit = visit_for(nominal, visit_id)
    form = AttachmentForm(request.POST, request.FILES)
    form.is_valid()
    caption = form.cleaned_data.get("caption", "")
    uploads = request.FILES.getlist("files")
    added, errors = [], []
    for upload in uploads:
        try:
            attachment, created = recording.attachment_add(
                acting_user=request.user, visit=visit, upload=upload, caption=caption
            )
        except ValidationError as error:
            errors += error.messages
        else:
            added.append((attachment, created))
    if not uploads:
        errors.append("Choose a photo or recording")
    if _wants_json(request):
        body = [_attachment_json(nominal, a, created) for a, created in added]
        if errors:
            return _error_json(" ".join(errors), 400, {"files": errors}, added=body)
        return JsonResponse({"added": body}, status=201 if any(c for _, c in added) else 200)
    for message in errors:
        messages.error(request, message)
    if added:
        count = len(added)
        text = "Photo or recording added" if count == 1 else f"{count} photos or recordings added"
        messages.success(request, text)
    return redirect("visits:visit-detail", visit_id=visit.pk)


def _attachment_json(nominal: Nominal, attachment: VisitAttachment, created: bool) -> dict:
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "label": attachment_label(attachment),
        "url": reverse(
            "visits:attachment", kwargs={"pk": nominal.pk, "attachment_id": attachment.pk}
        ),
        "created": created,
    }


def attachment_label(attachment: VisitAttachment) -> str:
    when = timezone.localtime(attachment.uploaded_at)
    return f"{attachment.get_kind_display()} added at {when:%H:%M} on {when:%-d %b %Y}"


def attachment_response(request, attachment: VisitAttachment, nominal_id: int) -> FileResponse:
    """The file, never cached or sniffed, under a generic name; each view is audited."""
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=attachment,
        nominal_id=nominal_id,
        description=f"Visit {attachment.get_kind_display().lower()}",
    )
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{recording.attachment_filename(attachment)}"'
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@login_required
def attachment(request, pk, attachment_id):
    nominal = access_case(request.user, pk)
    found = (
        VisitAttachment.objects.filter(pk=attachment_id, visit__nominal=nominal)
        .select_related("visit")
        .first()
    )
    if found is None:
        raise Http404("No photo or recording found")
    return attachment_response(request, found, nominal.pk)


# --- The visit's record -------------------------------------------------------------------------


@login_required
def visit_detail(request, visit_id):
    held = Visit.objects.filter(pk=visit_id).values_list("nominal_id", flat=True).first()
    if held is None:
        raise Http404("No visit found")
    nominal = access_case(request.user, held)
    visit = visit_for(nominal, visit_id)
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=visit, description="Visit")
    observations = visit.observations or []
    return render(
        request,
        "visits/visit_detail.html",
        {
            **case_context(request, nominal, "visits"),
            "visit": visit,
            "attachments": list(visit.attachments.all()),
            "observations": observations,
            "show_observations": visit.outcome == "completed"
            or any(o.get("seen") or o.get("note") for o in observations),
            "recordable": visit.status in RECORDABLE,
            "attachment_form": AttachmentForm() if nominal.can_edit else None,
            "kinds": AttachmentKind,
        },
    )
