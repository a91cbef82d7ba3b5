"""Planning visits: the offender manager's overdue and upcoming visits (by area, for a round),
planning a visit on a case and cancelling a planned one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cases import audit
from cases.access import access_case
from cases.models import AuditAction, Role
from cases.selectors import team_managers
from cases.views.nominal import case_context
from rsom.views import role_required
from visits.forms_planning import VisitCancelForm, VisitPlanForm
from visits.models import Visit, VisitStatus
from visits.services import planning


@role_required(Role.OFFENDER_MANAGER, Role.SUPERVISOR)
def my_visits(request):
    user = request.user
    try:
        manager = planning.visits_manager(user, request.GET.get("manager"))
    except planning.NotInYourTeams:
        raise Http404("No offender manager of that number in your teams") from None
    grouped = request.GET.get("group") == "area"
    listing = planning.visits_list(user, manager)
    whose = "own" if manager == user else str(manager) if manager else "teams"
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        description=f"Visits list ({whose}{', by area' if grouped else ''})",
    )
    return render(
        request,
        "visits/planning_my_visits.html",
        {
            "listing": listing,
            "areas": listing.areas() if grouped else None,
            "grouped": grouped,
            "manager": manager,
            "own": manager == user,
            "managers": team_managers(user) if user.has_role(Role.SUPERVISOR) else None,
            "upcoming_days": planning.UPCOMING_DAYS,
            "today": timezone.localdate(),
        },
    )


@login_required
def visit_plan(request, pk):
    nominal = access_case(request.user, pk, write=True)
    recent = planning.recent_visits(nominal)
    bound = request.POST if request.method == "POST" else None
    form = VisitPlanForm(
        bound,
        nominal=nominal,
        acting_user=request.user,
        initial={"address": planning.default_address(nominal)},
    )
    warning = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        warning = planning.plan_pattern_warning(recent, data["planned_for"], data["time_band"])
        if warning and data["pattern_checked"] != form.signature():
            # A warning, not an error: shown once for this day and time band, then it saves.
            form = _with_warning_seen(form, nominal, request.user)
        else:
            try:
                visit, created = planning.visit_plan(
                    acting_user=request.user,
                    nominal=nominal,
                    planned_for=data["planned_for"],
                    time_band=data["time_band"],
                    announced=data["announced"],
                    co_attendee=data["co_attendee"],
                    address=data["address"],
                    client_key=data["token"],
                )
            except ValidationError as error:
                _add_errors(form, error)
                warning = None
            else:
                if created:
                    messages.success(request, f"Visit planned for {visit.planned_for:%-d %B %Y}")
                return redirect("visits:case-visits", pk=nominal.pk)
    if request.method != "POST":
        audit.record(
            actor=request.user, action=AuditAction.VIEW, obj=nominal, description="Plan a visit"
        )
    return render(
        request,
        "visits/planning_form.html",
        {
            **case_context(request, nominal, "visits"),
            "form": form,
            "warning": warning,
            "recent": [(day, planning.rules.TimeBand(band)) for day, band in recent],
            "current_warning": planning.rules.visit_pattern_warning(recent),
        },
    )


def _with_warning_seen(form: VisitPlanForm, nominal, user) -> VisitPlanForm:
    data = form.data.copy()
    data["pattern_checked"] = form.signature()
    data["token"] = str(form.cleaned_data["token"])
    seen = VisitPlanForm(data, nominal=nominal, acting_user=user)
    seen.is_valid()
    return seen


@login_required
def visit_cancel(request, pk, visit_id):
    nominal = access_case(request.user, pk, write=True)
    visit = get_object_or_404(Visit.objects.select_related("address"), pk=visit_id, nominal=nominal)
    if visit.status != VisitStatus.PLANNED and request.method != "POST":
        messages.info(request, "That visit is no longer planned: there is nothing to cancel")
        return redirect("visits:case-visits", pk=nominal.pk)
    form = VisitCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = planning.visit_cancel(
                acting_user=request.user, visit=visit, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if cancelled:
                messages.success(request, f"Visit for {visit.planned_for:%-d %B %Y} cancelled")
            return redirect("visits:case-visits", pk=nominal.pk)
    if request.method != "POST":
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=visit,
            nominal_id=nominal.pk,
            description="Cancel a planned visit",
        )
    return render(
        request,
        "visits/planning_cancel.html",
        {**case_context(request, nominal, "visits"), "form": form, "visit": visit},
    )


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's rule error on the field it concerns, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
