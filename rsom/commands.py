"""What management commands share: reading a day from the command line, and what every command
that runs a nightly sweep now has in common (the day, the batch size, and a warning when another
run holds the sweep or some of its parts)."""

from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rsom.batches import BATCH_SIZE


def iso_day(text: str) -> date:
    """An argparse type: a date given as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(
            f"give the date as YYYY-MM-DD, for example 2026-11-21 (got {text!r})"
        ) from None


class SweepCommand(BaseCommand):
    """Subclasses give `sweep(on=, batch_size=)` and `report(result)`."""

    def sweep(self, *, on: date | None, batch_size: int): ...

    def report(self, result) -> None: ...

    def add_arguments(self, parser):
        parser.add_argument("--date", type=iso_day, help="Run as on this day (YYYY-MM-DD).")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, date=None, batch_size=BATCH_SIZE, **options):
        if batch_size < 1:
            raise CommandError("The batch size must be at least 1.")
        # As many parts as the nightly run (RSOM_SWEEP_PARTS), so the two split the register the
        # same way and a part running at night is skipped here, not swept twice at once.
        result = self.sweep(on=date, batch_size=batch_size)
        if not result.ran:
            self.stdout.write(self.style.WARNING(str(result)))
            return
        self.report(result)
        if result.parts_skipped:
            self.stdout.write(
                self.style.WARNING(
                    f"{result.parts_skipped} part(s) of the register were being swept by another "
                    "run at the same time: their counts are not included above."
                )
            )
