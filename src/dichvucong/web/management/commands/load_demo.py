"""Loads the demo province (Hậu Giang as the seed regulation describes it), idempotently.

The top app calls one demo function per app, lowest layer first.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from dichvucong.accounts import demo as accounts_demo
from dichvucong.agencies import demo as agencies_demo
from dichvucong.agencies.models import Agency
from dichvucong.catalog import demo as catalog_demo
from dichvucong.core.context import Actor, acting_as


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database has no agency yet; print the logins either way.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        with acting_as(Actor(via="command")):
            if if_empty and Agency.objects.exists():
                self.stdout.write("The database already has data: demo not reloaded.")
                logins = accounts_demo.logins()
            else:
                with transaction.atomic():
                    counts = agencies_demo.load()
                    logins = accounts_demo.load()
                    counts |= catalog_demo.load()
                self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {counts}"))
        self._print_logins(logins)

    def _print_logins(self, logins: list[dict]) -> None:
        self.stdout.write("")
        self.stdout.write("Demo logins (tài khoản dùng thử):")
        width = max((len(row["email"]) for row in logins), default=10)
        for row in logins:
            agency = row.get("agency") or ""
            self.stdout.write(
                f"  {row['email']:<{width}}  {row['password']}  {row['role']:<18} {agency}"
            )
        self.stdout.write("")
