import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models.fields.files import FieldFile, FileField
from django.utils.functional import SimpleLazyObject

from dichvucong.core.audit import (
    audit_chain_verify,
    audit_change,
    json_safe,
    log_access,
    snapshot,
)
from dichvucong.core.context import Actor, acting_as
from dichvucong.core.models import AccessLogEntry, AuditChain, AuditEntry, RuleSet

from .factories import OfficialFormFactory, RuleSetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(email="canbo@example.vn", password="x")


# --- snapshot ---------------------------------------------------------------------------------


def test_snapshot_gives_json_safe_values_keyed_by_field_name():
    form = OfficialFormFactory(rule_set=RuleSetFactory(effective_from=dt.date(1950, 1, 1)))
    values = snapshot(form.rule_set)
    assert values["effective_from"] == "1950-01-01"
    assert values["effective_to"] == "1950-12-31"
    assert snapshot(RuleSetFactory.build(effective_to=None))["effective_to"] is None
    assert values["same_day_cutoff"] == "15:00:00"
    assert values["id"] == form.rule_set.pk
    assert snapshot(form)["rule_set"] == form.rule_set.pk  # a foreign key is the related pk


def test_snapshot_of_named_fields_only():
    rule_set = RuleSetFactory()
    assert snapshot(rule_set, fields=["code", "effective_to"]) == {
        "code": rule_set.code,
        "effective_to": rule_set.effective_to.isoformat(),
    }


def test_snapshot_leaves_the_password_hash_out_unless_asked(officer):
    assert "password" not in snapshot(officer)
    assert snapshot(officer)["email"] == "canbo@example.vn"
    assert snapshot(officer, fields=["password"])["password"].startswith("md5$")


def test_snapshot_refuses_a_reverse_relation():
    with pytest.raises(ValueError):
        snapshot(RuleSetFactory(), fields=["forms"])


def test_json_safe_converts_what_json_cannot_hold():
    file = FieldFile(None, FileField(name="scan"), "dossiers/2025/scan.pdf")
    moment = dt.datetime(2025, 9, 15, 8, 30, tzinfo=dt.UTC)
    identifier = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert json_safe(
        {
            "fee": Decimal("50000.00"),
            "at": moment,
            "file": file,
            "ratio": 0.5,
            "id": identifier,
            "tags": {"b", "a"},
        }
    ) == {
        "fee": "50000.00",
        "at": "2025-09-15T08:30:00+00:00",
        "file": "dossiers/2025/scan.pdf",
        "ratio": "0.5",
        "id": "12345678-1234-5678-1234-567812345678",
        "tags": ["a", "b"],
    }
    assert json_safe(FieldFile(None, FileField(name="scan"), None)) is None
    assert json_safe(dt.timedelta(hours=8)) == "P0DT08H00M00S"


# --- audit_change -----------------------------------------------------------------------------


def test_an_entry_records_who_what_when_where_before_and_after(officer):
    rule_set = RuleSetFactory()
    lazy_user = SimpleLazyObject(lambda: officer)  # as request.user is
    with acting_as(Actor(user=lazy_user, ip="203.0.113.9", via="web")), transaction.atomic():
        before = snapshot(rule_set)
        rule_set.name = "Đã sửa"
        rule_set.save()
        entry = audit_change(
            action="core.ruleset.change",
            instance=rule_set,
            before=before,
            after=snapshot(rule_set),
        )
    entry.refresh_from_db()
    assert (entry.scope, entry.seq) == ("province", 1)
    assert entry.actor_user_id == officer.pk
    assert entry.actor_label == "canbo@example.vn"
    assert (entry.ip, entry.via) == ("203.0.113.9", "web")
    assert entry.content_type == ContentType.objects.get_for_model(RuleSet)
    assert entry.object_pk == str(rule_set.pk)
    assert entry.object_repr == "Đã sửa"
    assert entry.before["name"] != "Đã sửa" and entry.after["name"] == "Đã sửa"
    assert entry.created_at is not None
    assert len(entry.hash) == 64 and entry.prev_hash == "0" * 64
    assert audit_chain_verify(scope="province").ok


def test_explicit_actor_and_ip_override_the_context(officer):
    rule_set = RuleSetFactory()
    with acting_as(Actor(user=None, ip="198.51.100.1", via="task")), transaction.atomic():
        entry = audit_change(
            action="core.ruleset.change",
            instance=rule_set,
            before={},
            after={},
            actor=officer,
            ip="2001:DB8::1",
        )
    assert (entry.actor_user_id, entry.ip, entry.via) == (officer.pk, "2001:db8::1", "task")


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_an_anonymous_or_system_actor_is_recorded_without_a_user(user):
    with acting_as(Actor(user=user, ip="not an address", via="command")), transaction.atomic():
        entry = audit_change(
            action="core.ruleset.create", instance=RuleSetFactory(), before=None, after={}
        )
    assert (entry.actor_user_id, entry.actor_label, entry.ip, entry.via) == (
        None,
        "",
        "",
        "command",
    )


