"""Reads of an applicant's own dossiers: the owner's or the submitter's account, nobody else's."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ..models import Dossier


def _mine(user: Any) -> Q:
    return Q(owner_account=user) | Q(submitter_account=user)


def dossier_list_for_applicant(*, user: Any) -> QuerySet[Dossier]:
    """The applicant's dossiers, newest first, with what the list shows in one query."""
    return (
        Dossier.objects.filter(_mine(user))
        .select_related("version", "receiving_agency")
        .only(
            "pk",
            "code",
            "status",
            "created_at",
            "updated_at",
            "submitted_at",
            "received_at",
            "due_at",
            "version__name",
            "receiving_agency__name",
        )
        .order_by("-created_at", "-pk")
    )


def dossier_get_for_applicant(*, user: Any, pk: int) -> Dossier:
    """One of the applicant's dossiers; Dossier.DoesNotExist for anyone else's (views: 404)."""
    return (
        Dossier.objects.filter(_mine(user))
        .select_related("version", "receiving_agency", "processing_agency", "rule_set")
        .get(pk=pk)
    )
