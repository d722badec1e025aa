"""The delivery log: one row per message to one recipient, with every attempt counted."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.dossiers.models import Dossier

from .constants import Channel, DeliveryStatus, Event


class Delivery(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    # Tells two messages of the same event apart (a second supplement request): its id.
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A handler run twice finds the row it made instead of a second message.
            models.UniqueConstraint(
                fields=["dossier", "event", "reference", "channel", "recipient"],
                name="notifications_delivery_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="notifications_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENT) | Q(sent_at__isnull=False),
                name="notifications_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="notifications_by_status")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.recipient} ({self.get_status_display()})"
