import logging

from celery import shared_task
from django.db import OperationalError

from dashboards.services.digest import digests_send
from dashboards.services.snapshots import snapshot_take

log = logging.getLogger(__name__)


# A lost connection retries with backoff; both are safe to run again from the start.
@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=5,
)
def snapshot_figures_nightly() -> dict:
    """Nightly, after the sweeps: file each force's figures for the day."""
    result = snapshot_take()
    log.info("%s", result)
    return result.as_dict()


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=5,
)
def send_digests_daily() -> dict:
    """Each morning: e-mail each user the inbox items that arrived since their last digest."""
    result = digests_send()
    log.info("%s", result)
    return result.as_dict()
