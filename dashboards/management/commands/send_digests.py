from django.core.management.base import BaseCommand

from dashboards.services.digest import digests_send
from rsom.commands import iso_day


class Command(BaseCommand):
    help = "Send today's inbox digests now (a second run the same day sends nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=iso_day, help="Send the digests for this day (YYYY-MM-DD)."
        )

    def handle(self, *args, date=None, **options):
        result = digests_send(on=date)
        if not result.ran or result.failed:
            self.stdout.write(self.style.WARNING(str(result)))
        else:
            self.stdout.write(self.style.SUCCESS(str(result)))
