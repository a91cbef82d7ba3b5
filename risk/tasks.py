import logging

from celery import shared_task
from django.db import OperationalError

from risk.sweep import refresh_reactive

log = logging.getLogger(__name__)


# A lost connection retries with backoff; the refresh is safe to run again from the start.
@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=5,
)
def refresh_reactive_nightly() -> dict:
    """Nightly: recompute reactive-management eligibility and keep the queue in step."""
    result = refresh_reactive()
    log.info("%s", result)
    return result.as_dict()
