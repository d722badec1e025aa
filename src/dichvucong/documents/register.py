"""The dossier tracking register ("Sổ theo dõi hồ sơ": 2018 form 06, 2025 form 07) of a
receiving agency over a period: one line per dossier it received, from the dossiers' fields and
their history, as an A4 landscape PDF or an XLSX workbook. Built on demand, never stored.

A register spanning 15/9/2025 prints the form of the rule set in force on the period's last day.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.core.constants import LEGAL_TIMEZONE, FormPurpose
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import OfficialForm
from dichvucong.core.selectors import ruleset_form_get, ruleset_in_force
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import Dossier, DossierHistory, SupplementRequest

from .formatting import date_words, local_time
from .rendering import circular, html_to_pdf, render_template

TEMPLATE = "documents/form_register.html"
MAX_PERIOD_DAYS = 366
# The register is built on the request: these keep one build within a web worker's time limit
# (measured: ≈ 18 ms a line for the PDF, ≈ 1 ms for the XLSX; bench/PROFILE.md). A longer
# register is asked for as shorter periods, or as the workbook.
MAX_LINES = {"pdf": 1_000, "xlsx": 20_000}


def register_form(*, date_to: datetime.date) -> OfficialForm:
    """The register form of the rule set in force on the period's last day."""
    end = datetime.datetime.combine(date_to, datetime.time(12), tzinfo=LEGAL_TIMEZONE)
    return ruleset_form_get(rule_set=ruleset_in_force(at=end), purpose=FormPurpose.REGISTER)


@dataclass(frozen=True)
class RegisterLine:
    number: int
    code: str
    procedure: str
    sets: int
    owner: str
    address: str
    phone: str
    processing_agency: str
    received_at: datetime.datetime
    due_at: datetime.datetime | None
    transferred_at: datetime.datetime | None
    result_at: datetime.datetime | None
    supplement_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    collected_by: str
    note: str


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return local_time(moment).date() if moment else None


def _text_day(moment: datetime.datetime | None) -> str:
    day = _day(moment)
    return f"{day:%d/%m/%Y}" if day else ""


def _result_or_supplement(line: RegisterLine) -> str:
    parts = []
    if line.result_at:
        parts.append(f"Kết quả: {_text_day(line.result_at)}")
    if line.supplement_at:
        parts.append(f"Yêu cầu bổ sung: {_text_day(line.supplement_at)}")
    return "; ".join(parts)


def _note(dossier: Dossier) -> str:
    notes = []
    if dossier.extended_due_at:
        notes.append(f"Hẹn lại ngày trả: {_text_day(dossier.extended_due_at)}")
    if dossier.status == DossierStatus.WITHDRAWAL_REQUESTED:
        notes.append("Đề nghị rút hồ sơ")
    if dossier.status == DossierStatus.STOPPED:
        notes.append("Dừng giải quyết")
    if dossier.on_time is False:
        notes.append("Quá hạn")
    if dossier.return_tracking_number:
        notes.append(f"Gửi qua bưu chính, số vận đơn {dossier.return_tracking_number}")
    return "; ".join(notes)


def _received(*, agency: Agency, date_from: datetime.date, date_to: datetime.date):
    start = datetime.datetime.combine(date_from, datetime.time(), tzinfo=LEGAL_TIMEZONE)
    end = datetime.datetime.combine(
        date_to + datetime.timedelta(days=1), datetime.time(), tzinfo=LEGAL_TIMEZONE
    )
    return Dossier.objects.filter(
        receiving_agency=agency, received_at__gte=start, received_at__lt=end
    )


def register_size_check(
    *, agency: Agency, date_from: datetime.date, date_to: datetime.date, file_format: str
) -> None:
    """ServiceError when the period holds more lines than one request builds (MAX_LINES)."""
    count = _received(agency=agency, date_from=date_from, date_to=date_to).count()
    limit = MAX_LINES[file_format]
    if count <= limit:
        return
    message = (
        _(
            "This period holds %(count)s dossiers; a PDF register holds at most %(limit)s. "
            "Choose a shorter period, or the XLSX workbook."
        )
        if file_format == "pdf"
        else _(
            "This period holds %(count)s dossiers; a workbook holds at most %(limit)s. "
            "Choose a shorter period."
        )
    )
    raise ServiceError(
        message % {"count": count, "limit": limit}, field="to", code="register_too_long"
    )


