"""The process control slip ("Phiếu kiểm soát quá trình giải quyết hồ sơ": 2018 form 05,
2025 form 06), built from the dossier's history: one row per history row from receipt on.

The history is the record, the slip a view of it. Rendering costs ≈0.4 s of a web worker, so
the last rendering is kept (ControlSlip, keyed by the newest history row it shows): the first
reading after a transition renders it, every other reading serves the stored file. Not after
each transition: most slips are never read, and a transition should not pay for a PDF.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dichvucong.catalog.templatetags.catalog_tags import time_text
from dichvucong.core.constants import FormPurpose
from dichvucong.core.selectors import ruleset_form_get, ruleset_in_force
from dichvucong.dossiers import access
from dichvucong.dossiers.models import Dossier, DossierHistory, DossierStep

from .formatting import local_time, moment_words
from .models import ControlSlip
from .rendering import applicant_of, circular, html_to_pdf, issuer, place, render_template
from .selectors import dossiers_for_forms

TEMPLATE = "documents/form_control_slip.html"

# What each transition did, in the slip's words (the form prints Vietnamese).
TRANSITION_WORDS = {
    "receive": "Tiếp nhận hồ sơ",
    "forward": "Chuyển xử lý",
    "send_back": "Trả lại bước trước",
    "propose_result": "Trình kết quả",
    "resolve": "Phê duyệt kết quả",
    "approve_pending_fee": "Phê duyệt kết quả, chờ nộp phí",
    "require_fee": "Yêu cầu nộp phí",
    "record_payment": "Ghi nhận nộp phí",
    "record_payment_resolve": "Ghi nhận nộp phí",
    "request_supplement_processing": "Yêu cầu bổ sung hồ sơ",
    "resubmit_processing": "Nộp bổ sung hồ sơ",
    "apologise": "Xin lỗi, hẹn lại ngày trả kết quả",
    "request_withdrawal": "Đề nghị rút hồ sơ",
    "stop": "Dừng giải quyết hồ sơ",
    "return_result": "Trả kết quả",
    "return_online": "Trả kết quả trực tuyến",
}


class Verdict:
    EARLY = "Trước hạn"
    ON_TIME = "Đúng hạn"
    LATE = "Quá hạn"


def verdict(*, handed_at: datetime.datetime, due_at: datetime.datetime | None) -> str:
    """Early when handed on before the due day, late after the due minute, on time otherwise
    (on the due day). The provinces' slips judge each hand-off (domain.md §1.2, [P]); this
    day-based rule is our reading, to check against the Circular."""
    if due_at is None:
        return ""
    if handed_at > due_at:
        return Verdict.LATE
    if local_time(handed_at).date() < local_time(due_at).date():
        return Verdict.EARLY
    return Verdict.ON_TIME


@dataclass(frozen=True)
class SlipRow:
    history_id: int
    transition: str
    action: str
    at: datetime.datetime
    giving_agency: str
    giver: str
    receiving_agency: str
    receiver: str
    due_at: datetime.datetime | None
    verdict: str
    note: str


def _person(row: DossierHistory) -> str:
    if row.actor_id and row.actor is not None:
        return str(row.actor)
    return "Hệ thống" if row.actor_label in ("", "system") else row.actor_label


def _agency_name(agency: Any) -> str:
    return agency.name if agency is not None else ""


def control_slip_rows(*, dossier: Dossier) -> list[SlipRow]:
    """The slip's rows: the dossier's history rows from its receipt on, each a hand-off.

    Row i was handed over by its actor, at its agency, and received by the actor of row i+1 at
    that row's agency; the first row (receipt) was handed over by the applicant, the last one
    (a return at the desk) received by whoever collected the result. A row that closed a step
    is judged against that step's due time. Two queries, whatever the number of rows.
    """
    history = list(
        DossierHistory.objects.filter(dossier=dossier)
        .select_related("actor", "agency")
        .order_by("at", "id")
    )
    start = next((i for i, row in enumerate(history) if row.transition == "receive"), None)
    if start is None:
        return []
    history = history[start:]
    # A step is closed by the transition that hands it on: same moment, same officer.
    due_of_step_closed_by = {
        (finished_at, finished_by): due_at
        for finished_at, finished_by, due_at in DossierStep.objects.filter(
            dossier=dossier, finished_at__isnull=False
        ).values_list("finished_at", "finished_by", "due_at")
    }
    applicant = applicant_of(dossier)["name"]
    rows = []
    for index, row in enumerate(history):
        following = history[index + 1] if index + 1 < len(history) else None
        if row.transition == "receive":
            giving_agency, giver = "", applicant
            receiving_agency, receiver = _agency_name(row.agency), _person(row)
        else:
            giving_agency, giver = _agency_name(row.agency), _person(row)
            if following is not None:
                receiving_agency, receiver = _agency_name(following.agency), _person(following)
            elif row.transition == "return_result":
                receiving_agency, receiver = "", dossier.return_recipient or applicant
            elif row.transition == "return_online":
                receiving_agency, receiver = "", applicant
            else:
                receiving_agency, receiver = "", ""
        due_at = due_of_step_closed_by.get((row.at, row.actor_id))
        rows.append(
            SlipRow(
                history_id=row.pk,
                transition=row.transition,
                action=TRANSITION_WORDS.get(row.transition, row.transition),
                at=row.at,
                giving_agency=giving_agency,
                giver=giver,
                receiving_agency=receiving_agency,
                receiver=receiver,
                due_at=due_at,
                verdict=verdict(handed_at=row.at, due_at=due_at),
                note=row.note,
            )
        )
    return rows


def _partner_agencies(dossier: Dossier) -> list[str]:
    """Agencies of the dossier's steps other than the desk and the processing agency."""
    own = {dossier.receiving_agency_id, dossier.processing_agency_id}
    names = (
        DossierStep.objects.filter(dossier=dossier)
        .exclude(agency_id__in=[pk for pk in own if pk])
        .order_by("started_at", "id")
        .values_list("agency__name", flat=True)
    )
    return list(dict.fromkeys(names))


