"""The nightly visit sweep (domain.md section 5): recompute every case's next visit due date in
batches, and tell offender managers which of their cases' visits are overdue.

Set-based: each batch reads its cases, their last completed visits (one aggregate) and their
individual visit frequencies (one query), and works the dates out in Python; a case costs no
query of its own. The register is swept in parts at once (rsom.sweeps).

Safe to run twice or at once: each part holds its own advisory lock, only rows whose due date or
reason changed are written (a second run writes nothing), inbox items carry deterministic keys,
and each batch commits on its own, so a crash loses only the batch it was in."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from django.db import connection
from django.db.models import Max
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.models import REGISTERED_STATUSES, AuditAction, Force, InboxItem, Nominal, display_name
from cases.services import inbox_add_many
from risk.models import RiskManagementPlan
from rsom import sweeps
from rsom.batches import BATCH_SIZE, rows_of
from rsom.sweeps import Part, Span
from visits.models import Visit, VisitDue
from visits.services.due import visit_due_for
from visits.services.planning import DueStatus, due_status

log = logging.getLogger(__name__)

# One sweep at a time across every worker (the audit chain uses 7_340_001, the register sweep
# 7_340_002, the reactive refresh 7_340_041).
VISIT_SWEEP_LOCK = 7_340_004


@dataclass(frozen=True)
class VisitSweepResult:
    on: date
    ran: bool  # False when another sweep held the lock and this one did nothing
    checked: int = 0
    due_dates_changed: int = 0  # rows written, new ones included
    inbox_items_added: int = 0
    failed: int = 0  # cases whose due date could not be worked out (logged; left as they were)
    parts_skipped: int = 0  # parts another run was sweeping at the same time

    @property
    def writes(self) -> int:
        return self.due_dates_changed + self.inbox_items_added

    def as_dict(self) -> dict:
        return {**asdict(self), "on": self.on.isoformat()}

    def __str__(self) -> str:
        day = _fmt(self.on)
        if not self.ran:
            return f"Visit sweep for {day} not run: another sweep is in progress."
        return (
            f"Visit sweep for {day}: {self.checked} cases checked, {self.due_dates_changed} due "
            f"dates changed, {self.inbox_items_added} inbox items added, {self.failed} failed."
        )


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


@dataclass
class _Totals:
    checked: int = 0
    due_dates_changed: int = 0
    inbox_items_added: int = 0
    failed: int = 0


def sweep_visits(
    on: date | None = None, batch_size: int = BATCH_SIZE, parts: int | None = None
) -> VisitSweepResult:
    """Recompute every case's next visit due as on `on` (default today) and fill inboxes; the
    register in `parts` parts at once (see rsom.sweeps)."""
    return sweeps.run(VISIT_SWEEP, on or timezone.localdate(), batch_size, parts)


def sweep_part(part: Part, *, on: date, batch_size: int = BATCH_SIZE) -> VisitSweepResult:
    """The visit due dates and inbox items of one part of the register."""
    with sweeps.part_lock(VISIT_SWEEP_LOCK, part, "visit sweep") as held:
        if not held:
            log.info("Visit sweep, part %d, skipped: another sweep holds it", part.index + 1)
            return VisitSweepResult(on=on, ran=False)
        forces = Force.objects.in_bulk()
        totals = _Totals()
        totals.checked = sweeps.walk(
            part,
            read=lambda span: _batch(span, batch_size, forces),
            work=lambda batch: _sweep_batch(batch, on, totals),
        )
        return VisitSweepResult(on=on, ran=True, **asdict(totals))


def finish(
    on: date, results: list[VisitSweepResult], *, batch_size: int = BATCH_SIZE
) -> VisitSweepResult:
    return sweeps.added_up(results, on)


VISIT_SWEEP = sweeps.Sweep("visits", sweep_part, finish, VisitSweepResult)


@dataclass
class _Case:
    """What the sweep reads of each case: plain values, because model instances for the whole
    register cost the night several seconds."""

    pk: int
    force: Force
    status: str
    risk_level: str
    risk_level_set_on: date | None
    offender_manager_id: int | None
    reference: str
    display_name: str
    stored: tuple[date | None, str] | None  # the stored (due, why), None if none yet


def _batch(span: Span, batch_size: int, forces: dict[int, Force]) -> list[_Case]:
    # Walk by primary key: a keyset page stays fast however far through the register it is.
    rows = list(
        span.of(Nominal.objects)
        .order_by("pk")
        .values_list(
            "pk",
            "force_id",
            "status",
            "risk_level",
            "risk_level_set_on",
            "offender_manager_id",
            "reference",
            "surname",
            "forenames",
        )[:batch_size]
    )
    due = rows_of(VisitDue.objects.all(), [row[0] for row in rows], field="pk")
    stored = {pk: (day, why) for pk, day, why in due.values_list("pk", "due", "why")}
    return [
        _Case(
            pk=pk,
            force=forces[force_id],
            status=status,
            risk_level=level,
            risk_level_set_on=level_set_on,
            offender_manager_id=om,
            reference=reference,
            display_name=display_name(surname, forenames),
            stored=stored.get(pk),
        )
        for pk, force_id, status, level, level_set_on, om, reference, surname, forenames in rows
    ]


# --- The facts, a few queries per batch ---------------------------------------------------------


def _last_completed(ids: Iterable[int]) -> dict[int, date]:
    # Section 5: only a completed visit restarts the interval; failed attempts never do. The
    # local day of the latest visit is the latest local day.
    rows = (
        rows_of(Visit.objects.completed(), ids)
        .values("nominal_id")
        .annotate(last=TruncDate(Max("visited_at")))
        .values_list("nominal_id", "last")
    )
    return dict(rows)


def _individual(ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    rows = rows_of(
        RiskManagementPlan.objects.filter(current=True, visit_interval_months__isnull=False), ids
    ).values_list("nominal_id", "visit_interval_months", "visit_interval_reason")
    return {pk: (months, reason) for pk, months, reason in rows}


def _computed(people: list[_Case] | list[Nominal]) -> dict[int, tuple[date | None, str]]:
    ids = [p.pk for p in people]
    completed, individual = _last_completed(ids), _individual(ids)
    out = {}
    for person in people:
        try:
            due, why = visit_due_for(
                person,
                last_completed=completed.get(person.pk),
                individual=individual.get(person.pk),
            )
        except ValueError:
            # A force's intervals that break the rules stop one case, not the night's sweep.
            log.exception("Visit due date not computed for case %s", person.pk)
            continue
        out[person.pk] = (due, why[:300])
    return out


# --- One batch ----------------------------------------------------------------------------------


def _sweep_batch(batch: list[_Case], on: date, totals: _Totals) -> None:
    computed = _computed(batch)
    totals.failed += len(batch) - len(computed)
    stale, missing = [], []
    for case in batch:
        if case.pk not in computed:
            continue
        if case.stored is None:
            missing.append(case)
        elif case.stored != computed[case.pk]:
            stale.append(case.pk)
    changed = _rewrite(stale, on, computed)
    if missing:
        # A service may create the row meanwhile; its value is as fresh as ours, so keep it.
        VisitDue.objects.bulk_create(
            [
                VisitDue(
                    nominal_id=c.pk, due=computed[c.pk][0], why=computed[c.pk][1], computed_on=on
                )
                for c in missing
            ],
            ignore_conflicts=True,
        )
    written = changed + missing
    totals.due_dates_changed += len(written)
    totals.inbox_items_added += _tell_overdue(batch, computed, on)
    if written:
        audit.record(
            actor=None,
            action=AuditAction.CHANGE,
            description=f"Nightly visit sweep: {len(written)} next visit due dates changed",
            changes=[_change(c, computed[c.pk][0]) for c in written[:200]],
        )


def _change(nominal: _Case | Nominal, due: date | None) -> dict:
    return {"field": nominal.reference, "old": "", "new": _fmt(due) if due else "none"}


def _rewrite(pks: list[int], on: date, computed: dict) -> list[Nominal]:
    """Store the due dates that changed. The rows are locked before the facts are read again, so a
    visit recorded meanwhile is either seen here or refreshes the row after us."""
    if not pks:
        return []
    locked = {
        d.pk: d for d in VisitDue.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    }
    fresh = list(Nominal.objects.filter(pk__in=list(locked)).select_related("force"))
    computed.update(_computed(fresh))
    changed, people = [], []
    for person in fresh:
        row = locked[person.pk]
        if person.pk in computed and (row.due, row.why) != computed[person.pk]:
            row.due, row.why = computed[person.pk]
            changed.append(row)
            people.append(person)
    _store(changed, on)
    return people


def _store(rows: list[VisitDue], on: date) -> None:
    """One UPDATE ... FROM unnest(...) for the batch: bulk_update's CASE per field and row costs
    milliseconds a row, which matters on the night every due date changes."""
    if not rows:
        return
    table = connection.ops.quote_name(VisitDue._meta.db_table)
    sql = (
        f"UPDATE {table} AS d SET due = v.due, why = v.why, computed_on = %s "
        "FROM unnest(%s::bigint[], %s::date[], %s::text[]) AS v(nominal_id, due, why) "
        "WHERE d.nominal_id = v.nominal_id"
    )
    params = [on, [r.pk for r in rows], [r.due for r in rows], [r.why for r in rows]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- The offender manager's inbox ---------------------------------------------------------------


def _tell_overdue(batch: list[_Case], computed: dict, on: date) -> int:
    """A "Visit overdue" item for each allocated offender manager, once per due date."""
    items = []
    for person in batch:
        if person.pk not in computed or person.status not in REGISTERED_STATUSES:
            continue
        if not person.offender_manager_id:
            continue
        due, why = computed[person.pk]
        if due_status(due, on=on, due_soon_days=person.force.due_soon_days) != DueStatus.OVERDUE:
            continue
        items.append(
            InboxItem(
                user_id=person.offender_manager_id,
                nominal_id=person.pk,
                kind="visit_overdue",
                title=f"Visit overdue: {person.display_name}"[:200],
                detail=f"A home visit was due by {_fmt(due)}. {why}",
                due=due,
                link=reverse("visits:case-visits", args=[person.pk]),
                key=f"visit-overdue:{person.pk}:{due.isoformat()}",
            )
        )
    return inbox_add_many(items)
