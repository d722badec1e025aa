"""Rendering the official forms of a dossier into stored PDFs."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.core.audit import audit_change, snapshot
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import RuleSet
from dichvucong.core.selectors import ruleset_form_get, ruleset_in_force
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import Dossier, SupplementRequest

from .models import DocumentKind, GeneratedDocument
from .rendering import form_context, html_to_pdf, render_html

AUDITED_FIELDS = ("kind", "form_number", "form_title", "rule_set", "file", "sha256")


def _load(dossier_id: int) -> Dossier:
    try:
        return Dossier.objects.select_related(
            "version",
            "rule_set",
            "time_option",
            "receiving_agency__parent",
            "receiving_agency__unit",
            "processing_agency",
        ).get(pk=dossier_id)
    except Dossier.DoesNotExist:
        raise ServiceError(_("This dossier does not exist."), code="not_found") from None


def _source(dossier: Dossier, kind: DocumentKind) -> tuple[SupplementRequest | None, object]:
    """What the form records (its supplement request) and when it was issued."""
    if kind == DocumentKind.RECEIPT:
        if dossier.received_at is None:
            raise ServiceError(_("The dossier has not been received yet."), code="not_received")
        return None, dossier.received_at
    if kind == DocumentKind.SUPPLEMENT_REQUEST:
        request = (
            dossier.supplement_requests.select_related("agency", "requested_by")
            .order_by("-requested_at", "-id")
            .first()
        )
        if request is None:
            raise ServiceError(
                _("No supplement was requested for this dossier."), code="no_supplement_request"
            )
        return request, request.requested_at
    if dossier.status != DossierStatus.REFUSED:
        raise ServiceError(_("The dossier was not refused."), code="not_refused")
    refused = dossier.history.filter(transition="refuse").order_by("-at", "-id").first()
    return None, refused.at if refused else timezone.now()


def _rule_set(dossier: Dossier, issued_at) -> RuleSet:
    # Received dossiers keep the rule set stamped at receipt (R20); a refusal or a supplement
    # request before receipt follows the framework in force when it was issued.
    return dossier.rule_set or ruleset_in_force(at=issued_at)


def document_render(*, dossier_id: int, kind: str) -> GeneratedDocument:
    """Render (or re-render) a form of the dossier; one current document per form.

    Safe to call twice: an identical PDF leaves the stored document as it is; a changed one
    replaces its file (the old file is removed after commit).
    """
    if kind not in DocumentKind.values:
        raise ServiceError(_("Unknown document kind: %(kind)s.") % {"kind": kind}, code="kind")
    kind = DocumentKind(kind)
    dossier = _load(dossier_id)
    supplement_request, issued_at = _source(dossier, kind)
    rule_set = _rule_set(dossier, issued_at)
    form = ruleset_form_get(rule_set=rule_set, purpose=kind.value)

    context = form_context(
        dossier=dossier, kind=kind, form=form, supplement_request=supplement_request
    )
    pdf = html_to_pdf(render_html(context, kind))
    digest = hashlib.sha256(pdf).hexdigest()

    with transaction.atomic():
        # Serialises two renderings of the same dossier (a task run twice, a download).
        Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk").get()
        document = (
            GeneratedDocument.objects.filter(
                dossier=dossier, kind=kind, supplement_request=supplement_request
            )
            .select_for_update()
            .first()
        )
        if document is not None and document.sha256 == digest:
            return document
        before = snapshot(document, AUDITED_FIELDS) if document else None
        old_name = document.file.name if document else None
        if document is None:
            document = GeneratedDocument(
                dossier=dossier, kind=kind, supplement_request=supplement_request
            )
        document.rule_set = rule_set
        document.form_number = form.number
        document.form_title = form.title
        document.sha256 = digest
        document.rendered_at = timezone.now()
        document.file.save(f"{kind.value}-{digest[:16]}.pdf", ContentFile(pdf), save=False)
        document.save()
        audit_change(
            action="document.render",
            instance=document,
            before=before,
            after=snapshot(document, AUDITED_FIELDS),
            scope=dossier.receiving_agency.code,
        )
        if old_name and old_name != document.file.name:
            storage = document.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return document
