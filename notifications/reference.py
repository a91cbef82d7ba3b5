"""Schedule 3 offences (reference data: notifications/data/schedule3.csv, from shared/data).
Loaded by a migration, re-loadable at any time; administrators edit rows afterwards."""

from __future__ import annotations

import csv
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def paragraph_sort_key(paragraph: str) -> int:
    # "24A" sorts after "24" and before "25".
    match = re.fullmatch(r"(\d+)([A-Z]*)", paragraph.strip())
    if not match:
        return 0
    number, suffix = match.groups()
    return int(number) * 100 + sum(ord(c) - 64 for c in suffix)


def load_schedule3(offence_model) -> None:
    """Add paragraphs not yet held; rows already held keep their administrator-edited text."""
    with (DATA / "schedule3.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            offence_model.objects.get_or_create(
                paragraph=row["paragraph"],
                defaults={
                    "offence": row["offence"],
                    "enactment": row["enactment"],
                    "threshold": row["threshold"],
                    "notes": row["notes"],
                    "confirmed": row["notes"].startswith("confirmed"),
                    "sort_key": paragraph_sort_key(row["paragraph"]),
                },
            )
