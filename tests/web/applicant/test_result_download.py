"""/ho-so/ket-qua/<pk>/: a result document, to its applicant once the result is out and to the
officers who may see the dossier; every download in the access log."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dichvucong.core.models import AccessLogEntry
from dichvucong.workflow import processing
from dichvucong.workflow.steps import open_step
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.dossiers.factories import PDF_BYTES
from tests.dossiers.processing_paths import RESULT_SUMMARY, to_processing, to_result
from tests.workflow.world import pdf, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved():
    w = world()
    dossier = to_result(w)
    return w, dossier, dossier.result_files.get()


def download(client, result):
    return client.get(reverse("web:result-file", args=[result.pk]))


def logged(result):
    return AccessLogEntry.objects.filter(action="result.download", object_pk=str(result.pk))


def test_the_address(resolved):
    _, _, result = resolved
    assert reverse("web:result-file", kwargs={"pk": result.pk}) == f"/ho-so/ket-qua/{result.pk}/"


def test_the_owner_downloads_and_it_is_logged(client, resolved):
    _, dossier, result = resolved
    client.force_login(dossier.owner_account)

    response = download(client, result)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="giay-chung-nhan.pdf"'
    entry = logged(result).get()
    assert entry.actor_user_id == dossier.owner_account.pk


def test_a_file_name_with_quotes_and_accents_is_sent_safely(client, resolved):
    _, dossier, result = resolved
    type(result).objects.filter(pk=result.pk).update(original_name='Giấy "phép"\r\n.pdf')
    client.force_login(dossier.owner_account)

    disposition = download(client, result)["Content-Disposition"]

    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert '"phép"' not in disposition


@pytest.mark.parametrize(
    ("kept_before", "served"),
    [
        # Rows kept before names were cleaned at upload: served cleaned all the same.
        (".html", "tep.pdf"),
        ("hoso\u202efdp.exe", "hosofdp.pdf"),
    ],
)
def test_the_served_name_has_no_invisible_character_and_the_files_type(
    client, resolved, kept_before, served
):
    _, dossier, result = resolved
    type(result).objects.filter(pk=result.pk).update(original_name=kept_before)
    client.force_login(dossier.owner_account)

    disposition = download(client, result)["Content-Disposition"]

    assert disposition == f'attachment; filename="{served}"'


def test_anonymous_is_sent_to_login(client, resolved):
    _, _, result = resolved

    response = download(client, result)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not logged(result).exists()


@pytest.mark.parametrize("who", ["other_applicant", "other_agency_officer"])
def test_others_get_404_and_nothing_is_logged(client, resolved, who):
    _, _, result = resolved
    if who == "other_applicant":
        user = UserFactory(applicant=True)
    else:
        user = MembershipFactory(specialist=True).user
    client.force_login(user)

    assert download(client, result).status_code == 404
    assert not logged(result).exists()


@pytest.mark.parametrize("role", ["specialist", "leader", "desk_officer"])
def test_an_officer_who_may_see_the_dossier_downloads(client, resolved, role):
    w, _, result = resolved
    officer = getattr(w, role)
    client.force_login(officer)

    assert download(client, result).status_code == 200
    assert logged(result).get().actor_user_id == officer.pk


def test_before_the_result_is_approved_only_officers_download(client):
    w = world()
    dossier = to_processing(w)
    processing.step_take(step=open_step(dossier), actor=w.specialist)
    dossier = processing.result_propose(
        step=open_step(dossier),
        actor=w.specialist,
        kind="grant",
        summary=RESULT_SUMMARY,
        files=[processing.ResultUpload("Giấy chứng nhận", pdf())],
    )
    result = dossier.result_files.get()

    client.force_login(dossier.owner_account)
    assert download(client, result).status_code == 404
    client.force_login(w.leader)
    assert download(client, result).status_code == 200
    assert logged(result).count() == 1


def test_a_withdrawn_document_is_not_for_the_applicant(client, resolved):
    _, dossier, result = resolved
    type(result).objects.filter(pk=result.pk).update(withdrawn_at=timezone.now())
    client.force_login(dossier.owner_account)

    assert download(client, result).status_code == 404
    assert not logged(result).exists()


def test_an_unknown_document_is_404(client, resolved):
    _, dossier, result = resolved
    client.force_login(dossier.owner_account)

    assert client.get(reverse("web:result-file", args=[result.pk + 1000])).status_code == 404
