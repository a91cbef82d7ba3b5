"""Workload capacity rules (issue 7): the points a case is worth, the points an offender manager
can carry, and how full their caseload is.

Pure functions: plain values in, plain values out, no clock and no database; the force's weights
and settings are passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dashboards.models import DEFAULT_WEIGHTS, WeightCategory

# Statuses (cases.models.NominalStatus values) that decide how a case is managed.
CUSTODY_STATUSES = frozenset({"in_custody", "in_hospital"})
REACTIVE_STATUS = "reactive"
RISK_LEVELS = ("low", "medium", "high", "very_high")
NOT_ASSESSED = "not_assessed"


class Management:
    """How a case is managed, for the dashboard's columns."""

    ACTIVE = "active"
    REACTIVE = "reactive"
    CUSTODY = "custody"
    ALL = (ACTIVE, REACTIVE, CUSTODY)


def management_type(status: str) -> str:
    """Active, reactive, or in custody or hospital (everyone else on the register is active)."""
    if status in CUSTODY_STATUSES:
        return Management.CUSTODY
    if status == REACTIVE_STATUS:
        return Management.REACTIVE
    return Management.ACTIVE


def risk_key(risk_level: str) -> str:
    """The risk level, or "not_assessed" while none is set."""
    if not risk_level:
        return NOT_ASSESSED
    if risk_level not in RISK_LEVELS:
        raise ValueError(f"Unknown risk level {risk_level!r}: expected one of {RISK_LEVELS}.")
    return risk_level


def case_category(*, status: str, risk_level: str) -> WeightCategory:
    """The weight category of a case: custody and reactive cases weigh the same whatever the
    risk; an actively managed case weighs by its risk level."""
    kind = management_type(status)
    if kind == Management.CUSTODY:
        return WeightCategory.IN_CUSTODY
    if kind == Management.REACTIVE:
        return WeightCategory.REACTIVE
    return WeightCategory(risk_key(risk_level))


def mappa_extra(mappa_level: int) -> WeightCategory | None:
    """The extra points category for a case managed at MAPPA level 2 or 3 (none at level 1)."""
    if mappa_level not in (1, 2, 3):
        raise ValueError(f"MAPPA level must be 1, 2 or 3 (got {mappa_level!r}).")
    return {2: WeightCategory.MAPPA_2, 3: WeightCategory.MAPPA_3}.get(mappa_level)


def weights_on(rows: Iterable[tuple[str, Decimal, date]], *, on: date) -> dict[str, Decimal]:
    """The points per category on `on`: for each category the row with the latest effective
    date on or before that day; the default weight where the force has none."""
    chosen: dict[str, tuple[date, Decimal]] = {}
    for category, points, effective_from in rows:
        WeightCategory(category)  # an unknown category is a caller bug
        if points < 0:
            raise ValueError(f"Points cannot be negative (got {points} for {category}).")
        if effective_from <= on and (
            category not in chosen or effective_from > chosen[category][0]
        ):
            chosen[category] = (effective_from, Decimal(points))
    weights = {str(c): p for c, p in DEFAULT_WEIGHTS.items()}
    weights.update({c: points for c, (_, points) in chosen.items()})
    return weights


def case_points(
    *, status: str, risk_level: str, mappa_level: int, weights: Mapping[str, Decimal]
) -> Decimal:
    """The points one case is worth: its category's weight plus any MAPPA level 2/3 extra."""
    points = weights[case_category(status=status, risk_level=risk_level)]
    extra = mappa_extra(mappa_level)
    return points + (weights[extra] if extra else Decimal(0))


def points_for_counts(counts: Mapping[str, int], weights: Mapping[str, Decimal]) -> Decimal:
    """Total points of a caseload given how many cases fall in each category (MAPPA extras
    counted as categories of their own)."""
    total = Decimal(0)
    for category, count in counts.items():
        if count < 0:
            raise ValueError(f"A count cannot be negative (got {count} for {category}).")
        total += weights[WeightCategory(category)] * count
    return total


def hours_on(
    rows: Iterable[tuple[Decimal, date]], *, on: date, full_time_hours: Decimal
) -> Decimal:
    """Contracted hours a week on `on`: the latest row on or before that day; full time when
    none has been recorded."""
    effective = [(start, hours) for hours, start in rows if start <= on]
    return max(effective)[1] if effective else full_time_hours


def reduction_hours_on(
    reductions: Iterable[tuple[Decimal, date, date | None]], *, on: date
) -> Decimal:
    """Hours a week taken off on `on` by reductions running that day (both ends included)."""
    return sum(
        (hours for hours, start, end in reductions if start <= on and (end is None or on <= end)),
        Decimal(0),
    )


def available_points(
    *,
    hours: Decimal,
    reduction_hours: Decimal,
    full_time_hours: Decimal,
    full_time_points: Decimal,
) -> Decimal:
    """The points an offender manager can carry: full-time points in proportion to the hours
    left for casework (never below nothing)."""
    if full_time_hours <= 0 or full_time_points <= 0:
        raise ValueError("Full-time hours and points must both be more than 0.")
    if hours < 0 or reduction_hours < 0:
        raise ValueError("Hours and reductions cannot be negative.")
    working = max(hours - reduction_hours, Decimal(0))
    return (full_time_points * working / full_time_hours).quantize(Decimal("0.01"))


def capacity_percent(*, points: Decimal, available: Decimal) -> int | None:
    """Points as a whole percentage of the points available; None when no hours are left for
    casework (any case at all is then too many)."""
    if points < 0 or available < 0:
        raise ValueError("Points cannot be negative.")
    if available == 0:
        return None
    return int((points * 100 / available).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Capacity:
    """An offender manager's load: points carried, points available, and the percentage."""

    points: Decimal
    available: Decimal

    @property
    def percent(self) -> int | None:
        return capacity_percent(points=self.points, available=self.available)

    @property
    def over(self) -> bool:
        """Over 100 % (as shown, after rounding), or any case with no hours available."""
        percent = self.percent
        return self.points > 0 if percent is None else percent > 100

    @property
    def label(self) -> str:
        percent = self.percent
        if percent is None:
            return "No hours available" if self.points == 0 else "Over (no hours available)"
        return f"{percent} %"

    def __add__(self, other: Capacity) -> Capacity:
        return Capacity(self.points + other.points, self.available + other.available)

    def moved(self, points: Decimal) -> Capacity:
        """The load after gaining (positive) or losing (negative) a case of these points."""
        return Capacity(max(self.points + points, Decimal(0)), self.available)
