"""The nightly snapshot of each force's figures (one DailySnapshot per force a day), kept so
supervisors and forces can see trends.

Set-based: four grouped queries cover every force at once (cases, notifications, breaches,
offender managers), then one read and at most two bulk writes. Safe to run twice or at once: one
run at a time holds an advisory lock; a second run the same day writes nothing unless a figure
changed, and then it brings that force's row up to date (the last run of the day stands).

What the figures mean (as on the day `on`):
- register: cases of the force in a registered status (cases.models.REGISTERED_STATUSES); the
  risk, reactive and MAPPA figures count within it, and risk "not assessed" is a blank level;
- notifications on time: notifications taken in the 30 days up to `on` whose law set a deadline
  (Notification.deadline), and of those the ones taken (local date of taken_at) on or before it;
  the percentage is blank when there were none;
- visits overdue: registered cases whose next home visit was due before `on` (the visits app's
  own definition of overdue, visits.services.planning.due_status_q);
- breaches: by severity, first failing in the 30 days up to `on`, and open (not remedied by `on`);
- cases per offender manager: registered cases with an offender manager, divided by the force's
  active users holding the offender manager role.
Cases and people are counted as they stand when the snapshot runs: `on` chooses the day the
figures are filed under and the day the windows and overdue dates are measured from."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.models import REGISTERED_STATUSES, Nominal, NominalStatus, RiskLevel, Role, User
from dashboards.mi import percentage, ratio
from dashboards.models import DailySnapshot
from notifications.models import Breach, Notification, Severity
from rsom.locks import session_lock
from visits.services.planning import DueStatus, due_status_q

log = logging.getLogger(__name__)

# One snapshot run at a time across every worker (the sweeps use 7_340_001 to 7_340_041).
SNAPSHOT_LOCK = 7_340_071
WINDOW_DAYS = 30


@dataclass(frozen=True)
class SnapshotResult:
    on: date
    ran: bool  # False when another run held the lock and this one did nothing
    forces: int = 0
    created: int = 0
    updated: int = 0

    @property
    def writes(self) -> int:
        return self.created + self.updated

    def as_dict(self) -> dict:
        return {**asdict(self), "on": self.on.isoformat()}

    def __str__(self) -> str:
        day = f"{self.on:%-d %b %Y}"
        if not self.ran:
            return f"Snapshot for {day} not taken: another snapshot is in progress."
        forces = "1 force" if self.forces == 1 else f"{self.forces} forces"
        return (
            f"Snapshot for {day}: {forces}, {self.created} new, "
            f"{self.updated} brought up to date, {self.forces - self.writes} unchanged."
        )


def _snapshot_lock():
    return session_lock(SNAPSHOT_LOCK, "snapshot")


def snapshot_take(on: date | None = None) -> SnapshotResult:
    """Take (or bring up to date) every force's snapshot for `on` (default today)."""
    on = on or timezone.localdate()
    with _snapshot_lock() as held:
        if not held:
            log.info("Snapshot skipped: another run holds the lock")
            return SnapshotResult(on=on, ran=False)
        figures = figures_by_force(on)
        with transaction.atomic():
            existing = {s.force_id: s for s in DailySnapshot.objects.filter(on=on)}
            new, changed = [], []
            for force_id, values in figures.items():
                current = existing.get(force_id)
                if current is None:
                    new.append(DailySnapshot(force_id=force_id, on=on, figures=values))
                elif current.figures != values:
                    current.figures = values
                    changed.append(current)
            # A run that loses a race for a new row leaves the other run's row alone.
            DailySnapshot.objects.bulk_create(new, ignore_conflicts=True)
            DailySnapshot.objects.bulk_update(changed, ["figures"])
        return SnapshotResult(
            on=on, ran=True, forces=len(figures), created=len(new), updated=len(changed)
        )


def figures_by_force(on: date) -> dict[int, dict]:
    """Every force with a case on record, mapped to its figures as on `on`."""
    cases = _case_counts(on)
    notified = _notification_counts(on)
    breaches = _breach_counts(on)
    managers = _manager_counts()
    out = {}
    for force_id, row in cases.items():
        n = notified.get(force_id, {})
        b = breaches.get(force_id, {})
        oms = managers.get(force_id, 0)
        with_deadline, on_time = n.get("with_deadline", 0), n.get("on_time", 0)
        values = {
            "register": row["register"],
            "risk_very_high": row["risk_very_high"],
            "risk_high": row["risk_high"],
            "risk_medium": row["risk_medium"],
            "risk_low": row["risk_low"],
            "risk_not_assessed": row["risk_not_assessed"],
            "reactive": row["reactive"],
            "mappa_2": row["mappa_2"],
            "mappa_3": row["mappa_3"],
            "notifications_with_deadline": with_deadline,
            "notifications_on_time": on_time,
            "notifications_on_time_pct": percentage(on_time, with_deadline),
            "visits_overdue": row["visits_overdue"],
            "breaches_technical_30d": b.get("technical_30d", 0),
            "breaches_risk_relevant_30d": b.get("risk_relevant_30d", 0),
            "breaches_technical_open": b.get("technical_open", 0),
            "breaches_risk_relevant_open": b.get("risk_relevant_open", 0),
            "offender_managers": oms,
            "cases_per_om": ratio(row["allocated"], oms),
        }
        out[force_id] = values
    return out


