"""Load the 43 territorial forces of England and Wales and the two national forces
(reference data: cases/data/forces.csv, from shared/data; administrators can edit them)."""

import csv
from pathlib import Path

from django.db import migrations

STOP_WORDS = {"and", "of", "the"}


def prefix(name: str) -> str:
    return "".join(
        w[0] for w in name.replace("-", " ").split() if w.lower() not in STOP_WORDS
    ).upper()[:6]


def load(apps, schema_editor):
    Force = apps.get_model("cases", "Force")
    path = Path(__file__).resolve().parent.parent / "data" / "forces.csv"
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            national = row["country"].strip().lower() == "national"
            Force.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "country": row["country"],
                    "kind": "national" if national else "territorial",
                    "reference_prefix": prefix(row["name"]),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
