"""Load the ARMS factors (reference data: risk/data/arms_factors.csv)."""

from django.db import migrations

from risk.reference import load_arms_factors


def load(apps, schema_editor):
    load_arms_factors(apps.get_model("risk", "ArmsFactor"))


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
