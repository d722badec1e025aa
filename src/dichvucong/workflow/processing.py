"""Electronic processing after receipt: the dossier's steps, the officers' actions, results.

A received dossier follows its procedure version's process (catalog.ProcessStep): one
`DossierStep` is open at a time, in the inbox of the officers holding its role at its agency.
Each verb here checks the officer against the open step (role and agency), then goes through
`transition_apply` — the one write path of the status and of the history rows the control slip
is built from — doing its step work in `prepare`, under the dossier's lock.

The dossier's clock: `due_at` (the appointment) never changes; a processing supplement request
opens a `DossierPause` and the applicant's resubmission closes it and moves the open step's and
the dossier's current due times on by the paused working time; an apology stores its new date
beside the appointment (`extended_due_at`). The on-time verdict (workflow.ontime) is stored
when the dossier finishes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.models import Membership
from dichvucong.agencies.calendar_selectors import (
    add_working_time_for,
    warn_at_for,
    working_hours_between_for,
)
from dichvucong.catalog.models import Component, ProcessRole
from dichvucong.core.audit import audit_change, snapshot
from dichvucong.core.constants import SupplementStage
from dichvucong.core.errors import ServiceError, text_within_limit
from dichvucong.dossiers.constants import (
    DossierStatus,
    ResultDelivery,
    ResultKind,
)
from dichvucong.dossiers.models import (
    Apology,
    Dossier,
    DossierPause,
    DossierStep,
    ResultFile,
    SupplementRequest,
)
from dichvucong.dossiers.services import result_file_store

from .engine import ActorNotAllowed, transition_apply
from .fees import fee_amount_parse
from .intake import _reason, supplement_input
from .ontime import dossier_on_time
from .steps import holds_role, neighbour, open_step, step_close, step_open
from .transitions import TransitionName as N

Outcome = DossierStep.Outcome

# Statuses in which the dossier is still being worked on (its deadline runs).
UNFINISHED = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.AWAITING_PAYMENT,
        DossierStatus.WITHDRAWAL_REQUESTED,
    }
)


@dataclass(frozen=True)
class ResultUpload:
    """One result document the specialist attaches: its title, the file, its number."""

    title: str
    upload: Any
    result_code: str = ""


def _locked_step(step: DossierStep | int, dossier: Dossier) -> DossierStep:
    step_id = step.pk if isinstance(step, DossierStep) else step
    current = open_step(dossier, lock=True)
    if current is None or current.pk != step_id:
        raise ServiceError(
            _("This step was already handed on. Reload the dossier to see where it is now."),
            code="stale_step",
        )
    return current


def _check_step_actor(step: DossierStep, actor: Any) -> None:
    if not holds_role(actor, step.role, step.agency_id):
        raise ActorNotAllowed(
            _("This step is for a %(role)s of %(agency)s.")
            % {"role": ProcessRole(step.role).label.lower(), "agency": step.agency.name},
            code="actor",
        )
    if step.assignee_id and step.assignee_id != actor.pk:
        raise ActorNotAllowed(
            _("This step is assigned to %(name)s.") % {"name": step.assignee},
            code="assigned",
        )


def _dossier_of(step: DossierStep | int) -> Dossier:
    step_id = step.pk if isinstance(step, DossierStep) else step
    try:
        return Dossier.objects.select_related("receiving_agency").get(steps__pk=step_id)
    except Dossier.DoesNotExist:
        # No such step (a forged or mistyped id): refused like a step gone stale.
        raise ServiceError(
            _("This step was already handed on. Reload the dossier to see where it is now."),
            code="stale_step",
        ) from None


def _step_action(
    *,
    step: DossierStep | int,
    name: N,
    actor: Any,
    note: str = "",
    at: dt.datetime | None,
    work,
    changes: dict[str, Any] | None = None,
) -> Dossier:
    """Apply transition `name` as the officer of the open `step`: `work(locked_dossier,
    locked_step)` runs under the lock after the checks and returns more fields to write."""
    at = at or timezone.now()
    dossier = _dossier_of(step)

    def prepare(locked: Dossier) -> dict[str, Any]:
        current = _locked_step(step, locked)
        _check_step_actor(current, actor)
        return work(locked, current) or {}

    agency = (step if isinstance(step, DossierStep) else DossierStep.objects.get(pk=step)).agency
    return transition_apply(
        dossier=dossier,
        name=name,
        actor=actor,
        note=note,
        agency=agency,
        changes=changes,
        prepare=prepare,
        at=at,
    )


def _audit_step(step: DossierStep, before: dict, actor: Any, action: str) -> None:
    audit_change(
        action=action,
        instance=step,
        before=before,
        after=snapshot(step),
        scope=step.agency.code,
        actor=actor,
    )


def _lock_open_step(step: DossierStep | int) -> DossierStep:
    """The dossier's lock, then its open step (refused when it is no longer `step`)."""
    dossier = _dossier_of(step)
    Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    return _locked_step(step, dossier)


