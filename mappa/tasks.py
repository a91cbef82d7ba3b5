import logging

from celery import shared_task
from django.db import OperationalError

from mappa.services.packs import pack_build
from mappa.sweep import sweep_mappa_reviews

log = logging.getLogger(__name__)


# A lost connection retries with backoff; the sweep is safe to run again from the start.
@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=5,
)
def sweep_mappa_reviews_nightly() -> dict:
    """Nightly: recompute each level 2 and 3 case's next MAPPA review and tell managers."""
    result = sweep_mappa_reviews()
    log.info("%s", result)
    return result.as_dict()


# Meeting packs. No retry: a pack that fails is marked failed and the chair asks again; the
# soft limit lands in the same place (the pack is marked failed) rather than a stuck worker.
@shared_task(soft_time_limit=300, time_limit=330)
def build_meeting_pack(pack_id: int) -> str:
    """Prepare a long meeting pack, reporting its progress case by case."""
    pack = pack_build(pack_id)
    return pack.status if pack is not None else "gone"
