"""A case's notes and intelligence: the list (filtered by kind) and adding one. Case readers
read; writers add; the front desk reaches none of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from cases import audit
from cases.access import access_case
from cases.models import AuditAction
from cases.views.nominal import case_context
from risk.forms_notes import CaseNoteForm, NoteFilterForm
from risk.models import NoteKind
from risk.services import notes

PAGE_SIZE = 25


@login_required
def note_list(request, pk):
    nominal = access_case(request.user, pk)
    form = NoteFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    page = Paginator(notes.notes_for(nominal, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    what = f"Notes and intelligence ({NoteKind(kind).label})" if kind else "Notes and intelligence"
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=nominal, description=what)
    return render(
        request,
        "risk/note_list.html",
        {**case_context(request, nominal, "risk"), "page": page, "form": form, "kind": kind},
    )


@login_required
def note_add(request, pk):
    nominal = access_case(request.user, pk, write=True)
    initial = (
        {"kind": request.GET.get("kind")} if request.GET.get("kind") in NoteKind.values else {}
    )
    form = CaseNoteForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            note, created = notes.case_note_add(
                acting_user=request.user, nominal=nominal, data=form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if created:
                messages.success(request, f"{note.get_kind_display()} recorded")
            return redirect("risk:note-list", pk=nominal.pk)
    if request.method != "POST":
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description="Add a note or intelligence",
        )
    return render(
        request,
        "risk/note_form.html",
        {
            **case_context(request, nominal, "risk"),
            "form": form,
            "heading": "Add a note or intelligence",
            "submit": "Save",
        },
    )


def add_errors(form, error: ValidationError) -> None:
    """Put a service's rule error on the field it concerns, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
