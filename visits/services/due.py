"""Each case's next home visit due date and its "why" (domain.md section 5), stored on
VisitDue so lists and the nightly sweep filter in SQL."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from django.utils import timezone

from cases.models import Force, Nominal, NominalStatus, RiskLevel
from visits import rules
from visits.models import Visit, VisitDue

# People not living in the community get no routine visit.
NOT_VISITED = {
    NominalStatus.IN_CUSTODY,
    NominalStatus.IN_HOSPITAL,
    NominalStatus.MOVED_OUT_OF_FORCE,
    NominalStatus.NOTIFICATION_ENDED,
    NominalStatus.DECEASED,
}


class CaseFacts(Protocol):
    """What the due date reads of a case."""

    status: str
    risk_level: str
    risk_level_set_on: date | None
    force: Force


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


def visit_due_for(
    nominal: Nominal | CaseFacts,
    *,
    last_completed: date | None,
    individual: tuple[int, str] | None,
) -> tuple[date | None, str]:
    """The next visit due and why, from plain facts about the case (no queries): a case, or the
    facts the nightly sweep reads of one."""
    if nominal.status in NOT_VISITED:
        return None, f"No routine visits: {NominalStatus(nominal.status).label.lower()}."
    if nominal.status == NominalStatus.REACTIVE:
        return (
            None,
            "No routine visits under reactive management (the annual notification goes on).",
        )
    if not nominal.risk_level or nominal.risk_level_set_on is None:
        return None, "No risk level set yet: set one to plan visits."
    intervals = nominal.force.visit_intervals
    months = individual[0] if individual else intervals[nominal.risk_level]
    due = rules.next_visit_due(
        risk_level=nominal.risk_level,
        last_completed_visit=last_completed,
        risk_set_on=nominal.risk_level_set_on,
        intervals_months=intervals,
        individual_interval_months=individual[0] if individual else None,
    )
    level = RiskLevel(nominal.risk_level).label.lower()
    basis = (
        f"every {months} months set in the plan ({individual[1]})"
        if individual
        else f"every {months} months for {level} risk (force policy)"
    )
    start = (
        f"the last completed visit on {_fmt(last_completed)}"
        if last_completed
        else f"the risk level set on {_fmt(nominal.risk_level_set_on)} (no completed visit yet)"
    )
    return due, f"Visit {basis}, counted from {start}. Failed attempts do not count."


def individual_interval(nominal: Nominal) -> tuple[int, str] | None:
    from risk.models import RiskManagementPlan

    plan = (
        RiskManagementPlan.objects.filter(
            nominal=nominal, current=True, visit_interval_months__isnull=False
        )
        .values_list("visit_interval_months", "visit_interval_reason")
        .first()
    )
    return plan


def last_completed_visit(nominal: Nominal) -> date | None:
    visit = Visit.objects.completed().filter(nominal=nominal).order_by("-visited_at").first()
    return timezone.localtime(visit.visited_at).date() if visit else None


def visit_due_refresh(nominal: Nominal, *, on: date | None = None) -> VisitDue:
    nominal = Nominal.objects.select_related("force").get(pk=nominal.pk)
    due, why = visit_due_for(
        nominal,
        last_completed=last_completed_visit(nominal),
        individual=individual_interval(nominal),
    )
    record, _ = VisitDue.objects.update_or_create(
        nominal=nominal,
        defaults={"due": due, "why": why[:300], "computed_on": on or timezone.localdate()},
    )
    return record


def on_case_event(event, subject) -> None:
    """Risk level, status, plan or visit changed: the due date may have moved."""
    visit_due_refresh(event.nominal)
