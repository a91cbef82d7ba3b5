"""The nightly reactive-management refresh (domain.md section 5): recompute every case's
eligibility in bulk and keep the queue in step with it.

- An eligible case not yet in the queue joins it (its offender manager is told).
- A case waiting in the queue (eligible or proposed) that is no longer eligible drops back, with
  the criteria it now fails kept on its row and the timeline (and the proposer told).
- A snooze that has ended puts the case back where it was.
- A case under reactive management whose status was changed by hand is recorded as returned.

The register is refreshed in parts at once (rsom.sweeps). Safe to run twice or at once: each
part holds its own advisory lock, a row is written only when what it records has changed (a
second run writes nothing), each batch commits on its own, and rows are locked and compared
before they are written, so a decision made meanwhile wins."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.models import (
    AuditAction,
    CaseEvent,
    Force,
    InboxItem,
    Nominal,
    NominalStatus,
    display_name,
)
from risk.models import ReactiveCase, ReactiveStage
from risk.rules import ReturnTrigger
from risk.services.reactive import (
    UNDER_REACTIVE,
    WAITING,
    Assessment,
    assess,
    signature,
    with_reactive_facts,
)
from risk.services.triggers import reactive_return_flag
from rsom import sweeps
from rsom.batches import BATCH_SIZE, rows_of
from rsom.sweeps import Part, Span

log = logging.getLogger(__name__)

# One refresh at a time across every worker (the audit chain uses 7_340_001, the register
# sweep 7_340_002).
REACTIVE_LOCK = 7_340_041

# Every column the refresh may change: one bulk update writes them all for the rows it changes.
_FIELDS = [
    "stage",
    "eligible",
    "criteria",
    "checked_on",
    "proposed_by",
    "proposed_at",
    "snoozed_until",
]


@dataclass(frozen=True)
class RefreshResult:
    on: date
    ran: bool  # False when another refresh held the lock and this one did nothing
    checked: int = 0
    joined: int = 0  # newly eligible
    dropped: int = 0  # no longer eligible, back out of the queue
    unsnoozed: int = 0
    returned: int = 0  # status changed by hand while under reactive management
    updated: int = 0  # every row written, including criteria that changed without a move
    flagged: int = 0  # reactive cases flagged for return because a notification was missed
    parts_skipped: int = 0  # parts another run was refreshing at the same time

    @property
    def writes(self) -> int:
        return self.updated + self.flagged

    def as_dict(self) -> dict:
        return {**asdict(self), "on": self.on.isoformat()}

    def __str__(self) -> str:
        day = self.on.strftime("%-d %b %Y")
        if not self.ran:
            return f"Reactive refresh for {day} not run: another refresh is in progress."
        return (
            f"Reactive refresh for {day}: {self.checked} cases checked, {self.joined} newly "
            f"eligible, {self.dropped} no longer eligible, {self.unsnoozed} snoozes ended, "
            f"{self.returned} recorded as returned, {self.updated} rows written."
        )


def refresh_reactive(
    on: date | None = None, batch_size: int = BATCH_SIZE, parts: int | None = None
) -> RefreshResult:
    """Recompute reactive-management eligibility for every case as on `on` (default today); the
    register in `parts` parts at once (see rsom.sweeps)."""
    return sweeps.run(REACTIVE_SWEEP, on or timezone.localdate(), batch_size, parts)


def refresh_part(part: Part, *, on: date, batch_size: int = BATCH_SIZE) -> RefreshResult:
    """The reactive queue's rows for one part of the register."""
    with sweeps.part_lock(REACTIVE_LOCK, part, "reactive refresh") as held:
        if not held:
            log.info("Reactive refresh, part %d, skipped: another holds it", part.index + 1)
            return RefreshResult(on=on, ran=False)
        forces = Force.objects.in_bulk()
        totals = _Totals()
        totals.checked = sweeps.walk(
            part,
            read=lambda span: _batch(span, batch_size, on, forces),
            work=lambda batch: _refresh_batch(batch, on, totals),
        )
        return RefreshResult(on=on, ran=True, **asdict(totals))


def finish(
    on: date, results: list[RefreshResult], *, batch_size: int = BATCH_SIZE
) -> RefreshResult:
    """After every part: flag the reactive cases whose notification was missed."""
    result = sweeps.added_up(results, on)
    if not result.ran:
        return result
    sweeps.wait_for_skipped_parts(REACTIVE_LOCK, results, "Reactive refresh")
    with sweeps.finish_lock(REACTIVE_LOCK, "reactive refresh") as held:
        if not held:
            log.info("Reactive refresh: another run is flagging missed notifications")
            return result
        return replace(result, flagged=_flag_missed_notifications(on))


REACTIVE_SWEEP = sweeps.Sweep("reactive", refresh_part, finish, RefreshResult)


