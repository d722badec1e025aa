"""Fifty receipts at the same instant, each on its own connection, get fifty distinct,
consecutive codes. Replacing the atomic upsert of workflow.codes.counter_next with a
read-then-write makes this test fail (duplicate codes collide on the unique constraint)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from dichvucong.agencies.calendar_selectors import due_at_for, receipt_time_for
from dichvucong.core.constants import LEGAL_TIMEZONE
from dichvucong.core.models import RuleSet
from dichvucong.dossiers.models import CodeCounter, Dossier
from dichvucong.workflow import effects
from dichvucong.workflow.intake import dossier_receive
from tests.accounts.factories import MembershipFactory
from tests.agencies.factories import AgencyFactory
from tests.catalog.factories import ProcedureVersionFactory
from tests.dossiers.factories import DossierFactory

RECEIPTS = 50

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write transaction; concurrent upserts are under test",
    ),
]


def test_fifty_concurrent_receipts_get_fifty_consecutive_codes(monkeypatch):
    monkeypatch.setattr(effects, "_handlers", {})  # side effects stubbed: no PDFs, no mail
    # A transactional test starts from empty tables: the seeded rule sets are gone.
    RuleSet.objects.get_or_create(
        code="2025",
        defaults={
            "name": "Khung pháp lý 2025",
            "legal_basis": "Nghị định 118/2025/NĐ-CP",
            "effective_from": dt.date(2025, 9, 15),
            "dossier_code_agency_order": "qd20",
        },
    )
    agency = AgencyFactory(code="000.03.21.T99", with_desk=True)
    version = ProcedureVersionFactory(published=True, competent_agency=agency)
    option = version.time_options.first()
    officer = MembershipFactory(one_stop_officer=True, agency=agency).user
    dossiers = [DossierFactory(version=version, submitted=True) for _ in range(RECEIPTS)]
    at = dt.datetime(2026, 3, 3, 9, 30, tzinfo=LEGAL_TIMEZONE)
    # The calendar seeds its years on first use (a write): do it before the race.
    receipt_time_for(agency=agency, submitted_at=at)
    due_at_for(agency=agency, received_at=at, duration=option.duration, unit=option.unit)

    barrier = threading.Barrier(RECEIPTS)
    errors = []

    def receive(dossier):
        try:
            barrier.wait()
            dossier_receive(dossier=dossier, actor=officer, time_option=option, at=at)
        except Exception as exc:  # reported below, in the main thread
            errors.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=receive, args=(d,)) for d in dossiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    received = Dossier.objects.filter(pk__in=[d.pk for d in dossiers])
    codes = sorted(received.values_list("code", flat=True))
    assert codes == [f"T99.21.03-260303-{n:04d}" for n in range(1, RECEIPTS + 1)]
    lines = sorted(received.values_list("register_line", flat=True))
    assert lines == list(range(1, RECEIPTS + 1))
    assert CodeCounter.objects.get(agency=agency, period="260303").value == RECEIPTS
