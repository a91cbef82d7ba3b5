from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from risk.sweep import refresh_reactive
from rsom.batches import BATCH_SIZE


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(
            f"give the date as YYYY-MM-DD, for example 2026-11-21 (got {text!r})"
        ) from None


class Command(BaseCommand):
    help = "Refresh the reactive-management queue now: recompute every case's eligibility."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_day, help="Refresh as on this day (YYYY-MM-DD).")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, date=None, batch_size=BATCH_SIZE, **options):
        if batch_size < 1:
            raise CommandError("The batch size must be at least 1.")
        result = refresh_reactive(on=date, batch_size=batch_size)
        if not result.ran:
            self.stdout.write(self.style.WARNING(str(result)))
            return
        self.stdout.write(f"Date:                    {result.on:%-d %b %Y}")
        self.stdout.write(f"Cases checked:           {result.checked}")
        self.stdout.write(f"Newly eligible:          {result.joined}")
        self.stdout.write(f"No longer eligible:      {result.dropped}")
        self.stdout.write(f"Snoozes ended:           {result.unsnoozed}")
        self.stdout.write(f"Recorded as returned:    {result.returned}")
        self.stdout.write(f"Rows written:            {result.updated}")
