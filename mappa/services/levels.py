"""A case's MAPPA category and level (domain.md section 7): set by the offender manager or a
supervisor with a rationale, kept as history, the current one copied to the nominal through
cases.services.nominal_update (so the force's MAPPA chairs gain or lose sight of the case), and
the next MAPPA review due stored on MappaReviewDue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, MappaCategory, MappaLevel, Nominal, User
from cases.services import case_event, nominal_update
from mappa import rules
from mappa.models import AgendaItem, MappaLevelChange, MappaReviewDue, MeetingStatus

DAY = "%-d %b %Y"
REVIEWED_LEVELS = (MappaLevel.LEVEL_2, MappaLevel.LEVEL_3)


def _label(category: int, level: int) -> str:
    return f"category {category}, level {level}"


def _check(nominal: Nominal, category, level, rationale: str, set_on: date) -> None:
    errors = {}
    if category not in MappaCategory.values:
        errors["category"] = "Select the MAPPA category: 1, 2, 3 or 4"
    if level not in MappaLevel.values:
        errors["level"] = "Select the MAPPA level: 1, 2 or 3"
    if not rationale:
        errors["rationale"] = "Enter the reasons for this category and level"
    if set_on > timezone.localdate():
        errors["set_on"] = "The date the level takes effect must be today or in the past"
    elif set_on < nominal.date_of_birth:
        errors["set_on"] = (
            "The date the level takes effect must be after the date of birth "
            f"({nominal.date_of_birth:{DAY}})"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def mappa_level_set(
    *,
    acting_user: User,
    nominal: Nominal,
    category: int,
    level: int,
    rationale: str,
    set_on: date | None = None,
) -> tuple[MappaLevelChange, bool]:
    """Record a MAPPA category and level from a date. The latest dated setting becomes the
    case's current one; a back-dated setting fills in the history only. The same setting again
    (a double submission) writes nothing: (change, created)."""
    set_on = set_on or timezone.localdate()
    rationale = (rationale or "").strip()
    _check(nominal, category, level, rationale, set_on)
    locked = Nominal.objects.select_for_update().get(pk=nominal.pk)
    earlier = MappaLevelChange.objects.filter(
        nominal=nominal, category=category, level=level, set_on=set_on, rationale=rationale
    ).first()
    if earlier is not None:
        return earlier, False
    before = (locked.mappa_category, locked.mappa_level)
    change = MappaLevelChange(
        nominal=nominal,
        category=category,
        level=level,
        set_on=set_on,
        rationale=rationale,
        set_by=acting_user,
    )
    change.full_clean()
    change.save()
    latest = MappaLevelChange.objects.filter(nominal=nominal).first()
    current = before
    if latest is not None and latest.pk == change.pk and (category, level) != before:
        nominal_update(
            acting_user=acting_user,
            nominal=locked,
            data={"mappa_category": category, "mappa_level": level},
        )
        current = (category, level)
    nominal.mappa_category, nominal.mappa_level = current
    changes = _changes(before, (category, level))
    summary = _summary(change, before, current)
    case_event(
        nominal=nominal, actor=acting_user, kind="mappa_level_set", summary=summary, changes=changes
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=change,
        nominal_id=nominal.pk,
        description=summary,
        changes=changes,
    )
    mappa_review_refresh(nominal)
    return change, True


def _changes(before: tuple[int, int], after: tuple[int, int]) -> list[dict[str, str]]:
    rows = []
    if before[0] != after[0]:
        rows.append(
            {
                "field": "MAPPA category",
                "old": MappaCategory(before[0]).label,
                "new": MappaCategory(after[0]).label,
            }
        )
    if before[1] != after[1]:
        rows.append(
            {
                "field": "MAPPA level",
                "old": MappaLevel(before[1]).label,
                "new": MappaLevel(after[1]).label,
            }
        )
    return rows


def _summary(change: MappaLevelChange, before: tuple[int, int], current: tuple[int, int]) -> str:
    new = _label(change.category, change.level)
    text = f"MAPPA {_label(*before)} → {new} from {change.set_on:{DAY}}"
    if (change.category, change.level) == before:
        text = f"MAPPA {new} confirmed from {change.set_on:{DAY}}"
    if current != (change.category, change.level):
        # A back-dated entry fills in the history; a later setting still decides the level.
        text += f" (added to the history; the case stays at {_label(*current)})"
    return text


def level_history(nominal: Nominal) -> QuerySet[MappaLevelChange]:
    return MappaLevelChange.objects.filter(nominal=nominal).select_related("set_by")


# --- The next MAPPA review ----------------------------------------------------------------------


@dataclass
class ReviewFacts:
    """What the review dates of a set of cases depend on, read in two queries however many."""

    history: dict[int, list[tuple[int, date]]] = field(default_factory=dict)
    # The last closed meeting that reviewed each case: (held on, next review date it set).
    reviews: dict[int, tuple[date, date | None]] = field(default_factory=dict)


def review_facts(ids: Iterable[int]) -> ReviewFacts:
    ids = list(ids)
    history: dict[int, list[tuple[int, date]]] = defaultdict(list)
    rows = (
        MappaLevelChange.objects.filter(nominal_id__in=ids)
        .order_by("nominal_id", "-set_on", "-created_at", "-pk")
        .values_list("nominal_id", "level", "set_on")
    )
    for pk, level, set_on in rows:
        history[pk].append((level, set_on))
    reviewed = (
        AgendaItem.objects.filter(
            nominal_id__in=ids, minutes_complete=True, meeting__status=MeetingStatus.CLOSED
        )
        .order_by("nominal_id", "-meeting__held_on", "-pk")
        .distinct("nominal_id")
        .values_list("nominal_id", "meeting__held_on", "next_review_on")
    )
    reviews = {pk: (held_on, next_on) for pk, held_on, next_on in reviewed}
    return ReviewFacts(history=dict(history), reviews=reviews)


def review_due_for(nominal: Nominal, facts: ReviewFacts) -> tuple[date | None, str]:
    """The case's next MAPPA review and why, from facts already read (no queries; the force must
    be selected with the case)."""
    level = nominal.mappa_level
    if level not in REVIEWED_LEVELS:
        return rules.review_due(
            level=level,
            level_since=timezone.localdate(),
            last_review_on=None,
            next_review_on=None,
            level2_weeks=nominal.force.mappa_level2_review_weeks,
            level3_weeks=nominal.force.mappa_level3_review_weeks,
        )
    since = rules.level_since(facts.history.get(nominal.pk, []), level)
    recorded = since is not None
    if since is None:
        # Set without a dated record (on the case's details page, say): count from the earliest
        # date that cannot be too late.
        since = timezone.localtime(nominal.created_at).date()
    last_review_on, next_review_on = facts.reviews.get(nominal.pk, (None, None))
    due, why = rules.review_due(
        level=level,
        level_since=since,
        last_review_on=last_review_on,
        next_review_on=next_review_on,
        level2_weeks=nominal.force.mappa_level2_review_weeks,
        level3_weeks=nominal.force.mappa_level3_review_weeks,
        level_since_recorded=recorded,
    )
    return due, why[:300]


def mappa_review_refresh(nominal: Nominal) -> MappaReviewDue:
    """Work out and store the case's next MAPPA review (in the caller's transaction)."""
    fresh = Nominal.objects.select_related("force").get(pk=nominal.pk)
    due, why = review_due_for(fresh, review_facts([fresh.pk]))
    record, _ = MappaReviewDue.objects.update_or_create(
        nominal=fresh, defaults={"due": due, "why": why}
    )
    return record


def stored_review(nominal: Nominal) -> MappaReviewDue | None:
    """The case's stored review row, from a select_related cache when there is one."""
    try:
        return nominal.mappa_review
    except MappaReviewDue.DoesNotExist:
        return None
