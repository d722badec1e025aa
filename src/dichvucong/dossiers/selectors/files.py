"""Who may download a dossier's private files: the row when the user may, None otherwise (so
that a view answers 404 alike for a file that does not exist and one the user may not see)."""

from __future__ import annotations

from typing import Any

from dichvucong.accounts.permissions import can

from ..constants import DossierStatus
from ..models import Attachment, Dossier, ResultFile
from .applicant import RESULT_VISIBLE
from .officer import officer_can_view


def _is_applicant(user: Any, dossier: Dossier) -> bool:
    return user.pk in (dossier.owner_account_id, dossier.submitter_account_id)


def attachment_for_download(*, user: Any, pk: int) -> Attachment | None:
    """A file of the dossier for its applicant, or for an officer who may view dossiers of its
    receiving or processing agency (not drafts: the desk has nothing to see yet)."""
    attachment = (
        Attachment.objects.select_related("dossier__receiving_agency", "dossier__processing_agency")
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        return None
    dossier = attachment.dossier
    if _is_applicant(user, dossier):
        return attachment
    if dossier.status == DossierStatus.DRAFT:
        return None
    agencies = [dossier.receiving_agency, dossier.processing_agency]
    if any(agency is not None and can(user, "dossier.view", agency) for agency in agencies):
        return attachment
    return None


def result_file_for_download(*, user: Any, pk: int) -> ResultFile | None:
    """A result document for the dossier's applicant once the result is out (resolved or
    returned) and the document not withdrawn; for an officer who may see the dossier, always."""
    result = (
        ResultFile.objects.select_related("dossier")
        .only(
            "pk",
            "file",
            "original_name",
            "content_type",
            "withdrawn_at",
            "dossier__id",
            "dossier__status",
            "dossier__owner_account_id",
            "dossier__submitter_account_id",
        )
        .filter(pk=pk)
        .first()
    )
    if result is None:
        return None
    dossier = result.dossier
    result_out = dossier.status in RESULT_VISIBLE and result.withdrawn_at is None
    if (result_out and _is_applicant(user, dossier)) or officer_can_view(
        user=user, dossier=dossier
    ):
        return result
    return None
