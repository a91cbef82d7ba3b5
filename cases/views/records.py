"""Adding and changing the details a case holds (names, addresses, accounts …)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from cases import audit, services
from cases.access import access_case
from cases.models import AuditAction
from cases.records import BY_SLUG
from cases.views.nominal import case_context


def _kind(slug):
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise Http404("No such detail") from None


def _back(kind, nominal):
    if kind.section == "overview":
        return redirect("cases:nominal-detail", pk=nominal.pk)
    return redirect("cases:nominal-section", pk=nominal.pk, section=kind.section)


@login_required
def record_add(request, pk, kind):
    return _record_form(request, pk, _kind(kind), item=None)


@login_required
def record_edit(request, pk, kind, item):
    return _record_form(request, pk, _kind(kind), item=item)


def _record_form(request, pk, kind, *, item):
    nominal = access_case(request.user, pk, write=True)
    instance = (
        get_object_or_404(kind.model, pk=item, nominal=nominal)
        if item
        else kind.model(nominal=nominal)
    )
    reveal = request.user.has_perm("cases.view_financial_numbers")
    form = kind.form(request.POST or None, instance=instance, reveal_numbers=reveal)
    if request.method == "POST" and form.is_valid():
        changes = services.record_save(
            acting_user=request.user,
            nominal=nominal,
            instance=instance,
            data=form.cleaned_data,
            label=kind.label,
        )
        if changes or not item:
            messages.success(request, f"{kind.label} {'changed' if item else 'added'}")
        return _back(kind, nominal)
    if request.method != "POST":
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description=f"{'Change' if item else 'Add'} {kind.label.lower()}",
        )
    return render(
        request,
        "cases/record_form.html",
        {
            **case_context(request, nominal, kind.section),
            "form": form,
            "kind": kind,
            "heading": f"{'Change' if item else 'Add'} {kind.label.lower()}",
        },
    )
