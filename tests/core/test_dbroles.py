"""On PostgreSQL the trail refuses TRUNCATE, and the application's role may only read and append
to it (decision 0011)."""

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from dichvucong.core.audit import audit_change, audit_trail_verify, snapshot
from dichvucong.core.dbroles import app_role_grant
from dichvucong.core.models import AuditChain, AuditEntry, RuleSet

from .factories import RuleSetFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="TRUNCATE triggers and database roles are PostgreSQL's; SQLite has neither",
    ),
]
TRAIL = ("core_auditentry", "core_auditchain", "core_accesslogentry")


def refused(sql):
    """Run sql in a savepoint; return PostgreSQL's refusal (None if it ran)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("table", TRAIL)
def test_truncate_of_the_trail_is_refused(chain, table):
    chain(2)
    # The test database lifts this guard for the suite's flushes (tests/conftest.py).
    with connection.cursor() as cursor:
        # Deferred foreign-key checks fire now: ALTER TABLE refuses to run with them pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_truncate")
    error = refused(f"TRUNCATE {table} CASCADE")
    assert error and "TRUNCATE of" in error and "append-only" in error
    assert AuditEntry.objects.filter(scope="province").count() == 2


@pytest.fixture
def app_role():
    """A role of this test only, granted as after a migrate; everything after is done as it.
    Creating the role and the grants roll back with the test's transaction."""
    role = f"dvc_app_test_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    report = app_role_grant(role=role)
    assert report.tables > 40 and report.sequences > 0
    return role


def as_role(role):
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')


def test_the_app_role_may_append_to_the_trail_but_not_rewrite_it(chain, app_role):
    entries = chain(2)
    rule_set = RuleSet.objects.get(pk=entries[0].object_pk)
    as_role(app_role)

    # What the portal does: change a row and append its entry, in a new chain too.
    with transaction.atomic():
        before = snapshot(rule_set)
        RuleSet.objects.filter(pk=rule_set.pk).update(name="Đổi tên")
        rule_set.refresh_from_db()
        for scope in ("province", "000.00.00.H30"):
            audit_change(
                action="core.ruleset.change",
                instance=rule_set,
                before=before,
                after=snapshot(rule_set),
                scope=scope,
            )
    assert AuditEntry.objects.filter(scope="province").count() == 3

    denied = "permission denied"
    assert denied in refused("UPDATE core_auditentry SET action = 'x'")
    assert denied in refused("DELETE FROM core_auditentry")
    assert denied in refused("TRUNCATE core_auditentry")
    assert denied in refused("TRUNCATE core_auditchain")
    assert denied in refused("DELETE FROM core_auditchain")
    assert denied in refused("UPDATE core_auditchain SET scope = 'other'")
    assert denied in refused("UPDATE core_accesslogentry SET action = 'x'")
    assert denied in refused("DELETE FROM core_accesslogentry")
    assert "must be owner" in refused("ALTER TABLE core_auditentry DISABLE TRIGGER ALL")
    assert denied in refused("SELECT setval('core_auditentry_id_seq', 1)")
    assert denied in refused("DELETE FROM django_migrations")
    assert all(report.ok for report in audit_trail_verify())


def test_the_grants_are_idempotent(app_role):
    def privileges():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = %s ORDER BY 1, 2",
                [app_role],
            )
            return cursor.fetchall()

    first = privileges()
    app_role_grant(role=app_role)
    assert privileges() == first
    assert ("core_auditentry", "INSERT") in first
    assert ("core_auditentry", "UPDATE") not in first
    assert not [row for row in first if row[1] in {"TRUNCATE", "TRIGGER", "REFERENCES"}]


def test_the_grant_command_names_a_missing_role():
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", role="dvc_no_such_role", stdout=StringIO())


def test_a_head_moved_back_by_the_app_role_is_caught(chain, app_role):
    # The role may UPDATE heads (appending moves them), so it could rewind one; it cannot
    # delete the entries beyond it, which the walk then finds.
    entries = chain(3)
    as_role(app_role)
    from dichvucong.core import audit

    AuditChain.objects.filter(scope="province").update(
        last_seq=2,
        last_hash=entries[1].hash,
        head_mac=audit._head_mac("province", 2, entries[1].hash),
    )
    [report] = [r for r in audit_trail_verify() if r.scope == "province"]
    assert report.problem.kind == "inserted" and report.problem.seq == 3


def test_rule_sets_are_still_written_by_the_app_role(app_role):
    as_role(app_role)
    rule_set = RuleSetFactory()
    RuleSet.objects.filter(pk=rule_set.pk).update(name="Mới")
    RuleSet.objects.filter(pk=rule_set.pk).delete()


def test_migrate_grants_the_configured_role(settings, app_role):
    # As after `migrate --database owner`: core's post_migrate handler applies the grants.
    from django.apps import apps
    from django.db.models.signals import post_migrate

    with connection.cursor() as cursor:
        cursor.execute(f'REVOKE ALL ON core_auditentry FROM "{app_role}"')
    settings.DVC_DB_APP_ROLE = app_role
    core = apps.get_app_config("core")
    post_migrate.send(
        sender=core,
        app_config=core,
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )

    as_role(app_role)
    assert refused("SELECT count(*) FROM core_auditentry") is None
    assert "permission denied" in refused("DELETE FROM core_auditentry")
