"""Named read paths for the supervisor's team dashboard and capacity pages.

Every figure is defined once, as a filter (`figure_q`): the dashboard counts with it (one
aggregate query for the whole team) and the list behind each figure filters with it, so a figure
and its list always agree. Nothing here runs a query per case or per offender manager.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from cases.models import REGISTERED_STATUSES, Force, Nominal, User
from cases.selectors import team_managers
from dashboards import capacity as rules
from dashboards.capacity import Capacity, Management
from dashboards.models import CapacitySettings, CaseWeight, Reduction, WeightCategory, WorkingHours
from risk.models import ActionStatus, PlanAction
from visits.services.planning import DueStatus, due_status_q

RISK_KEYS = (*rules.RISK_LEVELS, rules.NOT_ASSESSED)
RISK_LABELS = {
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "very_high": "Very high",
    "not_assessed": "Not assessed",
}
MANAGEMENT_LABELS = {
    Management.ACTIVE: "Active",
    Management.REACTIVE: "Reactive",
    Management.CUSTODY: "Custody or hospital",
}
# The work a figure can be about, and how the list behind it is headed.
DUE_LABELS = {
    "visits": "Home visits overdue",
    "notifications": "Notifications due or overdue",
    "notifications_overdue": "Notifications overdue",
    "arms": "ARMS reviews due",
    "actions": "Open risk plan actions",
}
MAPPA_EXTRAS = frozenset({WeightCategory.MAPPA_2, WeightCategory.MAPPA_3})
# The overdue-by-risk-level grid's rows.
GRID_ROWS = ("visits", "notifications_overdue", "arms")


# --- Each figure, defined once --------------------------------------------------------------


def risk_q(key: str) -> Q:
    """Cases at a risk level ("not_assessed": none set yet); the same rule as capacity.risk_key."""
    if key == rules.NOT_ASSESSED:
        return Q(risk_level="")
    if key not in rules.RISK_LEVELS:
        raise ValueError(f"Unknown risk level {key!r}")
    return Q(risk_level=key)


def management_q(kind: str) -> Q:
    """Cases managed actively, reactively or in custody/hospital (capacity.management_type)."""
    custody = Q(status__in=rules.CUSTODY_STATUSES)
    reactive = Q(status=rules.REACTIVE_STATUS)
    if kind == Management.CUSTODY:
        return custody
    if kind == Management.REACTIVE:
        return reactive
    if kind == Management.ACTIVE:
        return ~custody & ~reactive
    raise ValueError(f"Unknown management type {kind!r}")


def open_actions() -> QuerySet[PlanAction]:
    """Open actions of each case's current risk management plan (older versions are history)."""
    return PlanAction.objects.filter(status=ActionStatus.OPEN, plan__current=True)


def due_q(kind: str, *, on: date, due_soon_days: int) -> Q:
    """Cases with work of `kind` due: overdue visits (visits.services.planning's definition),
    notifications due within the force's warning period or overdue, notifications overdue
    (notifications.rules.clock_status: overdue from the day after the due date), ARMS reviews
    due within the warning period or overdue, and open plan actions."""
    soon = on + timedelta(days=due_soon_days)
    if kind == "visits":
        return due_status_q(DueStatus.OVERDUE, on=on, due_soon_days=due_soon_days)
    if kind == "notifications":
        return Q(clock__next_due__lte=soon)
    if kind == "notifications_overdue":
        return Q(clock__next_due__lt=on)
    if kind == "arms":
        return Q(arms_due__due__lte=soon)
    if kind == "actions":
        return Q(Exists(open_actions().filter(plan__nominal=OuterRef("pk"))))
    raise ValueError(f"Unknown kind of work {kind!r}")


def category_q(category: str) -> Q:
    """Cases counted in a weight category (capacity.case_category and capacity.mappa_extra)."""
    if category == WeightCategory.IN_CUSTODY:
        return management_q(Management.CUSTODY)
    if category == WeightCategory.REACTIVE:
        return management_q(Management.REACTIVE)
    if category == WeightCategory.MAPPA_2:
        return Q(mappa_level=2)
    if category == WeightCategory.MAPPA_3:
        return Q(mappa_level=3)
    return management_q(Management.ACTIVE) & risk_q(category)


# --- The team's cases --------------------------------------------------------------------------


def team_cases(user: User) -> QuerySet[Nominal]:
    """The cases on the register in the supervisor's teams (what counts towards caseloads)."""
    return Nominal.objects.visible_to(user).filter(
        team__in=user.teams.all(), status__in=REGISTERED_STATUSES
    )


def filtered_cases(
    cases: QuerySet[Nominal],
    *,
    on: date,
    due_soon_days: int,
    manager: str = "",
    risk: str = "",
    management: str = "",
    due: str = "",
) -> QuerySet[Nominal]:
    """The cases behind a figure: `manager` is a user id or "none" (not allocated)."""
    if manager == "none":
        cases = cases.filter(offender_manager__isnull=True)
    elif manager:
        cases = cases.filter(offender_manager_id=int(manager))
    if risk:
        cases = cases.filter(risk_q(risk))
    if management:
        cases = cases.filter(management_q(management))
    if due:
        cases = cases.filter(due_q(due, on=on, due_soon_days=due_soon_days))
    return cases


