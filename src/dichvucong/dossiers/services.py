"""Writes to a dossier that are not status changes: drafts, answers, files, result delivery.

Status changes go through workflow.engine.transition_apply only. Each write here checks that the
actor is the dossier's applicant (owner or submitter account) and that the dossier is still
editable, and records the change in the audit trail in the same transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.permissions import can
from dichvucong.agencies.models import Agency
from dichvucong.agencies.selectors import agency_require_in_force
from dichvucong.catalog import formdefs
from dichvucong.catalog.models import Component, OnlineLevel, ProcedureVersion, VersionStatus
from dichvucong.core.audit import audit_change, snapshot
from dichvucong.core.errors import ServiceError, text_within_limit
from dichvucong.core.filenames import clean_file_name

from . import access
from .constants import DossierStatus, ResultDelivery
from .models import Attachment, Dossier, ResultFile

# What an applicant may upload, judged by content: the detected extension → its MIME type.
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}

OWNER_FIELDS = (
    "owner_kind",
    "owner_name",
    "owner_id_number",
    "owner_tax_code",
    "owner_phone",
    "owner_email",
    "owner_address",
)


class NotYourDossier(ServiceError, PermissionDenied):
    """The actor is not this dossier's applicant (an HTTP 403/404 in views)."""

    default_code = "not_yours"


def max_file_bytes() -> int:
    return getattr(settings, "DVC_UPLOAD_MAX_FILE_BYTES", 10 * 1024 * 1024)


def max_dossier_bytes() -> int:
    return getattr(settings, "DVC_UPLOAD_MAX_DOSSIER_BYTES", 50 * 1024 * 1024)


def max_files_per_component() -> int:
    return getattr(settings, "DVC_UPLOAD_MAX_FILES_PER_COMPONENT", 10)


def _check_applicant(dossier: Dossier, actor: Any) -> None:
    # The applicant's answers and files (dossiers.access: its owner's or submitter's account).
    if not access.dossier_is_applicant(user=actor, dossier=dossier):
        raise NotYourDossier(_("This dossier is not yours."))


