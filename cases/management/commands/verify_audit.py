from django.core.management.base import BaseCommand, CommandError

from cases.audit import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; report the first broken link and exit non-zero."

    def handle(self, *args, **options):
        count, problem = verify_chain()
        if problem:
            raise CommandError(f"{problem} (checked {count} events)")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {count} events checked"))
