from celery import shared_task

from rsom.tasks import RETRY, start_sweep


@shared_task(**RETRY)
def sweep_register_nightly() -> dict:
    """Nightly: recompute every clock, fill inboxes and close ended cases.
    Queues the sweep's parts (rsom.tasks)."""
    return start_sweep("register")
