"""What the commands that run a nightly sweep now have in common: the day, the batch size, how
many parts to run at once, and a warning when another run holds the sweep."""

from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rsom.batches import BATCH_SIZE


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(
            f"give the date as YYYY-MM-DD, for example 2026-11-21 (got {text!r})"
        ) from None


class SweepCommand(BaseCommand):
    """Subclasses give `sweep(on=, batch_size=, parts=)` and `report(result)`."""

    def sweep(self, *, on: date | None, batch_size: int, parts: int | None): ...

    def report(self, result) -> None: ...

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_day, help="Run as on this day (YYYY-MM-DD).")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--parts",
            type=int,
            help="Split the register into this many parts run at once "
            "(default: the RSOM_SWEEP_PARTS setting, 2).",
        )

    def handle(self, *args, date=None, batch_size=BATCH_SIZE, parts=None, **options):
        if batch_size < 1:
            raise CommandError("The batch size must be at least 1.")
        if parts is not None and parts < 1:
            raise CommandError("The number of parts must be at least 1.")
        result = self.sweep(on=date, batch_size=batch_size, parts=parts)
        if not result.ran:
            self.stdout.write(self.style.WARNING(str(result)))
            return
        self.report(result)
