from celery import shared_task

from rsom.tasks import RETRY, start_sweep


@shared_task(**RETRY)
def sweep_visits_nightly() -> dict:
    """Nightly: recompute every case's next visit due and tell managers of overdue visits.
    Queues the sweep's parts (rsom.tasks)."""
    return start_sweep("visits")
