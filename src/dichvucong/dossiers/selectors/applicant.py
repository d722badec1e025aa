"""Reads of an applicant's own dossiers: the owner's or the submitter's account, nobody else's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from dichvucong.agencies.models import Agency
from dichvucong.catalog.models import Component, ProcedureVersion
from dichvucong.core.ids import id_from_text
from dichvucong.core.text import fold

from .. import access
from ..constants import NATIONAL_STATUS_CODE, NATIONAL_STATUS_LABEL, DossierStatus
from ..models import Apology, Attachment, Dossier, DossierHistory, ResultFile, SupplementRequest


def dossier_list_for_applicant(*, user: Any) -> QuerySet[Dossier]:
    """The applicant's dossiers, newest first, with what the list shows in one query."""
    return (
        access.dossiers_visible_to(user=user, parties=access.APPLICANT)
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
    return access.dossier_get_visible(
        user=user,
        pk=pk,
        parties=access.APPLICANT,
        related=("version", "receiving_agency", "processing_agency", "rule_set"),
    )


# Transitions whose note is written for the applicant (the reason they are told on the form or
# in the notice); every other note is an officer's internal remark and stays off their page.
APPLICANT_NOTE_TRANSITIONS = frozenset(
    {
        "refuse",
        "request_supplement",
        "request_supplement_processing",
        "request_withdrawal",
        "stop",
        "apologise",
        "return_result",  # the postal tracking number, or who collected the result
        "return_online",
    }
)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    agency: str | None
    status: str
    national_code: int | None
    # The national portal's wording of the status (domain.md §9); ours when there is none.
    status_label: str
    note: str


def dossier_timeline_for_applicant(*, dossier: Dossier) -> list[TimelineEntry]:
    """The dossier's history as its applicant reads it: when, which agency, which status, and
    only the notes meant for them (no officer names, no internal notes). One query."""
    rows = (
        DossierHistory.objects.filter(dossier_id=dossier.pk)
        .order_by("at", "id")
        .values_list("at", "agency__name", "transition", "to_status", "note")
    )
    entries = []
    for at, agency, transition, to_status, note in rows:
        national = NATIONAL_STATUS_CODE.get(to_status)
        entries.append(
            TimelineEntry(
                at=at,
                agency=agency,
                status=to_status,
                national_code=national,
                status_label=NATIONAL_STATUS_LABEL.get(national)
                or str(DossierStatus(to_status).label),
                note=note if transition in APPLICANT_NOTE_TRANSITIONS else "",
            )
        )
    return entries


def result_files_for_applicant(*, user: Any, dossier: Dossier) -> QuerySet[ResultFile]:
    """The result documents the applicant may download (access.result_files_for: none before
    the dossier is resolved or returned, and never a proposal the leader sent back)."""
    return access.result_files_for(user=user, dossier=dossier)


def supplement_open(*, dossier: Dossier) -> SupplementRequest | None:
    """The supplement request the applicant answers now, with its components; None unless one
    is asked for."""
    if not dossier.awaits_supplement:
        return None
    return (
        dossier.supplement_requests.filter(resolved_at__isnull=True)
        .prefetch_related("components")
        .last()
    )


def attachments_current(*, dossier: Dossier) -> list[Attachment]:
    """The dossier's files in force (not replaced), in upload order."""
    return list(dossier.attachments.filter(replaced_at__isnull=True))


def attachment_of_dossier(*, dossier: Dossier, pk: int) -> Attachment | None:
    return dossier.attachments.filter(pk=pk).first()


def apology_latest(*, dossier: Dossier) -> Apology | None:
    """The latest apology (form 04) when the date was moved; None otherwise."""
    return dossier.apologies.last() if dossier.extended_due_at else None


def desks_for_version(*, version: ProcedureVersion) -> QuerySet[Agency]:
    """The desks an applicant may choose for the procedure's dossiers: receiving them and in
    force today (a desk closed by a merger is not offered), with their administrative units."""
    return version.receiving_agencies.active().filter(receives_dossiers=True).select_related("unit")


def desk_default(*, desks: list[Agency], user: Any) -> Agency | None:
    """The desk of the applicant's commune when their address names its unit (as words, with or
    without diacritics: "Phường 1" is not in "Phường 12"), else the first."""
    address = f" {fold(user.address or '')} "  # fold: words of [0-9a-z], single spaces
    for agency in desks:
        if agency.unit_id and f" {fold(agency.unit.name)} " in address:
            return agency
    return desks[0] if desks else None


def component_of_dossier(*, dossier: Dossier, key: str) -> Component | None:
    """The component of the dossier's procedure an upload names (its id as posted)."""
    pk = id_from_text(key)
    return dossier.version.components.filter(pk=pk).first() if pk is not None else None