def control_slip_pdf(*, dossier: Dossier) -> bytes:
    """The slip as an A5 PDF, in the form set of the dossier's rule set."""
    rule_set = dossier.rule_set or ruleset_in_force(at=dossier.received_at or dossier.created_at)
    form = ruleset_form_get(rule_set=rule_set, purpose=FormPurpose.CONTROL_SLIP)
    issuer_above, issuer_name = issuer(dossier)
    rows = control_slip_rows(dossier=dossier)
    context = {
        "dossier": dossier,
        "form": form,
        "circular": circular(rule_set),
        "issuer_above": issuer_above,
        "issuer": issuer_name,
        "place": place(dossier),
        "issued_on": "",
        "qr_codes": [],
        "applicant": applicant_of(dossier),
        "request": dossier.summary or dossier.version.name,
        "procedure": dossier.version.name,
        "time_limit": time_text(dossier.time_option, rule_set.same_day_cutoff)
        if dossier.time_option
        else "",
        "received": moment_words(dossier.received_at) if dossier.received_at else "",
        "appointment": moment_words(dossier.due_at) if dossier.due_at else "",
        "new_appointment": moment_words(dossier.extended_due_at) if dossier.extended_due_at else "",
        "processing_agency": dossier.processing_agency.name if dossier.processing_agency else "",
        "partner_agencies": _partner_agencies(dossier),
        "rows": [
            {
                "row": row,
                "at": moment_words(row.at),
                "due": moment_words(row.due_at) if row.due_at else "",
            }
            for row in rows
        ],
    }
    return html_to_pdf(render_template(TEMPLATE, context))


def _newest_history_id(dossier_id: int) -> int:
    newest = DossierHistory.objects.filter(dossier_id=dossier_id).aggregate(newest=Max("id"))
    return newest["newest"] or 0


def control_slip_store(*, dossier_id: int, lost: str | None = None) -> ControlSlip | None:
    """Render the received dossier's slip of its history now and keep it (None: not received).

    Under the copy's own row lock, so that readers arriving together after a transition render
    once (the others wait, then find the fresh copy), while the officers' transitions, which
    lock the dossier's row, never wait for a rendering. The same bytes only move the copy's
    history mark; new bytes replace the file (the old one is removed after commit). Not
    audited: the copy is derived data, the history is the record. `lost`: the name of a file
    the caller could not open, rendered again even if the copy is up to date.
    """
    dossier = dossiers_for_forms().get(pk=dossier_id)
    if dossier.received_at is None:
        return None
    with transaction.atomic():
        ControlSlip.objects.get_or_create(
            dossier=dossier, defaults={"history_id": 0, "rendered_at": timezone.now()}
        )
        slip = ControlSlip.objects.select_for_update().get(dossier=dossier)
        # Read before rendering: a transition committed meanwhile leaves a newer row, and the
        # next reading renders again.
        newest = _newest_history_id(dossier_id)
        if slip.file and slip.file.name != lost and slip.history_id >= newest:
            return slip
        pdf = control_slip_pdf(dossier=dossier)
        digest = hashlib.sha256(pdf).hexdigest()
        old_name = slip.file.name or None
        slip.history_id = newest
        slip.rendered_at = timezone.now()
        if slip.sha256 != digest or slip.file.name == lost:
            slip.sha256 = digest
            slip.file.save(f"control_slip-{digest[:16]}.pdf", ContentFile(pdf), save=False)
        slip.save()
        if old_name and old_name != slip.file.name:
            storage = slip.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return slip


def control_slip_current(*, dossier: Dossier) -> ControlSlip:
    """The stored slip of the dossier's history as it is now, rendered only when a newer
    history row than the stored copy's exists (two queries when nothing changed)."""
    slip = ControlSlip.objects.filter(dossier=dossier).first()
    if slip is not None and slip.file and slip.history_id >= _newest_history_id(dossier.pk):
        return slip
    return control_slip_store(dossier_id=dossier.pk)


def control_slip_open(*, dossier: Dossier):
    """The current slip's file, open for reading. A file gone between finding and opening it
    (replaced by another reader's rendering, or lost from storage) is found or rendered again.
    """
    slip = control_slip_current(dossier=dossier)
    try:
        return slip.file.open("rb")
    except FileNotFoundError:
        return control_slip_store(dossier_id=dossier.pk, lost=slip.file.name).file.open("rb")


def control_slip_dossier(*, user: Any, pk: int) -> Dossier | None:
    """The received dossier if the user may read its slip (dossiers.access decides), else
    None (whether it exists is not told)."""
    dossier = dossiers_for_forms().filter(pk=pk, received_at__isnull=False).first()
    if dossier is None or not access.dossier_may_download(
        user=user, dossier=dossier, kind=access.FileKind.CONTROL_SLIP
    ):
        return None
    return dossier
