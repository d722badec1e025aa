"""Guards only PostgreSQL can give; SQLite relies on the services' checks (see docs/decisions).

- Rule-set periods never overlap: an exclusion constraint over inclusive date ranges (an open
  end is an unbounded range).
- The audit trail is append-only: triggers refuse UPDATE and DELETE of entries and access-log
  rows, and DELETE of chain heads. Tests that tamper on purpose disable them inside their
  transaction; an operator needs the table owner's rights to do the same.
"""

from django.db import migrations

FORWARD = [
    """
    ALTER TABLE core_ruleset ADD CONSTRAINT core_ruleset_periods_never_overlap
    EXCLUDE USING gist (daterange(effective_from, effective_to, '[]') WITH &&)
    """,
    """
    CREATE FUNCTION core_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% of % refused: the audit trail is append-only', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite()
    """,
    """
    CREATE TRIGGER core_accesslogentry_append_only BEFORE UPDATE OR DELETE ON core_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite()
    """,
    """
    CREATE TRIGGER core_auditchain_keep_heads BEFORE DELETE ON core_auditchain
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite()
    """,
]
BACKWARD = [
    "DROP TRIGGER core_auditchain_keep_heads ON core_auditchain",
    "DROP TRIGGER core_accesslogentry_append_only ON core_accesslogentry",
    "DROP TRIGGER core_auditentry_append_only ON core_auditentry",
    "DROP FUNCTION core_refuse_rewrite()",
    "ALTER TABLE core_ruleset DROP CONSTRAINT core_ruleset_periods_never_overlap",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)  # None: the SQL holds literal % signs

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_seed_rule_sets")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
