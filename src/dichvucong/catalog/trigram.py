"""pg_trgm's trigram similarity, identically on PostgreSQL and SQLite.

The catalogue search ranks by `similarity(search_name, query)`. PostgreSQL computes it with the
pg_trgm extension; on SQLite (the one-command demo) the same function is registered in Python on
every new connection (CatalogConfig.ready), so the very same ORM query runs on both and ranks
the same way. The Python version follows pg_trgm (contrib/pg_trgm/trgm_op.c) exactly:

- words are runs of letters and digits (the folded text has only [0-9a-z]);
- each word is padded with two spaces before and one after, and cut into its trigrams;
- similarity = (shared trigrams) / (distinct trigrams of both), 0 if either is empty,
  computed in single precision (pg_trgm returns a float4), so ties and the threshold comparison
  come out the same on both backends.

`TrigramSimilar` is pg_trgm's `%` operator (similarity ≥ threshold): on PostgreSQL it is the
operator itself, which a GIN trigram index serves; on SQLite it is the same predicate spelled
with the Python function.
"""

from __future__ import annotations

import re
import struct
from functools import lru_cache

from django.db.models import Lookup

# pg_trgm's default `pg_trgm.similarity_threshold`; PostgreSQL connections set it explicitly
# (connection_setup) so that a server configured otherwise ranks and filters the same way.
SIMILARITY_THRESHOLD = 0.3

_WORD = re.compile(r"[0-9a-z]+")


@lru_cache(maxsize=8192)
def trigrams(text: str) -> frozenset[str]:
    """The set of pg_trgm trigrams of a (folded, lower-case) text."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def _float4(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def similarity(a: str | None, b: str | None) -> float | None:
    """pg_trgm's similarity(a, b); None when either is NULL (the SQL function is strict)."""
    if a is None or b is None:
        return None
    left, right = trigrams(a), trigrams(b)
    if not left or not right:
        return 0.0
    common = len(left & right)
    # Rounding the double quotient to single precision equals pg_trgm's float4 division:
    # double rounding is exact for division when 53 ≥ 2·24 + 2.
    return _float4(common / (len(left) + len(right) - common))


class TrigramSimilar(Lookup):
    """`lhs % rhs`: trigram similarity at least SIMILARITY_THRESHOLD (index-friendly on PG).

    Used as an expression: `filter(TrigramSimilar(F("search_name"), folded_query))`.
    """

    lookup_name = "dvc_trigram_similar"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return (
            f"similarity({lhs}, {rhs}) >= %s",
            (*lhs_params, *rhs_params, SIMILARITY_THRESHOLD),
        )

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %% {rhs}", (*lhs_params, *rhs_params)


def connection_setup(sender, connection, **kwargs) -> None:
    """connection_created receiver: give each new connection what the search needs."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("similarity", 2, similarity, deterministic=True)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A custom variable: accepted even before pg_trgm is loaded in the session.
            cursor.execute(f"SET pg_trgm.similarity_threshold = {SIMILARITY_THRESHOLD}")
