"""The supervisor's team dashboard, and the list of cases behind each of its figures."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, Role, User
from dashboards import selectors
from dashboards.capacity import Management
from dashboards.forms import TeamListForm
from dashboards.selectors import DUE_LABELS, MANAGEMENT_LABELS, RISK_KEYS, RISK_LABELS, ManagerRow
from rsom.views import role_required

PAGE_SIZE = 100

# The dashboard's two tables, after the manager's name: (figure, heading, list filter).
CASELOAD_COLUMNS: list[tuple[str, str, dict[str, str]]] = [
    ("caseload", "Cases", {}),
    *[(f"risk:{key}", RISK_LABELS[key], {"risk": key}) for key in RISK_KEYS],
    *[
        (f"management:{kind}", MANAGEMENT_LABELS[kind], {"management": kind})
        for kind in Management.ALL
    ],
]
WORK_COLUMNS: list[tuple[str, str, dict[str, str]]] = [
    ("due:visits", "Visits overdue", {"due": "visits"}),
    ("due:notifications", "Notifications due or overdue", {"due": "notifications"}),
    ("due:arms", "ARMS reviews due", {"due": "arms"}),
    ("actions", "Open plan actions", {"due": "actions"}),
]
GRID_LABELS = {
    "visits": "Overdue visits",
    "notifications_overdue": "Overdue notifications",
    "arms": "ARMS reviews due",
}


@dataclass(frozen=True)
class Cell:
    value: int
    url: str
    describe: str  # for screen readers: what the number counts


def list_url(**params: str) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return reverse("dashboards:team-list") + (f"?{query}" if query else "")


def _cells(row: ManagerRow, who: str, manager: str, columns) -> list[Cell]:
    cells = []
    for figure, heading, params in columns:
        value = row.open_actions if figure == "actions" else row.counts.get(figure, 0)
        cells.append(Cell(value, list_url(manager=manager, **params), f"{heading}: {who}"))
    return cells


@role_required(Role.SUPERVISOR)
def team_dashboard(request):
    today = timezone.localdate()
    dashboard = selectors.team_dashboard(request.user, on=today)
    rows = []
    for row in dashboard.rows:
        who = str(row.manager) if row.manager else "not allocated"
        rows.append(
            {
                "row": row,
                "name": str(row.manager) if row.manager else "Not allocated",
                "caseload": _cells(row, who, row.manager_param, CASELOAD_COLUMNS),
                "work": _cells(row, who, row.manager_param, WORK_COLUMNS),
            }
        )
    grid = [
        {
            "label": GRID_LABELS[kind],
            "cells": [
                Cell(counts[key], list_url(due=kind, risk=key), f"{GRID_LABELS[kind]}, {label}")
                for key, label in RISK_LABELS.items()
            ],
            "total": Cell(
                sum(counts.values()), list_url(due=kind), f"{GRID_LABELS[kind]}, all levels"
            ),
        }
        for kind, counts in dashboard.grid.items()
    ]
    audit.record(actor=request.user, action=AuditAction.VIEW, description="Team dashboard")
    return render(
        request,
        "dashboards/team_dashboard.html",
        {
            "dashboard": dashboard,
            "rows": rows,
            "totals": {
                "caseload": _cells(dashboard.totals, "whole team", "", CASELOAD_COLUMNS),
                "work": _cells(dashboard.totals, "whole team", "", WORK_COLUMNS),
            },
            "caseload_columns": CASELOAD_COLUMNS,
            "work_columns": WORK_COLUMNS,
            "risk_labels": RISK_LABELS,
            "grid": grid,
        },
    )


@role_required(Role.SUPERVISOR)
def team_list(request):
    today = timezone.localdate()
    form = TeamListForm(request.GET)
    page = None
    heading = "Team cases"
    if form.is_valid():
        data = form.cleaned_data
        days = request.user.force.due_soon_days
        cases = selectors.filtered_cases(
            selectors.team_cases(request.user), on=today, due_soon_days=days, **data
        )
        heading = _heading(data, request.user)
        cases = selectors.with_list_columns(cases, on=today, due_soon_days=days)
        page = Paginator(cases.order_by("surname", "forenames", "pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        audit.record(
            actor=request.user, action=AuditAction.VIEW, description=f"Team dashboard: {heading}"
        )
    return render(
        request,
        "dashboards/team_list.html",
        {"form": form, "page": page, "heading": heading, "today": today},
    )


HEADING_MANAGEMENT = {
    Management.ACTIVE: "actively managed",
    Management.REACTIVE: "reactive management",
    Management.CUSTODY: "in custody or hospital",
}


def _heading(data: dict, user: User) -> str:
    """What the list holds, in words: "Olivia Marsh: high risk, home visits overdue"."""
    parts = []
    if data["risk"]:
        parts.append(
            "risk not assessed"
            if data["risk"] == "not_assessed"
            else f"{RISK_LABELS[data['risk']].lower()} risk"
        )
    if data["management"]:
        parts.append(HEADING_MANAGEMENT[data["management"]])
    if data["due"]:
        parts.append(DUE_LABELS[data["due"]].lower())
    what = ", ".join(parts) or "all cases"
    who = "Whole team"
    if data["manager"] == "none":
        who = "Not allocated"
    elif data["manager"]:
        manager = User.objects.filter(pk=int(data["manager"]), force=user.force_id).first()
        who = str(manager) if manager else "No such offender manager"
    return f"{who}: {what}"
