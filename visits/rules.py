"""Visit rules (domain.md section 5): when the next home visit is due, whether a warrant under
s.96B may be sought, and whether visits have fallen into a pattern.

Pure functions: plain values in, plain values out, no clock; force settings are passed in.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType

from cases.dates import add_months
from risk.rules import RiskLevel

# Section 5 table; StrEnum keys also match the plain strings "low", "medium", ...
DEFAULT_VISIT_INTERVAL_MONTHS: Mapping[RiskLevel, int] = MappingProxyType(
    {
        RiskLevel.VERY_HIGH: 1,
        RiskLevel.HIGH: 3,
        RiskLevel.MEDIUM: 6,
        RiskLevel.LOW: 12,
    }
)


def _positive_months(label: str, months: object) -> int:
    # A zero or negative interval would make every case permanently overdue.
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"{label} must be a positive whole number of months (got {months!r}).")
    return months


def visit_intervals(configured: Mapping[str, int] | None = None) -> dict[RiskLevel, int]:
    # Section 5 (configurable): a force's table must cover every level and visit higher risk
    # at least as often as lower risk.
    if configured is None:
        return dict(DEFAULT_VISIT_INTERVAL_MONTHS)
    intervals = {
        RiskLevel.parse(key): _positive_months(f"The visit interval for {key} risk", months)
        for key, months in configured.items()
    }
    missing = [level.label for level in RiskLevel if level not in intervals]
    if missing:
        raise ValueError(
            f"Visit intervals must be set for every risk level; missing: {', '.join(missing)}."
        )
    ordered = [intervals[level] for level in RiskLevel]
    if any(lower < higher for lower, higher in pairwise(ordered)):
        message = "A higher risk level must not have a longer visit interval than a lower one."
        raise ValueError(message)
    return intervals


def next_visit_due(
    *,
    risk_level: RiskLevel | str,
    last_completed_visit: date | None,
    risk_set_on: date,
    reactive: bool = False,
    intervals_months: Mapping[str, int] | None = None,
    individual_interval_months: int | None = None,
) -> date | None:
    # Sections 5 and 11: failed attempts never count, so only a completed visit restarts the clock.
    level = RiskLevel.parse(risk_level)
    months = visit_intervals(intervals_months)[level]
    if individual_interval_months is not None:
        months = _positive_months("The individual visit interval", individual_interval_months)
    if reactive:
        return None
    start = last_completed_visit if last_completed_visit is not None else risk_set_on
    return add_months(start, months)


# --- Warrant to enter (s.96B) ---------------------------------------------------------------


class AttemptOutcome(StrEnum):
    NO_ANSWER = "no_answer"
    REFUSED = "refused"
    NOT_PRESENT = "not_present"
    COMPLETED = "completed"


# Section 5: "no answer or refused both count"; not_present (someone answered, the person was out)
# is not a failure to get in, so on the conservative reading it does not count.
WARRANT_COUNTING_OUTCOMES = frozenset({AttemptOutcome.NO_ANSWER, AttemptOutcome.REFUSED})


@dataclass(frozen=True)
class VisitAttempt:
    address: str | int
    on: date
    outcome: AttemptOutcome

    def __post_init__(self) -> None:
        if self.address in ("", None):
            raise ValueError("Every visit attempt needs an address.")
        try:
            outcome = AttemptOutcome(self.outcome)
        except ValueError:
            expected = ", ".join(o.value for o in AttemptOutcome)
            message = f"Unknown visit outcome {self.outcome!r}: expected one of {expected}."
            raise ValueError(message) from None
        object.__setattr__(self, "outcome", outcome)


@dataclass(frozen=True)
class WarrantReadiness:
    ready: bool
    addresses: tuple[str | int, ...]
    qualifying_attempts: tuple[VisitAttempt, ...]
    reason: str


def _fmt(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _counted_at(
    attempts: list[VisitAttempt], absences: list[tuple[date, date]]
) -> list[VisitAttempt]:
    # s.96B: a completed visit answers the need to assess risk, so only later failures count; a
    # failure while the person was away tells nothing about their refusing entry.
    completed = [a.on for a in attempts if a.outcome is AttemptOutcome.COMPLETED]
    after = max(completed, default=date.min)
    return [
        a
        for a in attempts
        if a.outcome in WARRANT_COUNTING_OUTCOMES
        and a.on > after
        and not any(first <= a.on <= last for first, last in absences)
    ]


def _by_address(
    attempts: Iterable[VisitAttempt | tuple[str | int, date, str]],
    addresses: Collection[str | int] | None,
) -> dict[str | int, list[VisitAttempt]]:
    grouped: dict[str | int, list[VisitAttempt]] = {}
    for item in attempts:
        attempt = item if isinstance(item, VisitAttempt) else VisitAttempt(*item)
        if addresses is None or attempt.address in addresses:
            grouped.setdefault(attempt.address, []).append(attempt)
    return grouped


def warrant_readiness(
    *,
    attempts: Iterable[VisitAttempt | tuple[str | int, date, str]],
    person_unavailable: bool,
    addresses: Collection[str | int] | None = None,
    absences: Iterable[tuple[date, date]] = (),
) -> WarrantReadiness:
    # Section 5 (s.96B): two occasions (separate days) at the same address without getting in.
    # addresses: the last notified home and where the person is believed to live or be found
    # (None: the caller has already filtered); absences: (first, last) days in custody, in
    # hospital or abroad.
    spells = list(absences)
    counted = {
        address: _counted_at(group, spells)
        for address, group in _by_address(attempts, addresses).items()
    }
    occasions = {address: sorted({a.on for a in group}) for address, group in counted.items()}
    ready = tuple(sorted((a for a, days in occasions.items() if len(days) >= 2), key=str))
    flat = (a for group in counted.values() for a in group)
    listed = tuple(sorted(flat, key=lambda a: (a.on, str(a.address))))
    if person_unavailable:
        reason = "The person is in custody, in hospital or abroad: s.96B does not apply."
        return WarrantReadiness(False, (), listed, reason)
    if ready:
        dates = ", ".join(_fmt(day) for day in occasions[ready[0]])
        reason = f"Entry failed on {len(occasions[ready[0]])} occasions at {ready[0]} ({dates})."
        return WarrantReadiness(True, ready, listed, reason)
    most = max((len(days) for days in occasions.values()), default=0)
    reason = (
        f"At most {most} failed occasion(s) (no answer or refused) at any one address since the "
        "last completed visit; s.96B needs at least two at the same address."
    )
    return WarrantReadiness(False, (), listed, reason)


# --- Varying visits -------------------------------------------------------------------------


class TimeBand(StrEnum):
    MORNING = "morning"  # 06:00–11:59
    AFTERNOON = "afternoon"  # 12:00–16:59
    EVENING = "evening"  # 17:00–21:59
    NIGHT = "night"  # 22:00–05:59


def time_band(at: time) -> TimeBand:
    # Section 5: bands coarse enough that repeating one is a pattern a person could learn.
    if 6 <= at.hour < 12:
        return TimeBand.MORNING
    if 12 <= at.hour < 17:
        return TimeBand.AFTERNOON
    return TimeBand.EVENING if 17 <= at.hour < 22 else TimeBand.NIGHT


PATTERN_WINDOW = 3  # "recent" = the last three visits or attempts


def _parse_band(band: TimeBand | str) -> TimeBand:
    try:
        return TimeBand(band)
    except ValueError:
        expected = ", ".join(b.value for b in TimeBand)
        raise ValueError(f"Unknown time band {band!r}: expected one of {expected}.") from None


def visit_pattern_warning(recent_visits: Iterable[tuple[date, TimeBand | str]]) -> str | None:
    # Section 5 ("visits vary days and times"): warn when 2 or more of the last 3 share a
    # weekday or a time band; attempts count too, as the person sees them either way.
    visits = sorted((day, _parse_band(band)) for day, band in recent_visits)[-PATTERN_WINDOW:]
    if len(visits) < 2:
        return None
    found = []
    weekday, n = Counter(day.weekday() for day, _ in visits).most_common(1)[0]
    if n >= 2:
        found.append(f"{n} of the last {len(visits)} visits were on a {calendar.day_name[weekday]}")
    band, m = Counter(band for _, band in visits).most_common(1)[0]
    if m >= 2:
        found.append(f"{m} of the last {len(visits)} visits were in the {band.value}")
    if not found:
        return None
    return "; ".join(found) + ". Vary the days and times of visits."
