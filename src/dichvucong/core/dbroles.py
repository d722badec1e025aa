"""The application's database role: all it needs, and on the audit trail only read and append.

Migrations run as the tables' owner; the portal connects as another role (DVC_DB_APP_ROLE),
which owns nothing, so it can neither disable the trail's triggers nor TRUNCATE, UPDATE or
DELETE its rows. `app_role_grant` runs after every migrate (core.apps) and from
`manage.py grant_app_role`; it is idempotent. PostgreSQL only. See decision 0011.

    app_role_grant(*, role, using="default") -> GrantReport
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, transaction

from .models import AccessLogEntry, AuditChain, AuditEntry

# Append-only tables: read and insert, nothing else.
APPEND_ONLY = (AuditEntry._meta.db_table, AccessLogEntry._meta.db_table)
# A chain's head moves on every append, so the role may UPDATE it, but only these columns (not
# its scope). It could move a head back (it holds DVC_AUDIT_KEY to sign one), yet not delete
# the entries beyond it, which verify_audit then reports; the checkpoints outside the database
# catch a head moved back together with entries removed by someone with the owner's rights.
HEADS = AuditChain._meta.db_table
HEAD_COLUMNS = ("last_seq", "last_hash", "head_mac", "updated_at")
# Django reads which migrations ran (runserver, checks); only the owner records one.
READ_ONLY = ("django_migrations",)


@dataclass(frozen=True)
class GrantReport:
    role: str
    tables: int
    sequences: int


class RoleMissing(Exception):
    def __init__(self, role: str):
        super().__init__(
            f"The database role {role!r} (DVC_DB_APP_ROLE) does not exist: create it as "
            "docs/decisions/0011-audit-anchoring.md says, or leave DVC_DB_APP_ROLE empty."
        )


def app_role_grant(*, role: str, using: str = "default") -> GrantReport:
    """Give `role` exactly the application's rights on every table and sequence of the current
    schema, revoking first whatever it held there (so running it again changes nothing)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise NotImplementedError("Database roles exist on PostgreSQL only.")
    quote = connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise RoleMissing(role)
        cursor.execute(
            """
            SELECT c.relname, c.relkind FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
            ORDER BY c.relname
            """
        )
        relations = cursor.fetchall()
        cursor.execute("SELECT current_schema()")
        who, schema = quote(role), quote(cursor.fetchone()[0])
        statements = [
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {who}",
            f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        ]
        tables = sequences = 0
        for name, kind in relations:
            if kind == "S":
                sequences += 1
                statements.append(
                    f"GRANT {_sequence_rights(name)} ON SEQUENCE {quote(name)} TO {who}"
                )
            else:
                tables += 1
                statements.extend(_table_grants(name, quote(name), who, quote))
        for statement in statements:
            cursor.execute(statement)
    return GrantReport(role=role, tables=tables, sequences=sequences)


def _table_grants(name: str, table: str, who: str, quote) -> list[str]:
    if name in APPEND_ONLY:
        return [f"GRANT SELECT, INSERT ON {table} TO {who}"]
    if name == HEADS:
        columns = ", ".join(quote(column) for column in HEAD_COLUMNS)
        return [
            f"GRANT SELECT, INSERT ON {table} TO {who}",
            f"GRANT UPDATE ({columns}) ON {table} TO {who}",
        ]
    if name in READ_ONLY:
        return [f"GRANT SELECT ON {table} TO {who}"]
    # Never TRUNCATE, REFERENCES or TRIGGER: the application needs none of them.
    return [f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {who}"]


def _sequence_rights(name: str) -> str:
    # nextval only on the trail's sequences: setval could make every later append fail.
    trail = (*APPEND_ONLY, HEADS)
    if any(name.startswith(f"{table}_") for table in trail):
        return "USAGE"
    return "USAGE, SELECT, UPDATE"
