"""Load the Schedule 3 offences (reference data: notifications/data/schedule3.csv)."""

from django.db import migrations

from notifications.reference import load_schedule3


def load(apps, schema_editor):
    load_schedule3(apps.get_model("notifications", "Schedule3Offence"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
