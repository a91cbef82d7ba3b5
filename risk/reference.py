"""ARMS factors (reference data: risk/data/arms_factors.csv, from shared/data). Loaded by a
migration, re-loadable at any time; rows already held keep their administrator-edited text."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def load_arms_factors(factor_model) -> None:
    with (DATA / "arms_factors.csv").open(encoding="utf-8") as f:
        for order, row in enumerate(csv.DictReader(f), start=1):
            factor_model.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "description": row["description"],
                    "notes": row["notes"],
                    "confirmed": not row["notes"].lower().startswith("unconfirmed"),
                    "order": order,
                },
            )
