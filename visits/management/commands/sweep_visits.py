from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rsom.batches import BATCH_SIZE
from visits.sweep import sweep_visits


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(
            f"give the date as YYYY-MM-DD, for example 2026-11-21 (got {text!r})"
        ) from None


class Command(BaseCommand):
    help = "Run the visit sweep now: recompute every case's next visit due, fill inboxes."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_day, help="Sweep as on this day (YYYY-MM-DD).")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, date=None, batch_size=BATCH_SIZE, **options):
        if batch_size < 1:
            raise CommandError("The batch size must be at least 1.")
        result = sweep_visits(on=date, batch_size=batch_size)
        if not result.ran:
            self.stdout.write(self.style.WARNING(str(result)))
            return
        self.stdout.write(f"Date:                {result.on:%-d %b %Y}")
        self.stdout.write(f"Cases checked:       {result.checked}")
        self.stdout.write(f"Due dates changed:   {result.due_dates_changed}")
        self.stdout.write(f"Inbox items added:   {result.inbox_items_added}")
        if result.failed:
            self.stdout.write(self.style.ERROR(f"Cases failed:        {result.failed}"))
