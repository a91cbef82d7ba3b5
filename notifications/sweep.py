"""The nightly register sweep: recompute every clock in batches, tell offender managers what has
become due, and close the cases whose notification requirements have ended.

Safe to run twice or at once: one sweep at a time holds an advisory lock, every write compares
with what is stored first (a second run on the same day writes nothing), and each batch commits on
its own, so a crash loses only the batch it was in and the next run completes the work."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.models import (
    REGISTERED_STATUSES,
    Address,
    AuditAction,
    InboxItem,
    Nominal,
    NominalStatus,
)
from cases.services import case_event
from notifications import rules
from notifications.clock import PersonClock
from notifications.models import (
    Absence,
    CivilOrder,
    Clock,
    Conviction,
    IndefiniteReview,
    Notification,
    OpenDeadline,
)
from notifications.services import CLOCK_FIELDS, CLOCK_PREFETCH, clock_values, compute_clock
from rsom.locks import session_lock

log = logging.getLogger(__name__)

# One sweep at a time across every worker (the audit chain uses 7_340_001).
SWEEP_LOCK = 7_340_002


@dataclass(frozen=True)
class SweepResult:
    on: date
    ran: bool  # False when another sweep held the lock and this one did nothing
    checked: int = 0
    clocks_changed: int = 0
    inbox_items_added: int = 0
    cases_ended: int = 0

    @property
    def writes(self) -> int:
        return self.clocks_changed + self.inbox_items_added + self.cases_ended

    def as_dict(self) -> dict:
        return {**asdict(self), "on": self.on.isoformat()}

    def __str__(self) -> str:
        if not self.ran:
            return f"Register sweep for {_fmt(self.on)} not run: another sweep is in progress."
        return (
            f"Register sweep for {_fmt(self.on)}: {self.checked} people checked, "
            f"{self.clocks_changed} clocks changed, {self.inbox_items_added} inbox items added, "
            f"{self.cases_ended} cases closed (notification requirements ended)."
        )


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


def _sweep_lock():
    return session_lock(SWEEP_LOCK, "register sweep")


def sweep_register(on: date | None = None, batch_size: int = 1000) -> SweepResult:
    """Recompute every person's clock as on `on` (default today) and act on what it shows."""
    on = on or timezone.localdate()
    if batch_size < 1:
        raise ValueError("The batch size must be at least 1.")
    with _sweep_lock() as held:
        if not held:
            log.info("Register sweep skipped: another sweep holds the lock")
            return SweepResult(on=on, ran=False)
        checked = changed = added = 0
        last_pk = 0
        while True:
            with transaction.atomic():
                batch = _batch(last_pk, batch_size)
                if not batch:
                    break
                counts = _sweep_batch(batch, on=on)
            last_pk = batch[-1].pk
            checked += len(batch)
            changed += counts[0]
            added += counts[1]
        ended, told = _end_requirements(on, batch_size)
        return SweepResult(
            on=on,
            ran=True,
            checked=checked,
            clocks_changed=changed,
            inbox_items_added=added + told,
            cases_ended=ended,
        )


# --- Clocks -------------------------------------------------------------------------------------


# Only the columns compute_clock reads: the sweep reads every person's whole history each night.
_LEAN = {
    "convictions": Conviction.objects.only(
        "nominal_id",
        "relevant_date",
        "last_day",
        "indefinite",
        "period_months",
        "period_explanation",
        "age_on_relevant_date",
        "threshold_met",
    ),
    "absences": Absence.objects.only("nominal_id", "kind", "first_day", "last_day"),
    "notifications": Notification.objects.only("nominal_id", "taken_at", "type"),
    "open_deadlines": OpenDeadline.objects.filter(met_by__isnull=True, closed_on__isnull=True).only(
        "nominal_id", "kind", "due", "why", "met_by_id", "closed_on"
    ),
    "reviews": IndefiniteReview.objects.only("nominal_id", "outcome", "requirements_end_on"),
    "addresses": Address.objects.only("nominal_id", "kind", "from_date", "to_date"),
    "civil_orders": CivilOrder.objects.only(
        "nominal_id",
        "type",
        "made_on",
        "served_on",
        "ends_on",
        "discharged_on",
        "replaced_by_id",
        "foreign_conviction_on",
        "foreign_disposal",
        "foreign_custody_months",
    ),
}


