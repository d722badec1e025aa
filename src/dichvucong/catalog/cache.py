"""The catalogue's generation: a token that changes whenever published content changes.

Cached searches are keyed by it, so publishing (or renaming a sector or field) makes every
cached result stale at once, on every web node, without knowing which keys exist. A random
token rather than a counter: if the cache loses the key (eviction, restart) the new token can
never match an entry written under an old one.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "catalog:generation"


def catalogue_generation() -> str:
    return cache.get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, timeout=None)


def catalogue_changed() -> None:
    """Call inside the writing transaction.

    The token changes at once (so this transaction's own later reads are fresh) and again after
    commit: a reader that cached results between the two saw the data before the commit, and
    the second change retires what it cached.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
