"""The case's Risk tab: level, scorings, ARMS, plan and notes at a glance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cases import audit
from cases.access import access_case
from cases.models import AuditAction, Nominal
from cases.views.nominal import case_context
from risk.services import levels, rm2000

# The tab shows the latest few; the full lists are a link away.
RECENT = 5


@login_required
def risk_overview(request, pk):
    nominal = _with_risk_records(access_case(request.user, pk))
    history = list(levels.level_history(nominal)[: RECENT + 1])
    scorings = list(rm2000.rm2000_history(nominal)[:2])
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=nominal, description="Risk")
    return render(
        request,
        "risk/overview.html",
        {
            **case_context(request, nominal, "risk"),
            "current_level": history[0] if history else None,
            "level_history": history[:RECENT],
            "more_levels": len(history) > RECENT,
            "latest_rm2000": scorings[0] if scorings else None,
            "more_rm2000": len(scorings) > 1,
        },
    )


def _with_risk_records(nominal: Nominal) -> Nominal:
    """The case again with its one-to-one risk records (ARMS review due, reactive management)
    joined, so the tab's sections read them without a query each."""
    joined = Nominal.objects.select_related(
        "force", "team", "offender_manager", "arms_due", "reactive"
    ).get(pk=nominal.pk)
    joined.can_edit = nominal.can_edit
    return joined
