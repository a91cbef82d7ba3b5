from rsom.commands import SweepCommand
from visits.sweep import sweep_visits


class Command(SweepCommand):
    help = "Run the visit sweep now: recompute every case's next visit due, fill inboxes."

    def sweep(self, **options):
        return sweep_visits(**options)

    def report(self, result):
        self.stdout.write(f"Date:                {result.on:%-d %b %Y}")
        self.stdout.write(f"Cases checked:       {result.checked}")
        self.stdout.write(f"Due dates changed:   {result.due_dates_changed}")
        self.stdout.write(f"Inbox items added:   {result.inbox_items_added}")
        if result.failed:
            self.stdout.write(self.style.ERROR(f"Cases failed:        {result.failed}"))
