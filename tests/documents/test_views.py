"""Downloading a form: who may, the access log, and 404 for everyone else."""

import pytest
from django.urls import reverse

from dichvucong.core.models import AccessLogEntry
from dichvucong.documents.models import GeneratedDocument
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory
from tests.documents.factories import golden_dossier


def _url(dossier, kind="receipt"):
    return reverse("documents:dossier-document", kwargs={"code": dossier.code, "kind": kind})


def _who(name, dossier):
    if name == "owner":
        return dossier.owner_account
    if name == "submitter":
        submitter = UserFactory(applicant=True)
        dossier.submitter_account = submitter
        dossier.save(update_fields=["submitter_account"])
        return submitter
    if name == "other_applicant":
        return UserFactory(applicant=True)
    if name == "officer_elsewhere":
        return MembershipFactory(one_stop_officer=True, agency=AgencyFactory()).user
    if name == "desk_officer":
        return MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user
    if name == "specialist_of_processing_agency":
        return MembershipFactory(specialist=True, agency=dossier.processing_agency).user
    if name == "specialist_of_the_desk_expired":
        return MembershipFactory(
            one_stop_officer=True, expired=True, agency=dossier.receiving_agency
        ).user
    raise AssertionError(name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("owner", True),
        ("submitter", True),
        ("desk_officer", True),
        ("specialist_of_processing_agency", True),
        ("other_applicant", False),
        ("officer_elsewhere", False),
        ("specialist_of_the_desk_expired", False),
    ],
)
def test_download_permission_matrix(client, who, allowed):
    dossier = golden_dossier()
    user = _who(who, dossier)
    client.force_login(user)

    response = client.get(_url(dossier))

    if allowed:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        entry = AccessLogEntry.objects.get(action="document.download")
        assert entry.actor_user_id == user.pk
        assert entry.object_pk == str(GeneratedDocument.objects.get(dossier=dossier).pk)
    else:
        assert response.status_code == 404
        assert not AccessLogEntry.objects.filter(action="document.download").exists()
        assert not GeneratedDocument.objects.exists()  # nothing rendered for them either


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in_without_learning_whether_the_dossier_exists(client):
    dossier = golden_dossier()

    known = client.get(_url(dossier))
    unknown = client.get(
        reverse(
            "documents:dossier-document",
            kwargs={"code": "000.00.00.H30-260101-9999", "kind": "receipt"},
        )
    )

    assert known.status_code == unknown.status_code == 302
    assert known["Location"].split("?")[0] == unknown["Location"].split("?")[0]
    assert not AccessLogEntry.objects.exists()


@pytest.mark.django_db
def test_a_form_that_does_not_apply_is_404(client):
    dossier = golden_dossier()
    client.force_login(dossier.owner_account)

    assert client.get(_url(dossier, "refusal")).status_code == 404
    assert client.get(_url(dossier, "register")).status_code == 404
    assert not GeneratedDocument.objects.exists()


@pytest.mark.django_db
def test_a_refusal_before_receipt_is_downloaded_by_the_dossier_id(client):
    dossier = golden_dossier(state="refused")
    client.force_login(dossier.owner_account)

    response = client.get(
        reverse("documents:dossier-document-by-id", kwargs={"pk": dossier.pk, "kind": "refusal"})
    )

    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(action="document.download").count() == 1


@pytest.mark.django_db
def test_a_new_supplement_request_is_rendered_on_demand(client):
    from django.utils import timezone

    from dichvucong.documents.services import document_render
    from dichvucong.dossiers.models import SupplementRequest

    dossier = golden_dossier(state="supplement_requested")
    document_render(dossier_id=dossier.pk, kind="supplement_request")
    latest = SupplementRequest.objects.create(
        dossier=dossier,
        stage=SupplementRequest.Stage.INTAKE,
        agency=dossier.receiving_agency,
        reason="Giấy chứng sinh bị mờ.",
        requested_at=timezone.now(),
    )
    client.force_login(dossier.owner_account)

    response = client.get(
        reverse(
            "documents:dossier-document-by-id",
            kwargs={"pk": dossier.pk, "kind": "supplement_request"},
        )
    )

    assert response.status_code == 200
    assert GeneratedDocument.objects.filter(supplement_request=latest).exists()
