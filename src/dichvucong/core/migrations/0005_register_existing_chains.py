"""Chains opened before the register chain existed are registered now (decision 0011).

It runs the application's own audit code (the entries must be hashed exactly as audit_change
hashes them); on a new database there is no chain yet and it does nothing.
"""

from django.db import migrations


def register(apps, schema_editor):
    AuditChain = apps.get_model("core", "AuditChain")
    if not AuditChain.objects.using(schema_editor.connection.alias).exists():
        return
    from dichvucong.core.audit import audit_register_backfill

    audit_register_backfill(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_refuse_truncate"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(register, migrations.RunPython.noop)]
