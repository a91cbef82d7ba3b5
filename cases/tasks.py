import logging

from celery import shared_task

from cases.audit import verify_chain

log = logging.getLogger(__name__)


@shared_task
def verify_audit_trail() -> str | None:
    """Nightly: check the audit chain. A broken link is logged as an error for the operators."""
    count, problem = verify_chain()
    if problem:
        log.error("Audit trail broken: %s", problem)
    else:
        log.info("Audit trail intact: %d events", count)
    return problem
