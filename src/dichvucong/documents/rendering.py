"""The official forms as HTML (Django templates) and PDF (WeasyPrint), A5.

The forms' wording is fixed by the Circular in Vietnamese, so the templates print Vietnamese
whatever the reader's interface language; the data comes from the dossier and its rule set.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from dichvucong.agencies.models import Agency
from dichvucong.catalog.models import Component, Fee
from dichvucong.catalog.templatetags.catalog_tags import time_text
from dichvucong.core.models import OfficialForm, RuleSet
from dichvucong.core.money import vnd
from dichvucong.dossiers.constants import ResultDelivery
from dichvucong.dossiers.models import Apology, Dossier, DossierHistory, SupplementRequest

from .formatting import date_words, lookup_url, moment_words, qr_svg, rating_url
from .models import DocumentKind

TEMPLATES = {
    DocumentKind.RECEIPT: "documents/form_receipt.html",
    DocumentKind.SUPPLEMENT_REQUEST: "documents/form_supplement_request.html",
    DocumentKind.REFUSAL: "documents/form_refusal.html",
    DocumentKind.APOLOGY: "documents/form_apology.html",
    DocumentKind.STOP_NOTICE: "documents/form_stop_notice.html",
}


RATED_KINDS = frozenset(
    {DocumentKind.RECEIPT, DocumentKind.SUPPLEMENT_REQUEST, DocumentKind.REFUSAL}
)


@dataclass(frozen=True)
class ComponentRow:
    name: str
    originals: int | None
    certified: int | None
    copies: int | None


def _component_row(component: Component) -> ComponentRow:
    paper = component.paper_form
    count = component.count
    return ComponentRow(
        name=component.name,
        originals=count
        if paper in (Component.PaperForm.ORIGINAL, Component.PaperForm.ORIGINAL_OR_CERTIFIED_COPY)
        else None,
        certified=count if paper == Component.PaperForm.CERTIFIED_COPY else None,
        copies=count if paper == Component.PaperForm.COPY else None,
    )


def circular(rule_set: RuleSet) -> str:
    """ "Thông tư 03/2025/TT-VPCP", read from the rule set's legal basis."""
    match = re.search(r"Thông tư\s+\S+", rule_set.legal_basis)
    return match.group(0).rstrip(";,.") if match else rule_set.name


def _filed_components(dossier: Dossier) -> list[Component]:
    # The components the applicant filed files for; a paper dossier without scans lists the
    # version's components (the desk checked the papers themselves).
    filed = (
        Component.objects.filter(
            pk__in=dossier.attachments.filter(replaced_at__isnull=True).values("component")
        )
        .order_by("position", "id")
        .only("name", "paper_form", "count")
    )
    return list(filed) or list(dossier.version.components.order_by("position", "id"))


def _fee_status(dossier: Dossier) -> str:
    if dossier.fee_amount:
        text = f"Đã nộp phí, lệ phí: {vnd(dossier.fee_amount)}"
        if dossier.fee_receipt_number:
            text += f" (biên lai số {dossier.fee_receipt_number})"
        return text
    fees = Fee.objects.filter(version=dossier.version, amount__gt=0)
    if not fees.exists():
        return "Không thu phí, lệ phí"
    return "Chưa nộp phí, lệ phí"


def _result_place(dossier: Dossier) -> str:
    if dossier.result_delivery == ResultDelivery.POST:
        return f"Nhận qua dịch vụ bưu chính công ích, địa chỉ: {dossier.delivery_address}"
    if dossier.result_delivery == ResultDelivery.ONLINE:
        return "Nhận trực tuyến trên Cổng dịch vụ công"
    desk = dossier.receiving_agency
    where = desk.desk_name or desk.name
    if desk.desk_address:
        where += f", {desk.desk_address}"
    return f"Nhận trực tiếp tại {where}"


def issuer(dossier: Dossier) -> tuple[str, str]:
    """The two header lines: the level above, then the desk (Bộ phận Một cửa / Trung tâm)."""
    agency = dossier.receiving_agency
    parent = agency.parent.name if agency.parent_id else agency.name
    return parent, agency.desk_name or agency.name


def _agency_issuer(agency: Agency) -> tuple[str, str]:
    """The header lines of a form the agency itself issues (its head signs): the level above,
    then the agency."""
    return (agency.parent.name if agency.parent_id else ""), agency.name


def place(dossier: Dossier, agency: Agency | None = None) -> str:
    """Where the form is issued: the unit of the issuing agency (the desk by default)."""
    unit = (agency or dossier.receiving_agency).unit
    return unit.name if unit is not None else ""


def applicant_of(dossier: Dossier) -> dict[str, str]:
    return {
        "name": dossier.submitter_name or dossier.owner_name,
        "address": dossier.submitter_address or dossier.owner_address,
        "phone": dossier.submitter_phone or dossier.owner_phone,
        "email": dossier.submitter_email or dossier.owner_email,
        "id_number": dossier.submitter_id_number or dossier.owner_id_number,
    }


