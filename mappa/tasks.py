from celery import shared_task

from mappa.services.packs import pack_build
from rsom.tasks import RETRY, start_sweep


@shared_task(**RETRY)
def sweep_mappa_reviews_nightly() -> dict:
    """Nightly: recompute each level 2 and 3 case's next MAPPA review and tell managers. Queues
    the sweep's parts (rsom.tasks)."""
    return start_sweep("mappa reviews")


# Meeting packs. No retry: a pack that fails is marked failed and the chair asks again; the
# soft limit lands in the same place (the pack is marked failed) rather than a stuck worker.
@shared_task(soft_time_limit=300, time_limit=330)
def build_meeting_pack(pack_id: int) -> str:
    """Prepare a long meeting pack, reporting its progress case by case."""
    pack = pack_build(pack_id)
    return pack.status if pack is not None else "gone"
