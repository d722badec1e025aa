"""The audit trail's tables refuse TRUNCATE on PostgreSQL (row triggers do not fire on it).

A statement-level BEFORE TRUNCATE trigger on the entries, the chain heads and the access log,
with the same function as the row triggers of 0003. It stops `manage.py flush` and a
`TRUNCATE ... CASCADE` from another table; the table owner can still disable it, which is why
the application runs under a role that owns nothing (core.dbroles) and the heads are anchored
outside the database (core.checkpoints). See docs/decisions/0011-audit-anchoring.md.
"""

from django.db import migrations

TABLES = ("core_auditentry", "core_auditchain", "core_accesslogentry")
FORWARD = [
    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite()"
    for table in TABLES
]
BACKWARD = [f"DROP TRIGGER {table}_no_truncate ON {table}" for table in TABLES]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0003_postgresql_guards")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
