"""Reactive management (domain.md section 5): the supervisors' queue, the offender manager's
proposal and the supervisor's decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from cases import audit
from cases.access import access_case
from cases.models import AuditAction, Role
from cases.views.nominal import case_context
from risk.forms_notes import ReactiveDecideForm, ReactiveQueueFilterForm, ReactiveReturnForm
from risk.models import ReactiveStage
from risk.services import reactive
from risk.views.notes import add_errors
from rsom.views import role_required

PAGE_SIZE = 50


@role_required(Role.SUPERVISOR)
def reactive_queue(request):
    on = timezone.localdate()
    form = ReactiveQueueFilterForm(request.GET or None)
    stages = form.cleaned_data["stage"] if form.is_valid() else []
    rows = reactive.reactive_queue(request.user, on, stages)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [reactive.queue_row(n, on=on) for n in page.object_list]
    audit.record(
        actor=request.user, action=AuditAction.VIEW, description="Reactive-management queue"
    )
    return render(
        request,
        "risk/reactive_queue.html",
        {"page": page, "entries": entries, "form": form, "today": on},
    )


@login_required
def reactive_propose(request, pk):
    nominal = access_case(request.user, pk, write=True)
    on = timezone.localdate()
    if request.method == "POST":
        try:
            _, proposed = reactive.reactive_propose(
                acting_user=request.user, nominal=nominal, on=on
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if proposed:
                messages.success(request, "Proposed for reactive management: a supervisor decides")
            else:
                messages.info(request, "This case has already been proposed")
            return redirect("risk:overview", pk=nominal.pk)
    else:
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description="Reactive management eligibility",
        )
    case = reactive.reactive_case(nominal)
    return render(
        request,
        "risk/reactive_propose.html",
        {
            **case_context(request, nominal, "risk"),
            "case": case,
            "assessment": reactive.assess_case(nominal, on=on),
            "can_propose": case is None or case.stage in reactive.PROPOSABLE,
            "today": on,
        },
    )


@role_required(Role.SUPERVISOR)
def reactive_decide(request, pk):
    nominal = access_case(request.user, pk, write=True)
    on = timezone.localdate()
    case = reactive.reactive_case(nominal)
    flagged = case is not None and case.stage == ReactiveStage.RETURN_FLAGGED
    waiting = case is not None and case.stage in (*reactive.WAITING, ReactiveStage.SNOOZED)
    form_class = ReactiveReturnForm if flagged else ReactiveDecideForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (flagged or waiting) and form.is_valid():
        try:
            _, changed = reactive.reactive_decide(
                acting_user=request.user, nominal=nominal, on=on, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed:
                messages.success(request, "Decision recorded")
            else:
                messages.info(request, "This decision had already been recorded")
            return redirect("risk:reactive-queue")
    if request.method != "POST":
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description="Reactive management decision",
        )
    return render(
        request,
        "risk/reactive_decide.html",
        {
            **case_context(request, nominal, "risk"),
            "case": case,
            "flagged": flagged,
            "waiting": waiting,
            "form": form,
            "assessment": reactive.assess_case(nominal, on=on) if waiting else None,
            "criteria": reactive.criteria_rows(case.criteria) if case else [],
            "today": on,
        },
    )