def _check_status(dossier: Dossier, allowed: frozenset[str]) -> None:
    if dossier.status not in allowed:
        raise ServiceError(
            _("A dossier that is “%(status)s” can no longer be changed.")
            % {"status": dossier.get_status_display()},
            code="not_editable",
        )


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def dossier_create_draft(
    *, version: ProcedureVersion, receiving_agency: Agency, actor: Any
) -> Dossier:
    """A new draft for the signed-in applicant, owner and submitter prefilled from the profile."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotYourDossier(_("Please log in."))
    if version.status != VersionStatus.PUBLISHED or not version.accepts_online_dossiers:
        raise ServiceError(
            _("This procedure cannot be submitted online."), field="version", code="not_online"
        )
    if not version.receiving_agencies.filter(
        pk=receiving_agency.pk, receives_dossiers=True
    ).exists():
        raise ServiceError(
            _("This desk does not receive dossiers of this procedure."),
            field="receiving_agency",
            code="wrong_desk",
        )
    agency_require_in_force(agency=receiving_agency, field="receiving_agency")
    party = {
        "name": actor.full_name,
        "id_number": actor.id_number,
        "phone": actor.phone,
        "email": actor.email,
        "address": actor.address,
    }
    with transaction.atomic():
        dossier = Dossier.objects.create(
            version=version,
            receiving_agency=receiving_agency,
            owner_kind=actor.kind,
            owner_tax_code=actor.tax_code,
            owner_account=actor,
            submitter_account=actor,
            answers=formdefs.prefill_from_user(version, actor) or {},
            **{f"owner_{key}": value for key, value in party.items()},
            **{f"submitter_{key}": value for key, value in party.items()},
        )
        audit_change(
            action="dossier.create",
            instance=dossier,
            before=None,
            after=snapshot(dossier),
            scope=receiving_agency.code,
            actor=actor,
        )
    return dossier


def dossier_answers_update(
    *,
    dossier: Dossier,
    actor: Any,
    answers: Mapping[str, Any],
    owner: Mapping[str, str] | None = None,
) -> Dossier:
    """Store the form's (already validated) answers and, if given, the owner's data (Nộp thay).

    Only a draft: after a supplement request the applicant changes only the requested files.
    """
    _check_applicant(dossier, actor)
    owner = dict(owner or {})
    unknown = set(owner) - set(OWNER_FIELDS)
    if unknown:
        raise ValueError(f"Not owner fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _locked(dossier)
        _check_status(locked, frozenset({DossierStatus.DRAFT}))
        fields = ["answers", *owner, *(["owner_account"] if owner else [])]
        before = snapshot(locked, fields)
        locked.answers = dict(answers)
        for name, value in owner.items():
            setattr(locked, name, value)
        if owner:
            # The owner is the applicant's own account only when it is the same person.
            is_self = (owner.get("owner_id_number", ""), owner.get("owner_name", "")) == (
                actor.id_number,
                actor.full_name,
            )
            locked.owner_account = actor if is_self else None
        locked.save(update_fields=[*fields, "updated_at"])
        audit_change(
            action="dossier.answers_update",
            instance=locked,
            before=before,
            after=snapshot(locked, fields),
            scope=locked.receiving_agency.code,
            actor=actor,
        )
    return locked


def dossier_result_delivery_set(
    *, dossier: Dossier, actor: Any, delivery: str, address: str = ""
) -> Dossier:
    """How the applicant receives the result: at the desk, by post (an address), or online."""
    _check_applicant(dossier, actor)
    address = text_within_limit(
        address.strip(), model=Dossier, field="delivery_address", input_name="address"
    )
    if delivery not in ResultDelivery.values:
        raise ServiceError(_("Choose how to receive the result."), field="delivery")
    if delivery == ResultDelivery.POST and not address:
        raise ServiceError(
            _("Enter the address to which the result is posted."), field="address", code="address"
        )
    if delivery == ResultDelivery.ONLINE and dossier.version.online_level < OnlineLevel.FULL:
        raise ServiceError(
            _("The result of this procedure cannot be received online."),
            field="delivery",
            code="not_full_online",
        )
    with transaction.atomic():
        locked = _locked(dossier)
        _check_status(locked, frozenset({DossierStatus.DRAFT}))
        fields = ["result_delivery", "delivery_address"]
        before = snapshot(locked, fields)
        locked.result_delivery = delivery
        locked.delivery_address = address if delivery == ResultDelivery.POST else ""
        locked.save(update_fields=[*fields, "updated_at"])
        audit_change(
            action="dossier.delivery_set",
            instance=locked,
            before=before,
            after=snapshot(locked, fields),
            scope=locked.receiving_agency.code,
            actor=actor,
        )
    return locked


def dossier_delete_draft(*, dossier: Dossier, actor: Any) -> None:
    """Delete a draft and its files (never a submitted dossier)."""
    _check_applicant(dossier, actor)
    with transaction.atomic():
        locked = _locked(dossier)
        _check_status(locked, frozenset({DossierStatus.DRAFT}))
        files = [a.file.name for a in locked.attachments.all()]
        audit_change(
            action="dossier.delete_draft",
            instance=locked,
            before=snapshot(locked),
            after=None,
            scope=locked.receiving_agency.code,
            actor=actor,
        )
        locked.delete()
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def display_name(name: str, *, extension: str | None = None) -> str:
    """The uploaded name as kept and shown (never as a path): no directory, no invisible or
    direction-changing character, ending in the extension of the detected type when given
    (core.filenames)."""
    return clean_file_name(name, extension=extension)


def _requested_components(dossier: Dossier) -> set[int] | None:
    """During a supplement, the components the applicant may change (None: any, in a draft)."""
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        return None
    request = dossier.supplement_requests.filter(resolved_at__isnull=True).last()
    return set(request.components.values_list("pk", flat=True)) if request else set()


def _check_component_allowed(dossier: Dossier, component: Component | None) -> None:
    if component is not None and component.version_id != dossier.version_id:
        raise ServiceError(_("This component is not part of the procedure."), field="component")
    if component is None and not formdefs.allows_template_upload(dossier.version):
        raise ServiceError(
            _("This procedure takes the online form, not a filled template."),
            field="component",
            code="no_template",
        )
    allowed = _requested_components(dossier)
    if allowed is not None and (component is None or component.pk not in allowed):
        raise ServiceError(
            _("Only the components the desk asked for can be changed."),
            field="component",
            code="not_requested",
        )


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    size: int
    sha256: str


def upload_check(upload: Any) -> CheckedUpload:
    """Refuse an empty, too large or unaccepted file (the type judged by the content, never
    the name); return its checked type, size and SHA-256."""
    size = upload.size
    if not size:
        raise ServiceError(_("The file is empty."), field="upload", code="empty")
    if size > max_file_bytes():
        raise ServiceError(
            _("The file is too large: at most %(limit)s per file.")
            % {"limit": filesizeformat(max_file_bytes())},
            field="upload",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is None or kind.extension not in ALLOWED_TYPES:
        raise ServiceError(
            _(
                "This file is not an accepted type. Upload a PDF, JPEG, PNG, DOCX, XLSX, "
                "ODT or ODS file."
            ),
            field="upload",
            code="bad_type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)

    return CheckedUpload(
        extension=kind.extension,
        content_type=ALLOWED_TYPES[kind.extension],
        size=size,
        sha256=digest.hexdigest(),
    )


def result_file_store(
    *, dossier: Dossier, upload: Any, title: str, result_code: str, actor: Any, at
) -> ResultFile:
    """Store a result document of a dossier (the e-result). Called by the workflow's result
    verbs under the dossier's lock, after they checked the officer's right."""
    text_within_limit(title, model=ResultFile, field="title")
    text_within_limit(result_code, model=ResultFile, field="result_code")
    checked = upload_check(upload)
    stored_name = f"{uuid.uuid4().hex}.{checked.extension}"
    result = ResultFile(
        dossier=dossier,
        title=title,
        result_code=result_code,
        stored_name=stored_name,
        original_name=display_name(upload.name or "", extension=checked.extension),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=at,
        uploaded_by=actor,
    )
    return _stored_with_file(
        result,
        upload=upload,
        action="result_file.add",
        scope=(dossier.processing_agency or dossier.receiving_agency).code,
        actor=actor,
    )


def _stored_with_file(instance, *, upload: Any, action: str, scope: str, actor: Any):
    """Write the upload under the instance's random stored name, then the row and its audit
    entry; if the row is not written, its file is not left behind."""
    instance.file.save(instance.stored_name, ContentFile(upload.read()), save=False)
    try:
        instance.save()
        audit_change(
            action=action,
            instance=instance,
            before=None,
            after=snapshot(instance),
            scope=scope,
            actor=actor,
        )
    except BaseException:
        _delete_files([instance.file.name])
        raise
    return instance


def attachment_add(
    *,
    dossier: Dossier,
    component: Component | None,
    upload: Any,
    actor: Any,
    digitised: bool = False,
) -> Attachment:
    """Attach an uploaded file to a component (None: the filled application form).

    The type is judged by the content, never the name; size, total and count limits apply; the
    file is stored under a random name with the checked extension and its SHA-256 kept.
    """
    if digitised:
        # A desk officer scanning a paper dossier: the right to receive at its desk.
        if not can(actor, "dossier.receive", dossier.receiving_agency):
            raise NotYourDossier(
                _("You do not have the right to do this for %(agency)s.")
                % {"agency": dossier.receiving_agency.name}
            )
    else:
        _check_applicant(dossier, actor)
    checked = upload_check(upload)
    size = checked.size

    with transaction.atomic():
        locked = _locked(dossier)
        _check_status(locked, frozenset({DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED}))
        _check_component_allowed(locked, component)
        current = locked.attachments.filter(replaced_at__isnull=True)
        if current.filter(component=component).count() >= max_files_per_component():
            raise ServiceError(
                _("At most %(count)s files per component.") % {"count": max_files_per_component()},
                field="upload",
                code="too_many",
            )
        total = current.aggregate(total=Sum("size"))["total"] or 0
        if total + size > max_dossier_bytes():
            raise ServiceError(
                _("The dossier's files would exceed %(limit)s in all.")
                % {"limit": filesizeformat(max_dossier_bytes())},
                field="upload",
                code="dossier_too_large",
            )
        stored_name = f"{uuid.uuid4().hex}.{checked.extension}"
        attachment = Attachment(
            dossier=locked,
            component=component,
            stored_name=stored_name,
            original_name=display_name(upload.name or "", extension=checked.extension),
            content_type=checked.content_type,
            size=size,
            sha256=checked.sha256,
            digitised=digitised,
            uploaded_by=actor,
        )
        return _stored_with_file(
            attachment,
            upload=upload,
            action="attachment.add",
            scope=locked.receiving_agency.code,
            actor=actor,
        )


def attachment_remove(*, attachment: Attachment, actor: Any) -> None:
    """Remove a file: deleted from a draft; during a supplement, an earlier file is kept as
    replaced (the history shows what was filed) and only the requested components may change."""
    dossier = attachment.dossier
    _check_applicant(dossier, actor)
    with transaction.atomic():
        locked = _locked(dossier)
        _check_status(locked, frozenset({DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED}))
        attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if attachment.replaced_at is not None:
            raise ServiceError(_("This file was already replaced."), code="replaced")
        _check_component_allowed(locked, attachment.component)
        before = snapshot(attachment)
        request = locked.supplement_requests.filter(resolved_at__isnull=True).last()
        filed_before = (
            locked.status == DossierStatus.SUPPLEMENT_REQUESTED
            and request is not None
            and attachment.uploaded_at < request.requested_at
        )
        if filed_before:
            attachment.replaced_at = timezone.now()
            attachment.save(update_fields=["replaced_at"])
            after = snapshot(attachment)
        else:
            name = attachment.file.name
            attachment.delete()
            transaction.on_commit(lambda: _delete_files([name]))
            after = None
        audit_change(
            action="attachment.remove",
            instance=attachment,
            before=before,
            after=after,
            scope=locked.receiving_agency.code,
            actor=actor,
        )
