"""The applicant's and the desk's dossier pages link the forms issued so far."""

import pytest
from django.urls import reverse

from dichvucong.documents.models import DocumentKind
from dichvucong.documents.selectors import documents_issued
from dichvucong.documents.services import document_render
from tests.accounts.factories import MembershipFactory
from tests.dossiers.factories import DossierFactory

pytestmark = pytest.mark.django_db


def test_the_receipt_is_listed_on_both_pages_once_issued(client):
    dossier = DossierFactory(received=True)
    assert documents_issued(dossier=dossier) == []

    document = document_render(dossier_id=dossier.pk, kind=DocumentKind.RECEIPT)
    link = reverse("documents:dossier-document-by-id", args=[dossier.pk, DocumentKind.RECEIPT])

    assert documents_issued(dossier=dossier) == [document]
    client.force_login(dossier.owner_account)
    assert link in client.get(reverse("web:dossier-detail", args=[dossier.pk])).content.decode()
    slip = reverse("documents:control-slip", args=[dossier.pk])
    assert slip in client.get(reverse("web:dossier-detail", args=[dossier.pk])).content.decode()
    officer = MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user
    client.force_login(officer)
    page = client.get(reverse("web:desk-dossier", args=[dossier.pk])).content.decode()
    assert link in page and slip in page
