"""RM2000/S scorings and the overall risk level on a case: score, read each scoring explained,
set the level with its reasons, and read who set it and why."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from cases import audit
from cases.access import access_case
from cases.models import AuditAction
from cases.views.nominal import case_context
from risk.forms_scoring import RiskLevelForm, Rm2000Form
from risk.models import ArmsAssessment, ArmsStatus, Rm2000Scoring
from risk.services import levels, rm2000

PAGE_SIZE = 50


def _viewed(request, obj, nominal, what: str) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=obj,
        nominal_id=nominal.pk,
        description=what,
    )


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's rule error on the field it concerns, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- RM2000/S -----------------------------------------------------------------------------------


@login_required
def rm2000_list(request, pk):
    nominal = access_case(request.user, pk)
    page = Paginator(rm2000.rm2000_history(nominal), PAGE_SIZE).get_page(request.GET.get("page"))
    _viewed(request, nominal, nominal, "RM2000/S scorings")
    return render(
        request,
        "risk/rm2000_list.html",
        {**case_context(request, nominal, "risk"), "page": page},
    )


@login_required
def rm2000_add(request, pk):
    nominal = access_case(request.user, pk, write=True)
    form = Rm2000Form(request.POST or None, nominal=nominal)
    if request.method == "POST" and form.is_valid():
        try:
            scoring, created = rm2000.rm2000_score(
                acting_user=request.user, nominal=nominal, data=form.service_data()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if created:
                messages.success(request, _saved_message(scoring))
            return redirect("risk:rm2000-detail", pk=nominal.pk, scoring_id=scoring.pk)
    elif request.method != "POST":
        _viewed(request, nominal, nominal, "Score RM2000/S")
    return render(
        request,
        "risk/rm2000_form.html",
        {**case_context(request, nominal, "risk"), "form": form},
    )


def _saved_message(scoring: Rm2000Scoring) -> str:
    if not scoring.applicable:
        return "RM2000/S recorded as not applicable"
    return f"RM2000/S scored: {scoring.get_category_display().lower()}"


@login_required
def rm2000_detail(request, pk, scoring_id):
    nominal = access_case(request.user, pk)
    scoring = get_object_or_404(rm2000.rm2000_history(nominal), pk=scoring_id)
    _viewed(request, scoring, nominal, "RM2000/S scoring")
    return render(
        request,
        "risk/rm2000_detail.html",
        {
            **case_context(request, nominal, "risk"),
            "scoring": scoring,
            "recomputed": rm2000.rm2000_recompute(scoring, sex=nominal.sex),
        },
    )


# --- The overall risk level ---------------------------------------------------------------------


@login_required
def level_set(request, pk):
    nominal = access_case(request.user, pk, write=True)
    form = RiskLevelForm(request.POST or None, nominal=nominal)
    if request.method == "POST" and form.is_valid():
        try:
            change, created = levels.risk_level_set(
                acting_user=request.user,
                nominal=nominal,
                level=form.cleaned_data["level"],
                rationale=form.cleaned_data["rationale"],
                set_on=form.cleaned_data["set_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if created:
                messages.success(request, f"Risk level set: {change.get_level_display().lower()}")
            return redirect("risk:overview", pk=nominal.pk)
    elif request.method != "POST":
        _viewed(request, nominal, nominal, "Set the risk level")
    return render(
        request,
        "risk/level_form.html",
        {
            **case_context(request, nominal, "risk"),
            "form": form,
            "latest_rm2000": rm2000.rm2000_latest(nominal),
            "latest_arms": ArmsAssessment.objects.filter(
                nominal=nominal, status=ArmsStatus.SIGNED_OFF
            )
            .order_by("-signed_off_on", "-pk")
            .first(),
        },
    )


@login_required
def level_list(request, pk):
    nominal = access_case(request.user, pk)
    page = Paginator(levels.level_history(nominal), PAGE_SIZE).get_page(request.GET.get("page"))
    _viewed(request, nominal, nominal, "Risk level history")
    return render(
        request,
        "risk/level_list.html",
        {**case_context(request, nominal, "risk"), "page": page},
    )
