"""Reads for the one-stop desk: the queue of submitted dossiers and one dossier, scoped to the
agencies where the officer works at the desk now (Bộ phận Một cửa)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from dichvucong.accounts.models import Membership
from dichvucong.agencies.models import Agency
from dichvucong.catalog.models import ProcedureVersion, VersionStatus
from dichvucong.core.constants import LEGAL_TIMEZONE
from dichvucong.core.keyset import keyset_after, keyset_page
from dichvucong.core.text import Fold, fold

from .. import access
from ..constants import DossierStatus
from ..models import Attachment, Dossier, DossierHistory, SupplementRequest

QUEUE_PAGE_SIZE = 25
DESK = frozenset({access.Party.DESK})
QUEUE_FIELDS = (
    "pk",
    "code",
    "status",
    "channel",
    "submitted_at",
    "owner_name",
    "owner_id_number",
    "version__name",
    "receiving_agency__name",
)


def desk_agency_ids(*, user: Any) -> frozenset[int]:
    """The agencies where the user is a one-stop officer now (memberships in force)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return frozenset(
        agency_id
        for agency_id, role in user.active_roles()
        if role == Membership.Role.ONE_STOP_OFFICER
    )


def desk_agencies(*, user: Any) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=desk_agency_ids(user=user)).order_by("name")


def desk_versions(*, agency_ids: frozenset[int]) -> QuerySet[ProcedureVersion]:
    """Published versions the desks receive: the procedure filter and the paper-dossier form."""
    return (
        ProcedureVersion.objects.filter(
            status=VersionStatus.PUBLISHED, receiving_agencies__in=agency_ids
        )
        .distinct()
        .only("pk", "name")
        .order_by("name", "pk")
    )


def desk_and_version(
    *, user: Any, agency_pk: int, version_pk: int
) -> tuple[Agency | None, ProcedureVersion | None]:
    """One of the user's desks and a published version it receives (for a paper dossier)."""
    agency = desk_agencies(user=user).filter(pk=agency_pk).first()
    if agency is None:
        return None, None
    version = desk_versions(agency_ids=frozenset({agency_pk})).filter(pk=version_pk).first()
    return agency, version


@dataclass(frozen=True)
class QueuePage:
    dossiers: list[Dossier]
    next_cursor: str | None


def dossier_queue_for_desk(
    *,
    user: Any,
    version_id: int | None = None,
    channel: str = "",
    submitted_from: dt.date | None = None,
    submitted_to: dt.date | None = None,
    search: str = "",
    after: str | None = None,
    page_size: int | None = None,
) -> QueuePage:
    """Submitted dossiers waiting at the user's desks, oldest first, one page (keyset: no
    count).

    With `search`, every dossier filed at these desks (not drafts) is searched: `search` matches a dossier code or an ID number exactly, or part of the owner's name.
    Dates are local calendar dates of submission, both ends included.
    """
    search = search.strip()
    # The dossiers the user sees as a desk officer (access: filed at their desks, no draft).
    # The queue is what waits; a search also finds what the desk already handled (by code).
    queryset = access.dossiers_visible_to(user=user, parties=DESK)
    if not search:
        queryset = queryset.filter(status=DossierStatus.SUBMITTED)
    if version_id:
        queryset = queryset.filter(version_id=version_id)
    if channel:
        queryset = queryset.filter(channel=channel)
    if submitted_from:
        start = dt.datetime.combine(submitted_from, dt.time.min, tzinfo=LEGAL_TIMEZONE)
        queryset = queryset.filter(submitted_at__gte=start)
    if submitted_to:
        end = dt.datetime.combine(
            submitted_to + dt.timedelta(days=1), dt.time.min, tzinfo=LEGAL_TIMEZONE
        )
        queryset = queryset.filter(submitted_at__lt=end)
    if search:
        matches = Q(code=search.upper()) | Q(owner_id_number=search) | Q(submitter_id_number=search)
        if folded := fold(search):
            # The owner's name as officers type it: "nguyen van an" finds "Nguyễn Văn An".
            queryset = queryset.alias(owner_folded=Fold("owner_name"))
            matches |= Q(owner_folded__contains=folded)
        queryset = queryset.filter(matches)
    page_size = page_size or QUEUE_PAGE_SIZE
    queryset = keyset_after(queryset, cursor=after, field="submitted_at")
    rows, next_cursor = keyset_page(
        list(
            queryset.select_related("version", "receiving_agency")
            .only(*QUEUE_FIELDS)
            .order_by("submitted_at", "pk")[: page_size + 1]
        ),
        page_size,
        key=lambda dossier: (dossier.submitted_at, dossier.pk),
    )
    return QueuePage(dossiers=rows, next_cursor=next_cursor)


def dossier_get_for_desk(*, user: Any, pk: int) -> Dossier:
    """A dossier filed at one of the officer's desks (not a draft); DoesNotExist otherwise."""
    return access.dossier_get_visible(
        user=user,
        pk=pk,
        parties=DESK,
        related=(
            "version",
            "version__competent_agency",
            "receiving_agency",
            "processing_agency",
            "rule_set",
            "time_option",
        ),
    )


@dataclass(frozen=True)
class DeskRecord:
    """What the desk's dossier page lists of one dossier, each kind in one query."""

    attachments: list[Attachment]
    history: list[DossierHistory]
    supplements: list[SupplementRequest]


def dossier_record_for_desk(*, dossier: Dossier) -> DeskRecord:
    return DeskRecord(
        attachments=list(
            dossier.attachments.filter(replaced_at__isnull=True).select_related("component")
        ),
        history=list(dossier.history.select_related("agency")),
        supplements=list(dossier.supplement_requests.prefetch_related("components")),
    )
