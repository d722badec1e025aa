"""Rendering the official forms of a dossier into stored PDFs."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.core.audit import audit_change, snapshot
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import RuleSet
from dichvucong.core.selectors import ruleset_form_get, ruleset_in_force
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import Apology, Dossier, SupplementRequest

from .models import DocumentKind, GeneratedDocument
from .rendering import form_context, html_to_pdf, render_html
from .selectors import dossiers_for_forms

AUDITED_FIELDS = ("kind", "form_number", "form_title", "rule_set", "file", "sha256")


def _load(dossier_id: int) -> Dossier:
    try:
        return dossiers_for_forms().get(pk=dossier_id)
    except Dossier.DoesNotExist:
        raise ServiceError(_("This dossier does not exist."), code="not_found") from None


@dataclass(frozen=True)
class Source:
    """What a form records besides the dossier, and when it was issued."""

    issued_at: datetime.datetime
    supplement_request: SupplementRequest | None = None
    apology: Apology | None = None


def _last_transition_at(dossier: Dossier, transition: str) -> datetime.datetime | None:
    row = dossier.history.filter(transition=transition).order_by("-at", "-id").first()
    return row.at if row else None


def _source(dossier: Dossier, kind: DocumentKind) -> Source:
    if kind == DocumentKind.RECEIPT:
        if dossier.received_at is None:
            raise ServiceError(_("The dossier has not been received yet."), code="not_received")
        return Source(issued_at=dossier.received_at)
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
        return Source(issued_at=request.requested_at, supplement_request=request)
    if kind == DocumentKind.APOLOGY:
        # A dossier may be apologised for more than once: the form of its latest apology.
        apology = (
            dossier.apologies.select_related("agency__parent", "agency__unit", "issued_by")
            .order_by("-issued_at", "-id")
            .first()
        )
        if apology is None:
            raise ServiceError(_("No apology was issued for this dossier."), code="no_apology")
        return Source(issued_at=apology.issued_at, apology=apology)
    if kind == DocumentKind.STOP_NOTICE:
        if dossier.status != DossierStatus.STOPPED:
            raise ServiceError(_("Processing of the dossier was not stopped."), code="not_stopped")
        return Source(issued_at=_last_transition_at(dossier, "stop") or timezone.now())
    if dossier.status != DossierStatus.REFUSED:
        raise ServiceError(_("The dossier was not refused."), code="not_refused")
    return Source(issued_at=_last_transition_at(dossier, "refuse") or timezone.now())


def _rule_set(dossier: Dossier, issued_at: datetime.datetime) -> RuleSet:
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
    source = _source(dossier, kind)
    rule_set = _rule_set(dossier, source.issued_at)
    form = ruleset_form_get(rule_set=rule_set, purpose=kind.value)

    context = form_context(
        dossier=dossier,
        kind=kind,
        form=form,
        supplement_request=source.supplement_request,
        apology=source.apology,
    )
    pdf = html_to_pdf(render_html(context, kind))
    digest = hashlib.sha256(pdf).hexdigest()

    with transaction.atomic():
        # Serialises two renderings of the same dossier (a task run twice, a download).
        Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk").get()
        document = (
            GeneratedDocument.objects.filter(
                dossier=dossier,
                kind=kind,
                supplement_request=source.supplement_request,
                apology=source.apology,
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
                dossier=dossier,
                kind=kind,
                supplement_request=source.supplement_request,
                apology=source.apology,
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


def stop_notice_applies(*, dossier_id: int) -> bool:
    """Whether the stopped dossier's rule set has a stop notice (only the 2025 set does)."""
    dossier = _load(dossier_id)
    if dossier.status != DossierStatus.STOPPED:
        return False
    source = _source(dossier, DocumentKind.STOP_NOTICE)
    rule_set = _rule_set(dossier, source.issued_at)
    return rule_set.forms.filter(purpose=DocumentKind.STOP_NOTICE.value).exists()
