import smtplib

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What a message tells: named after the dossier's transitions (to the applicant) and the
    deadline marks (workflow.deadlines, to the officers and leaders)."""

    SUBMITTED = "submit", _("Dossier submitted")
    RECEIVED = "receive", _("Dossier received")
    SUPPLEMENT_REQUESTED = "request_supplement", _("Supplement requested")
    REFUSED = "refuse", _("Dossier refused")
    PROCESSING_SUPPLEMENT = "request_supplement_processing", _("Supplement requested in processing")
    FEE_REQUIRED = "require_fee", _("Fee required")
    APPROVED_PENDING_FEE = "approve_pending_fee", _("Result approved, fee required")
    RESOLVED = "resolve", _("Result ready")
    PAID_AND_RESOLVED = "record_payment_resolve", _("Fee paid, result ready")
    RETURNED = "return_result", _("Result returned")
    RETURNED_ONLINE = "return_online", _("Result returned online")
    STOPPED = "stop", _("Processing stopped")
    APOLOGISED = "apologise", _("Apology with a new date")
    WITHDRAWAL_REQUESTED = "request_withdrawal", _("Withdrawal requested")
    STEP_DUE_SOON = "step_due_soon", _("Step due soon")
    STEP_OVERDUE = "step_overdue", _("Step overdue")
    APOLOGY_PROMPT = "apology_prompt", _("Apology due")
    DOSSIER_OVERDUE = "dossier_overdue", _("Dossier overdue")


# Messages to the applicant (owner and submitter), after these transitions.
APPLICANT_EVENTS = frozenset(
    {
        Event.SUBMITTED,
        Event.RECEIVED,
        Event.SUPPLEMENT_REQUESTED,
        Event.REFUSED,
        Event.PROCESSING_SUPPLEMENT,
        Event.FEE_REQUIRED,
        Event.APPROVED_PENDING_FEE,
        Event.RESOLVED,
        Event.PAID_AND_RESOLVED,
        Event.RETURNED,
        Event.RETURNED_ONLINE,
        Event.STOPPED,
        Event.APOLOGISED,
        Event.WITHDRAWAL_REQUESTED,
    }
)
# Messages to officers: a step's (its assignee or its role's holders, and the agency's
# leaders), and a dossier's (the processing agency's leaders).
STEP_EVENTS = frozenset({Event.STEP_DUE_SOON, Event.STEP_OVERDUE})
DOSSIER_DEADLINE_EVENTS = frozenset({Event.APOLOGY_PROMPT, Event.DOSSIER_OVERDUE})
OFFICER_EVENTS = STEP_EVENTS | DOSSIER_DEADLINE_EVENTS
# Events that share another's template.
TEMPLATE_OF = {
    Event.APPROVED_PENDING_FEE: "require_fee",
    Event.PAID_AND_RESOLVED: "resolve",
}


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# Errors worth another try later: the mail server or the network, not our data.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    OSError,
)
