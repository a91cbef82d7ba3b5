"""MAPPA agencies (reference data: mappa/data/mappa_agencies.csv, from shared/data). Loaded by
a migration, re-loadable; rows already held keep their administrator-edited text."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
KINDS = {"responsible authority": "responsible_authority", "duty to cooperate": "duty_to_cooperate"}


def load_agencies(agency_model) -> None:
    with (DATA / "mappa_agencies.csv").open(encoding="utf-8") as f:
        for order, row in enumerate(csv.DictReader(f), start=1):
            agency_model.objects.get_or_create(
                name=row["agency"],
                defaults={
                    "kind": KINDS[row["kind"].strip().lower()],
                    "notes": row["notes"],
                    "confirmed": "unconfirmed" not in row["notes"].lower(),
                    "order": order,
                },
            )
