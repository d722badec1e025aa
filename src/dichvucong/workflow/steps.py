"""The dossier's steps through its procedure's process: opening, closing, who may act.

Used by intake (the first step opens at receipt) and processing; no status changes here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dichvucong.agencies.calendar_selectors import due_at_for, warn_at_for
from dichvucong.agencies.models import Agency
from dichvucong.agencies.selectors import agency_in_force, agency_require_in_force
from dichvucong.catalog.models import ProcessStep
from dichvucong.dossiers.models import Dossier, DossierStep


def step_agency(process_step: ProcessStep, dossier: Dossier) -> Agency:
    return dossier.receiving_agency if process_step.at_receiving_agency else process_step.agency


def holds_role(user: Any, role: str, agency_id: int) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(held == agency_id and r == role for held, r in user.active_roles())


def _already_at(dossier: Dossier, agency: Agency) -> bool:
    """Whether the dossier was received, processed or at a step at `agency` already."""
    if agency.pk in (dossier.receiving_agency_id, dossier.processing_agency_id):
        return True
    return DossierStep.objects.filter(dossier=dossier, agency=agency).exists()


def step_open(
    dossier: Dossier,
    process_step: ProcessStep,
    *,
    at: dt.datetime,
    handed_by: Any,
    assignee: Any = None,
) -> DossierStep:
    agency = step_agency(process_step, dossier)
    if not agency_in_force(agency, at=at) and not _already_at(dossier, agency):
        # No hand-off to an agency closed by a merger: the refusal names its successor (R2).
        # A dossier already inside it goes on there (decision 0010).
        agency_require_in_force(agency=agency, at=at)
    due = due_at_for(
        agency=agency, received_at=at, duration=process_step.duration, unit=process_step.unit
    )
    return DossierStep.objects.create(
        dossier=dossier,
        process_step=process_step,
        position=process_step.position,
        name=process_step.name,
        agency=agency,
        role=process_step.role,
        assignee=assignee,
        handed_by=handed_by if getattr(handed_by, "pk", None) else None,
        started_at=at,
        due_at=due,
        warn_at=warn_at_for(agency=agency, due_at=due, start=at),
    )


def step_close(step: DossierStep, *, at: dt.datetime, actor: Any, outcome: str, note: str = ""):
    step.finished_at = at
    step.finished_by = actor if getattr(actor, "pk", None) else None
    step.outcome = outcome
    step.note = note
    step.save(update_fields=["finished_at", "finished_by", "outcome", "note"])


def process_of(dossier: Dossier) -> list[ProcessStep]:
    return list(dossier.version.process_steps.order_by("position", "id"))


def neighbour(dossier: Dossier, step: DossierStep, offset: int) -> ProcessStep | None:
    steps = process_of(dossier)
    index = next((i for i, s in enumerate(steps) if s.pk == step.process_step_id), None)
    if index is None or not 0 <= index + offset < len(steps):
        return None
    return steps[index + offset]


def first_step_open(*, dossier: Dossier, actor: Any, at: dt.datetime) -> DossierStep | None:
    """Open the first step of the dossier's process (called by the receiving transaction).

    A version without a process (imported before processes existed) opens no step: the
    dossier then stays received, listed in the desk's queue, until its version gets a process.
    """
    steps = process_of(dossier)
    if not steps:
        return None
    assignee = (
        actor if holds_role(actor, steps[0].role, step_agency(steps[0], dossier).pk) else None
    )
    return step_open(dossier, steps[0], at=at, handed_by=actor, assignee=assignee)


def open_step(dossier: Dossier, *, lock: bool = False) -> DossierStep | None:
    steps = DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True)
    if lock:
        # of=self: only the step row; never the agency and process rows joined for display.
        steps = steps.select_for_update(of=("self",))
    return steps.select_related("agency", "process_step").first()
