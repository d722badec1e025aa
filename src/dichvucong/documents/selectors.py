"""Reads for document downloads, with the dossier-level permission check."""

from __future__ import annotations

from typing import Any

from dichvucong.accounts.permissions import can
from dichvucong.dossiers.models import Dossier

from .models import DocumentKind, GeneratedDocument

OFFICER_ACTIONS = ("dossier.view", "dossier.receive")


def document_can_download(*, user: Any, dossier: Dossier) -> bool:
    """The dossier's owner or submitter, or an officer of its receiving or processing agency."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.pk in (dossier.owner_account_id, dossier.submitter_account_id):
        return True
    agencies = [dossier.receiving_agency, dossier.processing_agency]
    return any(
        can(user, action, agency) for agency in agencies if agency for action in OFFICER_ACTIONS
    )


def dossier_get_for_document(*, user: Any, code: str | None = None, pk: int | None = None):
    """The dossier if the user may download its documents, else None (existence not told)."""
    dossiers = Dossier.objects.select_related("receiving_agency", "processing_agency")
    dossier = dossiers.filter(code=code).first() if code else dossiers.filter(pk=pk).first()
    if dossier is None or not document_can_download(user=user, dossier=dossier):
        return None
    return dossier


def document_current(*, dossier: Dossier, kind: str) -> GeneratedDocument | None:
    """The dossier's current form of that kind (form 02: of its latest request; form 04: of its
    latest apology), or None when it has not been rendered yet."""
    documents = GeneratedDocument.objects.filter(dossier=dossier, kind=kind)
    if kind == DocumentKind.SUPPLEMENT_REQUEST:
        latest = dossier.supplement_requests.order_by("-requested_at", "-id").first()
        documents = documents.filter(supplement_request=latest)
    elif kind == DocumentKind.APOLOGY:
        latest_apology = dossier.apologies.order_by("-issued_at", "-id").first()
        documents = documents.filter(apology=latest_apology)
    return documents.order_by("-rendered_at", "-id").first()


def documents_issued(*, dossier: Dossier) -> list[GeneratedDocument]:
    """The dossier's current form of each kind issued so far (forms 02 and 04: the latest),
    in the order they were issued; one query."""
    latest: dict[str, GeneratedDocument] = {}
    for document in GeneratedDocument.objects.filter(dossier=dossier).order_by("created_at", "pk"):
        latest[document.kind] = document
    return sorted(latest.values(), key=lambda document: (document.created_at, document.pk))
