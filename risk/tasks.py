from celery import shared_task

from rsom.tasks import RETRY, start_sweep


@shared_task(**RETRY)
def refresh_reactive_nightly() -> dict:
    """Nightly: recompute reactive-management eligibility and keep the queue in step.
    Queues the sweep's parts (rsom.tasks)."""
    return start_sweep("reactive")
