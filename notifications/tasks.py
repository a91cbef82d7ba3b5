import logging

from celery import shared_task
from django.db import OperationalError

from notifications.sweep import sweep_register

log = logging.getLogger(__name__)


# A lost connection retries with backoff; the sweep is safe to run again from the start.
@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=5,
)
def sweep_register_nightly() -> dict:
    """Nightly: recompute every clock, fill inboxes and close ended cases."""
    result = sweep_register()
    log.info("%s", result)
    return result.as_dict()
