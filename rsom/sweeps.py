"""Running a nightly sweep over the register in parts, so that every core shares the night's work.

Each sweep (the register, visits, reactive management, MAPPA reviews) is a `Sweep`: a function
that works through one run of people (a `Part`, by id) in batches, and a function that adds up
the parts' results and does what must wait for all of them. The parts run at once: in forked
processes when a command or the benchmark runs the sweep, as a Celery chord at night
(`rsom.tasks`). Each part holds its own advisory lock, so a part already running elsewhere is
skipped rather than done twice; every write compares with what is stored first, so the night's
result is the same however the register is split."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from rsom.locks import session_lock


class SweepResult(Protocol):
    on: date
    ran: bool

    def as_dict(self) -> dict: ...


R = TypeVar("R", bound=SweepResult)


@dataclass(frozen=True)
class Part:
    """The people whose ids are above `after` and at most `upto` (to the end when None)."""

    index: int = 0
    after: int = 0
    upto: int | None = None

    def narrow(self, queryset: QuerySet, field: str = "pk") -> QuerySet:
        """`queryset` kept to people no further than this part's end (the caller starts it)."""
        if self.upto is None:
            return queryset
        return queryset.filter(**{f"{field}__lte": self.upto})

    def as_dict(self) -> dict:
        return {"index": self.index, "after": self.after, "upto": self.upto}


WHOLE = Part()


def plan(parts: int) -> list[Part]:
    """The register cut into `parts` runs of about as many people each. The last run is open at
    the end, so a person added after planning is still swept."""
    if parts <= 1:
        return [WHOLE]
    from cases.models import Nominal

    table = connection.ops.quote_name(Nominal._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(id) FROM (SELECT id, ntile(%s) OVER (ORDER BY id) AS part FROM {table}) "
            "AS runs GROUP BY part ORDER BY 1",
            [parts],
        )
        ends = [row[0] for row in cursor.fetchall()][:-1]
    starts = [0, *ends]
    return [
        Part(index=i, after=start, upto=ends[i] if i < len(ends) else None)
        for i, start in enumerate(starts)
    ]


def walk(
    part: Part,
    read: Callable[[int], list],
    work: Callable[[list], None],
) -> int:
    """Work through `part` a batch at a time: `read(last_pk)` gives the next batch (items with a
    `pk`, in order), `work(batch)` acts on it. Each batch commits on its own, so a crash loses
    only the batch it was in. Returns how many items were read."""
    checked, last_pk = 0, part.after
    while True:
        with transaction.atomic():
            batch = read(last_pk)
            if not batch:
                return checked
            work(batch)
        last_pk = batch[-1].pk
        checked += len(batch)


def part_lock(key: int, part: Part, what: str):
    """The advisory lock for one part of a sweep (the sweep's key, the part's number)."""
    return session_lock((key, part.index), f"{what}, part {part.index + 1}")


def finish_lock(key: int, what: str):
    """The advisory lock for the step after every part."""
    return session_lock((key, -1), f"{what}, final step")


def added_up(results: list[R], on: date) -> R:
    """The parts' results as one: counts summed over the parts that ran."""
    ran = [r for r in results if r.ran]
    if not ran:
        return type(results[0])(on=on, ran=False)
    counts = {
        f.name: sum(getattr(r, f.name) for r in ran)
        for f in fields(ran[0])
        if f.name not in ("on", "ran")
    }
    return replace(ran[0], **counts)


@dataclass(frozen=True)
class Sweep:
    """One nightly sweep: `part(part, on=, batch_size=)` and `finish(on, results, batch_size=)`."""

    name: str
    part: Callable[..., Any]
    finish: Callable[..., Any]
    result: type


# name -> where the Sweep lives; resolved lazily so this module imports no app.
SWEEPS = {
    "register": "notifications.sweep.REGISTER_SWEEP",
    "visits": "visits.sweep.VISIT_SWEEP",
    "reactive": "risk.sweep.REACTIVE_SWEEP",
    "mappa reviews": "mappa.sweep.MAPPA_SWEEP",
}


def sweep_named(name: str) -> Sweep:
    return import_string(SWEEPS[name])


def parts_wanted(parts: int | None) -> list[Part]:
    """The parts to run: `parts` (default settings.SWEEP_PARTS), or the whole register in one
    when the caller is inside a transaction, whose uncommitted rows no other process can see."""
    if connection.in_atomic_block:
        return [WHOLE]
    return plan(settings.SWEEP_PARTS if parts is None else parts)


def run(sweep: Sweep, on: date, batch_size: int, parts: int | None = None):
    """Run `sweep` now, its parts at once in forked processes, and return its result."""
    if batch_size < 1:
        raise ValueError("The batch size must be at least 1.")
    planned = parts_wanted(parts)
    results = list(_in_processes(sweep, planned, on, batch_size))
    return sweep.finish(on, results, batch_size=batch_size)


def _in_processes(sweep: Sweep, parts: list[Part], on: date, batch_size: int) -> Iterator:
    if len(parts) == 1:
        yield sweep.part(parts[0], on=on, batch_size=batch_size)
        return
    # A forked child must open its own connection, never share the parent's socket.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(parts), mp_context=context) as pool:
        futures = [pool.submit(_run_part, sweep.name, part, on, batch_size) for part in parts]
        for future in futures:
            yield future.result()


def _run_part(name: str, part: Part, on: date, batch_size: int):
    try:
        return sweep_named(name).part(part, on=on, batch_size=batch_size)
    finally:
        connections.close_all()