def _assignee_set(current: DossierStep, assignee: Any, *, by: Any, action: str) -> None:
    before = snapshot(current)
    current.assignee = assignee
    current.save(update_fields=["assignee"])
    _audit_step(current, before, by, action)


def step_take(*, step: DossierStep | int, actor: Any) -> DossierStep:
    """Take an unassigned step of one's role and agency (it leaves the colleagues' inboxes)."""
    with transaction.atomic():
        current = _lock_open_step(step)
        _check_step_actor(current, actor)
        if current.assignee_id == actor.pk:
            return current
        _assignee_set(current, actor, by=actor, action="dossier_step.take")
    return current


def step_assign(*, step: DossierStep | int, actor: Any, assignee: Any) -> DossierStep:
    """A leader of the step's agency assigns it to a colleague who holds the step's role."""
    with transaction.atomic():
        current = _lock_open_step(step)
        if not holds_role(actor, Membership.Role.LEADER, current.agency_id):
            raise ActorNotAllowed(
                _("Only a leader of %(agency)s assigns its dossiers.")
                % {"agency": current.agency.name},
                code="actor",
            )
        if assignee is None or not holds_role(assignee, current.role, current.agency_id):
            raise ServiceError(
                _("Choose a colleague who is a %(role)s of %(agency)s.")
                % {"role": ProcessRole(current.role).label.lower(), "agency": current.agency.name},
                field="assignee",
                code="assignee",
            )
        _assignee_set(current, assignee, by=actor, action="dossier_step.assign")
    return current


def assignable_officers(step: DossierStep) -> list[Any]:
    """The colleagues a leader may assign the step to (its role, its agency, valid today)."""
    now = timezone.now()
    user_ids = (
        Membership.objects.filter(agency_id=step.agency_id, role=step.role)
        .filter(valid_from__lte=now)
        .exclude(valid_to__lte=now)
        .values("user_id")
    )
    return list(
        get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("full_name", "pk")
    )


def step_forward(
    *, step: DossierStep | int, actor: Any, note: str = "", at: dt.datetime | None = None
) -> Dossier:
    """Hand the dossier on to the next step of its process, with a note (2 → 4 the first time)."""
    at = at or timezone.now()

    def work(locked: Dossier, current: DossierStep) -> dict[str, Any]:
        following = neighbour(locked, current, +1)
        if following is None:
            raise ServiceError(
                _("This is the process's last step: propose the result or return it."),
                code="last_step",
            )
        if locked.result_proposed_at and current.role == ProcessRole.LEADER:
            raise ServiceError(
                _("A result is proposed: approve it or send it back."), code="approve_instead"
            )
        step_close(current, at=at, actor=actor, outcome=Outcome.FORWARDED, note=note)
        step_open(locked, following, at=at, handed_by=actor)
        return {}

    return _step_action(step=step, name=N.FORWARD, actor=actor, note=note, at=at, work=work)


def step_send_back(
    *, step: DossierStep | int, actor: Any, note: str, at: dt.datetime | None = None
) -> Dossier:
    """Send the dossier back to the previous step (where the process allows it), with why."""
    at = at or timezone.now()
    note = _reason(note, field="note", required_message=_("Say why the dossier is sent back."))

    def work(locked: Dossier, current: DossierStep) -> dict[str, Any]:
        if not current.process_step.may_return:
            raise ServiceError(
                _("The process does not allow sending the dossier back from this step."),
                code="no_return",
            )
        previous = neighbour(locked, current, -1)
        if previous is None:
            raise ServiceError(_("This is the process's first step."), code="first_step")
        step_close(current, at=at, actor=actor, outcome=Outcome.SENT_BACK, note=note)
        last = (
            DossierStep.objects.filter(dossier=locked, process_step=previous)
            .order_by("-started_at", "-id")
            .first()
        )
        step_open(
            locked, previous, at=at, handed_by=actor, assignee=last.finished_by if last else None
        )
        changes: dict[str, Any] = {}
        if locked.result_proposed_at and locked.result_approved_at is None:
            # A proposal sent back is withdrawn: the specialist proposes again.
            ResultFile.objects.filter(dossier=locked, withdrawn_at__isnull=True).update(
                withdrawn_at=at
            )
            changes = {"result_kind": "", "result_summary": "", "result_proposed_at": None}
        return changes

    return _step_action(step=step, name=N.SEND_BACK, actor=actor, note=note, at=at, work=work)