def _last_history(dossier: Dossier, transition: str) -> DossierHistory | None:
    return (
        DossierHistory.objects.filter(dossier=dossier, transition=transition)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def form_context(
    *,
    dossier: Dossier,
    kind: str,
    form: OfficialForm,
    supplement_request: SupplementRequest | None,
    apology: Apology | None = None,
) -> dict[str, Any]:
    issuer_above, issuer_name = issuer(dossier)
    context: dict[str, Any] = {
        "dossier": dossier,
        "form": form,
        "circular": circular(form.rule_set),
        "issuer_above": issuer_above,
        "issuer": issuer_name,
        "place": place(dossier),
        "applicant": applicant_of(dossier),
        # The owner is printed apart only when someone else filed for them.
        "owner_differs": bool(dossier.owner_name)
        and dossier.owner_name != (dossier.submitter_name or dossier.owner_name),
        "request": dossier.summary or dossier.version.name,
        "qr_codes": [],
    }
    if dossier.code:
        context["qr_codes"].append(
            {"label": "Tra cứu hồ sơ", "svg": qr_svg(lookup_url(dossier.code))}
        )
        # The rating goes with the intake's papers (forms 01 to 03) and the result, not with
        # an apology or a stop notice.
        rating = rating_url(dossier.code) if kind in RATED_KINDS else None
        if rating:
            context["qr_codes"].append({"label": "Đánh giá", "svg": qr_svg(rating)})

    if kind == DocumentKind.RECEIPT:
        received = _last_history(dossier, "receive")
        context.update(
            officer_name=str(received.actor) if received and received.actor else "",
            issued_on=date_words(dossier.received_at),
            components=[_component_row(c) for c in _filed_components(dossier)],
            sets=dossier.copies,
            time_limit=time_text(dossier.time_option, form.rule_set.same_day_cutoff)
            if dossier.time_option
            else "",
            received=moment_words(dossier.received_at),
            due=moment_words(dossier.extended_due_at or dossier.due_at) if dossier.due_at else "",
            result_place=_result_place(dossier),
            fee_status=_fee_status(dossier),
        )
    elif kind == DocumentKind.SUPPLEMENT_REQUEST:
        assert supplement_request is not None
        officer = supplement_request.requested_by
        desk = supplement_request.agency
        context.update(
            issued_on=date_words(supplement_request.requested_at),
            components=[
                _component_row(c) for c in supplement_request.components.order_by("position", "id")
            ],
            reason=supplement_request.reason,
            officer_name=str(officer) if officer else "",
            officer_phone=desk.desk_phone,
            desk_name=desk.desk_name or desk.name,
        )
    elif kind == DocumentKind.APOLOGY:
        assert apology is not None
        context.update(_apology_context(dossier, form, apology))
    elif kind == DocumentKind.STOP_NOTICE:
        context.update(_stop_notice_context(dossier))
    else:
        refused = _last_history(dossier, "refuse")
        officer = refused.actor if refused else None
        context.update(
            issued_on=date_words(refused.at) if refused else "",
            reason=dossier.refusal_reason,
            officer_name=str(officer) if officer else "",
        )
    return context


def _apology_context(dossier: Dossier, form: OfficialForm, apology: Apology) -> dict[str, Any]:
    issuer_above, issuer_name = _agency_issuer(apology.agency)
    signer = apology.issued_by
    return {
        "issuer_above": issuer_above,
        "issuer": issuer_name,
        "place": place(dossier, apology.agency),
        "issued_on": date_words(apology.issued_at),
        "received_on": date_words(dossier.received_at) if dossier.received_at else "",
        # The appointment printed on the receipt, and the date this apology replaces when an
        # earlier apology had already set one.
        "appointment": moment_words(dossier.due_at) if dossier.due_at else "",
        "previous_due": moment_words(apology.previous_due_at),
        "apologised_before": dossier.apologies.filter(
            Q(issued_at__lt=apology.issued_at) | Q(issued_at=apology.issued_at, pk__lt=apology.pk)
        ).exists(),
        "reason": apology.reason,
        "new_due": moment_words(apology.new_due_at),
        # TT 03/2025 turned the 2018 "hẹn lại ngày trả kết quả" into a request for an extension;
        # the form's own title says which wording applies.
        "extension": "gia hạn" in form.title.lower(),
        "signer_name": str(signer) if signer else "",
    }


def _stop_notice_context(dossier: Dossier) -> dict[str, Any]:
    stopped = _last_history(dossier, "stop")
    agency = stopped.agency if stopped and stopped.agency_id else dossier.receiving_agency
    issuer_above, issuer_name = _agency_issuer(agency)
    return {
        "issuer_above": issuer_above,
        "issuer": issuer_name,
        "place": place(dossier, agency),
        "issued_on": date_words(stopped.at) if stopped else "",
        "received_on": date_words(dossier.received_at) if dossier.received_at else "",
        "procedure": dossier.version.name,
        "reason": dossier.stop_reason,
        "withdrawal_on": date_words(dossier.withdrawal_requested_at)
        if dossier.withdrawal_requested_at
        else "",
        "withdrawal_reason": dossier.withdrawal_reason,
        "signer_name": str(stopped.actor) if stopped and stopped.actor else "",
    }


def render_template(template: str, context: dict[str, Any]) -> str:
    # Official forms print Vietnamese whatever the reader's interface language.
    with translation.override("vi"):
        return render_to_string(template, context)


def render_html(context: dict[str, Any], kind: str) -> str:
    return render_template(TEMPLATES[DocumentKind(kind)], context)


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only the PDF path needs.
    from weasyprint import HTML

    # fontTools stamps each embedded font subset with the current time unless
    # SOURCE_DATE_EPOCH is set; a fixed stamp makes the same form give the same bytes, which
    # is how a re-rendering knows nothing changed.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    return HTML(string=html).write_pdf()