def open_action_count() -> Subquery:
    """The number of open plan actions of each case, as a subquery on the case."""
    actions = (
        open_actions()
        .filter(plan__nominal=OuterRef("pk"))
        .order_by()
        .values("plan__nominal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(actions, output_field=IntegerField())


def with_list_columns(
    cases: QuerySet[Nominal], *, on: date, due_soon_days: int
) -> QuerySet[Nominal]:
    """What the list behind a figure shows, in the same query."""
    arms_due = due_q("arms", on=on, due_soon_days=due_soon_days)
    return cases.select_related(
        "force", "offender_manager", "visit_due", "clock", "arms_due"
    ).annotate(
        open_action_count=Coalesce(open_action_count(), 0),
        arms_is_due=ExpressionWrapper(arms_due, output_field=BooleanField()),
    )


# --- Capacity -----------------------------------------------------------------------------------


def capacity_settings(force: Force) -> CapacitySettings:
    """The force's capacity settings, made with the defaults the first time they are needed."""
    found, _ = CapacitySettings.objects.get_or_create(force=force)
    return found


def capacity_settings_of(user: User) -> CapacitySettings:
    """The user's force's capacity settings, read with the force itself (one query, which also
    fills `user.force`)."""
    found = CapacitySettings.objects.select_related("force").filter(force_id=user.force_id).first()
    if found is None:
        found = capacity_settings(user.force)
    user.force = found.force
    return found


def weights_for(force: Force, *, on: date) -> dict[str, Decimal]:
    rows = CaseWeight.objects.filter(force=force, effective_from__lte=on).values_list(
        "category", "points", "effective_from"
    )
    return rules.weights_on(rows, on=on)


def available_for(
    user_ids: Iterable[int], *, on: date, settings: CapacitySettings
) -> dict[int, Decimal]:
    """Points each user can carry on `on`: contracted hours and running reductions are read
    together in one query, whatever the number of users."""
    ids = list(user_ids)
    no_end = Value(None, output_field=DateField())
    hours = (
        WorkingHours.objects.filter(user_id__in=ids, effective_from__lte=on)
        .annotate(kind=Value("hours"), end=no_end)
        .values_list("kind", "user_id", "hours", "effective_from", "end")
    )
    running = (
        Reduction.objects.filter(user_id__in=ids, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .annotate(kind=Value("reduction"))
        .values_list("kind", "user_id", "hours", "starts_on", "ends_on")
    )
    contracted: dict[int, list] = defaultdict(list)
    reductions: dict[int, list] = defaultdict(list)
    for kind, user_id, value, start, end in hours.union(running, all=True):
        if kind == "hours":
            contracted[user_id].append((value, start))
        else:
            reductions[user_id].append((value, start, end))
    full_hours = settings.full_time_hours
    return {
        user_id: rules.available_points(
            hours=rules.hours_on(contracted[user_id], on=on, full_time_hours=full_hours),
            reduction_hours=rules.reduction_hours_on(reductions[user_id], on=on),
            full_time_hours=full_hours,
            full_time_points=settings.full_time_points,
        )
        for user_id in ids
    }


def category_counts(cases: QuerySet[Nominal], *, by: str = "offender_manager_id") -> dict:
    """{group: {category: count}} for every weight category, in one query."""
    counts = {str(c): Count("pk", filter=category_q(c)) for c in WeightCategory}
    rows = cases.order_by().values(by).annotate(**counts)
    return {row[by]: {c: row[c] for c in counts} for row in rows}


@dataclass(frozen=True)
class Load:
    """An offender manager's whole caseload in the force, weighed."""

    capacity: Capacity
    caseload: int
    counts: dict[str, int]  # cases in each weight category (MAPPA extras as their own)


def loads(
    user_ids: Iterable[int],
    *,
    force: Force,
    on: date,
    settings: CapacitySettings | None = None,
) -> dict[int, Load]:
    """Each user's load on `on`, from all their cases in the force (four queries, whatever the
    number of users or cases)."""
    ids = list(user_ids)
    settings = settings or capacity_settings(force)
    weights = weights_for(force, on=on)
    cases = Nominal.objects.filter(
        force=force, offender_manager_id__in=ids, status__in=REGISTERED_STATUSES
    )
    counts = category_counts(cases)
    available = available_for(ids, on=on, settings=settings)
    result = {}
    for user_id in ids:
        mine = counts.get(user_id) or {str(c): 0 for c in WeightCategory}
        points = rules.points_for_counts(mine, weights)
        caseload = sum(n for c, n in mine.items() if c not in MAPPA_EXTRAS)
        result[user_id] = Load(Capacity(points, available[user_id]), caseload, mine)
    return result


def nominal_points(nominal: Nominal, *, weights: dict[str, Decimal]) -> Decimal:
    """The points the case is worth (nothing once it has left the register)."""
    if nominal.status not in REGISTERED_STATUSES:
        return Decimal(0)
    return rules.case_points(
        status=nominal.status,
        risk_level=nominal.risk_level,
        mappa_level=nominal.mappa_level,
        weights=weights,
    )


@dataclass(frozen=True)
class PreviewLine:
    """One manager's capacity before and after a case moves."""

    who: str
    before: Capacity
    after: Capacity

    @property
    def text(self) -> str:
        return f"{self.who}: from {self.before.label} to {self.after.label}"


def reallocation_preview(nominal: Nominal, new_manager: User, on: date) -> list[PreviewLine]:
    """What moving the case to `new_manager` does to the current and the new manager's
    capacity (the current one first; nothing changes when it is already theirs)."""
    current = nominal.offender_manager
    ids = [u.pk for u in (current, new_manager) if u is not None]
    found = loads(ids, force=nominal.force, on=on)
    points = nominal_points(nominal, weights=weights_for(nominal.force, on=on))
    if current is not None and current.pk == new_manager.pk:
        same = found[current.pk].capacity
        return [PreviewLine(str(current), same, same)]
    lines = []
    if current is not None:
        before = found[current.pk].capacity
        lines.append(PreviewLine(str(current), before, before.moved(-points)))
    before = found[new_manager.pk].capacity
    lines.append(PreviewLine(str(new_manager), before, before.moved(points)))
    return lines


# --- The team dashboard ------------------------------------------------------------------------


@dataclass
class ManagerRow:
    """One offender manager's line on the dashboard (manager None: cases not allocated)."""

    manager: User | None
    counts: dict[str, int] = field(default_factory=dict)
    open_actions: int = 0
    capacity: Capacity | None = None
    load: Load | None = None

    @property
    def manager_param(self) -> str:
        return str(self.manager.pk) if self.manager else "none"


@dataclass
class TeamDashboard:
    rows: list[ManagerRow]
    totals: ManagerRow
    grid: dict[str, dict[str, int]]  # {row kind: {risk key: count}}
    guideline: int
    on: date


def _figure_counts(on: date, due_soon_days: int) -> dict[str, Count]:
    figures: dict[str, Q] = {f"risk:{key}": risk_q(key) for key in RISK_KEYS}
    figures |= {f"management:{kind}": management_q(kind) for kind in Management.ALL}
    for kind in ("visits", "notifications", "notifications_overdue", "arms"):
        due = due_q(kind, on=on, due_soon_days=due_soon_days)
        figures[f"due:{kind}"] = due
        if kind in GRID_ROWS:
            figures |= {f"grid:{kind}:{key}": due & risk_q(key) for key in RISK_KEYS}
    return (
        {"caseload": Count("pk")}
        | {name: Count("pk", filter=q) for name, q in figures.items()}
        | {"open_actions": Sum(open_action_count())}
    )


def team_dashboard(user: User, *, on: date) -> TeamDashboard:
    """Every figure of the supervisor's teams, by offender manager, in a fixed number of queries
    (the team's managers, one aggregate over the cases, one over open actions, and the capacity
    inputs) whatever the size of the team."""
    settings = capacity_settings_of(user)
    force = settings.force
    cases = team_cases(user)
    per_manager = {
        row.pop("offender_manager_id"): row
        for row in cases.order_by()
        .values("offender_manager_id")
        .annotate(**_figure_counts(on, force.due_soon_days))
    }
    actions = {pk: row.pop("open_actions") or 0 for pk, row in per_manager.items()}
    managers = list(team_managers(user).prefetch_related(None))
    known = {m.pk for m in managers}
    strays = [pk for pk in per_manager if pk is not None and pk not in known]
    if strays:  # allocated to someone no longer an offender manager in the team
        managers += list(User.objects.filter(pk__in=strays).order_by("last_name", "first_name"))
    rows = [ManagerRow(m, per_manager.get(m.pk, {}), actions.get(m.pk, 0)) for m in managers]
    if None in per_manager:
        rows.append(ManagerRow(None, per_manager[None], actions.get(None, 0)))
    _add_capacity(rows, force=force, on=on, settings=settings)
    totals = _totals(rows)
    grid = {
        kind: {key: totals.counts.get(f"grid:{kind}:{key}", 0) for key in RISK_KEYS}
        for kind in GRID_ROWS
    }
    return TeamDashboard(rows, totals, grid, force.caseload_guideline, on)


def _add_capacity(
    rows: list[ManagerRow], *, force: Force, on: date, settings: CapacitySettings
) -> None:
    """Capacity counts each manager's whole caseload in the force (a manager may also carry
    cases of a team this supervisor does not supervise)."""
    ids = [row.manager.pk for row in rows if row.manager]
    found = loads(ids, force=force, on=on, settings=settings)
    for row in rows:
        if row.manager is not None:
            row.load = found[row.manager.pk]
            row.capacity = row.load.capacity


def _totals(rows: list[ManagerRow]) -> ManagerRow:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        for name, value in row.counts.items():
            counts[name] += value
    managed = [row.capacity for row in rows if row.capacity is not None]
    team = sum(managed[1:], managed[0]) if managed else None
    return ManagerRow(None, dict(counts), sum(row.open_actions for row in rows), team)
