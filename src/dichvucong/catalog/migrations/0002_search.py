"""PostgreSQL tools of the catalogue search (docs/decisions/0004-catalogue-search.md).

- the pg_trgm and unaccent extensions (both "trusted" since PostgreSQL 13: the database owner
  may create them without being a superuser);
- `dvc_fold(text)`: core.text.fold in SQL (lower case, no diacritics, đ → d, y → i,
  anything else than letters and digits → one space), IMMUTABLE so that it may feed indexes and
  bulk loads; unaccent() itself is only STABLE because it reads its dictionary through the
  search_path, so the wrapper names the dictionary and the function with their schema;
- GIN trigram indexes on search_name and search_text, which serve `LIKE '%token%'` and the
  similarity operator `%`;
- a realistic cost for `%` (its function `similarity_op`): pg_trgm leaves the default cost of 1,
  so the planner takes it for as cheap as `=` and prefers a sequential scan that computes it on
  every row (10 ms over 2,000 procedures) to the trigram index (3 ms). Only a superuser or the
  extension's owner may change it; otherwise the migration goes on without (docs/decisions/0004).

Only PostgreSQL runs it; on SQLite the search uses the Python `similarity()` that
catalog/trigram.py registers on each connection, and needs no schema change.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEXES = {
    "catalog_version_search_name_trgm": "search_name",
    "catalog_version_search_text_trgm": "search_text",
}


def _extension_schema(cursor, name: str) -> str:
    cursor.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE e.extname = %s",
        [name],
    )
    return cursor.fetchone()[0]


def create_search_tools(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        # Wherever the extensions were installed, name them with their schema: an IMMUTABLE
        # function must not depend on the caller's search_path.
        unaccent_schema = quote(_extension_schema(cursor, "unaccent"))
        trgm_schema = quote(_extension_schema(cursor, "pg_trgm"))
        dictionary = f"{unaccent_schema}.unaccent".replace("'", "''")
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION dvc_fold(text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $fold$
              SELECT btrim(regexp_replace(
                translate(
                  lower({unaccent_schema}.unaccent('{dictionary}'::regdictionary,
                                                   translate($1, 'đĐ', 'dD'))),
                  'y', 'i'),
                '[^0-9a-z]+', ' ', 'g'))
            $fold$
            """
        )
        try:
            with transaction.atomic(using=connection.alias):  # a savepoint: a refusal is harmless
                cursor.execute(f"ALTER FUNCTION {trgm_schema}.similarity_op(text, text) COST 100")
        except DatabaseError:
            logger.warning(
                "Could not set the cost of pg_trgm's similarity_op (not its owner): the search "
                "may prefer sequential scans. Run as a superuser: "
                "ALTER FUNCTION similarity_op(text, text) COST 100;"
            )
        table = quote("catalog_procedureversion")
        for index, column in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(index)} ON {table}"
                f" USING gin ({quote(column)} {trgm_schema}.gin_trgm_ops)"
            )


def drop_search_tools(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for index in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")
        cursor.execute("DROP FUNCTION IF EXISTS dvc_fold(text)")
        # The extensions stay: other objects may have come to use them.


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_search_tools, drop_search_tools, elidable=False)]
