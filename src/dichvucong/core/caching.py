"""Small read-through caches of labels by id, for busy public pages.

A label (an agency's code and name, a procedure's code and name) changes rarely and only
through a service, which forgets the cached entry; so the page that prints it reads its own
rows by their unique index and gets every label it needs from the cache in one round trip,
instead of joining and planning the label tables on every request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction

# A safety net only: every change that touches a label forgets it explicitly.
LABEL_TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True)
class LabelCache:
    prefix: str
    # The labels of these ids as {id: label}, from the database; ids it does not return are
    # left out of every answer.
    load: Callable[[list[int]], dict[int, Any]]

    def key(self, pk: int) -> str:
        return f"{self.prefix}:{pk}"

    def get(self, ids: Iterable[int | None]) -> dict[int, Any]:
        return read_labels((self, ids))[0]

    def forget(self, ids: Iterable[int]) -> None:
        """Call inside the writing transaction: the entries go at once and again after commit
        (a reader between the two may have cached the label as it was before the commit)."""
        keys = [self.key(pk) for pk in ids]
        if not keys:
            return
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def read_labels(*wanted: tuple[LabelCache, Iterable[int | None]]) -> list[dict[int, Any]]:
    """For each (cache, ids) pair, {id: label}: one cache read for all of them, then each
    cache's `load` for its missing ids (stored for the next reader in one write)."""
    keyed = [
        (labels, {labels.key(pk): pk for pk in set(ids) if pk is not None})
        for labels, ids in wanted
    ]
    every_key = [key for _labels, keys in keyed for key in keys]
    found = cache.get_many(every_key) if every_key else {}
    answers: list[dict[int, Any]] = []
    to_store: dict[str, Any] = {}
    for labels, keys in keyed:
        answer = {pk: found[key] for key, pk in keys.items() if key in found}
        missing = [pk for key, pk in keys.items() if key not in found]
        if missing:
            loaded = labels.load(missing)
            to_store.update({labels.key(pk): label for pk, label in loaded.items()})
            answer.update(loaded)
        answers.append(answer)
    if to_store:
        cache.set_many(to_store, LABEL_TIMEOUT)
    return answers
