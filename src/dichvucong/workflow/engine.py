"""The one write path of a dossier's status.

`transition_apply` locks the dossier, checks that the transition exists from its current
status and that the actor may make it, writes the status and the other changed fields, the
history row and the audit entry in one transaction, and runs the registered side effects after
commit. Nothing else in the code assigns `Dossier.status`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.permissions import can
from dichvucong.agencies.models import Agency
from dichvucong.core.audit import audit_change, snapshot
from dichvucong.core.errors import ServiceError
from dichvucong.dossiers import access
from dichvucong.dossiers.models import Dossier, DossierHistory

from .effects import run_handlers
from .transitions import Transition, TransitionName, transition_get


class TransitionNotAllowed(ServiceError):
    """The dossier is not in a state the transition starts from."""


class ActorNotAllowed(ServiceError, PermissionDenied):
    """The actor may not make this transition on this dossier (an HTTP 403 in views)."""


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "email", "") or str(actor)


def _check_actor(transition: Transition, dossier: Dossier, actor: Any, agency: Agency) -> None:
    if transition.actor == "system":
        if actor is not None:
            raise ActorNotAllowed(_("Only the system makes this change."), code="actor")
        return
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise ActorNotAllowed(_("Please log in."), code="actor")
    if transition.actor == "applicant":
        if not access.dossier_is_applicant(user=actor, dossier=dossier):
            raise ActorNotAllowed(_("This dossier is not yours."), code="actor")
        return
    if not can(actor, transition.permission, agency):
        raise ActorNotAllowed(
            _("You do not have the right to do this for %(agency)s.") % {"agency": agency.name},
            code="actor",
        )


def transition_apply(
    *,
    dossier: Dossier | int,
    name: TransitionName,
    actor: Any,
    note: str = "",
    agency: Agency | None = None,
    changes: Mapping[str, Any] | None = None,
    prepare: Callable[[Dossier], Mapping[str, Any]] | None = None,
    at=None,
) -> Dossier:
    """Apply the transition `name` to the dossier on behalf of `actor`.

    `agency` is where the actor acts (the receiving desk by default) — the permission is checked
    there and the history row records it. `changes` are further fields to write with the status;
    `prepare(locked_dossier)` computes more of them under the lock (a dossier code, a due date)
    after the checks passed. Returns the updated dossier.
    """
    transition = transition_get(name)
    dossier_id = dossier.pk if isinstance(dossier, Dossier) else dossier
    at = at or timezone.now()
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the outer join (processing
        # agency), and only the dossier's row needs the lock.
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("receiving_agency", "processing_agency")
            .get(pk=dossier_id)
        )
        acting_agency = agency or locked.receiving_agency
        if locked.status not in transition.sources:
            raise TransitionNotAllowed(
                _("This cannot be done to a dossier that is “%(status)s”.")
                % {"status": locked.get_status_display()},
                code="transition",
            )
        _check_actor(transition, locked, actor, acting_agency)

        fields = dict(changes or {})
        if prepare is not None:
            fields.update(prepare(locked))
        target = locked.status if transition.target is None else transition.target
        fields["status"] = target
        before = snapshot(locked, fields)
        for field_name, value in fields.items():
            setattr(locked, field_name, value)
        locked.save(update_fields=[*fields, "updated_at"])

        DossierHistory.objects.create(
            dossier=locked,
            at=at,
            transition=transition.name,
            from_status=before["status"],
            to_status=target,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=_actor_label(actor),
            agency=acting_agency,
            note=note,
        )
        audit_change(
            action=f"dossier.{transition.name}",
            instance=locked,
            before=before,
            after=snapshot(locked, fields),
            scope=acting_agency.code,
            actor=actor,
        )
        transaction.on_commit(lambda: run_handlers(locked.pk, transition.name))
    return locked
