"""Planning home visits (domain.md section 5): each case's visit status, the offender manager's
overdue and upcoming visits by area, planning a visit (warning when visits fall into a pattern)
and cancelling a planned one."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from cases import audit
from cases.models import (
    CASE_ROLES,
    REGISTERED_STATUSES,
    Address,
    AuditAction,
    Nominal,
    Role,
    User,
)
from cases.selectors import current_home_address, team_managers, with_current_postcode
from cases.services import case_event
from cases.validators import normalise_postcode
from visits import rules
from visits.models import Band, Visit, VisitDue, VisitStatus
from visits.services.due import visit_due_refresh

# "Upcoming" on the offender manager's visits page: due within this many days.
UPCOMING_DAYS = 30
# A visit is planned at most this far ahead: a later date is almost always a typing slip.
PLAN_AHEAD_DAYS = 366
# Planned, or being recorded: visits not yet made.
OPEN_STATUSES = (VisitStatus.PLANNED, VisitStatus.DRAFT)


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


# --- The visit status of a case: defined here once ---------------------------------------------


class DueStatus(models.TextChoices):
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    UP_TO_DATE = "up_to_date", "Not due yet"


def _window(on: date, due_soon_days: int) -> tuple[date, date]:
    # Section 5: the due date itself is still in time, so a visit is overdue from the day after;
    # due soon means due within the force's warning period.
    return on, on + timedelta(days=due_soon_days)


def due_status(due: date | None, *, on: date, due_soon_days: int) -> DueStatus | None:
    """The status of a visit due on `due` as on `on` (None: no routine visit due)."""
    if due is None:
        return None
    overdue_before, soon_until = _window(on, due_soon_days)
    if due < overdue_before:
        return DueStatus.OVERDUE
    if due <= soon_until:
        return DueStatus.DUE_SOON
    return DueStatus.UP_TO_DATE


def due_status_q(
    status: DueStatus, *, on: date, due_soon_days: int, field: str = "visit_due__due"
) -> Q:
    """The same status as a filter on a date column (by default a case's next visit due)."""
    overdue_before, soon_until = _window(on, due_soon_days)
    if status == DueStatus.OVERDUE:
        return Q(**{f"{field}__lt": overdue_before})
    if status == DueStatus.DUE_SOON:
        return Q(**{f"{field}__gte": overdue_before, f"{field}__lte": soon_until})
    return Q(**{f"{field}__gt": soon_until})


def stored_due(nominal: Nominal) -> VisitDue | None:
    """The case's stored VisitDue row, read from a select_related cache when there is one."""
    try:
        return nominal.visit_due
    except VisitDue.DoesNotExist:
        return None


def visit_due_of(nominal: Nominal) -> VisitDue:
    """The case's next visit due and why, computed now if it has never been stored."""
    return VisitDue.objects.filter(nominal=nominal).first() or visit_due_refresh(nominal)


# --- A case's visits ---------------------------------------------------------------------------


def open_visits(nominal: Nominal) -> QuerySet[Visit]:
    """Planned visits and visits being recorded, soonest first."""
    return (
        Visit.objects.filter(nominal=nominal, status__in=OPEN_STATUSES)
        .select_related("address", "co_attendee", "created_by")
        .order_by(F("planned_for").asc(nulls_last=True), "pk")
    )


def visit_history(nominal: Nominal) -> QuerySet[Visit]:
    """Recorded visits and failed attempts, newest first."""
    return (
        Visit.objects.recorded()
        .filter(nominal=nominal)
        .select_related("address", "recorded_by", "co_attendee")
        .order_by(F("visited_at").desc(nulls_last=True), "-pk")
    )


def seen_band(visit: Visit) -> rules.TimeBand:
    """The time band a recorded visit or attempt fell in, from when it happened."""
    return rules.time_band(timezone.localtime(visit.visited_at).time())


def seen_day(visit: Visit) -> date:
    return timezone.localtime(visit.visited_at).date()


def recent_visits(nominal: Nominal) -> list[tuple[date, rules.TimeBand]]:
    """(day, band) of the last visits and attempts: what the person has seen of the pattern."""
    latest = (
        Visit.objects.recorded()
        .filter(nominal=nominal)
        .order_by(F("visited_at").desc(nulls_last=True), "-pk")
        .only("visited_at")[: rules.PATTERN_WINDOW]
    )
    return [(seen_day(v), seen_band(v)) for v in latest]


def pattern_warning(nominal: Nominal) -> str | None:
    # Section 5: visits vary days and times.
    return rules.visit_pattern_warning(recent_visits(nominal))


def plan_pattern_warning(
    recent: list[tuple[date, rules.TimeBand]], planned_for: date, band: str
) -> str | None:
    """The warning for a planned visit: shown only when its weekday or band repeats one of the
    recent visits it would sit with (section 5: vary days and times)."""
    window = sorted(recent)[-(rules.PATTERN_WINDOW - 1) :]
    repeats = any(day.weekday() == planned_for.weekday() or seen == band for day, seen in window)
    if not repeats:
        return None
    return rules.visit_pattern_warning([*window, (planned_for, band)])


# --- Planning choices ---------------------------------------------------------------------------


def visitable_addresses(nominal: Nominal, on: date | None = None) -> QuerySet[Address]:
    """The case's current addresses (home first): where a visit can be planned."""
    on = on or timezone.localdate()
    return (
        Address.objects.filter(nominal=nominal)
        .exclude(to_date__lt=on)
        .annotate(is_home=Q(kind__in=[Address.Kind.HOME, Address.Kind.NO_FIXED_ABODE]))
        .order_by("-is_home", "-from_date", "-pk")
    )


def default_address(nominal: Nominal) -> Address | None:
    return current_home_address(nominal)


def co_attendees(nominal: Nominal, acting_user: User) -> QuerySet[User]:
    """Officers of the case's force who work cases, other than the one planning."""
    return (
        User.objects.filter(
            is_active=True, force_id=nominal.force_id, groups__name__in=list(CASE_ROLES)
        )
        .exclude(pk=acting_user.pk)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


# --- Planning and cancelling --------------------------------------------------------------------


def _check_plan(
    *,
    acting_user: User,
    nominal: Nominal,
    planned_for: date,
    time_band: str,
    co_attendee: User | None,
    address: Address | None,
) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if nominal.status not in REGISTERED_STATUSES:
        status = nominal.get_status_display().lower()
        errors["planned_for"] = f"Visits cannot be planned: the case is closed ({status})"
    elif not isinstance(planned_for, date):
        errors["planned_for"] = "Enter the date of the visit"
    elif planned_for < today:
        errors["planned_for"] = "The date of the visit must be today or in the future"
    elif planned_for > today + timedelta(days=PLAN_AHEAD_DAYS):
        errors["planned_for"] = "The date of the visit must be within a year from today"
    if time_band not in Band.values:
        errors["time_band"] = "Select the time of day: morning, afternoon, evening or night"
    if co_attendee is not None and (
        co_attendee.pk == acting_user.pk
        or not co_attendees(nominal, acting_user).filter(pk=co_attendee.pk).exists()
    ):
        errors["co_attendee"] = (
            "Select another officer of your force who works cases, or leave it blank"
        )
    if address is not None and not visitable_addresses(nominal).filter(pk=address.pk).exists():
        errors["address"] = "Select one of the case's current addresses"
    if errors:
        raise ValidationError(errors)


def _describe(visit: Visit) -> str:
    kind = "announced" if visit.announced else "unannounced"
    return f"{_fmt(visit.planned_for)}, {visit.get_time_band_display().lower()}, {kind}"


@transaction.atomic
def visit_plan(
    *,
    acting_user: User,
    nominal: Nominal,
    planned_for: date,
    time_band: str,
    announced: bool,
    co_attendee: User | None = None,
    address: Address | None = None,
    client_key: uuid.UUID | None = None,
) -> tuple[Visit, bool]:
    """Plan a visit: (visit, created). A second press of the button (the same form token, or the
    same case, day and time band planned by the same officer) returns the visit already planned."""
    # One plan at a time per case, so a double submission finds the first one.
    Nominal.objects.select_for_update(no_key=True).filter(pk=nominal.pk).values_list("pk").get()
    if client_key is not None:
        earlier = Visit.objects.filter(client_key=client_key).first()
        if earlier is not None:
            if earlier.nominal_id != nominal.pk:
                raise ValidationError({"client_key": "This key was used for another case"})
            return earlier, False
    earlier = Visit.objects.filter(
        nominal=nominal,
        status=VisitStatus.PLANNED,
        planned_for=planned_for,
        time_band=time_band,
        created_by=acting_user,
    ).first()
    if earlier is not None:
        return earlier, False
    if address is None:
        address = default_address(nominal)
    _check_plan(
        acting_user=acting_user,
        nominal=nominal,
        planned_for=planned_for,
        time_band=time_band,
        co_attendee=co_attendee,
        address=address,
    )
    visit = Visit(
        nominal=nominal,
        status=VisitStatus.PLANNED,
        planned_for=planned_for,
        time_band=time_band,
        announced=bool(announced),
        co_attendee=co_attendee,
        address=address,
        created_by=acting_user,
        client_key=client_key or uuid.uuid4(),
    )
    visit.full_clean()
    visit.save()
    changes = [
        {"field": "Visit planned", "old": "", "new": _describe(visit)},
        {"field": "Address", "old": "", "new": str(address or "No current address")},
    ]
    if co_attendee is not None:
        changes.append({"field": "With", "old": "", "new": str(co_attendee)})
    summary = f"Visit planned for {_describe(visit)}"
    case_event(
        nominal=nominal,
        actor=acting_user,
        kind="visit_planned",
        summary=summary,
        changes=changes,
        subject=visit,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=visit,
        nominal_id=nominal.pk,
        description=summary,
        changes=changes,
    )
    return visit, True


@transaction.atomic
def visit_cancel(*, acting_user: User, visit: Visit, reason: str) -> bool:
    """Cancel a planned visit with a reason (kept on the timeline and in the audit trail).
    Returns False when it was already cancelled."""
    reason = (reason or "").strip()
    locked = (
        Visit.objects.select_for_update(no_key=True, of=("self",))
        .select_related("nominal")
        .get(pk=visit.pk)
    )
    if locked.status == VisitStatus.CANCELLED:
        return False
    if locked.status != VisitStatus.PLANNED:
        raise ValidationError(
            {"reason": "Only a planned visit can be cancelled: this one is already recorded"}
        )
    if not reason:
        raise ValidationError({"reason": "Enter why the visit is cancelled"})
    Visit.objects.filter(pk=locked.pk).update(
        status=VisitStatus.CANCELLED, updated_at=timezone.now()
    )
    visit.status = VisitStatus.CANCELLED
    changes = [
        {"field": "Status", "old": VisitStatus.PLANNED.label, "new": VisitStatus.CANCELLED.label},
        {"field": "Reason", "old": "", "new": reason[:300]},
    ]
    summary = f"Planned visit for {_fmt(locked.planned_for)} cancelled: {reason}"
    case_event(
        nominal=locked.nominal,
        actor=acting_user,
        kind="visit_cancelled",
        summary=summary,
        changes=changes,
        subject=locked,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=locked,
        nominal_id=locked.nominal_id,
        description=summary,
        changes=changes,
    )
    return True


# --- The offender manager's visits --------------------------------------------------------------


def postcode_district(postcode: str | None) -> str:
    """The outward code of a postcode ("RG1" of "RG1 4XX"): the area a round of visits covers."""
    if not postcode:
        return ""
    return normalise_postcode(postcode).split(" ")[0]


def _district_order(district: str) -> tuple:
    # RG2 before RG10; cases with no postcode last.
    match = re.match(r"^([A-Z]+)(\d+)(.*)$", district)
    if not district:
        return (1, "", 0, "")
    if not match:
        return (0, district, 0, "")
    letters, number, rest = match.groups()
    return (0, letters, int(number), rest)


@dataclass
class DueRow:
    """One case on the visits page: when its visit is due and what is planned."""

    nominal: Nominal
    due: date | None
    why: str
    status: DueStatus | None
    postcode: str
    district: str
    planned: list[Visit] = field(default_factory=list)


@dataclass
class Area:
    district: str
    rows: list[DueRow]


@dataclass
class VisitsList:
    on: date
    manager: User | None
    overdue: list[DueRow]
    upcoming: list[DueRow]
    planned: list[Visit]
    rows: list[DueRow]

    def areas(self) -> list[Area]:
        """Every case on the list, in sections per postcode district (sorted)."""
        grouped: dict[str, list[DueRow]] = {}
        for row in self.rows:
            grouped.setdefault(row.district, []).append(row)
        return [
            Area(district, grouped[district]) for district in sorted(grouped, key=_district_order)
        ]


class NotInYourTeams(Exception):
    """The offender manager asked for is not in the supervisor's teams."""


def visits_manager(user: User, manager_id: str | int | None) -> User | None:
    """Whose visits the user lists: an offender manager their own unless they name another;
    a supervisor, a member of their teams they name, or (None) the whole of their teams.
    NotInYourTeams for anyone else."""
    if manager_id in (None, ""):
        return user if user.has_role(Role.OFFENDER_MANAGER) else None
    try:
        wanted = int(manager_id)
    except (TypeError, ValueError):
        raise NotInYourTeams from None
    if wanted == user.pk and user.has_role(Role.OFFENDER_MANAGER):
        return user
    if not user.has_role(Role.SUPERVISOR):
        raise NotInYourTeams
    found = team_managers(user).filter(pk=wanted).first()
    if found is None:
        raise NotInYourTeams
    return found


def _cases_of(user: User, manager: User | None) -> QuerySet[Nominal]:
    visible = Nominal.objects.visible_to(user).filter(status__in=REGISTERED_STATUSES)
    if manager is None:
        return visible.filter(team__in=user.teams.all())
    return visible.filter(offender_manager=manager)


def visits_list(user: User, manager: User | None, *, on: date | None = None) -> VisitsList:
    """The manager's cases (or, with no manager, the supervisor's teams' cases), as the user may
    see them, with a visit overdue, due within UPCOMING_DAYS or planned: two queries however
    many cases."""
    on = on or timezone.localdate()
    until = on + timedelta(days=UPCOMING_DAYS)
    planned_open = Visit.objects.filter(nominal=OuterRef("pk"), status=VisitStatus.PLANNED)
    cases = with_current_postcode(
        _cases_of(user, manager)
        .filter(Q(visit_due__due__lte=until) | Q(Exists(planned_open)))
        .select_related("visit_due", "offender_manager")
    ).order_by(F("visit_due__due").asc(nulls_last=True), "surname", "forenames", "pk")
    cases = list(cases)
    planned = list(
        Visit.objects.filter(nominal__in=[n.pk for n in cases], status=VisitStatus.PLANNED)
        .select_related("address", "co_attendee")
        .order_by("planned_for", "time_band", "pk")
    )
    days = user.force.due_soon_days if user.force_id else 14
    rows = []
    for nominal in cases:
        stored = stored_due(nominal)
        due = stored.due if stored else None
        row = DueRow(
            nominal=nominal,
            due=due,
            why=stored.why if stored else "",
            status=due_status(due, on=on, due_soon_days=days),
            postcode=nominal.home_postcode or "",
            district=postcode_district(nominal.home_postcode),
        )
        rows.append(row)
    by_case = {row.nominal.pk: row for row in rows}
    for visit in planned:
        row = by_case[visit.nominal_id]
        visit.nominal = row.nominal  # each row's case, without a query per visit
        row.planned.append(visit)
    return VisitsList(
        on=on,
        manager=manager,
        overdue=[r for r in rows if r.status == DueStatus.OVERDUE],
        upcoming=[r for r in rows if r.due is not None and on <= r.due <= until],
        planned=planned,
        rows=rows,
    )
