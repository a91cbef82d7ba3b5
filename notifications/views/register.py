"""The register on a case: the requirement and what is due (each date with its "why"),
convictions, time away, and the notifications made."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cases import audit
from cases.access import access_case
from cases.models import AuditAction, Nominal
from cases.views.nominal import case_context
from notifications import services
from notifications.forms import AbsenceForm, ConvictionForm, DeadlineCloseForm
from notifications.models import Absence, Clock, Conviction, Notification, OpenDeadline
from notifications.rules import ClockStatus, clock_status, first_day_of_failure

HISTORY_LIMIT = 50


def clock_rows(clock: Clock, *, on: date, due_soon_days: int) -> list[dict]:
    """The clock's deadlines with each one's status, for display."""
    rows = []
    for deadline in clock.deadlines:
        due = date.fromisoformat(deadline["due"]) if deadline["due"] else None
        status = clock_status(due=due, on=on, due_soon_days=due_soon_days) if due else None
        failure = first_day_of_failure(due) if status == ClockStatus.OVERDUE else None
        rows.append({**deadline, "due": due, "status": status, "failure_began": failure})
    return rows


def stored_clock(nominal: Nominal) -> Clock:
    clock = Clock.objects.filter(pk=nominal.pk).first()
    return clock or services.clock_refresh(nominal)


def _view(request, nominal, what: str) -> None:
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=nominal, description=what)


@login_required
def register(request, pk):
    nominal = access_case(request.user, pk)
    today = timezone.localdate()
    clock = stored_clock(nominal)
    notifications = Notification.objects.filter(nominal=nominal).select_related(
        "station", "taken_by"
    )[:HISTORY_LIMIT]
    _view(request, nominal, "Register")
    return render(
        request,
        "notifications/register.html",
        {
            **case_context(request, nominal, "register"),
            "clock": clock,
            "deadlines": clock_rows(clock, on=today, due_soon_days=nominal.force.due_soon_days),
            "convictions": Conviction.objects.filter(nominal=nominal).select_related("offence"),
            "absences": Absence.objects.filter(nominal=nominal),
            "closable": OpenDeadline.objects.filter(
                nominal=nominal, kind="non_occurrence", met_by__isnull=True, closed_on__isnull=True
            ),
            "notifications": notifications,
            "today": today,
        },
    )


@login_required
def conviction_add(request, pk):
    return _conviction_form(request, pk, conviction_id=None)


@login_required
def conviction_edit(request, pk, conviction_id):
    return _conviction_form(request, pk, conviction_id=conviction_id)


def _conviction_form(request, pk, *, conviction_id):
    nominal = access_case(request.user, pk, write=True)
    conviction = (
        get_object_or_404(Conviction, pk=conviction_id, nominal=nominal) if conviction_id else None
    )
    if request.method == "POST":
        form = ConvictionForm(request.POST)
        if form.is_valid():
            try:
                services.conviction_save(
                    acting_user=request.user,
                    nominal=nominal,
                    data=form.service_data(),
                    conviction=conviction,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, "Conviction corrected" if conviction else "Conviction added"
                )
                return redirect("notifications:register", pk=nominal.pk)
    else:
        form = ConvictionForm(
            initial=ConvictionForm.initial_from(conviction) if conviction else None
        )
        _view(request, nominal, "Change conviction" if conviction else "Add conviction")
    return render(
        request,
        "notifications/conviction_form.html",
        {
            **case_context(request, nominal, "register"),
            "form": form,
            "heading": "Correct a conviction, caution or finding"
            if conviction
            else "Add a conviction, caution or finding",
        },
    )


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's rule error on the field it concerns, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def absence_add(request, pk):
    return _absence_form(request, pk, absence_id=None)


@login_required
def absence_edit(request, pk, absence_id):
    return _absence_form(request, pk, absence_id=absence_id)


def _absence_form(request, pk, *, absence_id):
    nominal = access_case(request.user, pk, write=True)
    absence = get_object_or_404(Absence, pk=absence_id, nominal=nominal) if absence_id else None
    initial = (
        {
            "kind": absence.kind,
            "first_day": absence.first_day,
            "last_day": absence.last_day,
            "notes": absence.notes,
        }
        if absence
        else None
    )
    form = AbsenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_save(
                acting_user=request.user, nominal=nominal, data=form.cleaned_data, absence=absence
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Time away saved")
            return redirect("notifications:register", pk=nominal.pk)
    return render(
        request,
        "notifications/absence_form.html",
        {
            **case_context(request, nominal, "register"),
            "form": form,
            "heading": "Change time away"
            if absence
            else "Record time in custody, hospital or abroad",
        },
    )


@login_required
def notification_detail(request, notification_id):
    """A past notification exactly as it was given."""
    visible = Nominal.objects.visible_to(request.user).filter(pk=OuterRef("nominal_id"))
    notification = (
        Notification.objects.filter(Exists(visible), pk=notification_id)
        .select_related("station", "taken_by")
        .first()
    )
    if notification is None:
        raise Http404("No notification found")
    nominal = access_case(request.user, notification.nominal_id)
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=notification,
        nominal_id=nominal.pk,
        description=f"{notification.get_type_display()} as given",
    )
    return render(
        request,
        "notifications/notification_detail.html",
        {**case_context(request, nominal, "register"), "notification": notification},
    )


@login_required
def deadline_close(request, pk, deadline_id):
    """The offender manager confirms an advance-notified change happened as notified."""
    nominal = access_case(request.user, pk, write=True)
    deadline = get_object_or_404(
        OpenDeadline, pk=deadline_id, nominal=nominal, met_by__isnull=True, closed_on__isnull=True
    )
    form = DeadlineCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.deadline_close(
            acting_user=request.user, deadline=deadline, note=form.cleaned_data["note"]
        )
        messages.success(request, "Deadline closed")
        return redirect("notifications:register", pk=nominal.pk)
    return render(
        request,
        "notifications/deadline_close.html",
        {**case_context(request, nominal, "register"), "form": form, "deadline": deadline},
    )
