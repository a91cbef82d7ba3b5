"""MAPPA rules (domain.md section 7): how often a level 2 or 3 case is reviewed, when its next
review is due, and what complete minutes contain. Plain values in, plain values out; the force's
settings are passed in by the caller."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

# The plan agreed at a meeting: the four headings of the risk management plan, then contingency.
PLAN_HEADINGS: list[tuple[str, str]] = [
    ("supervision", "Supervision"),
    ("monitoring", "Monitoring and control"),
    ("interventions", "Interventions and treatment"),
    ("victim_safety", "Victim safety planning"),
]
PLAN_KEYS: list[str] = [key for key, _ in PLAN_HEADINGS] + ["contingency"]


def _day(on: date) -> str:
    return on.strftime("%-d %b %Y")


def review_interval_weeks(level: int, *, level2_weeks: int, level3_weeks: int) -> int | None:
    """Weeks between reviews at a level (None at level 1: no MAPPA meeting reviews it)."""
    if isinstance(level, bool) or level not in (1, 2, 3):
        raise ValueError(f"Unknown MAPPA level {level!r}: expected 1, 2 or 3.")
    for weeks in (level2_weeks, level3_weeks):
        if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
            raise ValueError(f"A review interval must be a whole number of weeks, not {weeks!r}.")
    # Section 7: level 2 at least every 16 weeks, level 3 every 8 (force settings).
    return {1: None, 2: level2_weeks, 3: level3_weeks}[level]


def latest_next_review(
    held_on: date, *, level: int, level2_weeks: int, level3_weeks: int
) -> date | None:
    """The latest next review a meeting on `held_on` may set for a case at `level`."""
    weeks = review_interval_weeks(level, level2_weeks=level2_weeks, level3_weeks=level3_weeks)
    return held_on + timedelta(weeks=weeks) if weeks else None


def level_since(history: list[tuple[int, date]], level: int) -> date | None:
    """When the case's current level took effect, from its history latest first: a later
    setting at the same level (a change of category, say) does not restart the clock. None when
    the history does not end at `level` (it was changed without a dated record)."""
    if not history or history[0][0] != level:
        return None
    since = history[0][1]
    for earlier_level, earlier_on in history[1:]:
        if earlier_level != level:
            break
        since = earlier_on
    return since


def review_due(
    *,
    level: int,
    level_since: date,
    last_review_on: date | None,
    next_review_on: date | None,
    level2_weeks: int,
    level3_weeks: int,
    level_since_recorded: bool = True,
) -> tuple[date | None, str]:
    """The next MAPPA review due and why. Counted from the last meeting that reviewed the case
    at its current level (the date that meeting set, never later than the interval allows), or
    else from the date the level took effect."""
    weeks = review_interval_weeks(level, level2_weeks=level2_weeks, level3_weeks=level3_weeks)
    if weeks is None:
        return None, (
            "Level 1: managed by the agencies' ordinary arrangements, so no MAPPA meeting "
            "review is due."
        )
    every = f"Level {level} cases are reviewed at least every {weeks} weeks"
    if last_review_on is not None and last_review_on >= level_since:
        latest = last_review_on + timedelta(weeks=weeks)
        if next_review_on is not None and last_review_on < next_review_on <= latest:
            return (
                next_review_on,
                f"Next review set at the MAPPA meeting on {_day(last_review_on)}.",
            )
        return latest, f"{every}: counted from the MAPPA meeting on {_day(last_review_on)}."
    if level_since_recorded:
        start = f"level {level} set on {_day(level_since)} (no meeting has reviewed it since)"
    else:
        start = (
            f"{_day(level_since)}, when the record was created: no dated change to level "
            f"{level} is recorded"
        )
    return level_since + timedelta(weeks=weeks), f"{every}: counted from {start}."


class ReviewStatus(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_DUE = "not_due"


def review_status(due: date | None, *, on: date, due_soon_days: int) -> ReviewStatus | None:
    """Overdue from the day after the due date; due soon within the force's warning period."""
    if due is None:
        return None
    if due < on:
        return ReviewStatus.OVERDUE
    if due <= on + timedelta(days=due_soon_days):
        return ReviewStatus.DUE_SOON
    return ReviewStatus.NOT_DUE


def next_review_problem(
    next_review_on: date, *, held_on: date, level: int, level2_weeks: int, level3_weeks: int
) -> str | None:
    """Why a next review date cannot be set at a meeting on `held_on` (None: it can)."""
    if next_review_on <= held_on:
        return f"The next review date must be after the meeting ({_day(held_on)})"
    latest = latest_next_review(
        held_on, level=level, level2_weeks=level2_weeks, level3_weeks=level3_weeks
    )
    if latest is not None and next_review_on > latest:
        weeks = (latest - held_on).days // 7
        return (
            f"The next review date must be on or before {_day(latest)}: level {level} cases "
            f"are reviewed at least every {weeks} weeks"
        )
    return None


def minutes_missing(
    *,
    discussion: str,
    decisions: list[tuple[str, str]],
    plan: dict[str, str],
    next_review_on: date | None,
) -> dict[str, str]:
    """What complete minutes for a case still lack, by the part they are missing from: the
    discussion, at least one decision with its rationale, the plan's four headings and
    contingency, and the next review date. Empty: the minutes are complete."""
    missing: dict[str, str] = {}
    if not (discussion or "").strip():
        missing["discussion"] = "Enter the discussion"
    if not any((d or "").strip() and (r or "").strip() for d, r in decisions):
        missing["decisions"] = "Record at least one decision, with its rationale"
    for key, label in PLAN_HEADINGS:
        if not str(plan.get(key) or "").strip():
            missing[key] = f"Enter the plan for {label.lower()}"
    if not str(plan.get("contingency") or "").strip():
        missing["contingency"] = "Enter the contingency plan"
    if next_review_on is None:
        missing["next_review_on"] = "Enter the next review date"
    return missing