def test_the_entry_rolls_back_with_the_change():
    rule_set = RuleSetFactory(name="Trước")
    with pytest.raises(RuntimeError), transaction.atomic():
        before = snapshot(rule_set)
        rule_set.name = "Sau"
        rule_set.save()
        audit_change(
            action="core.ruleset.change", instance=rule_set, before=before, after=snapshot(rule_set)
        )
        # Written in the same transaction, with the register's record of the new chain...
        assert sorted(AuditEntry.objects.values_list("scope", "seq")) == [
            ("province", 1),
            ("scopes", 1),
            ("scopes", 2),
        ]
        raise RuntimeError("the change fails after the entry was written")
    rule_set.refresh_from_db()
    assert rule_set.name == "Trước"
    assert not AuditEntry.objects.exists()  # ...and gone with it
    assert not AuditChain.objects.exists()


def test_entries_of_a_rolled_back_change_leave_no_gap(chain):
    chain(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        chain(1)
        raise RuntimeError
    chain(1)
    province = AuditEntry.objects.filter(scope="province").order_by("seq")
    assert list(province.values_list("seq", flat=True)) == [1, 2, 3]
    assert audit_chain_verify(scope="province").ok


@pytest.mark.django_db(transaction=True)
def test_audit_change_outside_a_transaction_is_refused():
    rule_set = RuleSetFactory()
    with pytest.raises(transaction.TransactionManagementError):
        audit_change(action="core.ruleset.change", instance=rule_set, before={}, after={})
    assert not AuditEntry.objects.exists()
    assert not AuditChain.objects.exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"action": "", "before": {}, "after": {}},
        {"action": "x" * 101, "before": {}, "after": {}},
        {"action": "core.ruleset.change", "before": None, "after": None},
        {"action": "core.ruleset.change", "before": {}, "after": {}, "scope": ""},
    ],
)
def test_malformed_calls_are_refused(kwargs):
    with pytest.raises(ValueError), transaction.atomic():
        audit_change(instance=RuleSetFactory(), **kwargs)
    assert not AuditEntry.objects.exists()


def test_a_deleted_instance_is_recorded_with_the_pk_from_before():
    rule_set = RuleSetFactory()
    pk = rule_set.pk
    with transaction.atomic():
        before = snapshot(rule_set)
        rule_set.delete()
        entry = audit_change(
            action="core.ruleset.delete", instance=rule_set, before=before, after=None
        )
    assert entry.object_pk == str(pk)


def test_two_scopes_are_independent_chains(chain):
    province = chain(3, scope="province")
    agency = chain(2, scope="000.00.00.H30")
    assert [e.seq for e in province] == [1, 2, 3]
    assert [e.seq for e in agency] == [1, 2]
    assert agency[0].prev_hash == "0" * 64  # the agency's chain starts on its own
    assert AuditChain.objects.get(scope="000.00.00.H30").last_hash == agency[-1].hash
    assert AuditChain.objects.get(scope="province").last_hash == province[-1].hash


def test_the_hash_depends_on_the_key(chain, settings):
    chain(2)
    assert audit_chain_verify(scope="province").ok
    settings.DVC_AUDIT_KEY = "another key"
    report = audit_chain_verify(scope="province")
    assert report.problem.kind == "head_tampered"  # without the key nothing verifies


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only triggers are PostgreSQL's"
)
def test_postgresql_refuses_to_rewrite_or_delete_entries(chain):
    entry = chain(1)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="core.other")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditChain.objects.all().delete()
    assert audit_chain_verify(scope="province").ok


# --- log_access -------------------------------------------------------------------------------


def test_log_access_writes_the_access_log_and_not_the_chain(officer):
    rule_set = RuleSetFactory()
    with acting_as(Actor(user=officer, ip="203.0.113.9", via="web")):
        record = log_access(action="dossier.view", instance=rule_set)
    record.refresh_from_db()
    assert (record.action, record.object_pk) == ("dossier.view", str(rule_set.pk))
    assert record.content_type == ContentType.objects.get_for_model(RuleSet)
    assert (record.actor_user_id, record.actor_label, record.ip, record.via) == (
        officer.pk,
        "canbo@example.vn",
        "203.0.113.9",
        "web",
    )
    assert AccessLogEntry.objects.count() == 1
    assert not AuditEntry.objects.exists()
    assert not AuditChain.objects.exists()


def test_log_access_needs_a_saved_instance():
    with pytest.raises(ValueError):
        log_access(action="dossier.view", instance=RuleSet())
    assert not AccessLogEntry.objects.exists()


def test_deleting_a_user_leaves_the_trail_alone(officer):
    with transaction.atomic():
        entry = audit_change(
            action="core.ruleset.create",
            instance=RuleSetFactory(),
            before=None,
            after={},
            actor=officer,
        )
    get_user_model().objects.filter(pk=officer.pk).delete()
    entry.refresh_from_db()
    assert entry.actor_label == "canbo@example.vn"
    assert audit_chain_verify(scope="province").ok


def test_audited_update_saves_and_records_only_what_changed(db):
    from dichvucong.core.audit import audited_update

    rule_set = RuleSetFactory(name="Cũ")
    entries = AuditEntry.objects.count()

    _same, changed = audited_update(rule_set, data={"name": "Cũ"}, action="core.ruleset.change")
    assert changed == [] and AuditEntry.objects.count() == entries

    updated, changed = audited_update(rule_set, data={"name": "Mới"}, action="core.ruleset.change")

    assert changed == ["name"]
    rule_set.refresh_from_db()
    assert rule_set.name == updated.name == "Mới"
    entry = AuditEntry.objects.latest("id")
    assert (entry.before["name"], entry.after["name"]) == ("Cũ", "Mới")
