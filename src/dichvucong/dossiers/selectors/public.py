"""The public status lookup (tra cứu hồ sơ): what anyone holding a dossier's code may see.

The code is printed on the receipt and in its QR code, so it is not a secret: the lookup shows
the procedure, the agencies, the status, the dates and the steps so far (time, agency, the
national status code and label), and nothing about the people (no name, ID number, phone, e-mail, address, answers, actor names or notes, which may
hold personal data). The fields are a fixed whitelist (PublicStatus); docs/decisions/0006.

One indexed query: the dossier by its unique code joined to its history rows by (dossier, at).
The agencies' and the procedure's codes and names come from the label caches
(agencies/labels.py, catalog/labels.py) in one cache read: joining and planning those tables
on every lookup cost more than the lookup itself (bench/PROFILE.md).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.labels import AGENCY_LABELS
from dichvucong.catalog.labels import VERSION_LABELS
from dichvucong.core.caching import read_labels
from dichvucong.core.errors import ServiceError

from .. import access
from ..constants import NATIONAL_STATUS_CODE, NATIONAL_STATUS_LABEL, DossierStatus

# <receiving agency identifier>-<YYMMDD>-<daily sequence> (domain.md §1.1); checked before any
# query, so a malformed or hostile input never reaches the database.
CODE_PATTERN = re.compile(r"^[0-9A-Z.]{1,35}-\d{6}-\d{4,7}$")
CODE_EXAMPLE = "000.00.02.H30-250701-0001"

# What the public reads for each step of the history; a transition not listed reads as the
# status it led to.
STEP_LABELS = {
    "submit": _("Submitted online"),
    "submit_at_desk": _("Filed at the desk"),
    "receive": _("Received by the desk"),
    "refuse": _("Refused at intake"),
    "request_supplement": _("Supplement requested"),
    "resubmit": _("Resubmitted with the supplement"),
    "forward": _("Handed on to the next step"),
    "send_back": _("Sent back to the previous step"),
    "propose_result": _("Result proposed for approval"),
    "apologise": _("Apology issued with a new date"),
    "request_supplement_processing": _("Supplement requested during processing"),
    "resubmit_processing": _("Resubmitted with the supplement"),
    "require_fee": _("Fee required"),
    "record_payment": _("Fee paid"),
    "record_payment_resolve": _("Fee paid"),
    "resolve": _("Resolved"),
    "approve_pending_fee": _("Result approved, fee due"),
    "stop": _("Processing stopped"),
    "request_withdrawal": _("Withdrawal requested"),
    "return_result": _("Result returned"),
    "return_online": _("Result returned online"),
}


class MalformedCode(ServiceError):
    default_code = "invalid_code"


@dataclass(frozen=True)
class PublicAgency:
    code: str
    name: str


@dataclass(frozen=True)
class PublicStep:
    label: str
    at: datetime.datetime
    agency: str | None
    # The status the dossier was in after this step, in the national portal's codes (§9).
    national_code: int | None
    national_label: str | None


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure_code: str
    procedure_name: str
    receiving_agency: PublicAgency
    processing_agency: PublicAgency | None
    status: str
    status_label: str
    national_code: int | None
    national_label: str | None
    received_at: datetime.datetime | None
    due_at: datetime.datetime | None
    extended_due_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    steps: tuple[PublicStep, ...]


def dossier_code_check(*, code: str) -> str:
    """The code, stripped and upper-cased, or MalformedCode (no query is made)."""
    normalised = (code or "").strip().upper()
    if not CODE_PATTERN.fullmatch(normalised):
        raise MalformedCode(
            _(
                "“%(code)s” is not a dossier code. A code looks like %(example)s: the receiving "
                "agency's identifier, the date of receipt (YYMMDD) and a number, separated by "
                "hyphens."
            )
            % {"code": (code or "")[:60], "example": CODE_EXAMPLE},
            field="ma",
        )
    return normalised


_DOSSIER_COLUMNS = (
    "code",
    "status",
    "received_at",
    "due_at",
    "extended_due_at",
    "finished_at",
    "returned_at",
    "version_id",
    "receiving_agency_id",
    "processing_agency_id",
)
_HISTORY_COLUMNS = (
    "history__transition",
    "history__to_status",
    "history__at",
    "history__agency_id",
)


def dossier_public_status(*, code: str) -> PublicStatus | None:
    """The public view of the dossier with this code; None when no dossier has it.

    Raises MalformedCode, before any query, when the code is not in the dossier code format.
    """
    code = dossier_code_check(code=code)
    # One round trip: the dossier by its unique code, a row per history row (the dossier's
    # columns repeated; a LEFT JOIN, so a dossier without history still comes back once).
    # values_list(): plain tuples of the whitelisted columns only, no model instances.
    rows = list(
        access.dossiers_with_public_status(code=code)
        .values_list(*_DOSSIER_COLUMNS, *_HISTORY_COLUMNS)
        .order_by("history__at", "history__id")
    )
    if not rows:
        return None
    width = len(_DOSSIER_COLUMNS)
    row = dict(zip(_DOSSIER_COLUMNS, rows[0][:width], strict=True))
    # (transition, to_status, at, agency id); the LEFT JOIN's row of NULLs is no step.
    history = [item[width:] for item in rows if item[width + 2] is not None]
    agencies, versions = read_labels(
        (
            AGENCY_LABELS,
            [
                row["receiving_agency_id"],
                row["processing_agency_id"],
                *(agency_id for *_, agency_id in history),
            ],
        ),
        (VERSION_LABELS, [row["version_id"]]),
    )
    procedure_code, procedure_name = versions[row["version_id"]]
    status = row["status"]
    national_code = NATIONAL_STATUS_CODE.get(status)
    return PublicStatus(
        code=row["code"],
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        receiving_agency=PublicAgency(*agencies[row["receiving_agency_id"]]),
        processing_agency=(
            PublicAgency(*agencies[row["processing_agency_id"]])
            if row["processing_agency_id"]
            else None
        ),
        status=status,
        status_label=str(DossierStatus(status).label),
        national_code=national_code,
        national_label=NATIONAL_STATUS_LABEL.get(national_code) if national_code else None,
        received_at=row["received_at"],
        due_at=row["due_at"],
        extended_due_at=row["extended_due_at"],
        finished_at=row["finished_at"],
        returned_at=row["returned_at"],
        steps=tuple(
            _step(transition, to_status, at, agencies[agency_id][1] if agency_id else None)
            for transition, to_status, at, agency_id in history
        ),
    )


def _step(
    transition: str, to_status: str, at: datetime.datetime, agency_name: str | None
) -> PublicStep:
    national_code = NATIONAL_STATUS_CODE.get(to_status)
    return PublicStep(
        label=str(STEP_LABELS.get(transition) or DossierStatus(to_status).label),
        at=at,
        agency=agency_name,
        national_code=national_code,
        national_label=NATIONAL_STATUS_LABEL.get(national_code) if national_code else None,
    )
