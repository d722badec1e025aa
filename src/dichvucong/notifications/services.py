"""E-mail when a dossier moves (to the applicant) and when a deadline comes near or passes (to
the officers and leaders): who gets what, and each sending attempt."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from dichvucong.accounts.models import Membership
from dichvucong.core.money import amount_text
from dichvucong.documents.formatting import lookup_url, moment_words, public_url
from dichvucong.documents.models import DocumentKind
from dichvucong.documents.selectors import document_current
from dichvucong.documents.services import document_render
from dichvucong.dossiers.constants import ResultDelivery
from dichvucong.dossiers.models import Dossier, DossierHistory, DossierStep

from .constants import (
    APPLICANT_EVENTS,
    DOSSIER_DEADLINE_EVENTS,
    STEP_EVENTS,
    TEMPLATE_OF,
    TRANSIENT_ERRORS,
    Channel,
    DeliveryStatus,
    Event,
)
from .models import Delivery

# The applicant's dossier page, served by the web app (named, not imported: web is above us).
DOSSIER_PAGE_URL_NAME = "web:dossier-detail"
# The officer's dossier page (named, as above).
OFFICER_PAGE_URL_NAME = "web:officer-dossier"
MAX_ERROR_LENGTH = 2000
# Transitions whose message is told apart by their history row (a fee may be required twice).
_BY_HISTORY_ROW = frozenset(
    {
        Event.FEE_REQUIRED,
        Event.APPROVED_PENDING_FEE,
        Event.RESOLVED,
        Event.PAID_AND_RESOLVED,
        Event.RETURNED,
        Event.RETURNED_ONLINE,
        Event.STOPPED,
        Event.WITHDRAWAL_REQUESTED,
    }
)


def dossier_recipients(dossier: Dossier) -> list[str]:
    """The owner's and the submitter's e-mail addresses, each once."""
    seen: dict[str, str] = {}
    for address in (dossier.owner_email, dossier.submitter_email):
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def _active_holders(*, agency_id: int, roles: list[str]) -> list[str]:
    """E-mail addresses of the active users holding one of `roles` at the agency now."""
    user_ids = Membership.objects.active().filter(agency_id=agency_id, role__in=roles)
    return list(
        get_user_model()
        .objects.filter(pk__in=user_ids.values("user_id"), is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )


def _unique(addresses) -> list[str]:
    seen: dict[str, str] = {}
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def step_recipients(step: DossierStep) -> list[str]:
    """Whoever holds the step: its assignee, or every holder of its role at its agency while
    it is unassigned; and the agency's leaders, who watch the deadlines."""
    if step.assignee_id and step.assignee.is_active:
        holders = [step.assignee.email]
    else:
        holders = _active_holders(agency_id=step.agency_id, roles=[step.role])
    leaders = _active_holders(agency_id=step.agency_id, roles=[Membership.Role.LEADER])
    return _unique([*holders, *leaders])


def _deadline_agency_id(dossier: Dossier) -> int:
    return dossier.processing_agency_id or dossier.receiving_agency_id


