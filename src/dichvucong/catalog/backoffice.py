"""Reads of the catalogue for the back office (the admin), scoped by agency.

The public reads (catalogue search, procedure pages) are in catalog.selectors.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from .models import ProcedureVersion, VersionStatus


def procedures_announced_unpublished(
    *, scope: frozenset[int] | None = None
) -> QuerySet[ProcedureVersion]:
    """Drafts whose announcing decision is dated but whose content is not published yet, the
    oldest decision first (seed S10, S23: publish as soon as announced).

    A draft whose content hash equals its procedure's published version is not pending (it was
    created but not changed). `scope`: the competent agencies' ids (None: the whole province).
    """
    published_same_content = ProcedureVersion.objects.filter(
        procedure=OuterRef("procedure"),
        status=VersionStatus.PUBLISHED,
        content_hash=OuterRef("content_hash"),
    )
    versions = (
        ProcedureVersion.objects.filter(
            status=VersionStatus.DRAFT, announcing_decision_date__isnull=False
        )
        .exclude(Exists(published_same_content))
        .select_related("procedure", "field", "competent_agency")
        .order_by("announcing_decision_date", "pk")
    )
    if scope is not None:
        versions = versions.filter(competent_agency_id__in=scope)
    return versions
