"""The case's Visits tab: next visit due and why, planned visits, visits and attempts made, and a
warning when visits have fallen into a pattern."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from cases import audit
from cases.access import access_case
from cases.models import AuditAction
from cases.views.nominal import case_context
from visits.models import Band
from visits.services import planning


@login_required
def case_visits(request, pk):
    nominal = access_case(request.user, pk)
    today = timezone.localdate()
    due = planning.visit_due_of(nominal)
    history = list(planning.visit_history(nominal))
    # Section 5: the last visits and attempts, as the person saw them (day and time band).
    seen = [(planning.seen_day(v), planning.seen_band(v)) for v in history]
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=nominal, description="Visits")
    return render(
        request,
        "visits/case_visits.html",
        {
            **case_context(request, nominal, "visits"),
            "visit_due": due,
            "status": planning.due_status(
                due.due, on=today, due_soon_days=nominal.force.due_soon_days
            ),
            "open_visits": list(planning.open_visits(nominal)),
            "history": [
                (v, day, Band(band).label) for v, (day, band) in zip(history, seen, strict=True)
            ],
            "pattern_warning": planning.rules.visit_pattern_warning(
                seen[: planning.rules.PATTERN_WINDOW]
            ),
            "today": today,
        },
    )
