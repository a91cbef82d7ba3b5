"""Load the MAPPA agencies (reference data: mappa/data/mappa_agencies.csv)."""

from django.db import migrations

from mappa.reference import load_agencies


def load(apps, schema_editor):
    load_agencies(apps.get_model("mappa", "Agency"))


class Migration(migrations.Migration):
    dependencies = [("mappa", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
