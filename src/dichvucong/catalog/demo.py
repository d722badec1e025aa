"""Demo catalogue: real procedures of a province's three levels, loaded by `manage.py load_demo`
after the agencies and the accounts.

The procedures live in `data/demo_procedures.json`, in the exchange format (catalog.content),
and are imported through the same importer an operator uses (catalog.importing), as the
system: every procedure is published, the audit trail records it, and a second load finds
every content hash unchanged and writes nothing. What is verified and what is not is said per
procedure in the data itself (`unverified`, `sources`) and in docs/catalogue-sources.md.

The agencies it names, the police and social insurance included, come from the agencies demo.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from dichvucong.core.errors import ServiceError

from .importing import procedures_import

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_procedures.json"


class DemoCatalogueError(ServiceError):
    default_code = "demo_catalogue"


def load() -> dict[str, int]:
    """Import the demo catalogue as the system; returns how many procedures were created,
    updated (a new version published) and left unchanged.

    Refuses with a DemoCatalogueError, writing nothing, if the data does not import cleanly.
    """
    with transaction.atomic():
        report = procedures_import(data=DATA_FILE.read_bytes(), filename=DATA_FILE.name, actor=None)
        if not report.ok:
            raise DemoCatalogueError("\n".join(report.lines()))
    return {
        "procedures_created": len(report.created),
        "procedures_updated": len(report.updated),
        "procedures_unchanged": len(report.unchanged),
    }
