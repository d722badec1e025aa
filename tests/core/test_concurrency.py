"""Appends to one scope from many connections at once stay one contiguous, valid chain."""

import threading

import pytest
from django.db import connection, connections, transaction

from dichvucong.core.audit import audit_chain_verify, audit_change
from dichvucong.core.models import AuditChain, AuditEntry, RuleSet

THREADS = 8
APPENDS_PER_THREAD = 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write transaction; row locks are what is under test",
    ),
]


def test_concurrent_appends_to_one_scope_are_contiguous_and_verify():
    rule_set = RuleSet.objects.create(
        code="T-RACE",
        name="Đua",
        legal_basis="-",
        effective_from="1901-01-01",
        effective_to="1901-12-31",
        dossier_code_agency_order="qcvn102",
    )
    barrier = threading.Barrier(THREADS)
    errors = []

    def worker(number):
        try:
            barrier.wait()  # every thread races for the chain's head, created by the first
            for i in range(APPENDS_PER_THREAD):
                with transaction.atomic():
                    audit_change(
                        action="core.ruleset.change",
                        instance=rule_set,
                        before={"n": None},
                        after={"thread": number, "i": i},
                        scope="race",
                    )
        except Exception as exc:  # reported below, in the main thread
            errors.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = THREADS * APPENDS_PER_THREAD
    seqs = list(
        AuditEntry.objects.filter(scope="race").order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, total + 1))
    assert AuditChain.objects.get(scope="race").last_seq == total
    report = audit_chain_verify(scope="race")
    assert report.ok and report.entries_checked == total
