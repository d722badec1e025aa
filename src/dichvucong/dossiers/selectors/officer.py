"""What the officer's dossier page reads of one dossier (which dossiers an officer may see is
dossiers.access: `dossiers_visible_to(user=..., parties=access.OFFICER)`)."""

from __future__ import annotations

from dataclasses import dataclass

from dichvucong.dossiers.models import (
    Apology,
    Attachment,
    Dossier,
    DossierHistory,
    DossierStep,
    ResultFile,
    SupplementRequest,
)


@dataclass(frozen=True)
class OfficerRecord:
    """Everything the officer's dossier page lists of one dossier, each kind in one query."""

    steps: list[DossierStep]
    history: list[DossierHistory]
    supplements: list[SupplementRequest]
    attachments: list[Attachment]
    result_files: list[ResultFile]
    apologies: list[Apology]


def dossier_record_for_officer(*, dossier: Dossier) -> OfficerRecord:
    """The dossier's record as an officer reads it (the caller found it through dossiers.access):
    its steps, history, supplement requests, current files, results and apologies."""
    return OfficerRecord(
        steps=list(dossier.steps.select_related("agency", "assignee", "handed_by", "finished_by")),
        history=list(dossier.history.select_related("agency")),
        supplements=list(
            dossier.supplement_requests.select_related("agency").prefetch_related("components")
        ),
        attachments=list(
            dossier.attachments.filter(replaced_at__isnull=True).select_related("component")
        ),
        result_files=list(dossier.result_files.all()),
        apologies=list(dossier.apologies.all()),
    )
