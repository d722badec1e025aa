"""Export the published catalogue: `manage.py export_procedures --format json|xlsx|bundle -o FILE`.

The same catalogue always gives the same bytes; `import_procedures` reads each format back.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dichvucong.catalog.exporting import (
    procedures_export_bundle,
    procedures_export_json,
    procedures_export_xlsx,
)
from dichvucong.catalog.models import Procedure

EXPORTERS = {
    "json": procedures_export_json,
    "xlsx": procedures_export_xlsx,
    "bundle": procedures_export_bundle,
}


class Command(BaseCommand):
    help = "Export the published version of every procedure as JSON, XLSX or a zip bundle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(EXPORTERS), default="json")
        parser.add_argument("-o", "--output", required=True, help="File to write.")

    def handle(self, *args, **options) -> None:
        data = EXPORTERS[options["format"]](Procedure.objects.all())
        path = Path(options["output"])
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from None
        self.stdout.write(_("Wrote %(file)s (%(size)s bytes).") % {"file": path, "size": len(data)})
