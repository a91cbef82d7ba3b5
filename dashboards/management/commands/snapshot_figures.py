from django.core.management.base import BaseCommand

from dashboards.services.snapshots import snapshot_take
from rsom.commands import iso_day


class Command(BaseCommand):
    help = "Take each force's daily figures now (a second run the same day changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=iso_day, help="File the figures under this day (YYYY-MM-DD)."
        )

    def handle(self, *args, date=None, **options):
        result = snapshot_take(on=date)
        style = self.style.WARNING if not result.ran else self.style.SUCCESS
        self.stdout.write(style(str(result)))
