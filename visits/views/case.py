"""The case's Visits tab: next visit due and why, visits and attempts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cases import audit
from cases.access import access_case
from cases.models import AuditAction
from cases.views.nominal import case_context


@login_required
def case_visits(request, pk):
    nominal = access_case(request.user, pk)
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=nominal, description="Visits")
    return render(request, "visits/case_visits.html", {**case_context(request, nominal, "visits")})
