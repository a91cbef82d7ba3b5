"""The case's Risk tab: level, scorings, ARMS, plan and notes at a glance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cases import audit
from cases.access import access_case
from cases.models import AuditAction
from cases.views.nominal import case_context


@login_required
def risk_overview(request, pk):
    nominal = access_case(request.user, pk)
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=nominal, description="Risk")
    return render(request, "risk/overview.html", {**case_context(request, nominal, "risk")})