# --- Supplements during processing (R7) --------------------------------------------------


def step_request_supplement(
    *,
    step: DossierStep | int,
    actor: Any,
    components: Iterable[Component],
    reason: str,
    exception_reason: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Ask the applicant, through the desk, to add or fix components during processing.

    At most one request per processing agency (R7); a further one needs the officer's explicit
    exception with its reason and makes the dossier late (Decision 766). The clock pauses until
    the applicant resubmits.
    """
    at = at or timezone.now()
    reason, exception_reason, components = supplement_input(
        dossier=_dossier_of(step),
        reason=reason,
        exception_reason=exception_reason,
        components=components,
    )

    def work(locked: Dossier, current: DossierStep) -> dict[str, Any]:
        previous = SupplementRequest.objects.filter(
            dossier=locked, stage=SupplementRequest.Stage.PROCESSING, agency=current.agency
        ).count()
        verdict = locked.rule_set.supplement_verdict(
            stage=SupplementStage.PROCESSING,
            previous_requests=previous,
            confirmed=bool(exception_reason),
        )
        if not verdict.allowed:
            raise ServiceError(
                _(
                    "%(agency)s already asked for a supplement on this dossier. A further "
                    "request is an exception that counts the dossier as late: give its reason."
                )
                % {"agency": current.agency.name},
                field="exception_reason",
                code="supplement_limit",
            )
        request = SupplementRequest.objects.create(
            dossier=locked,
            stage=SupplementRequest.Stage.PROCESSING,
            agency=current.agency,
            reason=reason,
            exception_reason=exception_reason if verdict.needs_confirmation else "",
            requested_at=at,
            requested_by=actor,
        )
        request.components.set(components)
        DossierPause.objects.create(dossier=locked, supplement_request=request, started_at=at)
        return {}

    return _step_action(
        step=step,
        name=N.REQUEST_SUPPLEMENT_PROCESSING,
        actor=actor,
        note=reason,
        at=at,
        work=work,
    )


def pause_end(locked: Dossier, *, at: dt.datetime) -> dict[str, Any]:
    """Close the open pause and move the open step's and the dossier's due times on by the
    paused working time (called under the lock by the applicant's resubmission and by a stop).
    Returns the dossier fields to write."""
    pause = (
        DossierPause.objects.select_for_update()
        .filter(dossier=locked, ended_at__isnull=True)
        .order_by("started_at")
        .first()
    )
    if pause is None:
        return {}
    pause.ended_at = at
    pause.save(update_fields=["ended_at"])
    current = open_step(locked, lock=True)
    if current is not None:
        paused = working_hours_between_for(agency=current.agency, start=pause.started_at, end=at)
        current.due_at = add_working_time_for(
            agency=current.agency, start=current.due_at, delta=paused
        )
        current.warn_at = warn_at_for(
            agency=current.agency, due_at=current.due_at, start=current.started_at
        )
        current.due_soon_notified_at = current.overdue_notified_at = None
        current.save(
            update_fields=["due_at", "warn_at", "due_soon_notified_at", "overdue_notified_at"]
        )
    if locked.extended_due_at is not None or locked.current_due_at is None:
        return {}  # An apology's new date is explicit: the pause does not move it.
    agency = locked.processing_agency or locked.receiving_agency
    paused = working_hours_between_for(agency=agency, start=pause.started_at, end=at)
    moved = add_working_time_for(agency=agency, start=locked.current_due_at, delta=paused)
    return {
        "current_due_at": moved,
        "warn_at": warn_at_for(agency=agency, due_at=moved, start=locked.received_at),
        "apology_prompted_at": None,
        "overdue_notified_at": None,
    }


# --- Fees (status 6) ---------------------------------------------------------------------


def step_require_fee(
    *, step: DossierStep | int, actor: Any, amount: Any, note: str = "", at=None
) -> Dossier:
    """Require the fee before processing goes on (4 → 6); the desk records the payment."""
    amount = fee_amount_parse(amount, field="amount")
    return _step_action(
        step=step,
        name=N.REQUIRE_FEE,
        actor=actor,
        note=note,
        at=at,
        work=lambda locked, current: {"fee_due_amount": amount},
    )


def fee_record_payment(
    *, dossier: Dossier, actor: Any, receipt_number: str, at: dt.datetime | None = None
) -> Dossier:
    """The desk records the required fee as paid: back to processing (6 → 4), or resolved when
    the leader had already approved the result (6 → 9)."""
    at = at or timezone.now()
    receipt_number = (receipt_number or "").strip()
    if not receipt_number:
        raise ServiceError(
            _("Enter the number of the fee receipt."), field="receipt_number", code="required"
        )
    text_within_limit(
        receipt_number, model=Dossier, field="fee_receipt_number", input_name="receipt_number"
    )

    def prepare(locked: Dossier) -> dict[str, Any]:
        fields = {
            "fee_amount": (locked.fee_amount or 0) + (locked.fee_due_amount or 0),
            "fee_receipt_number": receipt_number,
            "fee_paid_at": at,
            "fee_due_amount": None,
        }
        if locked.result_approved_at:
            fields.update(_finish_fields(locked, at))
        return fields

    with transaction.atomic():
        # Which transition applies is read under the dossier's lock (an approval may just land).
        approved = (
            Dossier.objects.select_for_update(of=("self",))
            .values_list("result_approved_at", flat=True)
            .get(pk=dossier.pk)
        )
        name = "record_payment_resolve" if approved else "record_payment"
        result = transition_apply(dossier=dossier, name=name, actor=actor, prepare=prepare, at=at)
        if name == "record_payment_resolve":
            return _after_resolved(result, at=at)
    return result


# --- Results -----------------------------------------------------------------------------


def result_propose(
    *,
    step: DossierStep | int,
    actor: Any,
    kind: str,
    summary: str,
    files: Sequence[ResultUpload] = (),
    note: str = "",
    fee_due: Any = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """A specialist proposes the result — the signed documents (a grant), or a reasoned refusal —
    and hands the dossier to the next step (the leader) for approval. `fee_due`: a fee payable
    on the result (e.g. the fee for issuing the paper): the approval then waits for it (4 → 6,
    then 6 → 9 when the desk records the payment)."""
    at = at or timezone.now()
    fee_due = None if fee_due in (None, "") else fee_amount_parse(fee_due, field="fee_due")
    if kind not in ResultKind.values:
        raise ServiceError(_("Choose the result: granted or refused."), field="kind", code="kind")
    summary = (summary or "").strip()
    if kind == ResultKind.REFUSAL:
        summary = _reason(
            summary, field="summary", required_message=_("Give the reasons for the refusal.")
        )
    elif not files:
        raise ServiceError(_("Attach the result document(s)."), field="files", code="required")
    for item in files:
        if not (item.title or "").strip():
            raise ServiceError(
                _("Name each result document."), field="files", code="title_required"
            )

    def work(locked: Dossier, current: DossierStep) -> dict[str, Any]:
        following = neighbour(locked, current, +1)
        if following is None:
            raise ServiceError(
                _("The process has no step after this one to approve the result."),
                code="last_step",
            )
        ResultFile.objects.filter(dossier=locked, withdrawn_at__isnull=True).update(withdrawn_at=at)
        for item in files:
            result_file_store(
                dossier=locked,
                upload=item.upload,
                title=item.title.strip(),
                result_code=(item.result_code or "").strip(),
                actor=actor,
                at=at,
            )
        step_close(current, at=at, actor=actor, outcome=Outcome.FORWARDED, note=note)
        step_open(locked, following, at=at, handed_by=actor)
        fields = {"result_kind": kind, "result_summary": summary, "result_proposed_at": at}
        if fee_due is not None:
            fields["fee_due_amount"] = fee_due
        return fields

    return _step_action(
        step=step, name=N.PROPOSE_RESULT, actor=actor, note=note or summary, at=at, work=work
    )


def _finish_fields(locked: Dossier, at: dt.datetime) -> dict[str, Any]:
    return {"finished_at": at, "on_time": dossier_on_time(locked, finished_at=at)}


def _after_resolved(dossier: Dossier, *, at: dt.datetime) -> Dossier:
    """An online result goes back at once (the applicant downloads it from the dossier page)."""
    if dossier.result_delivery == ResultDelivery.ONLINE:
        return transition_apply(
            dossier=dossier,
            name=N.RETURN_ONLINE,
            actor=None,
            agency=dossier.processing_agency or dossier.receiving_agency,
            note=str(_("The result is available for download on the dossier page.")),
            prepare=lambda locked: _return_fields(locked, at=at, actor=None),
            at=at,
        )
    return dossier


def result_approve(
    *, step: DossierStep | int, actor: Any, note: str = "", at: dt.datetime | None = None
) -> Dossier:
    """A leader approves the proposed result: resolved (4 → 9), or awaiting the fee (4 → 6)
    when one is required and unpaid. The next step (the desk's return) opens, unless the
    result goes back online, which happens at once."""
    at = at or timezone.now()

    def work(locked: Dossier, current: DossierStep) -> dict[str, Any]:
        if current.role != ProcessRole.LEADER:
            raise ActorNotAllowed(_("A leader approves the result."), code="actor")
        if not locked.result_proposed_at:
            raise ServiceError(_("No result has been proposed yet."), code="no_proposal")
        step_close(current, at=at, actor=actor, outcome=Outcome.RESOLVED, note=note)
        following = neighbour(locked, current, +1)
        if following is not None and locked.result_delivery != ResultDelivery.ONLINE:
            step_open(locked, following, at=at, handed_by=actor)
        fields: dict[str, Any] = {"result_approved_at": at}
        if name == "resolve":
            fields.update(_finish_fields(locked, at))
        return fields

    with transaction.atomic():
        # A fee still due (the payment clears it) is read under the dossier's lock.
        fee_due = (
            Dossier.objects.select_for_update(of=("self",))
            .values_list("fee_due_amount", flat=True)
            .get(steps__pk=step.pk if isinstance(step, DossierStep) else step)
        )
        name = "approve_pending_fee" if fee_due else "resolve"
        dossier = _step_action(step=step, name=name, actor=actor, note=note, at=at, work=work)
        if name == "resolve":
            return _after_resolved(dossier, at=at)
    return dossier


def _return_fields(
    locked: Dossier, *, at: dt.datetime, actor: Any, recipient: str = "", tracking: str = ""
) -> dict[str, Any]:
    current = open_step(locked, lock=True)
    if current is not None:
        step_close(current, at=at, actor=actor, outcome=Outcome.RETURNED)
    return {"returned_at": at, "return_recipient": recipient, "return_tracking_number": tracking}


def result_return(
    *,
    dossier: Dossier,
    actor: Any,
    recipient: str = "",
    tracking_number: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """The desk returns the result by the channel the applicant chose (9 → 10): at the desk it
    records who collected it; by post, the tracking number."""
    at = at or timezone.now()
    recipient = text_within_limit(
        (recipient or "").strip(), model=Dossier, field="return_recipient", input_name="recipient"
    )
    tracking_number = (tracking_number or "").strip()
    if dossier.result_delivery == ResultDelivery.POST:
        if not tracking_number:
            raise ServiceError(
                _("Enter the postal tracking number."), field="tracking_number", code="required"
            )
        if len(tracking_number) > 60:
            raise ServiceError(
                _("The tracking number is too long."), field="tracking_number", code="too_long"
            )
    elif dossier.result_delivery == ResultDelivery.DESK:
        if not recipient:
            raise ServiceError(
                _("Enter the name of the person who collected the result."),
                field="recipient",
                code="required",
            )
    else:
        raise ServiceError(
            _("This result goes back online: the applicant downloads it."), code="online"
        )
    return transition_apply(
        dossier=dossier,
        name=N.RETURN_RESULT,
        actor=actor,
        prepare=lambda locked: _return_fields(
            locked, at=at, actor=actor, recipient=recipient, tracking=tracking_number
        ),
        note=tracking_number or recipient,
        at=at,
    )


# --- Withdrawal and stop (2025 form 05) --------------------------------------------------


def withdrawal_request(
    *, dossier: Dossier, actor: Any, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """The applicant asks to withdraw the dossier before a result (→ 7)."""
    at = at or timezone.now()
    reason = _reason(
        reason, field="reason", required_message=_("Say why you withdraw the dossier.")
    )
    agency = dossier.processing_agency or dossier.receiving_agency
    current = open_step(dossier)
    return transition_apply(
        dossier=dossier,
        name=N.REQUEST_WITHDRAWAL,
        actor=actor,
        agency=current.agency if current else agency,
        note=reason,
        changes={"withdrawal_reason": reason, "withdrawal_requested_at": at},
        at=at,
    )


def dossier_stop(
    *, dossier: Dossier, actor: Any, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """Stop processing (→ 8) with the stop notice (2025 form 05): after a withdrawal request,
    or when the dossier cannot go on. A leader of the agency holding the dossier decides; a
    dossier withdrawn before receipt is closed by its desk's one-stop officer."""
    at = at or timezone.now()
    reason = _reason(reason, field="reason", required_message=_("Give the reason for stopping."))
    current = open_step(dossier)
    if dossier.received_at is None:
        deciders = [(dossier.receiving_agency, Membership.Role.ONE_STOP_OFFICER)]
    else:
        # The leader of the agency now holding it, or of the processing agency (a dossier
        # withdrawn right after receipt is still at the desk's step, where no leader sits).
        holders = [current.agency] if current else []
        holders.append(dossier.processing_agency or dossier.receiving_agency)
        deciders = [(agency, Membership.Role.LEADER) for agency in holders]
    agency = next((a for a, role in deciders if holds_role(actor, role, a.pk)), None)
    if agency is None:
        agency, role = deciders[-1]
        raise ActorNotAllowed(
            _("Only a %(role)s of %(agency)s stops this dossier.")
            % {"role": Membership.Role(role).label.lower(), "agency": agency.name},
            code="actor",
        )

    def prepare(locked: Dossier) -> dict[str, Any]:
        fields: dict[str, Any] = {"stop_reason": reason}
        pause = DossierPause.objects.filter(dossier=locked, ended_at__isnull=True)
        pause.update(ended_at=at)
        step = open_step(locked, lock=True)
        if step is not None:
            step_close(step, at=at, actor=actor, outcome=Outcome.STOPPED, note=reason)
        if locked.due_at is not None:
            fields.update(_finish_fields(locked, at))
        else:
            fields["finished_at"] = at
        return fields

    return transition_apply(
        dossier=dossier,
        name=N.STOP,
        actor=actor,
        agency=agency,
        note=reason,
        prepare=prepare,
        at=at,
    )


# --- Apology with a new date (form 04) ---------------------------------------------------


def apology_issue(
    *,
    dossier: Dossier,
    actor: Any,
    reason: str,
    new_due_at: dt.datetime,
    at: dt.datetime | None = None,
) -> Apology:
    """A leader of the processing agency apologises and sets a new date (form 04; 2025: "xin
    lỗi và đề nghị gia hạn"). The original appointment is kept; the new date is stored beside
    it and the applicant is notified. An apology never makes the dossier on time."""
    at = at or timezone.now()
    reason = _reason(reason, field="reason", required_message=_("Give the reason for the delay."))
    if new_due_at is None or timezone.is_naive(new_due_at):
        raise ServiceError(_("Enter the new date and time."), field="new_due_at", code="required")
    agency = dossier.processing_agency or dossier.receiving_agency
    holder: dict[str, Apology] = {}

    def prepare(locked: Dossier) -> dict[str, Any]:
        previous = locked.current_due_at or locked.due_at
        if new_due_at <= max(previous, at):
            raise ServiceError(
                _("The new date must be later than the date now due and than today."),
                field="new_due_at",
                code="not_later",
            )
        holder["apology"] = Apology.objects.create(
            dossier=locked,
            agency=agency,
            reason=reason,
            previous_due_at=previous,
            new_due_at=new_due_at,
            issued_at=at,
            issued_by=actor,
        )
        return {
            "extended_due_at": new_due_at,
            "current_due_at": new_due_at,
            "warn_at": warn_at_for(agency=agency, due_at=new_due_at, start=at),
            "apology_prompted_at": None,
            "overdue_notified_at": None,
        }

    transition_apply(
        dossier=dossier,
        name=N.APOLOGISE,
        actor=actor,
        agency=agency,
        note=reason,
        prepare=prepare,
        at=at,
    )
    return holder["apology"]
