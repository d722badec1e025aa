"""Procedure versions' codes and names as busy public pages print them, read through the cache.

A version's name is editable only while it is a draft (`version_update`, which forgets the
label through `VERSION_LABELS.forget`) and a procedure's local code never changes, so a
published version's label is fixed.
"""

from __future__ import annotations

from dichvucong.core.caching import LabelCache

from .models import ProcedureVersion


def _load(ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = ProcedureVersion.objects.filter(pk__in=ids).values_list(
        "pk", "procedure__local_code", "name"
    )
    return {pk: (local_code, name) for pk, local_code, name in rows}


# {version id: (procedure local code, version name)}
VERSION_LABELS = LabelCache("catalog:version-label", _load)
