"""What an officer may see of dossiers beyond the desk: those at their agencies' steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from dichvucong.accounts.permissions import OFFICER_ROLES
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import (
    Apology,
    Attachment,
    Dossier,
    DossierHistory,
    DossierStep,
    ResultFile,
    SupplementRequest,
)


def officer_agency_ids(*, user: Any) -> frozenset[int]:
    """The agencies where the user holds an officer role today."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return frozenset(agency for agency, role in user.active_roles() if role in OFFICER_ROLES)


def dossiers_visible_to_officer(*, user: Any) -> QuerySet[Dossier]:
    """Dossiers received by, processed by, or passing through a step of one of the officer's
    agencies (an inter-agency partner sees the dossiers it worked on); never drafts."""
    agency_ids = officer_agency_ids(user=user)
    if not agency_ids:
        return Dossier.objects.none()
    at_step = DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids)
    return Dossier.objects.exclude(status=DossierStatus.DRAFT).filter(
        Q(receiving_agency_id__in=agency_ids)
        | Q(processing_agency_id__in=agency_ids)
        | Exists(at_step)
    )


def officer_can_view(*, user: Any, dossier: Dossier) -> bool:
    return dossiers_visible_to_officer(user=user).filter(pk=dossier.pk).exists()


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
    """The dossier's record as an officer reads it (the caller has checked `officer_can_view`):
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
