"""Load the police forces (reference data: cases/data/forces.csv)."""

from django.db import migrations

from cases.reference import load_forces


def load(apps, schema_editor):
    load_forces(apps.get_model("cases", "Force"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