def _with_history(people: list[Nominal]) -> list[Nominal]:
    """Attach each person's register history (CLOCK_PREFETCH) with one query per relation.

    This fills the same cache prefetch_related does, without the queryset it builds for every
    person and relation: at 150,000 people those cost more than the clocks themselves. Rows keep
    their model's ordering, so the clock comes out exactly as clock_refresh computes it."""
    ids = [p.pk for p in people]
    caches: dict[int, dict[str, list]] = {pk: {} for pk in ids}
    for name in CLOCK_PREFETCH:
        relation = Nominal._meta.get_field(name)
        if not (relation.one_to_many and relation.auto_created):
            prefetch_related_objects(people, name)  # anything else: Django's own prefetch
            continue
        key = relation.field.attname
        queryset = _LEAN.get(name, relation.related_model._default_manager.all())
        for pk in ids:
            caches[pk][name] = []
        for row in queryset.filter(**{f"{key}__in": ids}):
            caches[getattr(row, key)][name].append(row)
    for person in people:
        person._prefetched_objects_cache = {
            **getattr(person, "_prefetched_objects_cache", {}),
            **caches[person.pk],
        }
    return people


def _people(queryset) -> list[Nominal]:
    return _with_history(list(queryset))


def _batch(last_pk: int, batch_size: int) -> list[Nominal]:
    # Walk by primary key: a keyset page stays fast however far through the register it is.
    people = Nominal.objects.filter(pk__gt=last_pk).select_related("force", "clock")
    return _people(people.order_by("pk")[:batch_size])


def _stored(nominal: Nominal) -> Clock | None:
    try:
        return nominal.clock
    except Clock.DoesNotExist:
        return None


def _differs(clock: Clock, values: dict) -> bool:
    return any(getattr(clock, name) != values[name] for name in CLOCK_FIELDS)


def _sweep_batch(batch: list[Nominal], *, on: date) -> tuple[int, int]:
    computed = {n.pk: compute_clock(n, on=on) for n in batch}
    stale, missing = [], []
    for nominal in batch:
        stored = _stored(nominal)
        if stored is None:
            missing.append(
                Clock(nominal=nominal, computed_on=on, **clock_values(computed[nominal.pk]))
            )
        elif _differs(stored, clock_values(computed[nominal.pk])):
            stale.append(nominal.pk)
    changed = _rewrite(stale, on, computed)
    if missing:
        # A service may create the row meanwhile; its value is as fresh as ours, so keep it.
        Clock.objects.bulk_create(missing, ignore_conflicts=True)
    wanted = [item for nominal in batch for item in _inbox_items(nominal, computed[nominal.pk], on)]
    return changed + len(missing), _inbox_add_all(wanted)


def _rewrite(pks: list[int], on: date, computed: dict[int, PersonClock]) -> int:
    """Store the clocks that changed. Their rows are locked before the record is read again, so a
    notification recorded meanwhile is either seen here or refreshes the clock after us."""
    if not pks:
        return 0
    locked = {c.pk: c for c in Clock.objects.select_for_update().filter(pk__in=pks)}
    changed = []
    for nominal in _people(Nominal.objects.filter(pk__in=list(locked)).select_related("force")):
        computed[nominal.pk] = compute_clock(nominal, on=on)
        values = clock_values(computed[nominal.pk])
        clock = locked[nominal.pk]
        if _differs(clock, values):
            for name, value in values.items():
                setattr(clock, name, value)
            clock.computed_on = on
            changed.append(clock)
    _store(changed)
    return len(changed)


