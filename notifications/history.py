"""Each person's register history as the clock reads it, loaded for one person or a whole batch.

The nightly sweep reads the history of everyone on the register (about fifteen rows a person).
As model instances those rows cost more than the clocks themselves, so they are read as plain
named rows, one query per relation for the whole batch. clock_refresh loads one person through the
same code, so the sweep and the services always compute the same clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models.functions import TruncDate

from cases.models import Address, Force, Nominal
from notifications.models import (
    Absence,
    CivilOrder,
    Conviction,
    IndefiniteReview,
    Notification,
    OpenDeadline,
)
from rsom.batches import rows_of


@dataclass
class History:
    """One person's rows, in their model's order (the stored deadlines keep it) except
    notifications."""

    force: Force
    date_of_birth: date
    # Only convictions, cautions and findings that meet the notification threshold.
    convictions: list[Any] = field(default_factory=list)
    absences: list[Any] = field(default_factory=list)
    # Each with `day`, the local date it was taken.
    notifications: list[Any] = field(default_factory=list)
    open_deadlines: list[Any] = field(default_factory=list)
    discharges: list[Any] = field(default_factory=list)
    home_addresses: list[Any] = field(default_factory=list)
    civil_orders: list[Any] = field(default_factory=list)


# Each relation: the rows the clock reads and the columns it reads of them.
_RELATIONS = {
    "convictions": (
        Conviction.objects.filter(threshold_met=True),
        [
            "relevant_date",
            "last_day",
            "indefinite",
            "period_months",
            "period_explanation",
            "age_on_relevant_date",
        ],
    ),
    "absences": (Absence.objects.all(), ["kind", "first_day", "last_day"]),
    "notifications": (
        # The day in local time, as the person was told it: a 00:30 BST notification counts
        # for that day, not the day before in UTC. Unordered: the clock takes the latest and the
        # first after release whatever the order, and sorting ten rows a person costs the sweep.
        Notification.objects.annotate(day=TruncDate("taken_at")).order_by(),
        ["day", "type"],
    ),
    "open_deadlines": (
        OpenDeadline.objects.filter(met_by__isnull=True, closed_on__isnull=True),
        ["kind", "due", "why"],
    ),
    "discharges": (
        IndefiniteReview.objects.filter(outcome="discharged", requirements_end_on__isnull=False),
        ["requirements_end_on"],
    ),
    "home_addresses": (
        Address.objects.filter(kind__in=["home", "no_fixed_abode"]),
        ["pk", "kind", "from_date", "to_date"],
    ),
    "civil_orders": (
        CivilOrder.objects.all(),
        [
            "pk",
            "type",
            "made_on",
            "served_on",
            "ends_on",
            "discharged_on",
            "replaced_by_id",
            "foreign_conviction_on",
            "foreign_disposal",
            "foreign_custody_months",
        ],
    ),
}


def load_histories(people: Iterable[Nominal]) -> dict[int, History]:
    """Each person's history by primary key: one query per relation, whatever the number of
    people. Load each person's `force` with them (select_related or prefetch_related)."""
    histories = {p.pk: History(force=p.force, date_of_birth=p.date_of_birth) for p in people}
    for name, (queryset, columns) in _RELATIONS.items():
        for row in rows_of(queryset, histories).values_list("nominal_id", *columns, named=True):
            history = histories.get(row.nominal_id)
            if history is not None:
                getattr(history, name).append(row)
    return histories


def load_history(nominal_id: int) -> History:
    person = Nominal.objects.select_related("force").get(pk=nominal_id)
    return load_histories([person])[nominal_id]
