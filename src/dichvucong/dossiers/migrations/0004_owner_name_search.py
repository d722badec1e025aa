"""A trigram index on the folded owner name, for the desk queue's and the inbox's name search.

Officers type names without diacritics ("nguyen van an"); the search compares
`dvc_fold(owner_name)` (catalog migration 0002) with the folded text by `LIKE '%…%'`, which
without this index reads every dossier of the agency's queue or open steps (≈ 0.3 s at 50,000
open at one agency, bench/PROFILE.md). Only PostgreSQL runs it; SQLite, the embedded demo's
database, searches its few rows without an index. Built CONCURRENTLY (so outside a
transaction): on a live portal the dossiers table keeps taking writes while it builds.
"""

from importlib import import_module

from django.db import migrations

INDEX = "dossiers_owner_name_fold_trgm"


# Where pg_trgm lives, as the catalogue's search migration finds it (a migration never changes
# once shipped, so its helper is safe to share).
_extension_schema = import_module("dichvucong.catalog.migrations.0002_search")._extension_schema


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        trgm_schema = quote(_extension_schema(cursor, "pg_trgm"))
        cursor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(INDEX)} ON {quote('dossiers_dossier')}"
            f" USING gin (dvc_fold({quote('owner_name')}) {trgm_schema}.gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("dossiers", "0003_processing"), ("catalog", "0002_search")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
