"""The nightly MAPPA review sweep (domain.md section 7): recompute the next review due of every
level 2 and 3 case in batches, and tell offender managers when a review is due soon or overdue.

Set-based: each batch reads its cases, their level histories (one query) and their last closed
reviews (one query), and works the dates out in Python. The register is swept in parts at once
(rsom.sweeps).

Safe to run twice or at once: each part holds its own advisory lock, only rows whose date or
reason changed are written (a second run writes nothing), inbox items carry deterministic keys,
and each batch commits on its own, so a crash loses only the batch it was in."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.models import REGISTERED_STATUSES, AuditAction, InboxItem, Nominal
from cases.services import inbox_add_many
from mappa.models import MappaReviewDue
from mappa.rules import ReviewStatus, review_status
from mappa.services.levels import REVIEWED_LEVELS, review_due_for, review_facts
from rsom import sweeps
from rsom.batches import BATCH_SIZE
from rsom.sweeps import Part, Span

log = logging.getLogger(__name__)

# One sweep at a time across every worker (the audit chain uses 7_340_001, the register sweep
# 7_340_002, the visit sweep 7_340_004, the reactive refresh 7_340_041).
MAPPA_SWEEP_LOCK = 7_340_007


@dataclass(frozen=True)
class MappaSweepResult:
    on: date
    ran: bool  # False when another sweep held the lock and this one did nothing
    checked: int = 0
    due_dates_changed: int = 0  # rows written, new ones included
    inbox_items_added: int = 0
    parts_skipped: int = 0  # parts another run was sweeping at the same time

    @property
    def writes(self) -> int:
        return self.due_dates_changed + self.inbox_items_added

    def as_dict(self) -> dict:
        return {**asdict(self), "on": self.on.isoformat()}

    def __str__(self) -> str:
        day = _fmt(self.on)
        if not self.ran:
            return f"MAPPA review sweep for {day} not run: another sweep is in progress."
        return (
            f"MAPPA review sweep for {day}: {self.checked} cases checked, "
            f"{self.due_dates_changed} review dates changed, {self.inbox_items_added} inbox "
            "items added."
        )


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


@dataclass
class _Totals:
    checked: int = 0
    due_dates_changed: int = 0
    inbox_items_added: int = 0


def sweep_mappa_reviews(
    on: date | None = None, batch_size: int = BATCH_SIZE, parts: int | None = None
) -> MappaSweepResult:
    """Recompute every level 2 and 3 case's next MAPPA review as on `on` (default today), clear
    the date of cases no longer at those levels, and fill inboxes; the register in `parts` parts
    at once (see rsom.sweeps)."""
    return sweeps.run(MAPPA_SWEEP, on or timezone.localdate(), batch_size, parts)


def sweep_part(part: Part, *, on: date, batch_size: int = BATCH_SIZE) -> MappaSweepResult:
    """The review dates and inbox items of one part of the register."""
    with sweeps.part_lock(MAPPA_SWEEP_LOCK, part, "MAPPA review sweep") as held:
        if not held:
            log.info("MAPPA review sweep, part %d, skipped: another holds it", part.index + 1)
            return MappaSweepResult(on=on, ran=False)
        totals = _Totals()
        totals.checked = sweeps.walk(
            part,
            read=lambda span: _batch(span, batch_size),
            work=lambda batch: _sweep_batch(batch, on, totals),
        )
        return MappaSweepResult(on=on, ran=True, **asdict(totals))


def finish(
    on: date, results: list[MappaSweepResult], *, batch_size: int = BATCH_SIZE
) -> MappaSweepResult:
    return sweeps.added_up(results, on)


MAPPA_SWEEP = sweeps.Sweep("mappa reviews", sweep_part, finish, MappaSweepResult)


def _batch(span: Span, batch_size: int) -> list[Nominal]:
    # Level 2 and 3 cases, and any other case still holding a review date to clear; walked by
    # primary key so a page stays fast however far through the register it is.
    people = (
        span.of(Nominal.objects)
        .filter(Q(mappa_level__in=REVIEWED_LEVELS) | Q(mappa_review__due__isnull=False))
        .select_related("force", "mappa_review")
    )
    return list(people.order_by("pk")[:batch_size])


def _stored(nominal: Nominal) -> MappaReviewDue | None:
    try:
        return nominal.mappa_review
    except MappaReviewDue.DoesNotExist:
        return None


def _sweep_batch(batch: list[Nominal], on: date, totals: _Totals) -> None:
    facts = review_facts(p.pk for p in batch)
    computed = {p.pk: review_due_for(p, facts) for p in batch}
    stale = [
        p.pk for p in batch if _stored(p) and (_stored(p).due, _stored(p).why) != computed[p.pk]
    ]
    missing = [
        MappaReviewDue(nominal=p, due=computed[p.pk][0], why=computed[p.pk][1])
        for p in batch
        if _stored(p) is None
    ]
    changed = _rewrite(stale, computed)
    if missing:
        # A service may create the row meanwhile; its value is as fresh as ours, so keep it.
        MappaReviewDue.objects.bulk_create(missing, ignore_conflicts=True)
    written = changed + [m.nominal for m in missing]
    totals.due_dates_changed += len(written)
    totals.inbox_items_added += _tell(batch, computed, on)
    if written:
        audit.record(
            actor=None,
            action=AuditAction.CHANGE,
            description=f"Nightly MAPPA review sweep: {len(written)} review dates changed",
            changes=[_change(p, computed[p.pk][0]) for p in written[:200]],
        )


def _change(nominal: Nominal, due: date | None) -> dict:
    return {"field": nominal.reference, "old": "", "new": _fmt(due) if due else "none"}


def _rewrite(pks: list[int], computed: dict) -> list[Nominal]:
    """Store the review dates that changed. The rows are locked and the facts read again, so a
    meeting closed meanwhile is either seen here or refreshes the row after us."""
    if not pks:
        return []
    locked = {
        r.pk: r
        for r in MappaReviewDue.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    }
    fresh = list(Nominal.objects.filter(pk__in=list(locked)).select_related("force"))
    facts = review_facts(locked)
    rows, people = [], []
    for person in fresh:
        computed[person.pk] = review_due_for(person, facts)
        row = locked[person.pk]
        if (row.due, row.why) != computed[person.pk]:
            row.due, row.why = computed[person.pk]
            rows.append(row)
            people.append(person)
    if rows:
        MappaReviewDue.objects.bulk_update(rows, ["due", "why"])
    return people


def _tell(batch: list[Nominal], computed: dict, on: date) -> int:
    """A "due soon" and then an "overdue" item for each allocated offender manager, once per
    review date."""
    items = []
    for person in batch:
        due, why = computed[person.pk]
        if person.status not in REGISTERED_STATUSES or not person.offender_manager_id:
            continue
        status = review_status(due, on=on, due_soon_days=person.force.due_soon_days)
        if status not in (ReviewStatus.OVERDUE, ReviewStatus.DUE_SOON):
            continue
        overdue = status == ReviewStatus.OVERDUE
        items.append(
            InboxItem(
                user_id=person.offender_manager_id,
                nominal_id=person.pk,
                kind="mappa_review_overdue" if overdue else "mappa_review_due",
                title=(
                    f"MAPPA review {'overdue' if overdue else 'due soon'}: {person.display_name}"
                )[:200],
                detail=f"The MAPPA review is due by {_fmt(due)}. {why}",
                due=due,
                link=reverse("mappa:case-mappa", args=[person.pk]),
                key=f"mappa-review-{status}:{person.pk}:{due.isoformat()}",
            )
        )
    return inbox_add_many(items)
