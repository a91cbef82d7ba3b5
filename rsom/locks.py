"""One run at a time across every worker: PostgreSQL session advisory locks for the nightly jobs.

Each job takes its own key; a second run finds the lock held and returns at once. A session lock
(not a transaction one) outlives each batch's commit, and is released when the job ends — or by
PostgreSQL itself if the connection breaks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

log = logging.getLogger(__name__)


@contextmanager
def session_lock(key: int | tuple[int, int], what: str, *, wait: bool = False) -> Iterator[bool]:
    """Try to take the lock `key` (one number, or two: a job and its part), or with `wait` wait
    for it; yields whether it was taken (`what` names it in the log)."""
    keys = list(key) if isinstance(key, tuple) else [key]
    placeholders = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        if wait:
            cursor.execute(f"SELECT pg_advisory_lock({placeholders}), true", keys)
        else:
            cursor.execute(f"SELECT pg_try_advisory_lock({placeholders})", keys)
        held = cursor.fetchone()[-1]
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT pg_advisory_unlock({placeholders})", keys)
            except DatabaseError:
                # A broken connection has already released its session locks.
                log.warning("Could not release the %s lock", what, exc_info=True)
