import pytest
from django.db import connection, transaction

from dichvucong.core.audit import audit_change, snapshot
from dichvucong.core.models import AuditEntry

from .factories import RuleSetFactory


@pytest.fixture
def tamperable(db):
    """Lift PostgreSQL's append-only triggers for this test's transaction only (rolled back
    with it), so a test can play the attacker who rewrites rows directly."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only"
            )
            cursor.execute("ALTER TABLE core_auditchain DISABLE TRIGGER core_auditchain_keep_heads")


@pytest.fixture
def chain(db):
    """Append `count` entries to a scope; returns them in order."""

    def append(count: int = 5, scope: str = "province") -> list[AuditEntry]:
        rule_set = RuleSetFactory()
        entries = []
        for i in range(count):
            with transaction.atomic():
                before = snapshot(rule_set)
                rule_set.name = f"Tên {i}"
                rule_set.save(update_fields=["name"])
                entries.append(
                    audit_change(
                        action="core.ruleset.change",
                        instance=rule_set,
                        before=before,
                        after=snapshot(rule_set),
                        scope=scope,
                    )
                )
        return entries

    return append