def _flag_missed_notifications(on: date) -> int:
    """Domain.md section 5: a missed notification flags a reactive case for return. Only cases
    under reactive management whose notification is overdue (the register's stored clock) are
    read; a case already flagged for that date is not flagged again."""
    # Cases already flagged for a missed notification are left out in SQL, so a quiet night
    # reads no case one by one.
    overdue = (
        Nominal.objects.filter(status=NominalStatus.REACTIVE, clock__next_due__lt=on)
        .exclude(
            reactive__return_triggers__contains=[{"trigger": ReturnTrigger.MISSED_NOTIFICATION}]
        )
        .select_related("clock", "reactive")
    )
    flagged = 0
    for nominal in overdue:
        failed_on = nominal.clock.next_due + timedelta(days=1)
        decided = getattr(nominal, "reactive", None)
        if (
            decided is not None
            and decided.stage == ReactiveStage.RETURN_DECLINED
            and decided.decided_at
            and timezone.localtime(decided.decided_at).date() >= failed_on
        ):
            continue  # the supervisor has already kept it reactive knowing of this failure
        with transaction.atomic():
            due = nominal.clock.next_due.strftime("%-d %b %Y")
            flagged += reactive_return_flag(
                nominal=nominal,
                trigger=ReturnTrigger.MISSED_NOTIFICATION,
                summary=f"Missed notification: {nominal.clock.next_due_label} was due by {due}.",
                on=failed_on,
            )
    return flagged


@dataclass
class _Totals:
    checked: int = 0
    joined: int = 0
    dropped: int = 0
    unsnoozed: int = 0
    returned: int = 0
    updated: int = 0
    flagged: int = 0


@dataclass
class _Case:
    """What the refresh reads of each case: its columns and the facts annotated in SQL as plain
    values (model instances for the whole register cost the night seconds), and its row in the
    queue, if any."""

    pk: int
    force: Force
    status: str
    risk_level: str
    mappa_level: int | None
    on_licence: bool
    offender_manager_id: int | None
    reference: str
    display_name: str
    low_risk_since: date | None
    last_concern_on: date | None
    civil_order_in_force: bool
    reactive: ReactiveCase | None


_COLUMNS = [
    "pk",
    "force_id",
    "status",
    "risk_level",
    "mappa_level",
    "on_licence",
    "offender_manager_id",
    "reference",
    "surname",
    "forenames",
    "low_risk_since",
    "last_concern_on",
    "civil_order_in_force",
]


def _batch(span: Span, batch_size: int, on: date, forces: dict[int, Force]) -> list[_Case]:
    # Only cases that can be eligible or are in the queue; a keyset page stays fast throughout.
    candidates = span.of(Nominal.objects).filter(
        Q(status__in=[NominalStatus.ACTIVE, NominalStatus.REACTIVE]) | Q(reactive__isnull=False)
    )
    rows = list(with_reactive_facts(candidates, on).order_by("pk").values(*_COLUMNS)[:batch_size])
    queued = rows_of(ReactiveCase.objects.all(), [row["pk"] for row in rows], field="pk")
    cases = {case.pk: case for case in queued}
    return [
        _Case(
            force=forces[row.pop("force_id")],
            display_name=display_name(row.pop("surname"), row.pop("forenames")),
            reactive=cases.get(row["pk"]),
            **row,
        )
        for row in rows
    ]


@dataclass
class _Move:
    """What the refresh does to one case: its row's new values, and what to say about it."""

    nominal: _Case
    values: dict
    tally: str = "updated"
    summary: str = ""  # for the timeline; empty when only the recorded criteria changed
    tell: list[tuple[int | None, str, str]] = field(default_factory=list)  # (user, title, key)


def _stored(case: _Case) -> ReactiveCase | None:
    return case.reactive


def _facts(case: ReactiveCase | None, assessment: Assessment, on: date) -> dict:
    same = (
        case is not None
        and case.eligible == assessment.eligible
        and signature(case.criteria) == signature(assessment.criteria)
    )
    if same:
        return {}
    return {
        "eligible": assessment.eligible,
        "criteria": list(assessment.criteria),
        "checked_on": on,
    }


def _why_not(assessment: Assessment) -> str:
    return " ".join(assessment.unmet)


