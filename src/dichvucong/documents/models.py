"""PDFs the portal stores for a dossier: the official forms of its rule set issued to the
applicant (receipt, supplement request, refusal, apology, stop notice).

The tracking register is built from the history on demand, never stored. The control slip is a
view of the history too, but read often and costly to render (WeasyPrint, ≈0.4 s): its last
rendering is kept (ControlSlip) and served until the history has a newer row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.core.constants import FormPurpose
from dichvucong.core.models import RuleSet
from dichvucong.dossiers.models import Apology, Dossier, SupplementRequest


class DocumentKind(models.TextChoices):
    """The forms this app renders: a subset of the rule set's FormPurpose values."""

    RECEIPT = FormPurpose.RECEIPT.value, FormPurpose.RECEIPT.label
    SUPPLEMENT_REQUEST = FormPurpose.SUPPLEMENT_REQUEST.value, FormPurpose.SUPPLEMENT_REQUEST.label
    REFUSAL = FormPurpose.REFUSAL.value, FormPurpose.REFUSAL.label
    APOLOGY = FormPurpose.APOLOGY.value, FormPurpose.APOLOGY.label
    STOP_NOTICE = FormPurpose.STOP_NOTICE.value, FormPurpose.STOP_NOTICE.label


def document_upload_to(instance: GeneratedDocument, filename: str) -> str:
    # Private storage: never served by URL, only through documents.views with a permission check.
    return f"documents/{instance.dossier_id}/{filename}"


class GeneratedDocument(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    # A supplement request has its own form 02 and an apology its own form 04; the other kinds
    # exist once per dossier.
    supplement_request = models.ForeignKey(
        SupplementRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    apology = models.ForeignKey(
        Apology, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule set")
    )
    form_number = models.CharField(_("form number"), max_length=2)
    form_title = models.CharField(_("form title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered at"))

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["dossier", "kind", "created_at"]
        constraints = [
            # NULLs are distinct in unique indexes, so the two cases are separate constraints.
            models.UniqueConstraint(
                fields=["dossier", "kind"],
                condition=Q(supplement_request__isnull=True, apology__isnull=True),
                name="documents_one_per_kind",
            ),
            models.UniqueConstraint(
                fields=["dossier", "kind", "supplement_request"],
                condition=Q(supplement_request__isnull=False),
                name="documents_one_per_supplement_request",
            ),
            models.UniqueConstraint(
                fields=["dossier", "kind", "apology"],
                condition=Q(apology__isnull=False),
                name="documents_one_per_apology",
            ),
            # Each form records at most one source, and the right kind of source.
            models.CheckConstraint(
                condition=Q(supplement_request__isnull=True)
                | Q(kind="supplement_request", apology__isnull=True),
                name="documents_supplement_request_source",
            ),
            models.CheckConstraint(
                condition=Q(apology__isnull=True) | Q(kind="apology"),
                name="documents_apology_source",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="documents_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} — Mẫu {self.form_number}"


class ControlSlip(models.Model):
    """The dossier's control slip as last rendered, and the newest history row it shows."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="control_slip_copy"
    )
    # The id of the dossier's newest history row when rendered: a transition writes a newer
    # one, and the next reading renders again (documents.control_slip.control_slip_current).
    history_id = models.PositiveBigIntegerField(_("newest history row"))
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rendered_at = models.DateTimeField(_("rendered at"))

    class Meta:
        verbose_name = _("control slip")
        verbose_name_plural = _("control slips")

    def __str__(self) -> str:
        return f"{self.dossier} — phiếu kiểm soát"
