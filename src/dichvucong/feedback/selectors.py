"""Reads of the feedback app: a dossier's rating, and an agency's rating counts (statistics)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from dichvucong.dossiers.models import Dossier

from .constants import Satisfaction
from .models import Rating


def dossier_for_rating(*, code: str) -> Dossier | None:
    """The dossier with this code, with what the rating page shows and the access policy
    reads (who may rate is dossiers.access.dossier_may_rate)."""
    return (
        Dossier.objects.select_related("version", "processing_agency", "receiving_agency")
        .only(
            "pk",
            "code",
            "status",
            "received_at",
            "owner_account_id",
            "submitter_account_id",
            "version__name",
            "processing_agency__code",
            "receiving_agency__code",
        )
        .filter(code=code)
        .first()
    )


def rating_for_dossier(*, dossier: Any) -> Rating | None:
    return Rating.objects.filter(dossier_id=dossier.pk).first()


@dataclass(frozen=True)
class RatingCounts:
    """How many ratings gave each level, per question; `total` ratings in all."""

    total: int
    convenience: dict[str, int]
    overall: dict[str, int]


def rating_counts(
    *,
    agency: Any,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> RatingCounts:
    """The agency's ratings in [since, until), counted per level, in one indexed query."""
    ratings = Rating.objects.filter(agency=agency)
    if since is not None:
        ratings = ratings.filter(rated_at__gte=since)
    if until is not None:
        ratings = ratings.filter(rated_at__lt=until)
    aggregates = {"total": Count("pk")}
    for question in ("convenience", "overall"):
        for level in Satisfaction.values:
            aggregates[f"{question}__{level}"] = Count("pk", filter=Q(**{question: level}))
    row = ratings.aggregate(**aggregates)
    return RatingCounts(
        total=row["total"],
        convenience={level: row[f"convenience__{level}"] for level in Satisfaction.values},
        overall={level: row[f"overall__{level}"] for level in Satisfaction.values},
    )
