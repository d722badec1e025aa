"""Intake at the one-stop desk: receive, request supplements, refuse, file a paper dossier.

Each verb is a small function over `transition_apply` (the one write path of the status).
Whatever must be decided under the dossier's lock — the receipt time, the code, the rule set,
the appointment — is computed in `prepare`, after the transition and the officer's right to it
were checked, so a refused attempt consumes no number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.permissions import can
from dichvucong.agencies.calendar_selectors import due_at_for, receipt_time_for, warn_at_for
from dichvucong.agencies.models import Agency
from dichvucong.agencies.selectors import agency_require_in_force
from dichvucong.catalog.models import Component, ProcedureVersion, TimeOption, VersionStatus
from dichvucong.core.audit import audit_change, snapshot
from dichvucong.core.constants import SupplementStage
from dichvucong.core.errors import ServiceError, text_within_limit
from dichvucong.core.selectors import ruleset_in_force
from dichvucong.dossiers.constants import (
    Channel,
    PartyKind,
    ResultDelivery,
)
from dichvucong.dossiers.models import Dossier, SupplementRequest
from dichvucong.dossiers.services import attachment_add

from .codes import code_issue
from .engine import ActorNotAllowed, transition_apply
from .fees import fee_amount_parse
from .steps import first_step_open
from .transitions import TransitionName as N

# The fields of the owner (chủ hồ sơ) and of the submitter a desk officer may fill in.
OWNER_FIELDS = ("kind", "name", "id_number", "tax_code", "phone", "email", "address")
SUBMITTER_FIELDS = ("name", "id_number", "phone", "email", "address")
MAX_REASON_LENGTH = 2000


def _reason(value: str, *, field: str, required_message) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(required_message, field=field, code="required")
    if len(value) > MAX_REASON_LENGTH:
        raise ServiceError(
            _("Please keep the reason under %(max)s characters.") % {"max": MAX_REASON_LENGTH},
            field=field,
            code="too_long",
        )
    return value


def _fee(fee_amount: Any, fee_receipt_number: str) -> tuple[int | None, str]:
    receipt_number = (fee_receipt_number or "").strip()
    if fee_amount in (None, ""):
        if receipt_number:
            raise ServiceError(
                _("Enter the fee amount of this receipt."), field="fee_amount", code="required"
            )
        return None, ""
    amount = fee_amount_parse(fee_amount, field="fee_amount", allow_zero=True)
    if amount > 0 and not receipt_number:
        raise ServiceError(
            _("Enter the number of the fee receipt."),
            field="fee_receipt_number",
            code="required",
        )
    return amount, text_within_limit(receipt_number, model=Dossier, field="fee_receipt_number")


def dossier_receive(
    *,
    dossier: Dossier,
    actor: Any,
    time_option: TimeOption,
    fee_amount: int | None = None,
    fee_receipt_number: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Receive a submitted dossier: code, register line, rule set, appointment, fee (R1, R10).

    `at` is the moment the officer accepts it; received_at is that moment moved to the next
    working session of the receiving desk when it falls outside hours.
    """
    at = at or timezone.now()
    if time_option is None or time_option.version_id != dossier.version_id:
        raise ServiceError(
            _("Choose one of this procedure's processing times."),
            field="time_option",
            code="time_option",
        )
    amount, receipt_number = _fee(fee_amount, fee_receipt_number)

    def prepare(locked: Dossier) -> dict[str, Any]:
        processing_agency = locked.version.competent_agency
        # A merged agency neither receives nor processes new dossiers (R2).
        agency_require_in_force(agency=locked.receiving_agency, at=at)
        agency_require_in_force(agency=processing_agency, at=at)
        received_at = receipt_time_for(agency=locked.receiving_agency, submitted_at=at)
        rule_set = ruleset_in_force(at=received_at)
        code, register_book, register_line = code_issue(
            agency=locked.receiving_agency, rule_set=rule_set, received_at=received_at
        )
        due_at = due_at_for(
            agency=processing_agency,
            received_at=received_at,
            duration=time_option.duration,
            unit=time_option.unit,
            same_day=time_option.same_day,
            cutoff=time_option.cutoff or rule_set.same_day_cutoff,
        )
        return {
            "received_at": received_at,
            "rule_set": rule_set,
            "processing_agency": processing_agency,
            "code": code,
            "register_book": register_book,
            "register_line": register_line,
            "time_option": time_option,
            "due_at": due_at,
            "current_due_at": due_at,
            "warn_at": warn_at_for(agency=processing_agency, due_at=due_at, start=received_at),
        }

    changes: dict[str, Any] = {}
    if amount is not None:
        changes = {"fee_amount": amount, "fee_receipt_number": receipt_number, "fee_paid_at": at}
    with transaction.atomic():
        received = transition_apply(
            dossier=dossier, name=N.RECEIVE, actor=actor, changes=changes, prepare=prepare, at=at
        )
        # The dossier reaches its process's first step (usually the desk's hand-over).
        first_step_open(dossier=received, actor=actor, at=received.received_at)
    return received


