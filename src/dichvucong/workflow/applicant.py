"""The applicant's status changes: submitting a draft, resubmitting after a supplement request.

Both go through `transition_apply` (the one write path); the completeness checks run under its
lock, in `prepare`, so nothing changes when they refuse.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.selectors import agency_require_in_force
from dichvucong.catalog import formdefs
from dichvucong.core.errors import ServiceError
from dichvucong.dossiers.models import Dossier, SupplementRequest

from .engine import transition_apply
from .processing import pause_end
from .transitions import TransitionName as N
from .transitions import transition_get


class DossierIncomplete(ServiceError):
    default_code = "incomplete"


def dossier_problems(dossier: Dossier) -> list[str]:
    """What stops the dossier from being submitted, in the applicant's words (empty: complete)."""
    problems: list[str] = []
    version = dossier.version
    current = list(dossier.attachments.filter(replaced_at__isnull=True))
    has_template = any(a.component_id is None for a in current)
    template_instead = has_template and formdefs.allows_template_upload(version)
    if not template_instead and formdefs.answers_errors(version, dossier.answers):
        problems.append(str(_("The application form has errors: correct them and save it.")))
    with_file = {a.component_id for a in current}
    for component, label, required in formdefs.file_slots(version):
        if required and component.pk not in with_file:
            problems.append(
                str(_("Attach a file for “%(component)s”.") % {"component": label or component})
            )
    if dossier.result_delivery == "post" and not dossier.delivery_address:
        problems.append(str(_("Enter the address to which the result is posted.")))
    return problems


def withdrawal_open(*, dossier: Dossier) -> bool:
    """Whether the applicant may still ask to withdraw the dossier (before a result)."""
    return dossier.status in transition_get(N.REQUEST_WITHDRAWAL).sources


def dossier_submit(*, dossier: Dossier, actor: Any) -> Dossier:
    """Submit a complete draft online (draft → submitted)."""
    now = timezone.now()

    def prepare(locked: Dossier) -> dict[str, Any]:
        # A draft begun before its desk closed goes to the successor instead (R2).
        agency_require_in_force(agency=locked.receiving_agency, at=now, field="receiving_agency")
        problems = dossier_problems(locked)
        if problems:
            raise DossierIncomplete(" ".join(problems))
        return {"submitted_at": now}

    return transition_apply(dossier=dossier, name=N.SUBMIT, actor=actor, prepare=prepare, at=now)


def dossier_resubmit(*, dossier: Dossier, actor: Any) -> Dossier:
    """Resubmit after a supplement request: every requested component has a new file and
    nothing else changed; the request is marked resolved (supplement requested → submitted)."""
    now = timezone.now()

    def prepare(locked: Dossier) -> dict[str, Any]:
        request = (
            SupplementRequest.objects.select_for_update()
            .filter(dossier=locked, resolved_at__isnull=True)
            .order_by("requested_at", "id")
            .last()
        )
        if request is None:
            raise ServiceError(_("No supplement was requested for this dossier."))
        requested = set(request.components.values_list("pk", flat=True))
        changed = locked.attachments.filter(uploaded_at__gte=request.requested_at)
        removed = locked.attachments.filter(replaced_at__gte=request.requested_at)
        touched = set(changed.values_list("component_id", flat=True)) | set(
            removed.values_list("component_id", flat=True)
        )
        if touched - requested:
            raise ServiceError(
                _("Only the components the desk asked for can be changed."), code="not_requested"
            )
        missing = [
            component.name
            for component in request.components.all()
            if not changed.filter(component=component, replaced_at__isnull=True).exists()
        ]
        if missing:
            raise DossierIncomplete(
                _("Attach a new file for: %(components)s.") % {"components": "; ".join(missing)}
            )
        request.resolved_at = now
        request.save(update_fields=["resolved_at"])
        if request.stage == SupplementRequest.Stage.PROCESSING:
            # Back to the step that asked; the clock runs again, the due times moved on.
            return pause_end(locked, at=now)
        return {"submitted_at": now}

    open_request = (
        SupplementRequest.objects.filter(dossier=dossier, resolved_at__isnull=True)
        .order_by("requested_at", "id")
        .last()
    )
    processing = (
        open_request is not None and open_request.stage == SupplementRequest.Stage.PROCESSING
    )
    return transition_apply(
        dossier=dossier,
        name=N.RESUBMIT_PROCESSING if processing else "resubmit",
        actor=actor,
        agency=open_request.agency if processing else None,
        prepare=prepare,
        at=now,
    )
