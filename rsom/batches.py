"""Reading the rows of a batch of people, for the nightly jobs that walk the whole register."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

# People a nightly job reads and commits at a time. Larger batches spend less of the night on each
# batch's fixed queries (4,000 ran the register sweep a tenth faster than 1,000 at 150,000
# people); a crash still loses only the batch it was in.
BATCH_SIZE = 4000


def rows_of(queryset: QuerySet, ids: Iterable[int], field: str = "nominal_id") -> QuerySet:
    """`queryset` narrowed to the people whose ids lie between the smallest and largest of `ids`.

    The nightly jobs walk the register in runs of consecutive people, and a range costs far less
    to send and plan than a list of a thousand ids. When `ids` has gaps, rows of the people in
    between come back too: callers look rows up by person and ignore those."""
    ids = list(ids)
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{field}__gte": min(ids), f"{field}__lte": max(ids)})
