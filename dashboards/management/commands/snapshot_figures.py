from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand

from dashboards.services.snapshots import snapshot_take


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(
            f"give the date as YYYY-MM-DD, for example 2026-11-21 (got {text!r})"
        ) from None


class Command(BaseCommand):
    help = "Take each force's daily figures now (a second run the same day changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_day, help="File the figures under this day (YYYY-MM-DD)."
        )

    def handle(self, *args, date=None, **options):
        result = snapshot_take(on=date)
        style = self.style.WARNING if not result.ran else self.style.SUCCESS
        self.stdout.write(style(str(result)))
