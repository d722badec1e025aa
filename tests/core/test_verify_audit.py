"""verify_audit: a clean chain passes; each kind of tampering is caught at the first bad entry."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from dichvucong.core.models import AuditChain, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The report's wording is asserted in its English source; operators read it in Vietnamese.
    with translation.override("en"):
        yield


def run_verify(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def assert_caught(output, *, scope, seq, entry_id, kind):
    code, _out, err = output
    assert code != 0
    assert f"{scope}: " in err
    assert f"seq {seq} " in err
    assert f"id {entry_id})" in err
    assert f": {kind}: " in err


def test_a_clean_chain_passes(chain):
    chain(5)
    chain(2, scope="000.00.00.H30")
    code, out, err = run_verify()
    assert code == 0 and not err
    assert "province: OK, 5" in out
    assert "000.00.00.H30: OK, 2" in out


def test_no_chain_at_all_passes(db):
    code, out, _err = run_verify()
    assert code == 0 and out


def test_an_edited_entry_is_caught(chain, tamperable):
    entries = chain(5)
    AuditEntry.objects.filter(pk=entries[2].pk).update(after={"name": "giả mạo"})
    assert_caught(run_verify(), scope="province", seq=3, entry_id=entries[2].pk, kind="edited")


def test_an_entry_edited_with_a_recomputed_plain_hash_is_caught(chain, tamperable):
    # Without the HMAC key an attacker cannot produce a hash that verifies.
    import hashlib

    entries = chain(3)
    AuditEntry.objects.filter(pk=entries[1].pk).update(
        actor_label="someone@else.vn", hash=hashlib.sha256(b"forged").hexdigest()
    )
    assert_caught(run_verify(), scope="province", seq=2, entry_id=entries[1].pk, kind="edited")


def test_a_deleted_entry_is_caught(chain, tamperable):
    entries = chain(5)
    AuditEntry.objects.filter(pk=entries[2].pk).delete()
    code, _out, err = run_verify()
    assert code != 0
    assert "province: " in err and "seq 3 " in err and ": missing: " in err
    assert f"id {entries[3].pk}" in err  # where the chain resumes


def test_the_deleted_first_entry_is_caught(chain, tamperable):
    entries = chain(3)
    AuditEntry.objects.filter(pk=entries[0].pk).delete()
    code, _out, err = run_verify()
    assert code != 0 and "seq 1 " in err and ": missing: " in err


def test_an_entry_appended_behind_the_heads_back_is_caught(chain, tamperable):
    entries = chain(3)
    last = entries[-1]
    forged = AuditEntry.objects.create(
        scope="province",
        seq=4,
        created_at=last.created_at,
        via="web",
        action="core.ruleset.change",
        content_type=last.content_type,
        object_pk=last.object_pk,
        object_repr=last.object_repr,
        before={},
        after={"name": "giả mạo"},
        prev_hash=last.hash,
        hash="f" * 64,
    )
    assert_caught(run_verify(), scope="province", seq=4, entry_id=forged.pk, kind="inserted")


def test_an_entry_slipped_into_the_middle_is_caught(chain, tamperable):
    entries = chain(4)
    # Make room at seq 3 (highest first, the sequence is unique per scope), then fill it.
    for entry in reversed(entries[2:]):
        AuditEntry.objects.filter(pk=entry.pk).update(seq=entry.seq + 1)
    forged = AuditEntry.objects.create(
        scope="province",
        seq=3,
        created_at=entries[2].created_at,
        via="web",
        action="core.ruleset.change",
        content_type=entries[2].content_type,
        object_pk=entries[2].object_pk,
        object_repr=entries[2].object_repr,
        before={},
        after={"name": "giả mạo"},
        prev_hash=entries[1].hash,
        hash="e" * 64,
    )
    assert_caught(run_verify(), scope="province", seq=3, entry_id=forged.pk, kind="inserted")


def test_a_truncated_chain_is_caught(chain, tamperable):
    entries = chain(5)
    AuditEntry.objects.filter(pk__in=[entries[3].pk, entries[4].pk]).delete()
    code, _out, err = run_verify()
    assert code != 0
    assert "province: " in err and "seq 4 " in err and ": truncated: " in err


def test_a_rewound_head_is_caught(chain, tamperable):
    # Truncation covered up by moving the head back: the head's MAC no longer matches.
    entries = chain(5)
    AuditEntry.objects.filter(pk=entries[4].pk).delete()
    AuditChain.objects.filter(scope="province").update(last_seq=4, last_hash=entries[3].hash)
    code, _out, err = run_verify()
    assert code != 0 and ": head_tampered: " in err


def test_a_deleted_head_is_caught(chain, tamperable):
    entries = chain(2)
    AuditChain.objects.filter(scope="province").delete()
    assert_caught(
        run_verify(), scope="province", seq=1, entry_id=entries[0].pk, kind="head_missing"
    )


def test_a_broken_chain_does_not_hide_the_others_and_scope_selects(chain, tamperable):
    entries = chain(3)
    chain(2, scope="000.00.00.H30")
    AuditEntry.objects.filter(pk=entries[0].pk).update(action="core.ruleset.delete")
    code, out, err = run_verify()
    assert code != 0
    assert "000.00.00.H30: OK, 2" in out
    assert "province: " in err and ": edited: " in err
    assert run_verify("--scope", "000.00.00.H30")[0] == 0
    assert run_verify("--scope", "province")[0] != 0


def test_an_unknown_scope_is_an_error(chain):
    chain(1)
    code, _out, err = run_verify("--scope", "nowhere")
    assert code != 0 and "nowhere" in err
