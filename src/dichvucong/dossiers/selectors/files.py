"""Private files of a dossier as their downloads find them: the row when the user may download
it (dossiers.access decides), None otherwise, so that a view answers 404 alike for a file that
does not exist and one the user may not see."""

from __future__ import annotations

from typing import Any

from .. import access
from ..models import Attachment, ResultFile

_DOSSIER_FIELDS = (
    "dossier__id",
    "dossier__status",
    "dossier__received_at",
    "dossier__owner_account_id",
    "dossier__submitter_account_id",
    "dossier__receiving_agency_id",
    "dossier__processing_agency_id",
)


def attachment_for_download(
    *, user: Any, pk: int, dossier_id: int | None = None
) -> Attachment | None:
    """The file `pk` (of dossier `dossier_id`, when given) if the user may download it."""
    attachments = Attachment.objects.select_related("dossier").only(
        "pk", "file", "original_name", "content_type", *_DOSSIER_FIELDS
    )
    if dossier_id is not None:
        attachments = attachments.filter(dossier_id=dossier_id)
    attachment = attachments.filter(pk=pk).first()
    if attachment is None or not access.dossier_may_download(
        user=user, dossier=attachment.dossier, kind=access.FileKind.ATTACHMENT
    ):
        return None
    return attachment


def result_file_for_download(
    *, user: Any, pk: int, dossier_id: int | None = None
) -> ResultFile | None:
    """The result document `pk` (of dossier `dossier_id`, when given) if the user may download
    it: its applicant once the result is out and the document not withdrawn, its officers
    always."""
    results = ResultFile.objects.select_related("dossier").only(
        "pk", "file", "original_name", "content_type", "withdrawn_at", *_DOSSIER_FIELDS
    )
    if dossier_id is not None:
        results = results.filter(dossier_id=dossier_id)
    result = results.filter(pk=pk).first()
    if result is None or not access.dossier_may_download(
        user=user, dossier=result.dossier, kind=access.FileKind.RESULT, file=result
    ):
        return None
    return result
