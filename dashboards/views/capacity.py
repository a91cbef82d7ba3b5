"""An offender manager's capacity, as their supervisor sees and sets it: contracted hours (from a
date) and reductions (reason, hours, start and end)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, Role, User
from cases.selectors import team_managers
from dashboards import capacity as rules
from dashboards import selectors
from dashboards.forms import ReductionEndForm, ReductionForm, WorkingHoursForm
from dashboards.models import Reduction, WeightCategory, WorkingHours
from dashboards.services import capacity as service
from rsom.views import role_required


def access_manager(user: User, user_id: int) -> User:
    """An offender manager in one of the supervisor's teams: 404 for anyone else."""
    manager = team_managers(user).prefetch_related(None).filter(pk=user_id).first()
    if manager is None:
        raise Http404("No offender manager in your teams")
    return manager


@role_required(Role.SUPERVISOR)
def manager_capacity(request, user_id):
    manager = access_manager(request.user, user_id)
    settings = selectors.capacity_settings_of(request.user)
    hours_rows = list(WorkingHours.objects.filter(user=manager))

    def contracted(day):
        pairs = [(row.hours, row.effective_from) for row in hours_rows]
        return rules.hours_on(pairs, on=day, full_time_hours=settings.full_time_hours)

    hours_form = WorkingHoursForm(prefix="hours")
    reduction_form = ReductionForm(prefix="reduction", contracted=contracted)
    if request.method == "POST" and request.POST.get("action") == "hours":
        hours_form = WorkingHoursForm(request.POST, prefix="hours")
        if hours_form.is_valid():
            _, changed = service.working_hours_set(
                acting_user=request.user, user=manager, **hours_form.cleaned_data
            )
            if changed:
                messages.success(request, f"Contracted hours saved for {manager}")
            return redirect("dashboards:manager-capacity", user_id=manager.pk)
    elif request.method == "POST" and request.POST.get("action") == "reduction":
        reduction_form = ReductionForm(request.POST, prefix="reduction", contracted=contracted)
        if reduction_form.is_valid():
            _, created = service.reduction_add(
                acting_user=request.user, user=manager, **reduction_form.cleaned_data
            )
            if created:
                messages.success(request, f"Reduction added for {manager}")
            return redirect("dashboards:manager-capacity", user_id=manager.pk)
    elif request.method == "POST":
        raise Http404("No such form")
    else:
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=manager,
            description=f"Capacity of {manager.get_username()}",
        )
    return render(
        request,
        "dashboards/capacity_manager.html",
        {
            **_capacity_context(request.user, manager, settings),
            "hours_rows": hours_rows,
            "contracted_now": contracted(timezone.localdate()),
            "hours_form": hours_form,
            "reduction_form": reduction_form,
            "form": hours_form if hours_form.errors else reduction_form,
        },
    )


def _capacity_context(user: User, manager: User, settings) -> dict:
    """The manager's load today and how it is made up, category by category."""
    today = timezone.localdate()
    force = user.force
    load = selectors.loads([manager.pk], force=force, on=today, settings=settings)[manager.pk]
    weights = selectors.weights_for(force, on=today)
    breakdown = [
        {
            "label": category.label,
            "count": load.counts[category],
            "weight": weights[category],
            "points": weights[category] * load.counts[category],
        }
        for category in WeightCategory
    ]
    return {
        "manager": manager,
        "load": load,
        "guideline": force.caseload_guideline,
        "breakdown": breakdown,
        "settings": settings,
        "reductions": Reduction.objects.filter(user=manager).order_by("-starts_on", "-pk"),
        "today": today,
    }


@role_required(Role.SUPERVISOR)
def reduction_end(request, user_id, reduction_id):
    manager = access_manager(request.user, user_id)
    reduction = get_object_or_404(Reduction, pk=reduction_id, user=manager)
    form = ReductionEndForm(
        request.POST or None,
        reduction=reduction,
        initial={"ends_on": reduction.ends_on or timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        if service.reduction_end(
            acting_user=request.user, reduction=reduction, ends_on=form.cleaned_data["ends_on"]
        ):
            messages.success(request, f"Reduction “{reduction.reason}” ended")
        return redirect("dashboards:manager-capacity", user_id=manager.pk)
    return render(
        request,
        "dashboards/capacity_reduction_end.html",
        {"form": form, "manager": manager, "reduction": reduction},
    )