def _stamp(moment: dt.datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0


def _step_of(reference: str) -> DossierStep | None:
    # "step:<id>:<due time>"
    try:
        step_id = int(reference.split(":")[1])
    except (IndexError, ValueError):
        return None
    return DossierStep.objects.select_related("agency", "assignee").filter(pk=step_id).first()


def _reference(dossier: Dossier, event: str) -> str:
    if event == Event.SUPPLEMENT_REQUESTED or event == Event.PROCESSING_SUPPLEMENT:
        latest = dossier.supplement_requests.order_by("-requested_at", "-id").first()
        return f"supplement:{latest.pk}" if latest else ""
    if event == Event.APOLOGISED:
        latest = dossier.apologies.order_by("-issued_at", "-id").first()
        return f"apology:{latest.pk}" if latest else ""
    if event in _BY_HISTORY_ROW:
        row = (
            DossierHistory.objects.filter(dossier=dossier, transition=event)
            .order_by("-at", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        return f"history:{row}" if row else ""
    if event in DOSSIER_DEADLINE_EVENTS:
        # A new date (an apology, the end of a pause) is a new deadline to tell about.
        return f"due:{_stamp(dossier.current_due_at)}"
    return ""


def _recipients_and_reference(dossier: Dossier, event: Event) -> tuple[list[str], str]:
    if event in STEP_EVENTS:
        step = (
            DossierStep.objects.select_related("agency", "assignee")
            .filter(dossier=dossier, finished_at__isnull=True)
            .first()
        )
        if step is None:
            return [], ""
        return step_recipients(step), f"step:{step.pk}:{_stamp(step.due_at)}"
    if event in DOSSIER_DEADLINE_EVENTS:
        leaders = _active_holders(
            agency_id=_deadline_agency_id(dossier), roles=[Membership.Role.LEADER]
        )
        return _unique(leaders), _reference(dossier, event)
    if event in (Event.RESOLVED, Event.PAID_AND_RESOLVED) and (
        dossier.result_delivery == ResultDelivery.ONLINE
    ):
        # An online result goes back at once: the "returned online" message carries the link.
        return [], ""
    return dossier_recipients(dossier), _reference(dossier, event)


def delivery_create_for_transition(*, dossier_id: int, event: str) -> list[Delivery]:
    """The deliveries of one event of a dossier, one per recipient; made once however often
    the side effect runs. No address: no delivery."""
    event = Event(event)
    dossier = Dossier.objects.get(pk=dossier_id)
    recipients, reference = _recipients_and_reference(dossier, event)
    deliveries = []
    for recipient in recipients:
        delivery, _created = Delivery.objects.get_or_create(
            dossier=dossier,
            event=event,
            reference=reference,
            channel=Channel.EMAIL,
            recipient=recipient,
        )
        deliveries.append(delivery)
    return deliveries


def dossier_page_url(dossier: Dossier) -> str:
    return public_url(reverse(DOSSIER_PAGE_URL_NAME, kwargs={"pk": dossier.pk}))


def officer_page_url(dossier: Dossier) -> str:
    return public_url(reverse(OFFICER_PAGE_URL_NAME, kwargs={"pk": dossier.pk}))


def _officer_context(dossier: Dossier, delivery: Delivery) -> dict:
    officer = (
        get_user_model()
        .objects.filter(email__iexact=delivery.recipient)
        .values_list("full_name", flat=True)
        .first()
    )
    context = {
        "dossier": dossier,
        "portal_name": settings.DVC_PORTAL_NAME,
        "applicant_name": officer or delivery.recipient,
        "procedure": dossier.version.name,
        "officer_url": officer_page_url(dossier),
        "now": moment_words(timezone.now()),
    }
    if delivery.event in STEP_EVENTS:
        step = _step_of(delivery.reference)
        context["step"] = step
        context["step_due"] = moment_words(step.due_at) if step else ""
    else:
        agency = dossier.processing_agency or dossier.receiving_agency
        context["agency"] = agency
        context["due"] = moment_words(dossier.current_due_at) if dossier.current_due_at else ""
        context["appointment"] = moment_words(dossier.due_at) if dossier.due_at else ""
        context["apologised"] = dossier.extended_due_at is not None
    return context


def _context(dossier: Dossier, event: str) -> dict:
    context = {
        "dossier": dossier,
        "portal_name": settings.DVC_PORTAL_NAME,
        "applicant_name": dossier.owner_name or dossier.submitter_name,
        "procedure": dossier.version.name,
        "desk": dossier.receiving_agency,
        "dossier_url": dossier_page_url(dossier),
        "lookup_url": lookup_url(dossier.code) if dossier.code else "",
    }
    if dossier.submitted_at:
        context["submitted"] = moment_words(dossier.submitted_at)
    if event == Event.RECEIVED:
        context["received"] = moment_words(dossier.received_at)
        due = dossier.extended_due_at or dossier.due_at
        context["due"] = moment_words(due) if due else ""
    if event in (Event.SUPPLEMENT_REQUESTED, Event.PROCESSING_SUPPLEMENT):
        request = dossier.supplement_requests.order_by("-requested_at", "-id").first()
        context["supplement_request"] = request
        context["components"] = (
            list(request.components.order_by("position", "id")) if request else []
        )
    if event in (Event.FEE_REQUIRED, Event.APPROVED_PENDING_FEE):
        context["amount"] = amount_text(dossier.fee_due_amount or 0)
    if event in (Event.RESOLVED, Event.PAID_AND_RESOLVED, Event.RETURNED, Event.RETURNED_ONLINE):
        context["delivery"] = dossier.result_delivery
        context["refused"] = dossier.result_kind == "refusal"
    if event == Event.APOLOGISED:
        apology = dossier.apologies.order_by("-issued_at", "-id").first()
        context["apology"] = apology
        context["new_due"] = moment_words(apology.new_due_at) if apology else ""
        context["previous_due"] = moment_words(apology.previous_due_at) if apology else ""
    if event == Event.STOPPED:
        context["stopped"] = moment_words(dossier.finished_at) if dossier.finished_at else ""
    return context


def _attach_apology(message: EmailMultiAlternatives, dossier: Dossier) -> None:
    """Form 04, when the documents app has rendered it (it renders after the same commit)."""
    kind = getattr(DocumentKind, "APOLOGY", None)
    document = document_current(dossier=dossier, kind=kind) if kind else None
    if document is None:
        return
    with document.file.open("rb") as pdf:
        message.attach(f"van-ban-xin-loi-{dossier.code}.pdf", pdf.read(), "application/pdf")


def _message(delivery: Delivery) -> EmailMultiAlternatives:
    dossier = Dossier.objects.select_related(
        "version", "receiving_agency", "processing_agency"
    ).get(pk=delivery.dossier_id)
    if delivery.event in APPLICANT_EVENTS:
        context = _context(dossier, delivery.event)
    else:
        context = _officer_context(dossier, delivery)
    base = f"notifications/email/{TEMPLATE_OF.get(delivery.event, delivery.event)}"
    # The applicants' language: the portal writes to them in Vietnamese.
    with translation.override("vi"):
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[delivery.recipient]
    )
    message.attach_alternative(html, "text/html")
    if delivery.event == Event.RECEIVED:
        document = document_current(dossier=dossier, kind=DocumentKind.RECEIPT)
        if document is None:
            document = document_render(dossier_id=dossier.pk, kind=DocumentKind.RECEIPT)
        with document.file.open("rb") as pdf:
            message.attach(f"giay-tiep-nhan-{dossier.code}.pdf", pdf.read(), "application/pdf")
    if delivery.event == Event.APOLOGISED:
        _attach_apology(message, dossier)
    return message


def delivery_send(*, delivery_id: int, final: bool = True) -> Delivery:
    """One attempt at sending a delivery, recorded on its row whatever happens.

    A delivery already sent is not sent again. A failure is recorded (status "failed" on the
    last attempt, else still "queued") and then raised, so the task retries it.
    """
    failure: Exception | None = None
    with transaction.atomic():
        # The lock keeps two workers from sending the same message at once.
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status == DeliveryStatus.SENT or delivery.dossier_id is None:
            return delivery
        delivery.attempts += 1
        try:
            message = _message(delivery)
            delivery.subject = message.subject[:300]
            message.send(fail_silently=False)
        except Exception as error:  # recorded, then raised for the retry policy
            failure = error
            retried = not final and isinstance(error, TRANSIENT_ERRORS)
            delivery.status = DeliveryStatus.QUEUED if retried else DeliveryStatus.FAILED
            delivery.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = timezone.now()
        delivery.save(update_fields=["attempts", "subject", "status", "last_error", "sent_at"])
    if failure is not None:
        raise failure
    return delivery
