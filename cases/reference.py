"""Reference data shipped with RSOM (cases/data/, from shared/data): loaded by migrations,
re-loadable at any time (idempotent), editable by administrators afterwards."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
STOP_WORDS = {"and", "of", "the"}


def reference_prefix(name: str) -> str:
    words = name.replace("-", " ").split()
    return "".join(w[0] for w in words if w.lower() not in STOP_WORDS).upper()[:6]


def load_forces(force_model) -> None:
    """The 43 territorial forces of England and Wales and the two national forces. Existing rows
    keep their administrator-edited settings."""
    with (DATA / "forces.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            national = row["country"].strip().lower() == "national"
            force_model.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "country": row["country"],
                    "kind": "national" if national else "territorial",
                    "reference_prefix": reference_prefix(row["name"]),
                },
            )
