"""Which status changes exist, from which states, by whom: data only, testable without a database.

This issue's transitions (the processing issue adds the rest, as rows here):
draft → submitted (1); submitted → received (2); submitted → refused (3);
submitted → supplement requested (5) → submitted (1) when the applicant resubmits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dichvucong.dossiers.constants import DossierStatus as S

Actor = Literal["applicant", "officer", "system"]


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actor: Actor
    # The accounts.permissions action an officer needs on the dossier (None for applicants,
    # whose right is owning the dossier, and for the system).
    permission: str | None = None


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, "applicant"),
        # A desk officer files a paper or postal dossier for someone, then receives it.
        Transition(
            "submit_at_desk", frozenset({S.DRAFT}), S.SUBMITTED, "officer", "dossier.receive"
        ),
        Transition("receive", frozenset({S.SUBMITTED}), S.RECEIVED, "officer", "dossier.receive"),
        Transition("refuse", frozenset({S.SUBMITTED}), S.REFUSED, "officer", "dossier.receive"),
        Transition(
            "request_supplement",
            frozenset({S.SUBMITTED}),
            S.SUPPLEMENT_REQUESTED,
            "officer",
            "dossier.receive",
        ),
        Transition("resubmit", frozenset({S.SUPPLEMENT_REQUESTED}), S.SUBMITTED, "applicant"),
    )
}


def transition_get(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise LookupError(f"Unknown transition {name!r}") from None


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
