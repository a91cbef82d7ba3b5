"""The nightly register sweep: recompute every clock in batches, tell offender managers what has
become due, and close the cases whose notification requirements have ended.

The register is swept in parts at once (rsom.sweeps). Safe to run twice or at once: each part
holds its own advisory lock, every write compares with what is stored first (a second run on the
same day writes nothing), and each batch commits on its own, so a crash loses only the batch it
was in and the next run completes the work."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.models import (
    REGISTERED_STATUSES,
    AuditAction,
    Force,
    InboxItem,
    Nominal,
    NominalStatus,
    display_name,
)
from cases.services import case_event, inbox_add_many
from notifications import rules
from notifications.clock import PersonClock
from notifications.history import load_histories
from notifications.models import Clock
from notifications.services import CLOCK_FIELDS, clock_values, compute_clock
from rsom import sweeps
from rsom.batches import BATCH_SIZE, rows_of
from rsom.sweeps import Part, Span

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
    parts_skipped: int = 0  # parts another run was sweeping at the same time

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


def sweep_register(
    on: date | None = None, batch_size: int = BATCH_SIZE, parts: int | None = None
) -> SweepResult:
    """Recompute every person's clock as on `on` (default today) and act on what it shows; the
    register in `parts` parts at once (see rsom.sweeps)."""
    return sweeps.run(REGISTER_SWEEP, on or timezone.localdate(), batch_size, parts)


def sweep_part(part: Part, *, on: date, batch_size: int = BATCH_SIZE) -> SweepResult:
    """The clocks and inbox items of one part of the register."""
    with sweeps.part_lock(SWEEP_LOCK, part, "register sweep") as held:
        if not held:
            log.info("Register sweep, part %d, skipped: another sweep holds it", part.index + 1)
            return SweepResult(on=on, ran=False)
        forces = Force.objects.in_bulk()
        totals = _Totals()
        totals.checked = sweeps.walk(
            part,
            read=lambda span: _batch(span, batch_size, forces),
            work=lambda batch: _sweep_batch(batch, on, totals),
        )
        return SweepResult(on=on, ran=True, **asdict(totals))


def finish(on: date, results: list[SweepResult], *, batch_size: int = BATCH_SIZE) -> SweepResult:
    """After every part: close the cases whose requirements have ended (by then every clock is
    fresh)."""
    result = sweeps.added_up(results, on)
    if not result.ran:
        return result
    sweeps.wait_for_skipped_parts(SWEEP_LOCK, results, "Register sweep")
    with sweeps.finish_lock(SWEEP_LOCK, "register sweep") as held:
        if not held:
            log.info("Register sweep: another run is closing ended cases")
            return result
        ended, told = _end_requirements(on, batch_size)
    return replace(result, inbox_items_added=result.inbox_items_added + told, cases_ended=ended)


REGISTER_SWEEP = sweeps.Sweep("register", sweep_part, finish, SweepResult)


@dataclass
class _Totals:
    checked: int = 0
    clocks_changed: int = 0
    inbox_items_added: int = 0


# --- Clocks -------------------------------------------------------------------------------------


@dataclass
class _Person:
    """What the sweep reads of each person besides their history: plain values, because model
    instances for the whole register cost the night several seconds."""

    pk: int
    force: Force
    date_of_birth: date
    status: str
    offender_manager_id: int | None
    display_name: str
    stored: tuple | None  # the clock's CLOCK_FIELDS as stored, None if it has none yet


def _batch(span: Span, batch_size: int, forces: dict[int, Force]) -> list[_Person]:
    # Walk by primary key: a keyset page stays fast however far through the register it is.
    rows = list(
        span.of(Nominal.objects)
        .order_by("pk")
        .values_list(
            "pk",
            "force_id",
            "date_of_birth",
            "status",
            "offender_manager_id",
            "surname",
            "forenames",
        )[:batch_size]
    )
    clocks = rows_of(Clock.objects.all(), [row[0] for row in rows], field="pk")
    stored = {pk: values for pk, *values in clocks.values_list("pk", *CLOCK_FIELDS)}
    return [
        _Person(
            pk=pk,
            force=forces[force_id],
            date_of_birth=born,
            status=status,
            offender_manager_id=om,
            display_name=display_name(surname, forenames),
            stored=tuple(stored[pk]) if pk in stored else None,
        )
        for pk, force_id, born, status, om, surname, forenames in rows
    ]


def _as_stored(values: dict) -> tuple:
    return tuple(values[name] for name in CLOCK_FIELDS)


def _sweep_batch(batch: list[_Person], on: date, totals: _Totals) -> None:
    histories = load_histories(batch)
    computed = {p.pk: compute_clock(histories[p.pk], on=on) for p in batch}
    stale, missing = [], []
    for person in batch:
        values = clock_values(computed[person.pk])
        if person.stored is None:
            missing.append(Clock(nominal_id=person.pk, computed_on=on, **values))
        elif person.stored != _as_stored(values):
            stale.append(person.pk)
    changed = _rewrite(stale, on, computed)
    if missing:
        # A service may create the row meanwhile; its value is as fresh as ours, so keep it.
        Clock.objects.bulk_create(missing, ignore_conflicts=True)
    wanted = [item for person in batch for item in _inbox_items(person, computed[person.pk], on)]
    totals.clocks_changed += changed + len(missing)
    totals.inbox_items_added += inbox_add_many(wanted)


def _rewrite(pks: list[int], on: date, computed: dict[int, PersonClock]) -> int:
    """Store the clocks that changed. Their rows are locked before the record is read again, so a
    notification recorded meanwhile is either seen here or refreshes the clock after us."""
    if not pks:
        return 0
    locked = {c.pk: c for c in Clock.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    changed = []
    people = Nominal.objects.filter(pk__in=list(locked)).select_related("force")
    for nominal_id, history in load_histories(people).items():
        computed[nominal_id] = compute_clock(history, on=on)
        values = clock_values(computed[nominal_id])
        clock = locked[nominal_id]
        if _as_stored(values) != tuple(getattr(clock, name) for name in CLOCK_FIELDS):
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


def _inbox_items(nominal: _Person | Nominal, clock: PersonClock, on: date) -> list[InboxItem]:
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


def _item(nominal: _Person | Nominal, *, kind: str, title: str, detail: str, due: date, key: str):
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
            told += inbox_add_many([i for i in items if i is not None])
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
