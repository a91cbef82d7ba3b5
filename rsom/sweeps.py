"""Running a nightly sweep over the register in parts, so that every core shares the night's work.

Each sweep (the register, visits, reactive management, MAPPA reviews) is a `Sweep`: a function
that works through one part of the register in batches, and a function that adds up the parts'
results and does what must wait for all of them. The parts run at once: in forked processes when
a command, `seed_national` or `bench` runs the sweep, as a Celery chord at night (`rsom.tasks`).

A part is a fixed set of people: the register's ids are cut into blocks of `BLOCK` ids, dealt out
in turn to the parts, so every run with the same number of parts (settings.SWEEP_PARTS) splits the
register the same way however it grows, and the subsets some sweeps walk (MAPPA levels 2 and 3,
reactive candidates) spread evenly. Each part holds its own advisory lock, so a part already
being swept by another run is skipped, never swept twice at once; the final step waits for any
part another run holds before it starts. Every write compares with what is stored first, so the
night's result is the same however the register is split."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Max, QuerySet
from django.utils.module_loading import import_string

from rsom.batches import BATCH_SIZE
from rsom.locks import session_lock

log = logging.getLogger(__name__)

# Ids a block holds: two batches, so a part's blocks are long enough to batch well and short
# enough that two parts end within a block of each other.
BLOCK = 2 * BATCH_SIZE


class SweepResult(Protocol):
    on: date
    ran: bool
    parts_skipped: int

    def as_dict(self) -> dict: ...


R = TypeVar("R", bound=SweepResult)


@dataclass(frozen=True)
class Span:
    """The people whose ids are above `after` and at most `upto` (to the end when None)."""

    after: int = 0
    upto: int | None = None

    def of(self, queryset: QuerySet) -> QuerySet:
        """`queryset` kept to the people in this span."""
        queryset = queryset.filter(pk__gt=self.after)
        return queryset if self.upto is None else queryset.filter(pk__lte=self.upto)


@dataclass(frozen=True)
class Part:
    """Part `index` of `of`: every `of`-th block of ids, starting with block `index`."""

    index: int = 0
    of: int = 1

    def spans(self) -> Iterator[Span]:
        """This part's blocks, up to the newest person when the part starts."""
        if self.of == 1:
            yield Span()
            return
        from cases.models import Nominal

        newest = Nominal.objects.aggregate(newest=Max("pk"))["newest"] or 0
        for start in range(self.index * BLOCK, newest, self.of * BLOCK):
            yield Span(after=start, upto=start + BLOCK)

    def as_dict(self) -> dict:
        return {"index": self.index, "of": self.of}


WHOLE = Part()


def plan(parts: int) -> list[Part]:
    """The register in `parts` parts."""
    if parts < 1:
        raise ValueError("The number of parts must be at least 1.")
    return [Part(index=i, of=parts) for i in range(parts)]


def walk(part: Part, read: Callable[[Span], list], work: Callable[[list], None]) -> int:
    """Work through `part` a batch at a time: `read(span)` gives the next batch of people in
    `span` (items with a `pk`, in order), `work(batch)` acts on it. Each batch commits on its
    own, so a crash loses only the batch it was in. Returns how many items were read."""
    checked = 0
    for block in part.spans():
        last_pk = block.after
        while block.upto is None or last_pk < block.upto:
            with transaction.atomic():
                batch = read(Span(after=last_pk, upto=block.upto))
                if not batch:
                    break
                work(batch)
            last_pk = batch[-1].pk
            checked += len(batch)
    return checked


def part_lock(key: int, part: Part, what: str):
    """The advisory lock for one part of a sweep (the sweep's key, the part's number)."""
    return session_lock((key, part.index), f"{what}, part {part.index + 1}")


def finish_lock(key: int, what: str):
    """The advisory lock for the step after every part."""
    return session_lock((key, -1), f"{what}, final step")


def wait_for_skipped_parts(key: int, results: list[SweepResult], what: str) -> None:
    """Wait until another run has finished each part this run skipped (results in part order),
    so the final step sees every part swept."""
    for index, result in enumerate(results):
        if not result.ran:
            log.info("%s: waiting for part %d, being swept by another run", what, index + 1)
            with session_lock((key, index), what, wait=True):
                pass


def added_up(results: list[R], on: date) -> R:
    """The parts' results as one: counts summed over the parts that ran, and how many parts
    another run was sweeping."""
    ran = [r for r in results if r.ran]
    skipped = len(results) - len(ran)
    if not ran:
        return type(results[0])(on=on, ran=False, parts_skipped=skipped)
    counts = {
        f.name: sum(getattr(r, f.name) for r in ran)
        for f in fields(ran[0])
        if f.name not in ("on", "ran", "parts_skipped")
    }
    return replace(ran[0], on=on, parts_skipped=skipped, **counts)


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
    """Run `sweep` now, its parts at once in forked processes, and return its result.

    For commands and other single-threaded callers only: a Celery worker's processes may not
    fork (the nightly tasks run the parts as a chord instead), nor may a threaded server."""
    if batch_size < 1:
        raise ValueError("The batch size must be at least 1.")
    planned = parts_wanted(parts)
    results = list(_in_processes(sweep, planned, on, batch_size))
    return sweep.finish(on, results, batch_size=batch_size)


def _in_processes(sweep: Sweep, parts: list[Part], on: date, batch_size: int) -> Iterator:
    # A forked child copies every thread's open connections, whose sockets it would share with
    # the parent: with other threads running (a test's live server, say), sweep here instead.
    if len(parts) == 1 or threading.active_count() > 1:
        for part in parts:
            yield sweep.part(part, on=on, batch_size=batch_size)
        return
    # A forked child must open its own connection, never share the parent's socket.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    workers = min(len(parts), os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_run_part, sweep.name, part, on, batch_size) for part in parts]
        for future in futures:
            yield future.result()


def _run_part(name: str, part: Part, on: date, batch_size: int):
    try:
        return sweep_named(name).part(part, on=on, batch_size=batch_size)
    finally:
        connections.close_all()