def _move(nominal: _Case, on: date) -> _Move | None:
    """The pure decision: what should change for this case tonight, or None."""
    case = _stored(nominal)
    assessment = assess(nominal, on=on)
    facts = _facts(case, assessment, on)
    om = nominal.offender_manager_id
    if case is None:
        if nominal.status == NominalStatus.REACTIVE:
            return _Move(
                nominal,
                {**facts, "stage": ReactiveStage.APPROVED},
                "joined",
                "Under reactive management (recorded by the nightly refresh)",
            )
        if not assessment.eligible:
            return None
        return _Move(
            nominal,
            {**facts, "stage": ReactiveStage.ELIGIBLE},
            "joined",
            "Eligible for reactive management",
            [(om, "eligible for reactive management", f"reactive-eligible:{nominal.pk}:{on}")],
        )
    if (
        case.stage in WAITING
        and not assessment.eligible
        and (case.eligible or case.stage == ReactiveStage.PROPOSED)
    ):
        title, key = (
            "no longer eligible for reactive management",
            f"reactive-dropped:{nominal.pk}:{on}",
        )
        return _Move(
            nominal,
            {**facts, "stage": ReactiveStage.ELIGIBLE, "proposed_by": None, "proposed_at": None},
            "dropped",
            f"No longer eligible for reactive management: {_why_not(assessment)}",
            [(case.proposed_by_id, title, key)] if case.proposed_by_id else [],
        )
    if case.stage == ReactiveStage.ELIGIBLE and assessment.eligible and not case.eligible:
        return _Move(
            nominal,
            facts,
            "joined",
            "Eligible for reactive management",
            [(om, "eligible for reactive management", f"reactive-eligible:{nominal.pk}:{on}")],
        )
    if case.stage == ReactiveStage.SNOOZED and case.snoozed_until and case.snoozed_until <= on:
        return _unsnooze(nominal, case, assessment, facts, on)
    if case.stage in UNDER_REACTIVE and nominal.status != NominalStatus.REACTIVE:
        status = NominalStatus(nominal.status).label.lower()
        return _Move(
            nominal,
            {**facts, "stage": ReactiveStage.RETURNED},
            "returned",
            f"Status changed to {status}: recorded as returned to active management",
        )
    return _Move(nominal, facts) if facts else None


def _unsnooze(
    nominal: _Case, case: ReactiveCase, assessment: Assessment, facts: dict, on: date
) -> _Move:
    proposed = case.proposed_at is not None and assessment.eligible
    values = {
        **facts,
        "stage": ReactiveStage.PROPOSED if proposed else ReactiveStage.ELIGIBLE,
        "snoozed_until": None,
    }
    if not proposed:
        values.update(proposed_by=None, proposed_at=None)
    summary = "Snooze ended: back in the reactive-management queue"
    if not assessment.eligible:
        summary = (
            f"Snooze ended; no longer eligible for reactive management: {_why_not(assessment)}"
        )
    key = f"reactive-unsnoozed:{nominal.pk}:{on}"
    return _Move(
        nominal,
        values,
        "unsnoozed",
        summary,
        [(case.decided_by_id, "decide on reactive management", key)] if case.decided_by_id else [],
    )


def _refresh_batch(batch: list[_Case], on: date, totals: _Totals) -> None:
    moves = [m for m in (_move(n, on) for n in batch) if m is not None]
    if not moves:
        return
    existing = {m.nominal.pk: m for m in moves if _stored(m.nominal) is not None}
    # Rows a decision changed since the batch was read are left for the next run.
    locked = dict(
        ReactiveCase.objects.select_for_update()
        .filter(pk__in=list(existing))
        .order_by("pk")
        .values_list("pk", "stage")
    )
    done = [
        m
        for m in moves
        if m.nominal.pk not in existing or locked.get(m.nominal.pk) == m.nominal.reactive.stage
    ]
    _write_rows(done)
    _write_trail(done, on)
    for move in done:
        setattr(totals, move.tally, getattr(totals, move.tally) + 1)
        if move.tally != "updated":
            totals.updated += 1


def _write_rows(moves: list[_Move]) -> None:
    changed, new = [], []
    for move in moves:
        case = _stored(move.nominal)
        if case is None:
            new.append(ReactiveCase(nominal_id=move.nominal.pk, **move.values))
            continue
        for name, value in move.values.items():
            setattr(case, name, value)
        changed.append(case)
    if changed:
        ReactiveCase.objects.bulk_update(changed, _FIELDS)
    if new:
        # A proposal may create the row meanwhile; it is fresher than ours, so keep it.
        ReactiveCase.objects.bulk_create(new, ignore_conflicts=True)


def _write_trail(moves: list[_Move], on: date) -> None:
    """The timeline, the inboxes and one audit event for the batch: a few statements, however
    many cases moved. The timeline rows are written directly: these kinds are not triggers, so
    the case-event listeners have nothing to hear."""
    told = [m for m in moves if m.summary]
    if not told:
        return
    CaseEvent.objects.bulk_create(
        CaseEvent(
            nominal_id=m.nominal.pk, actor=None, kind="reactive_refreshed", summary=m.summary[:300]
        )
        for m in told
    )
    InboxItem.objects.bulk_create(
        [
            InboxItem(
                user_id=user,
                nominal_id=m.nominal.pk,
                kind="reactive_refresh",
                title=f"{m.nominal.display_name}: {title}"[:200],
                detail=m.summary,
                due=on,
                link=reverse("risk:overview", args=[m.nominal.pk]),
                key=key[:200],
            )
            for m in told
            for user, title, key in m.tell
            if user
        ],
        ignore_conflicts=True,
    )
    audit.record(
        actor=None,
        action=AuditAction.CHANGE,
        description=f"Nightly reactive-management refresh: {len(told)} cases moved",
        changes=[{"field": m.nominal.reference, "old": "", "new": m.summary[:200]} for m in told],
    )
