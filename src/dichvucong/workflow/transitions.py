"""Which status changes exist, from which states, by whom: data only, testable without a database.

With the national codes (domain.md §9, R6):
- intake: draft → submitted (1); 1 → received (2) | refused (3); 1 → supplement requested (5)
  → 1 when the applicant resubmits;
- processing: 2 → 4 when the dossier reaches its first step; 4 → 5 → 4 (a processing agency's
  supplement request, the clock paused); 4 → 6 → 4 | 9 (a fee, then back to work or, when the
  result was already approved, resolved); 4 → 9 (resolved: a grant or a reasoned refusal);
  4 → 8 (stopped); any state before a result → 7 (withdrawal requested) → 8; 9 → 10 (returned).

Which 5 → … row applies (intake or processing) is decided by the open supplement request's stage
in workflow.applicant; the table says only what may follow what, and who may do it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from dichvucong.dossiers.constants import DossierStatus as S


class TransitionName(StrEnum):
    """The transitions' names: what the table, the history rows and the effects registry
    (workflow.effects) are keyed by. tests/workflow/test_effects.py ties it to TRANSITIONS."""

    SUBMIT = "submit"
    SUBMIT_AT_DESK = "submit_at_desk"
    RECEIVE = "receive"
    REFUSE = "refuse"
    REQUEST_SUPPLEMENT = "request_supplement"
    RESUBMIT = "resubmit"
    FORWARD = "forward"
    SEND_BACK = "send_back"
    PROPOSE_RESULT = "propose_result"
    APOLOGISE = "apologise"
    REQUEST_SUPPLEMENT_PROCESSING = "request_supplement_processing"
    RESUBMIT_PROCESSING = "resubmit_processing"
    REQUIRE_FEE = "require_fee"
    RECORD_PAYMENT = "record_payment"
    RECORD_PAYMENT_RESOLVE = "record_payment_resolve"
    RESOLVE = "resolve"
    APPROVE_PENDING_FEE = "approve_pending_fee"
    STOP = "stop"
    REQUEST_WITHDRAWAL = "request_withdrawal"
    RETURN_RESULT = "return_result"
    RETURN_ONLINE = "return_online"


Actor = Literal["applicant", "officer", "system"]


@dataclass(frozen=True)
class Transition:
    name: TransitionName
    sources: frozenset[str]
    # None: a recorded event that keeps the status (a hand-off between steps, an apology);
    # it still writes the history row the control slip is built from.
    target: str | None
    actor: Actor
    # The accounts.permissions action an officer needs on the dossier (None for applicants,
    # whose right is owning the dossier, and for the system).
    permission: str | None = None


N = TransitionName  # short, for the table below

TRANSITIONS: dict[TransitionName, Transition] = {
    t.name: t
    for t in (
        Transition(N.SUBMIT, frozenset({S.DRAFT}), S.SUBMITTED, "applicant"),
        # A desk officer files a paper or postal dossier for someone, then receives it.
        Transition(
            N.SUBMIT_AT_DESK, frozenset({S.DRAFT}), S.SUBMITTED, "officer", "dossier.receive"
        ),
        Transition(N.RECEIVE, frozenset({S.SUBMITTED}), S.RECEIVED, "officer", "dossier.receive"),
        Transition(N.REFUSE, frozenset({S.SUBMITTED}), S.REFUSED, "officer", "dossier.receive"),
        Transition(
            N.REQUEST_SUPPLEMENT,
            frozenset({S.SUBMITTED}),
            S.SUPPLEMENT_REQUESTED,
            "officer",
            "dossier.receive",
        ),
        Transition(N.RESUBMIT, frozenset({S.SUPPLEMENT_REQUESTED}), S.SUBMITTED, "applicant"),
        # --- Processing. "dossier.handle": any officer role at the acting agency; the step's
        # own role is checked by workflow.processing against the open step.
        Transition(
            N.FORWARD,
            frozenset({S.RECEIVED, S.PROCESSING}),
            S.PROCESSING,
            "officer",
            "dossier.handle",
        ),
        Transition(
            N.SEND_BACK, frozenset({S.PROCESSING}), S.PROCESSING, "officer", "dossier.handle"
        ),
        Transition(
            N.PROPOSE_RESULT,
            frozenset({S.PROCESSING}),
            S.PROCESSING,
            "officer",
            "dossier.process",
        ),
        # The apology with a new date (form 04): the status stays, the new date is stored
        # beside the original appointment.
        Transition(
            N.APOLOGISE,
            frozenset(
                {
                    S.RECEIVED,
                    S.PROCESSING,
                    S.SUPPLEMENT_REQUESTED,
                    S.AWAITING_PAYMENT,
                    S.WITHDRAWAL_REQUESTED,
                }
            ),
            None,
            "officer",
            "dossier.approve",
        ),
        Transition(
            N.REQUEST_SUPPLEMENT_PROCESSING,
            frozenset({S.PROCESSING}),
            S.SUPPLEMENT_REQUESTED,
            "officer",
            "dossier.process",
        ),
        Transition(
            N.RESUBMIT_PROCESSING, frozenset({S.SUPPLEMENT_REQUESTED}), S.PROCESSING, "applicant"
        ),
        Transition(
            N.REQUIRE_FEE,
            frozenset({S.PROCESSING}),
            S.AWAITING_PAYMENT,
            "officer",
            "dossier.handle",
        ),
        Transition(
            N.RECORD_PAYMENT,
            frozenset({S.AWAITING_PAYMENT}),
            S.PROCESSING,
            "officer",
            "dossier.receive",
        ),
        Transition(
            N.RECORD_PAYMENT_RESOLVE,
            frozenset({S.AWAITING_PAYMENT}),
            S.RESOLVED,
            "officer",
            "dossier.receive",
        ),
        Transition(N.RESOLVE, frozenset({S.PROCESSING}), S.RESOLVED, "officer", "dossier.approve"),
        # A leader approving a result whose fee is still unpaid (then 6 → 9 on payment).
        Transition(
            N.APPROVE_PENDING_FEE,
            frozenset({S.PROCESSING}),
            S.AWAITING_PAYMENT,
            "officer",
            "dossier.approve",
        ),
        Transition(
            N.STOP,
            frozenset({S.PROCESSING, S.WITHDRAWAL_REQUESTED}),
            S.STOPPED,
            "officer",
            "dossier.handle",
        ),
        Transition(
            N.REQUEST_WITHDRAWAL,
            frozenset(
                {
                    S.SUBMITTED,
                    S.RECEIVED,
                    S.PROCESSING,
                    S.SUPPLEMENT_REQUESTED,
                    S.AWAITING_PAYMENT,
                }
            ),
            S.WITHDRAWAL_REQUESTED,
            "applicant",
        ),
        # The desk hands the result over (or records the postal tracking number); an online
        # result is returned by the system when the leader approves it.
        Transition(
            N.RETURN_RESULT, frozenset({S.RESOLVED}), S.RETURNED, "officer", "dossier.receive"
        ),
        Transition(N.RETURN_ONLINE, frozenset({S.RESOLVED}), S.RETURNED, "system"),
    )
}


def transition_get(name: TransitionName) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise LookupError(f"Unknown transition {name!r}") from None


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
