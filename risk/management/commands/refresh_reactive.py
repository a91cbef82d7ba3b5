from risk.sweep import refresh_reactive
from rsom.commands import SweepCommand


class Command(SweepCommand):
    help = "Refresh the reactive-management queue now: recompute every case's eligibility."

    def sweep(self, **options):
        return refresh_reactive(**options)

    def report(self, result):
        self.stdout.write(f"Date:                    {result.on:%-d %b %Y}")
        self.stdout.write(f"Cases checked:           {result.checked}")
        self.stdout.write(f"Newly eligible:          {result.joined}")
        self.stdout.write(f"No longer eligible:      {result.dropped}")
        self.stdout.write(f"Snoozes ended:           {result.unsnoozed}")
        self.stdout.write(f"Recorded as returned:    {result.returned}")
        self.stdout.write(f"Rows written:            {result.updated}")
