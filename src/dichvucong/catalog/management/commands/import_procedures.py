"""Import procedures: `manage.py import_procedures FILE --as EMAIL`.

FILE is a .json document, an .xlsx workbook or a .zip bundle (procedures.json with the form
templates), as `export_procedures` writes them. Everything is checked first; a file with any
error imports nothing. Prints the report; exits with status 1 when the file was refused.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dichvucong.accounts.permissions import can
from dichvucong.catalog.importing import procedures_import
from dichvucong.core.context import Actor, acting_as


class Command(BaseCommand):
    help = "Import procedures from a .json, .xlsx or .zip file; publishes what changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .json, .xlsx or .zip (bundle) file to import.")
        parser.add_argument(
            "--as",
            dest="email",
            required=True,
            help="E-mail of the province administrator (or superuser) who publishes.",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        user = get_user_model().objects.filter(email__iexact=options["email"]).first()
        if user is None or not user.is_active:
            raise CommandError(
                _("No active account has the e-mail address %(email)s.")
                % {"email": options["email"]}
            )
        if not can(user, "procedure.publish", None):
            raise CommandError(
                _("%(email)s may not publish procedures: importing needs a province administrator.")
                % {"email": user.email}
            )
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from None
        with acting_as(Actor(user=user, via="command")):
            report = procedures_import(data=data, filename=path.name, actor=user)
        for where, why in report.errors:
            self.stderr.write(f"{where}: {why}")
        if report.errors:
            raise CommandError(report.summary)
        self.stdout.write(self.style.SUCCESS(report.summary))
        for label, codes in (
            (_("New"), report.created),
            (_("Updated"), report.updated),
        ):
            if codes:
                self.stdout.write(f"{label}: {', '.join(codes)}")