def supplement_input(
    *, dossier: Dossier, reason: str, exception_reason: str, components: Iterable[Component]
) -> tuple[str, str, list[Component]]:
    """The checked input of a supplement request (form 02), at intake or during processing:
    a reason, the optional exception's reason, and at least one of the procedure's components."""
    reason = _reason(
        reason, field="reason", required_message=_("Say what must be added or fixed and why.")
    )
    components = list(components)
    if not components:
        raise ServiceError(
            _("Choose at least one component to add or fix."),
            field="components",
            code="required",
        )
    if any(component.version_id != dossier.version_id for component in components):
        raise ServiceError(
            _("Only components of this procedure can be asked for."),
            field="components",
            code="foreign_component",
        )
    return reason, (exception_reason or "").strip(), components


def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: Any,
    components: Iterable[Component],
    reason: str,
    exception_reason: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Ask the applicant to add or fix components (form 02), once per dossier at intake (R7).

    A further request needs the officer's exception with its reason.
    """
    at = at or timezone.now()
    reason, exception_reason, components = supplement_input(
        dossier=dossier, reason=reason, exception_reason=exception_reason, components=components
    )

    def prepare(locked: Dossier) -> dict[str, Any]:
        rule_set = ruleset_in_force(at=at)
        verdict = rule_set.supplement_verdict(
            stage=SupplementStage.INTAKE, previous_requests=locked.intake_supplement_count
        )
        if not verdict.allowed and not exception_reason:
            raise ServiceError(
                _(
                    "A supplement was already requested for this dossier at intake. A further "
                    "request is an exception: tick it and give the reason."
                ),
                field="exception_reason",
                code="supplement_limit",
            )
        request = SupplementRequest.objects.create(
            dossier=locked,
            stage=SupplementRequest.Stage.INTAKE,
            agency=locked.receiving_agency,
            reason=reason,
            exception_reason=exception_reason if not verdict.allowed else "",
            requested_at=at,
            requested_by=actor,
        )
        request.components.set(components)
        return {"intake_supplement_count": locked.intake_supplement_count + 1}

    return transition_apply(
        dossier=dossier,
        name=N.REQUEST_SUPPLEMENT,
        actor=actor,
        note=reason,
        prepare=prepare,
        at=at,
    )


def dossier_refuse(
    *, dossier: Dossier, actor: Any, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """Refuse to receive the dossier (form 03), with the reason the applicant will read."""
    reason = _reason(
        reason, field="reason", required_message=_("Give the reason for refusing the dossier.")
    )
    return transition_apply(
        dossier=dossier,
        name=N.REFUSE,
        actor=actor,
        note=reason,
        changes={"refusal_reason": reason},
        at=at,
    )


def _party(data: Mapping[str, Any] | None, fields: Sequence[str], prefix: str) -> dict[str, str]:
    data = data or {}
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"Unknown {prefix} fields: {sorted(unknown)}")
    party = {f"{prefix}_{name}": str(data.get(name) or "").strip() for name in fields}
    for name, value in party.items():
        text_within_limit(value, model=Dossier, field=name)
    return party


def dossier_file_at_desk(
    *,
    version: ProcedureVersion,
    receiving_agency: Agency,
    actor: Any,
    channel: str,
    owner: Mapping[str, Any],
    submitter: Mapping[str, Any] | None = None,
    answers: Mapping[str, Any] | None = None,
    summary: str = "",
    files: Mapping[int, Sequence[UploadedFile]],
    time_option: TimeOption,
    result_delivery: str = ResultDelivery.DESK,
    delivery_address: str = "",
    fee_amount: int | None = None,
    fee_receipt_number: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """File a paper dossier brought to the counter or sent by post, and receive it at once (S15).

    No account is needed: the owner and the submitter are data. Each component is scanned as
    its own file(s) (`files` maps a component id to its uploads), marked digitised at the desk.
    All in one transaction: if anything fails, nothing of the dossier is left.
    """
    at = at or timezone.now()
    if channel not in (Channel.COUNTER, Channel.POST):
        raise ServiceError(
            _("A dossier filed at the desk comes to the counter or by post."),
            field="channel",
            code="channel",
        )
    # Refuse early and clearly; transition_apply checks the right again under the lock.
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ActorNotAllowed(_("Please log in."), code="actor")
    if not can(actor, "dossier.receive", receiving_agency):
        raise ActorNotAllowed(
            _("You do not have the right to do this for %(agency)s.")
            % {"agency": receiving_agency.name},
            code="actor",
        )
    if version.status != VersionStatus.PUBLISHED:
        raise ServiceError(
            _("This procedure version is not published."), field="version", code="version"
        )
    if not version.receiving_agencies.filter(pk=receiving_agency.pk).exists():
        raise ServiceError(
            _("%(agency)s does not receive dossiers of this procedure.")
            % {"agency": receiving_agency.name},
            field="receiving_agency",
            code="receiving_agency",
        )
    agency_require_in_force(agency=receiving_agency, at=at, field="receiving_agency")
    owner_data = _party(owner, OWNER_FIELDS, "owner")
    owner_data["owner_kind"] = owner_data["owner_kind"] or PartyKind.INDIVIDUAL
    if owner_data["owner_kind"] not in PartyKind.values:
        raise ServiceError(_("Choose the owner's type."), field="owner_kind", code="invalid")
    if not owner_data["owner_name"]:
        raise ServiceError(
            _("Enter the name of the dossier's owner."), field="owner_name", code="required"
        )
    submitter_data = _party(submitter, SUBMITTER_FIELDS, "submitter")
    if not submitter_data["submitter_name"]:
        # The owner filed it in person (or signed the letter sent by post).
        submitter_data = {
            f"submitter_{name}": owner_data[f"owner_{name}"] for name in SUBMITTER_FIELDS
        }
    if result_delivery not in ResultDelivery.values or result_delivery == ResultDelivery.ONLINE:
        raise ServiceError(
            _("Choose how the result is returned: at the desk or by post."),
            field="result_delivery",
            code="invalid",
        )
    delivery_address = text_within_limit(
        (delivery_address or "").strip(), model=Dossier, field="delivery_address"
    )
    summary = text_within_limit((summary or "").strip(), model=Dossier, field="summary")
    if result_delivery == ResultDelivery.POST and not delivery_address:
        raise ServiceError(
            _("Enter the address the result is posted to."),
            field="delivery_address",
            code="required",
        )
    components = {component.pk: component for component in version.components.all()}
    if set(files) - set(components):
        raise ServiceError(
            _("Only components of this procedure can be attached."),
            field="files",
            code="foreign_component",
        )
    missing = [
        component.name
        for component in components.values()
        if component.mandatory and not files.get(component.pk)
    ]
    if missing:
        raise ServiceError(
            _("Scan every required component: %(names)s.") % {"names": "; ".join(missing)},
            field="files",
            code="missing_component",
        )

    with transaction.atomic():
        dossier = Dossier.objects.create(
            version=version,
            receiving_agency=receiving_agency,
            channel=channel,
            answers=dict(answers or {}),
            summary=summary,
            result_delivery=result_delivery,
            delivery_address=delivery_address if result_delivery == ResultDelivery.POST else "",
            **owner_data,
            **submitter_data,
        )
        audit_change(
            action="dossier.create_at_desk",
            instance=dossier,
            before=None,
            after=snapshot(dossier),
            scope=receiving_agency.code,
            actor=actor,
        )
        for component_id, uploads in files.items():
            for upload in uploads:
                attachment_add(
                    dossier=dossier,
                    component=components[component_id],
                    upload=upload,
                    actor=actor,
                    digitised=True,
                )
        transition_apply(
            dossier=dossier,
            name=N.SUBMIT_AT_DESK,
            actor=actor,
            changes={"submitted_at": at},
            at=at,
        )
        return dossier_receive(
            dossier=dossier,
            actor=actor,
            time_option=time_option,
            fee_amount=fee_amount,
            fee_receipt_number=fee_receipt_number,
            at=at,
        )
