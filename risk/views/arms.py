"""ARMS assessments on a case: the history, starting one, rating and submitting it, reading it,
and the supervisor's sign-off or return."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from cases import audit
from cases.access import access_case
from cases.models import AuditAction, Role
from cases.views.nominal import case_context
from risk.forms_arms import ArmsDecideForm, ArmsForm, ArmsStartForm
from risk.models import ArmsStatus, RiskReviewDue
from risk.services import arms
from rsom.views import role_required


def _viewed(request, nominal, what: str, obj=None) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=obj or nominal,
        nominal_id=nominal.pk,
        description=what,
    )


def _assessment(nominal, arms_id):
    assessment = arms.assessment_with_ratings(nominal, arms_id)
    if assessment is None:
        raise Http404("No such assessment on this case")
    return assessment


def add_errors(form, error: ValidationError) -> None:
    """Put a service's error on the field it concerns, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def arms_list(request, pk):
    nominal = access_case(request.user, pk)
    assessments = list(arms.assessments_for(nominal))
    _viewed(request, nominal, "ARMS assessments")
    return render(
        request,
        "risk/arms_list.html",
        {
            **case_context(request, nominal, "risk"),
            "assessments": assessments,
            "in_progress": next((a for a in assessments if a.status in arms.OPEN), None),
            "review_due": RiskReviewDue.objects.filter(nominal=nominal).first(),
        },
    )


@login_required
def arms_start(request, pk):
    nominal = access_case(request.user, pk, write=True)
    existing = arms.open_assessment(nominal)
    due = RiskReviewDue.objects.filter(nominal=nominal).first()
    form = ArmsStartForm(
        request.POST if request.method == "POST" else None,
        initial={"reason": due.why if due and due.triggered_at else ""},
    )
    if request.method == "POST" and form.is_valid():
        assessment, created = arms.arms_start(
            acting_user=request.user, nominal=nominal, reason=form.cleaned_data["reason"]
        )
        if created:
            messages.success(request, "ARMS assessment started")
        else:
            messages.info(request, "An ARMS assessment is already in progress: here it is")
        return _continue(assessment, nominal)
    if request.method != "POST":
        _viewed(request, nominal, "Start an ARMS assessment")
    return render(
        request,
        "risk/arms_start.html",
        {**case_context(request, nominal, "risk"), "form": form, "existing": existing},
    )


def _continue(assessment, nominal):
    if assessment.status in arms.EDITABLE:
        return redirect("risk:arms-edit", pk=nominal.pk, arms_id=assessment.pk)
    return redirect("risk:arms-detail", pk=nominal.pk, arms_id=assessment.pk)


@login_required
def arms_detail(request, pk, arms_id):
    nominal = access_case(request.user, pk)
    assessment = _assessment(nominal, arms_id)
    _viewed(request, nominal, "ARMS assessment", obj=assessment)
    can_decide = assessment.status == ArmsStatus.SUBMITTED and arms.may_decide(
        request.user, assessment, nominal
    )
    return render(
        request,
        "risk/arms_detail.html",
        {
            **case_context(request, nominal, "risk"),
            "assessment": assessment,
            "groups": arms.factor_groups(assessment, arms.factors_in_use()),
            "can_decide": can_decide,
        },
    )


@login_required
def arms_edit(request, pk, arms_id):
    nominal = access_case(request.user, pk, write=True)
    assessment = _assessment(nominal, arms_id)
    if assessment.status not in arms.EDITABLE:
        messages.info(
            request,
            f"This assessment is {assessment.get_status_display().lower()}: it cannot be changed",
        )
        return redirect("risk:arms-detail", pk=nominal.pk, arms_id=assessment.pk)
    factors = arms.factors_in_use()
    posted = request.method == "POST"
    form = ArmsForm(request.POST if posted else None, factors=factors, assessment=assessment)
    saved = False
    if posted and form.is_valid():
        try:
            arms.arms_save(
                acting_user=request.user,
                assessment=assessment,
                ratings=form.ratings(),
                formulation=form.cleaned_data["formulation"],
                priorities=form.cleaned_data["priorities"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            saved = True
    if saved and request.POST.get("action") != "submit":
        messages.success(request, "Draft saved")
        return redirect("risk:arms-edit", pk=nominal.pk, arms_id=assessment.pk)
    if saved:
        try:
            arms.arms_submit(acting_user=request.user, assessment=assessment)
        except ValidationError:
            # The draft is saved; say what submission still needs, on each field.
            fresh = _assessment(nominal, assessment.pk)
            form.add_gaps(arms.submission_gaps(fresh, factors))
        else:
            messages.success(request, "Submitted for sign-off")
            return redirect("risk:arms-detail", pk=nominal.pk, arms_id=assessment.pk)
    if not posted:
        _viewed(request, nominal, "Edit an ARMS assessment", obj=assessment)
    return render(
        request,
        "risk/arms_form.html",
        {
            **case_context(request, nominal, "risk"),
            "assessment": assessment,
            "form": form,
            "saved": saved,
        },
    )


@role_required(Role.SUPERVISOR)
def arms_decide(request, pk, arms_id):
    nominal = access_case(request.user, pk, write=True)
    assessment = _assessment(nominal, arms_id)
    if assessment.status != ArmsStatus.SUBMITTED:
        messages.info(
            request,
            f"This assessment is {assessment.get_status_display().lower()}: "
            "it is not waiting for sign-off",
        )
        return redirect("risk:arms-detail", pk=nominal.pk, arms_id=assessment.pk)
    if not arms.may_decide(request.user, assessment, nominal):
        raise PermissionDenied(
            "You submitted this assessment or manage the case: another supervisor must sign it off"
        )
    form = ArmsDecideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "sign_off":
                _, done = arms.arms_sign_off(acting_user=request.user, assessment=assessment)
                message = "Assessment signed off"
            else:
                _, done = arms.arms_return(
                    acting_user=request.user,
                    assessment=assessment,
                    comments=form.cleaned_data["comments"],
                )
                message = "Assessment returned to the offender manager"
        except ValidationError as error:
            add_errors(form, error)
        else:
            if done:
                messages.success(request, message)
            return redirect("risk:arms-detail", pk=nominal.pk, arms_id=assessment.pk)
    if request.method != "POST":
        _viewed(request, nominal, "Sign off an ARMS assessment", obj=assessment)
    return render(
        request,
        "risk/arms_decide.html",
        {
            **case_context(request, nominal, "risk"),
            "assessment": assessment,
            "groups": arms.factor_groups(assessment, arms.factors_in_use()),
            "form": form,
        },
    )
