"""The Dossier predicates that views and templates ask instead of comparing statuses."""

import datetime

import pytest

from dichvucong.dossiers.constants import DossierStatus as S
from dichvucong.dossiers.models import Dossier

PREDICATES = [
    "is_draft",
    "awaits_reception",
    "awaits_supplement",
    "is_processing",
    "awaits_payment",
    "is_resolved",
    "result_is_out",
]
# Which predicates hold in each status (withdrawn_before_receipt apart: it needs the receipt).
TRUE_IN = {
    S.DRAFT: {"is_draft"},
    S.SUBMITTED: {"awaits_reception"},
    S.RECEIVED: set(),
    S.REFUSED: set(),
    S.PROCESSING: {"is_processing"},
    S.SUPPLEMENT_REQUESTED: {"awaits_supplement"},
    S.AWAITING_PAYMENT: {"awaits_payment"},
    S.WITHDRAWAL_REQUESTED: set(),
    S.STOPPED: set(),
    S.RESOLVED: {"is_resolved", "result_is_out"},
    S.RETURNED: {"result_is_out"},
}


@pytest.mark.parametrize("status", list(S))
def test_each_predicate_in_each_status(status):
    dossier = Dossier(status=status)

    assert {name for name in PREDICATES if getattr(dossier, name)} == TRUE_IN[status]


def test_withdrawn_before_receipt_only_without_a_receipt():
    withdrawn = Dossier(status=S.WITHDRAWAL_REQUESTED)
    assert withdrawn.withdrawn_before_receipt
    withdrawn.received_at = datetime.datetime(2026, 3, 2, 1, tzinfo=datetime.UTC)
    assert not withdrawn.withdrawn_before_receipt
    assert not Dossier(status=S.SUBMITTED).withdrawn_before_receipt
