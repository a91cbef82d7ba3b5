import logging

from celery import shared_task
from django.db import OperationalError

from visits.sweep import sweep_visits

log = logging.getLogger(__name__)


# A lost connection retries with backoff; the sweep is safe to run again from the start.
@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=5,
)
def sweep_visits_nightly() -> dict:
    """Nightly: recompute every case's next visit due and tell managers of overdue visits."""
    result = sweep_visits()
    log.info("%s", result)
    return result.as_dict()
