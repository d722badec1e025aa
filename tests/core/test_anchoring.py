"""The trail cannot vanish unnoticed: the register of chains, and signed checkpoints of the heads
kept outside the database (decision 0011)."""

import base64
import json
import stat
from io import StringIO

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation

from dichvucong.core import audit
from dichvucong.core.audit import audit_change, audit_register_backfill, audit_trail_verify
from dichvucong.core.checkpoints import checkpoint_anchors, checkpoint_key_generate
from dichvucong.core.models import AuditChain, AuditEntry
from dichvucong.core.tasks import audit_checkpoint_task
from tests.clock import local

from .factories import RuleSetFactory

pytestmark = pytest.mark.django_db
AGENCY = "000.00.00.H30"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def keys(settings, tmp_path):
    """A fresh signing key, and checkpoints written to a folder of this test only."""
    pair = checkpoint_key_generate()
    settings.DVC_AUDIT_CHECKPOINT_KEY = pair.private
    settings.DVC_AUDIT_CHECKPOINT_PUBLIC_KEYS = []
    settings.DVC_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.DVC_AUDIT_CHECKPOINT_EMAIL = []
    return pair


def run(command, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def erase_everything():
    """The attacker with the owner's rights: the truncate guards off, both tables emptied."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE needs none pending
            for table in ("core_auditentry", "core_auditchain"):
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate")
            cursor.execute("TRUNCATE core_auditentry, core_auditchain")
        else:
            cursor.execute("DELETE FROM core_auditentry")
            cursor.execute("DELETE FROM core_auditchain")


# --- The register of chains --------------------------------------------------------------


def test_opening_a_chain_records_it_in_the_register(chain):
    chain(2)
    chain(1, scope=AGENCY)
    register = AuditEntry.objects.filter(scope="scopes").order_by("seq")
    assert [(e.action, e.after) for e in register] == [
        ("core.audit.chain.open", {"scope": "scopes"}),
        ("core.audit.chain.open", {"scope": "province"}),
        ("core.audit.chain.open", {"scope": AGENCY}),
    ]
    assert all(report.ok for report in audit_trail_verify())
    code, out, _err = run("verify_audit")
    assert code == 0 and f"{AGENCY}: OK, 1" in out and "scopes: OK, 3" in out


def test_a_whole_chain_deleted_with_its_head_is_caught(chain, tamperable):
    chain(2)
    chain(3, scope=AGENCY)
    AuditEntry.objects.filter(scope=AGENCY).delete()
    AuditChain.objects.filter(scope=AGENCY).delete()

    code, _out, err = run("verify_audit")
    assert code != 0
    assert f"{AGENCY}: BROKEN" in err and ": removed: the register lists this chain" in err
    assert "province: BROKEN" not in err


def test_a_chain_missing_from_the_register_is_caught(chain, tamperable):
    chain(1)
    AuditEntry.objects.filter(scope="scopes").delete()
    AuditChain.objects.filter(scope="scopes").delete()
    code, _out, err = run("verify_audit")
    assert code != 0 and "province: BROKEN" in err and ": unregistered: " in err


def test_nobody_writes_to_the_register_directly():
    rule_set = RuleSetFactory()
    with pytest.raises(ValueError), transaction.atomic():
        audit_change(action="core.x", instance=rule_set, before=None, after={}, scope="scopes")
    assert not AuditEntry.objects.exists()


def test_chains_opened_before_the_register_are_registered_once(chain, tamperable):
    chain(1)
    chain(1, scope=AGENCY)
    # As a trail written before migration 0005: no register at all.
    AuditEntry.objects.filter(scope="scopes").delete()
    AuditChain.objects.filter(scope="scopes").delete()

    assert audit_register_backfill() == ["province", AGENCY]
    assert audit_register_backfill() == []
    assert all(report.ok for report in audit_trail_verify())


# --- Checkpoints ---------------------------------------------------------------------------


def test_a_checkpoint_holds_every_head_signed(chain, keys, settings):
    province = chain(3)
    agency = chain(1, scope=AGENCY)
    code, out, _err = run("audit_checkpoint")
    assert code == 0 and "3 heads" in out

    [path] = settings.DVC_AUDIT_CHECKPOINT_DIR.iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    body = json.loads(path.read_text())
    assert body["heads"] == [
        {"scope": AGENCY, "seq": 1, "hash": agency[-1].hash},
        {"scope": "province", "seq": 3, "hash": province[-1].hash},
        {"scope": "scopes", "seq": 3, "hash": AuditChain.objects.get(scope="scopes").last_hash},
    ]
    # Anyone holding only the public key can check it.
    signature = base64.b64decode(body.pop("signature"))
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(keys.public))
    public.verify(signature, audit.canonical_json(body))


def test_celery_beat_runs_the_checkpoint_and_it_is_mailed_when_asked(chain, keys, settings):
    chain(1)
    settings.DVC_AUDIT_CHECKPOINT_EMAIL = ["it@example.gov.vn"]
    name = audit_checkpoint_task.delay().get()

    assert (settings.DVC_AUDIT_CHECKPOINT_DIR / name).is_file()
    [message] = mail.outbox
    assert message.to == ["it@example.gov.vn"]
    [(filename, content, mimetype)] = message.attachments
    assert filename == name and mimetype == "application/json"
    assert content == (settings.DVC_AUDIT_CHECKPOINT_DIR / name).read_bytes()
    schedule = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]
    assert schedule["task"] == audit_checkpoint_task.name


def test_without_a_signing_key_no_checkpoint_is_written(chain, keys, settings):
    chain(1)
    settings.DVC_AUDIT_CHECKPOINT_KEY = ""
    code, _out, err = run("audit_checkpoint")
    assert code != 0 and "DVC_AUDIT_CHECKPOINT_KEY" in err
    assert not settings.DVC_AUDIT_CHECKPOINT_DIR.exists()


def test_without_a_checkpoint_an_erased_trail_looks_like_a_new_portal(chain, keys):
    chain(3)
    chain(2, scope=AGENCY)
    erase_everything()
    # Without a checkpoint the empty trail looks like a new portal: exactly the gap.
    code, out, _err = run("verify_audit")
    assert code == 0 and "No trusted checkpoint" in out


@pytest.mark.usefixtures("keys")
def test_the_whole_trail_erased_after_a_checkpoint_is_caught(chain):
    chain(3)
    chain(2, scope=AGENCY)
    run("audit_checkpoint")
    erase_everything()

    code, _out, err = run("verify_audit")
    assert code != 0
    for scope, seq in (("province", 3), (AGENCY, 2), ("scopes", 3)):
        assert f"{scope}: BROKEN at seq 1 (entry id -): removed: entries 1 to {seq}," in err


@pytest.mark.usefixtures("keys")
def test_checkpoints_that_stopped_or_were_removed_are_reported(chain, settings):
    # Deleting the recent checkpoint files (or stopping beat) would hide what they record:
    # a latest checkpoint older than two intervals fails the verification.
    settings.DVC_AUDIT_CHECKPOINT_INTERVAL_MINUTES = 60
    chain(2)
    with time_machine.travel(local(2026, 12, 8, 8, 0), tick=False) as clock:
        run("audit_checkpoint")

        clock.move_to(local(2026, 12, 8, 10, 0))  # two intervals: still expected
        assert run("verify_audit")[0] == 0

        clock.move_to(local(2026, 12, 8, 10, 1))
        code, _out, err = run("verify_audit")

    assert code != 0
    assert "The latest trusted checkpoint is of 08/12/2026 08:00" in err


@pytest.mark.usefixtures("keys")
def test_a_chain_rewound_with_the_key_is_caught_only_against_a_checkpoint(chain, tamperable):
    entries = chain(5)
    run("audit_checkpoint")
    # Someone with the database and DVC_AUDIT_KEY drops the last two entries and re-signs the head.
    AuditEntry.objects.filter(pk__in=[entries[3].pk, entries[4].pk]).delete()
    AuditChain.objects.filter(scope="province").update(
        last_seq=3,
        last_hash=entries[2].hash,
        head_mac=audit._head_mac("province", 3, entries[2].hash),
    )
    assert audit.audit_chain_verify(scope="province").ok  # the chain alone cannot tell

    code, _out, err = run("verify_audit")
    assert code != 0 and "province: BROKEN at seq 4 " in err and ": removed: entries 4 to 5" in err


@pytest.mark.usefixtures("keys")
def test_a_chain_rewritten_with_the_key_is_caught_against_a_checkpoint(chain, tamperable):
    entries = chain(3)
    run("audit_checkpoint")
    # Rewrite entry 2 and re-hash it and everything after it, as the key holder can.
    prev = entries[0].hash
    for entry in AuditEntry.objects.filter(scope="province", seq__gte=2).order_by("seq"):
        if entry.seq == 2:
            entry.after = {"name": "giả mạo"}
        entry.prev_hash = prev
        entry.hash = audit._entry_mac(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(
            after=entry.after, prev_hash=entry.prev_hash, hash=entry.hash
        )
        prev = entry.hash
    AuditChain.objects.filter(scope="province").update(
        last_hash=prev, head_mac=audit._head_mac("province", 3, prev)
    )
    assert audit.audit_chain_verify(scope="province").ok

    code, _out, err = run("verify_audit")
    assert code != 0 and "province: BROKEN at seq 3 " in err and ": rewritten: " in err


@pytest.mark.parametrize("forgery", ["content", "unsigned", "other key", "garbage"])
def test_a_forged_checkpoint_is_reported(chain, keys, settings, forgery):
    chain(2)
    run("audit_checkpoint")
    [path] = settings.DVC_AUDIT_CHECKPOINT_DIR.iterdir()
    body = json.loads(path.read_text())
    if forgery == "content":
        # A smaller head, to make a later truncation look legitimate.
        body["heads"] = [h | {"seq": 1} for h in body["heads"]]
    elif forgery == "unsigned":
        del body["signature"]
    elif forgery == "other key":
        settings.DVC_AUDIT_CHECKPOINT_KEY = checkpoint_key_generate().private
    path.write_text("{not json" if forgery == "garbage" else json.dumps(body))

    code, _out, err = run("verify_audit")
    assert code != 0
    assert f"Checkpoint {path.name}: NOT TRUSTED: " in err
    assert "1 checkpoint is not trusted." in err
    assert checkpoint_anchors().anchors == {}  # nothing of it is believed


def test_an_earlier_key_listed_as_public_still_verifies(chain, keys, settings):
    chain(1)
    run("audit_checkpoint")
    settings.DVC_AUDIT_CHECKPOINT_KEY = checkpoint_key_generate().private  # rotated
    settings.DVC_AUDIT_CHECKPOINT_PUBLIC_KEYS = [keys.public]
    run("audit_checkpoint")

    found = checkpoint_anchors()
    assert found.files == 2 and not found.problems
    code, out, _err = run("verify_audit")
    assert code == 0 and "Checked against 2 checkpoint files" in out
