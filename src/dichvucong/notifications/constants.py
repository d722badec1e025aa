import smtplib

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What a message tells the applicant: named after the dossier's transitions."""

    SUBMITTED = "submit", _("Dossier submitted")
    RECEIVED = "receive", _("Dossier received")
    SUPPLEMENT_REQUESTED = "request_supplement", _("Supplement requested")
    REFUSED = "refuse", _("Dossier refused")


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
