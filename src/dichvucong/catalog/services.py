"""Writes of the procedure catalogue: procedures, their versions and the versions' parts.

Every service is keyword-only, runs in one transaction, records the change in the audit trail
(scope: the competent agency's code) and refuses with a `ServiceError` — changing nothing —
when a rule is broken. Only a draft version is edited; publishing freezes it.
"""

from __future__ import annotations

from .content import content_hash as compute_content_hash
from .content import procedure_item
from .models import ProcedureVersion
from .search import fold


def version_refresh_derived(version: ProcedureVersion) -> ProcedureVersion:
    """Recompute the folded search columns and the content hash, and save them if they moved.

    Called by every write of a version or of its parts, inside that write's transaction.
    """
    field = version.field
    procedure = version.procedure
    search_name = fold(version.name)
    search_text = fold(
        " ".join(
            [
                version.name,
                field.name,
                field.sector.name,
                procedure.national_code,
                procedure.local_code,
            ]
        )
    )
    derived = {
        "search_name": search_name,
        "search_text": search_text,
        "content_hash": compute_content_hash(procedure_item(version)),
    }
    changed = [name for name, value in derived.items() if getattr(version, name) != value]
    for name in changed:
        setattr(version, name, derived[name])
    if changed:
        version.save(update_fields=changed)
    return version
