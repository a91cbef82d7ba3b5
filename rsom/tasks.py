"""The nightly sweeps as Celery work: each sweep's parts run as a group on every free worker
process, and its final step runs as the chord's callback once they have all finished."""

from __future__ import annotations

import logging
from datetime import date

from celery import chord, shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from rsom import sweeps
from rsom.batches import BATCH_SIZE

log = logging.getLogger(__name__)

# A lost connection (to the database or to Redis) retries with backoff; starting a sweep, each
# part and each final step are safe to run again.
RETRY = {
    "autoretry_for": (OperationalError, BrokerOperationalError),
    "retry_backoff": 60,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": 5,
}


def start_sweep(name: str) -> dict:
    """Queue tonight's run of the sweep `name`, its parts at once. Returns what was queued: the
    task that starts a sweep never waits for its parts, which would hold a worker process the
    parts need."""
    on = timezone.localdate()
    parts = sweeps.plan(settings.SWEEP_PARTS)
    header = [sweep_part.s(name, on.isoformat(), part.as_dict()) for part in parts]
    result = chord(header)(finish_sweep.s(name, on.isoformat()))
    return {"sweep": name, "on": on.isoformat(), "parts": len(parts), "id": result.id}


@shared_task(**RETRY)
def sweep_part(name: str, on: str, part: dict) -> dict:
    """One part of a sweep."""
    sweep = sweeps.sweep_named(name)
    result = sweep.part(sweeps.Part(**part), on=date.fromisoformat(on), batch_size=BATCH_SIZE)
    return result.as_dict()


@shared_task(**RETRY)
def finish_sweep(results: list[dict], name: str, on: str) -> dict:
    """A sweep's final step, once every part has finished; logs the night's result."""
    sweep = sweeps.sweep_named(name)
    day = date.fromisoformat(on)
    parts = [sweep.result(**{**r, "on": day}) for r in results]
    result = sweep.finish(day, parts, batch_size=BATCH_SIZE)
    log.info("%s", result)
    return result.as_dict()