def register_lines(
    *, agency: Agency, date_from: datetime.date, date_to: datetime.date
) -> list[RegisterLine]:
    """The dossiers the agency received from `date_from` to `date_to` (Vietnamese dates,
    inclusive), in the order received; one query, whatever the number of lines."""
    first_forward = (
        DossierHistory.objects.filter(dossier=OuterRef("pk"), transition="forward")
        .order_by("at", "id")
        .values("at")[:1]
    )
    # Requests before receipt belong to the intake, not to the registered dossier's handling.
    last_supplement = (
        SupplementRequest.objects.filter(
            dossier=OuterRef("pk"), requested_at__gte=OuterRef("received_at")
        )
        .order_by("-requested_at", "-id")
        .values("requested_at")[:1]
    )
    dossiers = (
        _received(agency=agency, date_from=date_from, date_to=date_to)
        .select_related("version", "processing_agency")
        .annotate(
            first_forward_at=Subquery(first_forward), last_supplement_at=Subquery(last_supplement)
        )
        .order_by("received_at", "id")
    )
    return [
        RegisterLine(
            # The line of the register book printed on the receipt (form 01), when it has one.
            number=dossier.register_line or position,
            code=dossier.code,
            procedure=dossier.version.name,
            sets=dossier.copies,
            owner=dossier.owner_name or dossier.submitter_name,
            address=dossier.owner_address or dossier.submitter_address,
            phone=dossier.owner_phone or dossier.submitter_phone,
            processing_agency=dossier.processing_agency.name if dossier.processing_agency else "",
            received_at=dossier.received_at,
            due_at=dossier.due_at,
            transferred_at=dossier.first_forward_at,
            result_at=dossier.result_approved_at,
            supplement_at=dossier.last_supplement_at,
            returned_at=dossier.returned_at,
            collected_by=dossier.return_recipient,
            note=_note(dossier),
        )
        for position, dossier in enumerate(dossiers, start=1)
    ]


# The register's columns (domain.md §1.2, [P]/[U]): heading, then the value of a line.
Column = tuple[str, Callable[[RegisterLine], Any]]
COLUMNS: list[Column] = [
    ("STT", lambda line: line.number),
    ("Mã hồ sơ", lambda line: line.code),
    ("Tên thủ tục hành chính", lambda line: line.procedure),
    ("Số lượng hồ sơ (bộ)", lambda line: line.sets),
    ("Tên cá nhân, tổ chức", lambda line: line.owner),
    ("Địa chỉ", lambda line: line.address),
    ("Số điện thoại", lambda line: line.phone),
    ("Cơ quan chủ trì giải quyết", lambda line: line.processing_agency),
    ("Ngày nhận hồ sơ", lambda line: _day(line.received_at)),
    ("Ngày hẹn trả kết quả", lambda line: _day(line.due_at)),
    ("Ngày chuyển hồ sơ", lambda line: _day(line.transferred_at)),
    ("Ngày có kết quả/ yêu cầu bổ sung", _result_or_supplement),
    ("Ngày trả kết quả", lambda line: _day(line.returned_at)),
    ("Ký nhận", lambda line: line.collected_by),
    ("Ghi chú", lambda line: line.note),
]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _period_words(date_from: datetime.date, date_to: datetime.date) -> str:
    return f"Từ {date_words(date_from)} đến {date_words(date_to)}"


def register_pdf(*, agency: Agency, date_from: datetime.date, date_to: datetime.date) -> bytes:
    form = register_form(date_to=date_to)
    lines = register_lines(agency=agency, date_from=date_from, date_to=date_to)
    context = {
        "form": form,
        "circular": circular(form.rule_set),
        "issuer_above": agency.parent.name if agency.parent_id else agency.name,
        "issuer": agency.desk_name or agency.name,
        "period": _period_words(date_from, date_to),
        "headings": [heading for heading, _value in COLUMNS],
        "rows": [[_cell_text(value(line)) for _heading, value in COLUMNS] for line in lines],
        "qr_codes": [],
    }
    return html_to_pdf(render_template(TEMPLATE, context))


def register_xlsx(*, agency: Agency, date_from: datetime.date, date_to: datetime.date) -> bytes:
    """The register as a workbook: a few title rows, the headings, then one row per line (dates
    as date cells, so the sheet sorts and filters)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    form = register_form(date_to=date_to)
    lines = register_lines(agency=agency, date_from=date_from, date_to=date_to)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Mẫu số {form.number}"
    sheet.append([f"Mẫu số {form.number} (ban hành kèm theo {circular(form.rule_set)})"])
    sheet.append([agency.desk_name or agency.name])
    sheet.append([form.title.upper()])
    sheet.append([_period_words(date_from, date_to)])
    sheet.append([])
    sheet.append([heading for heading, _value in COLUMNS])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A3"].font = Font(bold=True)
    for line in lines:
        sheet.append([value(line) for _heading, value in COLUMNS])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
