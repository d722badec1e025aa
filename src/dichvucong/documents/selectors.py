"""Reads for document downloads; who may download which is dossiers.access."""

from __future__ import annotations

from typing import Any

from dichvucong.dossiers import access
from dichvucong.dossiers.models import Dossier

from .models import DocumentKind, GeneratedDocument


def dossiers_for_forms():
    """Dossiers with every related row a form or the control slip prints (one query each)."""
    return Dossier.objects.select_related(
        "version",
        "rule_set",
        "time_option",
        "receiving_agency__parent",
        "receiving_agency__unit",
        "processing_agency",
    )


def dossier_get_for_document(
    *, user: Any, kind: str, code: str | None = None, pk: int | None = None
) -> Dossier | None:
    """The dossier if the user may download its form of `kind` (dossiers.access decides),
    else None (whether it exists is not told)."""
    dossiers = Dossier.objects.select_related("receiving_agency", "processing_agency")
    dossier = dossiers.filter(code=code).first() if code else dossiers.filter(pk=pk).first()
    if dossier is None or not access.dossier_may_download(
        user=user, dossier=dossier, kind=access.FileKind(kind)
    ):
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
