from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dichvucong.core.dbroles import RoleMissing, app_role_grant


class Command(BaseCommand):
    help = (
        "Grant the application's database role (DVC_DB_APP_ROLE) what the portal needs on every "
        "table and sequence, and on the audit trail only SELECT and INSERT. Run it as the tables' "
        "owner (--database owner); migrate does it by itself. Idempotent; PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default=None, help="Role to grant (default DVC_DB_APP_ROLE).")
        parser.add_argument(
            "--database", default="default", help="Connection to grant through (the owner's)."
        )

    def handle(self, *args, role=None, database="default", **options):
        role = role or settings.DVC_DB_APP_ROLE
        if not role:
            raise CommandError("No role: set DVC_DB_APP_ROLE or pass --role.")
        try:
            report = app_role_grant(role=role, using=database)
        except (RoleMissing, NotImplementedError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{report.role}: rights set on {report.tables} tables and {report.sequences} sequences."
        )
