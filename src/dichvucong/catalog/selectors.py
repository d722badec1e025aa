"""Reads of the public procedure catalogue: search, facets, a procedure's published version.

The search (docs/decisions/0004-catalogue-search.md) folds the query in Python with
`core.text.fold`, as the stored `search_name` / `search_text` were folded, and runs one
query that is the same ORM expression on PostgreSQL and SQLite , whose ranked ids are cached per catalogue generation:

    candidates: search_text contains every token  OR  search_name % query (trigram similarity)
    order:      name == query, name starts with the query, every token in the name,
                every token in the text, similarity(search_name, query), folded name, id

`similarity` is pg_trgm's on PostgreSQL and the identical Python function on SQLite
(catalog/trigram.py), and ties are broken on the folded (ASCII) name compared byte-wise, so both
backends return the same rows in the same order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from dichvucong.agencies.models import Agency, Level
from dichvucong.core.text import fold

from .cache import catalogue_generation
from .models import Component, Field, ProcedureVersion, Sector, VersionStatus
from .trigram import TrigramSimilar

# The longest query: the page's form and the API refuse a longer one with a message (every
# token costs a LIKE); the cut below only guards a direct caller.
MAX_QUERY_LENGTH = 200
MAX_TOKENS = 8
# A one-letter token is a substring of nearly every name: it would match everything and no
# trigram index can serve it. It still counts in the similarity of the whole query.
MIN_TOKEN_LENGTH = 2

SUBJECTS = ("citizens", "organisations")
_LEVEL_FIELDS = {
    Level.PROVINCE.value: "at_province",
    Level.DISTRICT.value: "at_district",
    Level.COMMUNE.value: "at_commune",
}
_LEVEL_ORDER = {Level.PROVINCE.value: 0, Level.DISTRICT.value: 1, Level.COMMUNE.value: 2}


class BinaryOrder(Func):
    """The column compared byte by byte, whatever the database's collation.

    The folded columns hold only [0-9a-z ], so byte order is alphabetical order; PostgreSQL's
    default collation (say en_US) would otherwise skip spaces and order differently from
    SQLite's BINARY.
    """

    template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template='%(expressions)s COLLATE "C"')


@dataclass(frozen=True)
class SearchTerms:
    """A query as the search uses it: folded text and the tokens each result must contain."""

    text: str
    tokens: tuple[str, ...]

    @classmethod
    def parse(cls, query: str) -> SearchTerms:
        text = fold((query or "")[:MAX_QUERY_LENGTH])
        unique = dict.fromkeys(token for token in text.split() if len(token) >= MIN_TOKEN_LENGTH)
        return cls(text=text, tokens=tuple(unique)[:MAX_TOKENS])


def _all_tokens_in(column: str, tokens: tuple[str, ...]) -> Q:
    # `contains` is LIKE '%token%': served by the GIN trigram index on PostgreSQL. The tokens
    # hold only [0-9a-z], so nothing needs escaping and SQLite's case-insensitive LIKE is moot.
    return Q(*[Q(**{f"{column}__contains": token}) for token in tokens])


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _published() -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)


def _code_or_instance(value: Any, model) -> Q | None:
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return Q(pk=value.pk)
    return Q(code=value)


def search_candidates(terms: SearchTerms) -> Q:
    """Versions worth ranking: every token in the text, or a name similar to the query.

    Both sides are served by the GIN trigram indexes on PostgreSQL (a BitmapOr); `similarity()
    > t` alone could not use an index, pg_trgm's `%` operator can.
    """
    similar = Q(TrigramSimilar(F("search_name"), terms.text))
    if not terms.tokens:
        return similar
    return _all_tokens_in("search_text", terms.tokens) | similar


# A search is ranked once and its ids cached, keyed by the catalogue's generation (publishing
# changes it) with this lifetime as a backstop; pages then fetch only their rows by id.
SEARCH_CACHE_SECONDS = 15 * 60


def procedure_search(
    *,
    query: str = "",
    sector: Sector | str | None = None,
    field: Field | str | None = None,
    agency: Agency | str | None = None,
    level: Level | str | None = None,
    online_level: int | None = None,
    subject: str | None = None,
) -> RankedVersions:
    """Published versions matching the query and every given filter, most relevant first.

    Filters combine with each other and with the query (AND). `sector`, `field` and `agency`
    take an instance or a code; the agency filter keeps procedures the agency decides or
    receives at its desk; `level` is an agencies.Level value; `subject` "citizens" or
    "organisations". Without a query the order is alphabetical (on the folded name).

    Returns a sequence (len, slicing, iteration, `.only()`): the ranked ids come from the cache
    or one query; each slice then reads its rows in one query, with `field`, its sector, the
    competent agency and the procedure joined in.
    """
    filters = {
        "sector": sector,
        "field": field,
        "agency": agency,
        "level": level,
        "online_level": online_level,
        "subject": subject,
    }
    terms = SearchTerms.parse(query)
    key = _search_cache_key(terms, filters)
    ids = cache.get(key)
    if ids is None:
        ids = _ranked_ids(terms, _filtered(**filters))
        cache.set(key, ids, SEARCH_CACHE_SECONDS)
    rows = ProcedureVersion.objects.select_related(
        "procedure", "field__sector", "competent_agency"
    ).defer("search_text", "sources")
    return RankedVersions(ids, rows, cache_key=key)


class RankedVersions(Sequence):
    """Ranked search results: the order is the list of ids, the rows come page by page.

    A page's rows are cached beside the ranking (same generation, same lifetime): the first
    pages of common searches are read far more often than the catalogue changes.
    """

    ordered = True  # Django's Paginator warns about unordered object lists

    def __init__(self, ids: list[int], rows: QuerySet[ProcedureVersion], cache_key: str = ""):
        self.ids = ids
        self.rows = rows
        self.cache_key = cache_key

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    def only(self, *fields: str) -> RankedVersions:
        return RankedVersions(self.ids, self.rows.only(*fields), self.cache_key)

    def __iter__(self):
        return iter(self[:])

    def _page_key(self, index: slice) -> str:
        # The columns loaded are part of the key: the API and the web page read different ones.
        loading = self.rows.query.deferred_loading
        columns = f"{sorted(loading[0])}{loading[1]}"
        return f"{self.cache_key}:{index.start}:{index.stop}:{hashlib.sha256(columns.encode()).hexdigest()[:16]}"

    def __getitem__(self, index):
        if isinstance(index, slice):
            wanted = self.ids[index]
            if not wanted:
                return []
            page_key = self._page_key(index) if self.cache_key and index.step is None else ""
            if page_key and (cached := cache.get(page_key)) is not None:
                return cached
            found = self.rows.in_bulk(wanted)
            page = [found[pk] for pk in wanted if pk in found]
            if page_key:
                cache.set(page_key, page, SEARCH_CACHE_SECONDS)
            return page
        page = self[index : index + 1] if index >= 0 else self[index:][:1]
        if not page:
            raise IndexError(index)
        return page[0]


def _search_cache_key(terms: SearchTerms, filters: dict[str, Any]) -> str:
    parts = [catalogue_generation(), terms.text]
    for name in sorted(filters):
        value = filters[name]
        parts.append(f"{name}={getattr(value, 'pk', value)}")
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return f"catalog:search:{digest}"


def _filtered(
    *,
    sector: Sector | str | None,
    field: Field | str | None,
    agency: Agency | str | None,
    level: Level | str | None,
    online_level: int | None,
    subject: str | None,
) -> QuerySet[ProcedureVersion]:
    versions = _published()

    if (condition := _code_or_instance(sector, Sector)) is not None:
        versions = versions.filter(field__sector__in=Sector.objects.filter(condition))
    if (condition := _code_or_instance(field, Field)) is not None:
        versions = versions.filter(field__in=Field.objects.filter(condition))
    if (condition := _code_or_instance(agency, Agency)) is not None:
        agencies = Agency.objects.filter(condition)
        receives = ProcedureVersion.receiving_agencies.through.objects.filter(
            procedureversion_id=OuterRef("pk"), agency__in=agencies
        )
        versions = versions.filter(Q(competent_agency__in=agencies) | Q(Exists(receives)))
    if level:
        column = _LEVEL_FIELDS.get(str(level))
        versions = versions.filter(**{column: True}) if column else versions.none()
    if online_level is not None:
        versions = versions.filter(online_level=online_level)
    if subject:
        if subject == "citizens":
            versions = versions.filter(for_citizens=True)
        elif subject == "organisations":
            versions = versions.filter(for_organisations=True)
        else:
            versions = versions.none()
    return versions


def _ranked_ids(terms: SearchTerms, versions: QuerySet[ProcedureVersion]) -> list[int]:
    by_name = BinaryOrder(F("search_name"))
    if not terms.text:
        return list(versions.order_by(by_name, "pk").values_list("pk", flat=True))

    return _ranked(terms, versions.filter(search_candidates(terms)))


def _ranked(terms: SearchTerms, candidates: QuerySet[ProcedureVersion]) -> list[int]:
    ranks = {
        "rank_exact": _flag(Q(search_name=terms.text)),
        "rank_prefix": _flag(Q(search_name__startswith=terms.text)),
    }
    if terms.tokens:  # without a token (one-letter words) these ranks would be constants
        ranks["rank_in_name"] = _flag(_all_tokens_in("search_name", terms.tokens))
        ranks["rank_in_text"] = _flag(_all_tokens_in("search_text", terms.tokens))
    ranked = candidates.annotate(
        **ranks,
        similarity=Func(
            F("search_name"),
            Value(terms.text),
            function="similarity",
            output_field=FloatField(),
        ),
    ).order_by(
        *(f"-{name}" for name in ranks),
        "-similarity",
        BinaryOrder(F("search_name")),
        "pk",
    )
    return list(ranked.values_list("pk", flat=True))


def procedure_get_public(*, local_code: str) -> ProcedureVersion | None:
    """The published version of the procedure with this local code, every part prefetched;
    None when the code is unknown or nothing of it is published. A fixed number of queries."""
    return (
        _published()
        .filter(procedure__local_code=local_code)
        .select_related("procedure", "field__sector", "competent_agency")
        .prefetch_related(
            "time_options",
            "fees",
            "components",
            "steps",
            "process_steps__agency",
            Prefetch("receiving_agencies", queryset=Agency.objects.order_by("name", "pk")),
        )
        .first()
    )


def component_get_public_template(*, component_id: int) -> Component | None:
    """A component with a form template, of a published version; None otherwise (a draft's or
    a superseded version's template is not public)."""
    return (
        Component.objects.filter(pk=component_id, version__status=VersionStatus.PUBLISHED)
        .exclude(template="")
        .select_related("version__procedure")
        .first()
    )


# --- Facets of the filter sidebar


@dataclass
class FieldFacet:
    code: str
    name: str
    count: int


@dataclass
class SectorFacet:
    code: str
    name: str
    count: int = 0
    fields: list[FieldFacet] = field(default_factory=list)


@dataclass
class CatalogueFacets:
    sectors: list[SectorFacet]
    agencies: list[Agency]


def _name_key(name: str) -> tuple[str, str]:
    # Vietnamese readers expect "Đ" with "D" and "Y tế" after "Xây dựng" is fine: fold first,
    # the written form breaks ties. The same on every database.
    return fold(name), name


def catalogue_facets() -> CatalogueFacets:
    """Sectors and fields that have published procedures, with counts, and the agencies that
    decide or receive at least one: two queries, whatever the catalogue's size."""
    rows = (
        _published()
        .values("field__code", "field__name", "field__sector__code", "field__sector__name")
        .annotate(count=Count("pk"))
        .order_by()
    )
    sectors: dict[str, SectorFacet] = {}
    for row in rows:
        sector = sectors.setdefault(
            row["field__sector__code"],
            SectorFacet(code=row["field__sector__code"], name=row["field__sector__name"]),
        )
        sector.fields.append(
            FieldFacet(code=row["field__code"], name=row["field__name"], count=row["count"])
        )
        sector.count += row["count"]
    for sector in sectors.values():
        sector.fields.sort(key=lambda facet: _name_key(facet.name))

    published = _published()
    decides = published.filter(competent_agency=OuterRef("pk"))
    receives = ProcedureVersion.receiving_agencies.through.objects.filter(
        agency=OuterRef("pk"), procedureversion__in=published
    )
    agencies = list(
        Agency.objects.filter(Exists(decides) | Exists(receives)).only(
            "code", "name", "short_name", "level"
        )
    )
    agencies.sort(key=lambda agency: (_LEVEL_ORDER.get(agency.level, 9), _name_key(agency.name)))
    return CatalogueFacets(
        sectors=sorted(sectors.values(), key=lambda sector: _name_key(sector.name)),
        agencies=agencies,
    )
