"""Management information for supervisors and administrators: their force's latest figures,
charts of them over time, a five-year projection of the register and a CSV of every day."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases import audit
from cases.models import AuditAction, Force, Role
from dashboards import mi as rules
from dashboards.models import DailySnapshot
from dashboards.services.snapshots import first_and_latest, force_snapshots
from rsom.views import role_required

PERIODS = {"90": ("Last 90 days", 90), "365": ("Last year", 365), "all": ("All figures", None)}
DEFAULT_PERIOD = "365"

# (key, title, figures drawn, unit, fixed top of the scale)
CHARTS = [
    ("register", "Register size", ["register"], "", None),
    (
        "risk",
        "Cases by risk level",
        ["risk_very_high", "risk_high", "risk_medium", "risk_low", "risk_not_assessed"],
        "",
        None,
    ),
    ("management", "Reactive management and MAPPA", ["reactive", "mappa_2", "mappa_3"], "", None),
    ("notifications", "Notifications on time", ["notifications_on_time_pct"], "%", 100),
    (
        "overdue",
        "Home visits overdue and open breaches",
        ["visits_overdue", "breaches_risk_relevant_open", "breaches_technical_open"],
        "",
        None,
    ),
]


@dataclass(frozen=True)
class ChartView:
    chart: rules.Chart
    table: list
    step: int


@dataclass(frozen=True)
class ProjectedRow:
    years: int
    on: date
    size: int
    size_text: str


def _force_of(user) -> Force:
    if not user.force_id:
        raise PermissionDenied("Your account is not linked to a force: ask your administrator")
    return Force.objects.only("name", "code").get(pk=user.force_id)


def _charts(snapshots: list[DailySnapshot]) -> list[ChartView]:
    days = [s.on for s in snapshots]
    out = []
    for key, title, keys, unit, top in CHARTS:
        series = [(rules.FIGURE_LABELS[k], [s.figures.get(k) for s in snapshots]) for k in keys]
        if key == "notifications":
            series = [("Made on time", series[0][1])]
        chart = rules.line_chart(
            key=key, title=title, days=days, series=series, unit=unit, y_max=top
        )
        table, step = rules.sample(chart.rows)
        out.append(ChartView(chart, table, step))
    return out


def _latest_figures(latest: DailySnapshot | None) -> list[tuple[str, str]]:
    if latest is None:
        return []
    rows = []
    for key, label in rules.FIGURES:
        value = latest.figures.get(key)
        if value is None:
            text = "No figure"
        elif key.endswith("_pct"):
            text = f"{value:.1f}%"
        elif isinstance(value, float):
            text = f"{value:,.1f}"
        else:
            text = f"{value:,}"
        rows.append((label, text))
    return rows


@require_GET
@role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)
def mi(request):
    force = _force_of(request.user)
    period = request.GET.get("period", DEFAULT_PERIOD)
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    first, latest = first_and_latest(force.pk)
    snapshots, growth, projected = [], None, []
    if latest is not None:
        days = PERIODS[period][1]
        since = latest.on - timedelta(days=days - 1) if days else None
        snapshots = force_snapshots(force.pk, since)
        growth = rules.growth_rate(
            first_on=first.on,
            first_size=first.figures.get("register"),
            last_on=latest.on,
            last_size=latest.figures.get("register"),
        )
        size = latest.figures.get("register") or 0
        projected = [
            ProjectedRow(row.years, row.on, row.size, f"{row.size:,}")
            for row in rules.projection(size=size, on=latest.on, rate=growth.rate)
        ]
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        request=request,
        description=f"Management information for {force.name}",
    )
    return render(
        request,
        "dashboards/mi_page.html",
        {
            "force": force,
            "latest": latest,
            "latest_figures": _latest_figures(latest),
            "period": period,
            "periods": [(value, label) for value, (label, _) in PERIODS.items()],
            "charts": _charts(snapshots) if snapshots else [],
            "growth": growth,
            "projected": projected,
            "projected_from": f"{(latest.figures.get('register') or 0):,}" if latest else "",
        },
    )


@never_cache
@require_GET
@role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)
def mi_csv(request):
    force = _force_of(request.user)
    snapshots = force_snapshots(force.pk)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        description=(
            f"Management information for {force.name}: {len(snapshots)} days of figures as CSV"
        ),
    )
    filename = f"rsom-figures-{force.code}-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["Date", *(label for _, label in rules.FIGURES)])
    for snapshot in snapshots:
        values = [snapshot.figures.get(key) for key, _ in rules.FIGURES]
        writer.writerow([snapshot.on.isoformat(), *("" if v is None else v for v in values)])
    return response
