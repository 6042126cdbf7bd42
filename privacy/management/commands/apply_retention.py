from django.core.management.base import BaseCommand

from privacy.services import retention


class Command(BaseCommand):
    help = (
        "Erase the personal data whose retention period has ended (drafts of closed calls, "
        "applications past their period, inactive accounts, old messages, expired archives). "
        "Safe to run several times; --dry-run lists what would be erased and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be erased, change nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        results = retention.apply_retention(dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        for result in results:
            self.stdout.write(f"{result.kind}: {result.count} {verb} handled")
            if dry_run:
                for item in result.items:
                    self.stdout.write(f"  {item}")
