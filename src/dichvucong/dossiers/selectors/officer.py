"""What an officer may see of dossiers beyond the desk: those at their agencies' steps."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from dichvucong.accounts.permissions import OFFICER_ROLES
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import Dossier, DossierStep


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