def _case_counts(on: date) -> dict[int, dict]:
    registered = Q(status__in=REGISTERED_STATUSES)

    def within(**extra) -> Count:
        return Count("pk", filter=registered & Q(**extra))

    overdue = due_status_q(DueStatus.OVERDUE, on=on, due_soon_days=0)
    rows = (
        Nominal.objects.order_by()
        .values("force_id")
        .annotate(
            register=Count("pk", filter=registered),
            risk_very_high=within(risk_level=RiskLevel.VERY_HIGH),
            risk_high=within(risk_level=RiskLevel.HIGH),
            risk_medium=within(risk_level=RiskLevel.MEDIUM),
            risk_low=within(risk_level=RiskLevel.LOW),
            risk_not_assessed=within(risk_level=""),
            reactive=within(status=NominalStatus.REACTIVE),
            mappa_2=within(mappa_level=2),
            mappa_3=within(mappa_level=3),
            visits_overdue=Count("pk", filter=registered & overdue),
            allocated=within(offender_manager__isnull=False),
        )
    )
    return {row.pop("force_id"): row for row in rows}


def _window_start(on: date) -> date:
    return on - timedelta(days=WINDOW_DAYS - 1)


def _notification_counts(on: date) -> dict[int, dict]:
    tz = timezone.get_current_timezone()
    starts = datetime.combine(_window_start(on), time.min, tzinfo=tz)
    ends = datetime.combine(on + timedelta(days=1), time.min, tzinfo=tz)
    rows = (
        Notification.objects.filter(taken_at__gte=starts, taken_at__lt=ends, deadline__isnull=False)
        .order_by()
        .values("nominal__force_id")
        .annotate(
            with_deadline=Count("pk"),
            # As Notification.on_time: the local day it was taken, on or before the deadline.
            on_time=Count("pk", filter=Q(deadline__gte=TruncDate("taken_at", tzinfo=tz))),
        )
    )
    return {row.pop("nominal__force_id"): row for row in rows}


def _breach_counts(on: date) -> dict[int, dict]:
    recent = Q(first_failure_on__gte=_window_start(on), first_failure_on__lte=on)
    still_open = Q(first_failure_on__lte=on) & (Q(remedied_on__isnull=True) | Q(remedied_on__gt=on))
    technical, relevant = Q(severity=Severity.TECHNICAL), Q(severity=Severity.RISK_RELEVANT)
    rows = (
        Breach.objects.order_by()
        .values("nominal__force_id")
        .annotate(
            technical_30d=Count("pk", filter=technical & recent),
            risk_relevant_30d=Count("pk", filter=relevant & recent),
            technical_open=Count("pk", filter=technical & still_open),
            risk_relevant_open=Count("pk", filter=relevant & still_open),
        )
    )
    return {row.pop("nominal__force_id"): row for row in rows}


def _manager_counts() -> dict[int, int]:
    rows = (
        User.objects.filter(is_active=True, force__isnull=False, groups__name=Role.OFFENDER_MANAGER)
        .order_by()
        .values("force_id")
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["force_id"]: row["n"] for row in rows}


# --- Reads --------------------------------------------------------------------------------------


def force_snapshots(force_id: int, since: date | None = None) -> list[DailySnapshot]:
    """A force's snapshots, oldest first (from `since` when given)."""
    rows = DailySnapshot.objects.filter(force_id=force_id)
    if since is not None:
        rows = rows.filter(on__gte=since)
    return list(rows.order_by("on").only("on", "figures"))


def first_and_latest(force_id: int) -> tuple[DailySnapshot | None, DailySnapshot | None]:
    """A force's earliest and latest snapshots (one query)."""
    rows = DailySnapshot.objects.filter(force_id=force_id).only("on", "figures")
    first = rows.order_by("on")[:1]
    latest = rows.order_by("-on")[:1]
    found = list(first.union(latest, all=True))
    if not found:
        return None, None
    found.sort(key=lambda s: s.on)
    return found[0], found[-1]
