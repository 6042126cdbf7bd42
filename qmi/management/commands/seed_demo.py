from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from applications import demo as applications_demo
from calls import demo as calls_demo
from communes import demo as communes_demo
from experimentations import demo as experimentations_demo
from questions import demo as questions_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off; add --force if you mean it."
            )
        with transaction.atomic():
            communes = communes_demo.seed()
            users = accounts_demo.seed(communes)
            calls = calls_demo.seed(communes)
            applications_demo.seed(users, calls)
            experimentations_demo.seed(users, calls)
            questions_demo.seed(users, calls)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password {accounts_demo.DEMO_PASSWORD}):")
        for email, description in accounts_demo.DEMO_LOGINS:
            self.stdout.write(f"  {email:<36} {description}")
