"""Withdrawing a dossier from its page (→ 7) before a result; refused afterwards."""

import pytest
from django.urls import reverse

from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import DossierHistory
from tests.accounts.factories import UserFactory
from tests.clock import after_the_data
from tests.dossiers.processing_paths import to_processing, to_result
from tests.workflow.world import world

# The world's data are fixed dates in 2026; what these tests do "now" comes after them.
pytestmark = [pytest.mark.django_db, after_the_data]


def withdraw(client, dossier, reason="Tôi đã nộp nhầm thủ tục."):
    return client.post(reverse("web:dossier-withdraw", args=[dossier.pk]), {"reason": reason})


def test_the_applicant_withdraws_a_dossier_in_processing(client, vietnamese):
    dossier = to_processing(world())
    client.force_login(dossier.owner_account)
    detail = client.get(reverse("web:dossier-detail", args=[dossier.pk])).content.decode()
    assert reverse("web:dossier-withdraw", args=[dossier.pk]) in detail

    response = withdraw(client, dossier)

    assert response.status_code == 302
    assert response["Location"] == reverse("web:dossier-detail", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWAL_REQUESTED
    assert dossier.withdrawal_reason == "Tôi đã nộp nhầm thủ tục."
    row = dossier.history.last()
    assert (row.transition, row.actor) == ("request_withdrawal", dossier.owner_account)
    page = client.get(response["Location"]).content.decode()
    assert "Tôi đã nộp nhầm thủ tục." in page
    assert "Công dân yêu cầu rút hồ sơ" in page


def test_a_reason_is_required(client, vietnamese):
    dossier = to_processing(world())
    client.force_login(dossier.owner_account)
    rows = DossierHistory.objects.count()

    response = withdraw(client, dossier, reason="  ")

    assert response.status_code == 400
    assert "Hãy nêu lý do rút hồ sơ." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert DossierHistory.objects.count() == rows


def test_after_the_result_it_is_refused_and_nothing_changes(client, vietnamese):
    dossier = to_result(world())
    client.force_login(dossier.owner_account)
    rows = DossierHistory.objects.count()

    response = withdraw(client, dossier)

    assert response.status_code == 302
    assert "Hồ sơ không thể rút được nữa." in client.get(response["Location"]).content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
    assert not dossier.withdrawal_reason
    assert DossierHistory.objects.count() == rows


def test_another_applicant_cannot_withdraw(client):
    dossier = to_processing(world())
    client.force_login(UserFactory(applicant=True))

    assert withdraw(client, dossier).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING


def test_anonymous_is_sent_to_login(client):
    dossier = to_processing(world())

    response = withdraw(client, dossier)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
