"""E-mail to applicants when their dossier moves: who gets what, and each sending attempt."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from dichvucong.documents.formatting import lookup_url, moment_words, public_url
from dichvucong.documents.models import DocumentKind
from dichvucong.documents.selectors import document_current
from dichvucong.documents.services import document_render
from dichvucong.dossiers.models import Dossier

from .constants import TRANSIENT_ERRORS, Channel, DeliveryStatus, Event
from .models import Delivery

# The applicant's dossier page belongs to the web app; its name is tried, then the path.
# The applicant's dossier page, served by the web app (named, not imported: web is above us).
DOSSIER_PAGE_URL_NAME = "web:dossier-detail"
MAX_ERROR_LENGTH = 2000


def dossier_recipients(dossier: Dossier) -> list[str]:
    """The owner's and the submitter's e-mail addresses, each once."""
    seen: dict[str, str] = {}
    for address in (dossier.owner_email, dossier.submitter_email):
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def _reference(dossier: Dossier, event: str) -> str:
    if event == Event.SUPPLEMENT_REQUESTED:
        latest = dossier.supplement_requests.order_by("-requested_at", "-id").first()
        return f"supplement:{latest.pk}" if latest else ""
    return ""


def delivery_create_for_transition(*, dossier_id: int, event: str) -> list[Delivery]:
    """The deliveries of one event of a dossier, one per recipient; made once however often
    the side effect runs. No address: no delivery."""
    event = Event(event)
    dossier = Dossier.objects.get(pk=dossier_id)
    reference = _reference(dossier, event)
    deliveries = []
    for recipient in dossier_recipients(dossier):
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
    if event == Event.SUPPLEMENT_REQUESTED:
        request = dossier.supplement_requests.order_by("-requested_at", "-id").first()
        context["supplement_request"] = request
        context["components"] = (
            list(request.components.order_by("position", "id")) if request else []
        )
    return context


def _message(delivery: Delivery) -> EmailMultiAlternatives:
    dossier = Dossier.objects.select_related("version", "receiving_agency").get(
        pk=delivery.dossier_id
    )
    context = _context(dossier, delivery.event)
    base = f"notifications/email/{delivery.event}"
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
