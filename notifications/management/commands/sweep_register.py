from notifications.sweep import sweep_register
from rsom.commands import SweepCommand


class Command(SweepCommand):
    help = "Run the register sweep now: recompute every clock, fill inboxes, close ended cases."

    def sweep(self, **options):
        return sweep_register(**options)

    def report(self, result):
        self.stdout.write(f"Date:                {result.on:%-d %b %Y}")
        self.stdout.write(f"People checked:      {result.checked}")
        self.stdout.write(f"Clocks changed:      {result.clocks_changed}")
        self.stdout.write(f"Inbox items added:   {result.inbox_items_added}")
        self.stdout.write(f"Cases closed:        {result.cases_ended}")
