"""Small read-through caches of rows by id, for labels that busy public pages print.

A label (an agency's code and name, a procedure's code and name) changes rarely and only
through a service, which forgets the cached entry; so the page that prints it reads its own
rows by their unique index and gets the labels from the cache in one round trip, instead of
joining and planning the label tables on every request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

Label = TypeVar("Label")

# A safety net only: every change that touches a label forgets it explicitly.
LABEL_TIMEOUT = 24 * 60 * 60


def _key(prefix: str, pk: int) -> str:
    return f"{prefix}:{pk}"


def cached_by_id(
    prefix: str,
    ids: Iterable[int | None],
    load: Callable[[list[int]], dict[int, Label]],
) -> dict[int, Label]:
    """{id: label} for these ids: one cache read for all, then `load` for the missing ones
    (whose labels are stored for the next reader). Ids `load` does not return are left out."""
    keys = {_key(prefix, pk): pk for pk in set(ids) if pk is not None}
    if not keys:
        return {}
    found = cache.get_many(list(keys))
    labels = {keys[key]: label for key, label in found.items()}
    missing = [pk for key, pk in keys.items() if key not in found]
    if missing:
        loaded = load(missing)
        cache.set_many({_key(prefix, pk): label for pk, label in loaded.items()}, LABEL_TIMEOUT)
        labels.update(loaded)
    return labels


def forget_by_id(prefix: str, ids: Iterable[int]) -> None:
    """Call inside the writing transaction: the entries go at once and again after commit (a
    reader between the two may have cached the label as it was before the commit)."""
    keys = [_key(prefix, pk) for pk in ids]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
