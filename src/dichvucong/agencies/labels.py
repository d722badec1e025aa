"""Agencies' codes and names as busy public pages print them, read through the cache.

Every change of an agency's code or name goes through `agency_update` or the admin, and both
call `AGENCY_LABELS.forget` in their transaction.
"""

from __future__ import annotations

from dichvucong.core.caching import LabelCache

from .models import Agency


def _load(ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = Agency.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    return {pk: (code, name) for pk, code, name in rows}


# {agency id: (code, name)}
AGENCY_LABELS = LabelCache("agencies:label", _load)