def _store(clocks: list[Clock]) -> None:
    """One UPDATE ... FROM (VALUES ...) for the batch. bulk_update's CASE per field and row costs
    milliseconds a row to build, which matters on the night every clock changes."""
    if not clocks:
        return
    fields = [Clock._meta.get_field(name) for name in [*CLOCK_FIELDS, "computed_on"]]
    quote = connection.ops.quote_name
    key = quote(Clock._meta.pk.column)
    columns = [quote(f.column) for f in fields]
    row = (
        "("
        + ", ".join(
            [f"%s::{Clock._meta.pk.db_type(connection)}"]
            + [f"%s::{f.db_type(connection)}" for f in fields]
        )
        + ")"
    )
    params = []
    for clock in clocks:
        params.append(clock.pk)
        params.extend(f.get_db_prep_save(getattr(clock, f.attname), connection) for f in fields)
    sql = (
        f"UPDATE {quote(Clock._meta.db_table)} AS c SET "
        + ", ".join(f"{c} = v.{c}" for c in columns)
        + f" FROM (VALUES {', '.join([row] * len(clocks))}) AS v({key}, {', '.join(columns)})"
        + f" WHERE c.{key} = v.{key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- The offender manager's inbox ---------------------------------------------------------------


def _case_link(nominal_id: int) -> str:
    return reverse("cases:nominal-detail", args=[nominal_id])


def _inbox_items(nominal: Nominal, clock: PersonClock, on: date) -> list[InboxItem]:
    """What the allocated offender manager should hear about this case today."""
    if nominal.status not in REGISTERED_STATUSES or not nominal.offender_manager_id:
        return []
    items = []
    nearest = clock.next_deadline
    status = nearest and rules.clock_status(
        due=nearest.due, on=on, due_soon_days=nominal.force.due_soon_days
    )
    if status == rules.ClockStatus.OVERDUE:
        # s.91: failing to notify is an offence from the day after the deadline.
        failed = _fmt(rules.first_day_of_failure(nearest.due))
        title = "Notification overdue"
        detail = f"{nearest.label} was due by {_fmt(nearest.due)}; the failure began on {failed}."
    elif status == rules.ClockStatus.DUE_SOON:
        title = "Notification due soon"
        detail = f"{nearest.label} is due by {_fmt(nearest.due)}."
    if status in (rules.ClockStatus.OVERDUE, rules.ClockStatus.DUE_SOON):
        items.append(
            _item(
                nominal,
                kind=f"notification_{status}",
                title=title,
                detail=f"{detail} {nearest.why}",
                due=nearest.due,
                key=f"clock:{nominal.pk}:{status}:{nearest.due.isoformat()}",
            )
        )
    if clock.ending_soon and not clock.indefinite and clock.last_day:
        items.append(
            _item(
                nominal,
                kind="requirements_ending",
                title="Requirements end soon",
                detail=f"The notification requirements end after {_fmt(clock.last_day)}. "
                f"{clock.requirement_why}",
                due=clock.last_day,
                key=f"clock:{nominal.pk}:ending:{clock.last_day.isoformat()}",
            )
        )
    return items


def _item(nominal: Nominal, *, kind: str, title: str, detail: str, due: date, key: str):
    return InboxItem(
        user_id=nominal.offender_manager_id,
        nominal_id=nominal.pk,
        kind=kind,
        title=f"{title}: {nominal.display_name}"[:200],
        detail=detail,
        due=due,
        link=_case_link(nominal.pk),
        key=key[:200],
    )


def _inbox_add_all(items: list[InboxItem]) -> int:
    """Add the items not already there (done or not), in one statement; returns how many."""
    if not items:
        return 0
    have = set(
        InboxItem.objects.filter(
            user_id__in={i.user_id for i in items}, key__in=[i.key for i in items]
        ).values_list("user_id", "key")
    )
    new = [i for i in items if (i.user_id, i.key) not in have]
    if new:
        InboxItem.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- End of requirements (s.82; s.91C for a discharge on review) --------------------------------


def _finished(on: date) -> dict[int, date]:
    # s.82: subject until the last day of the period (s.91C: a discharge on review ends it, and
    # the clock knows); the stored clocks are fresh by now.
    return dict(
        Nominal.objects.registered()
        .filter(
            clock__subject=False,
            clock__indefinite=False,
            clock__last_day__lt=on,
        )
        .values_list("pk", "clock__last_day")
    )


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


CLOSE_CHUNK = 100


def _end_requirements(on: date, batch_size: int) -> tuple[int, int]:
    """Close each case whose requirements have ended: the case is kept, never deleted."""
    ending = _finished(on)
    ended = told = 0
    # Small chunks: each closure appends to the audit chain, whose lock every audited request
    # shares until the chunk commits.
    for chunk in _chunks(sorted(ending), min(batch_size, CLOSE_CHUNK)):
        with transaction.atomic():
            people = list(
                Nominal.objects.select_for_update()
                .filter(pk__in=chunk, status__in=REGISTERED_STATUSES)
                .order_by("pk")
            )
            if not people:
                continue
            Nominal.objects.filter(pk__in=[p.pk for p in people]).update(
                status=NominalStatus.NOTIFICATION_ENDED, updated_at=timezone.now()
            )
            items = [_close(person, ending[person.pk]) for person in people]
            ended += len(people)
            told += _inbox_add_all([i for i in items if i is not None])
    return ended, told


def _close(nominal: Nominal, last_day: date) -> InboxItem | None:
    change = {
        "field": "Status",
        "old": nominal.get_status_display(),
        "new": NominalStatus.NOTIFICATION_ENDED.label,
    }
    summary = f"Notification requirements ended on {_fmt(last_day)}"
    case_event(
        nominal=nominal, actor=None, kind="notification_ended", summary=summary, changes=[change]
    )
    audit.record(
        actor=None,
        action=AuditAction.CHANGE,
        obj=nominal,
        description="Nightly sweep: notification requirements ended",
        changes=[change],
    )
    if not nominal.offender_manager_id:
        return None
    return _item(
        nominal,
        kind="requirements_ended",
        title="Notification requirements ended",
        detail=f"{summary}. The case is closed and its record kept.",
        due=last_day,
        key=f"clock:{nominal.pk}:ended:{last_day.isoformat()}",
    )
