"""Deadline marks: steps and dossiers due within one working day, and overdue ones (R8).

The due times and the warning times (one working day before, under the agency's working
calendar) are stored when a step opens or a dossier is received, and moved by a supplement
pause or an apology (workflow.processing), which also clears the marks. This module only
compares them with the clock: run periodically (Celery beat, or cron running `manage.py
mark_deadlines` in the embedded mode), it stamps each newly reached mark once and dispatches
its event after commit to the handlers registered with `effects.on_transition` (notifications).

Each batch is one short transaction that locks the rows it marks (`SKIP LOCKED`) and sets the
mark only where it is still empty, so two runs at once, or one run twice, notify once.
While the applicant supplements (status "supplement requested") the clock is paused: nothing
of that dossier is marked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import Dossier, DossierStep

from .effects import DeadlineEvent, run_handlers
from .processing import UNFINISHED

BATCH_SIZE = 500


# The clock runs in these statuses; a supplement request pauses it (the dossier's due time
# moves on by the paused time when the applicant resubmits).
CLOCK_RUNNING = UNFINISHED - {DossierStatus.SUPPLEMENT_REQUESTED}


@dataclass
class DeadlineReport:
    """What one run marked: step ids and dossier ids, per event."""

    steps_due_soon: list[int] = field(default_factory=list)
    steps_overdue: list[int] = field(default_factory=list)
    apology_prompts: list[int] = field(default_factory=list)
    dossiers_overdue: list[int] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            DeadlineEvent.STEP_DUE_SOON: len(self.steps_due_soon),
            DeadlineEvent.STEP_OVERDUE: len(self.steps_overdue),
            DeadlineEvent.APOLOGY_PROMPT: len(self.apology_prompts),
            DeadlineEvent.DOSSIER_OVERDUE: len(self.dossiers_overdue),
        }

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _dispatch(pairs: list[tuple[int, int]], event: str) -> None:
    for _pk, dossier_id in pairs:
        run_handlers(dossier_id, event)


def _mark(queryset: QuerySet, *, flag: str, event: str, now: dt.datetime, dossier_field: str):
    """Stamp `flag` on the rows of `queryset` (which requires it empty), a batch per
    transaction; each batch's events go out after its commit. Returns the marked ids."""
    marked: list[int] = []
    model = queryset.model
    # Bounded: each batch stamps its rows, which then leave the queryset.
    for _ in range(10_000):
        with transaction.atomic():
            pairs = list(
                queryset.select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .values_list("pk", dossier_field)[:BATCH_SIZE]
            )
            if not pairs:
                break
            model.objects.filter(
                pk__in=[pk for pk, _d in pairs], **{f"{flag}__isnull": True}
            ).update(**{flag: now})
            transaction.on_commit(partial(_dispatch, pairs, event))
        marked += [pk for pk, _d in pairs]
    return marked


def _open_steps() -> QuerySet[DossierStep]:
    return DossierStep.objects.filter(finished_at__isnull=True, dossier__status__in=CLOCK_RUNNING)


def _unfinished_dossiers() -> QuerySet[Dossier]:
    return Dossier.objects.filter(
        finished_at__isnull=True, status__in=CLOCK_RUNNING, current_due_at__isnull=False
    )


def deadlines_mark(*, now: dt.datetime | None = None) -> DeadlineReport:
    """Mark what has come due since the last run (idempotent) and notify after commit.

    - a step from its warning time (one working day before its due time): due soon;
    - a step past its due time: overdue;
    - a dossier from one working day before its appointment (or new date): the leader of the
      processing agency is prompted to issue the apology with a new date (form 04);
    - a dossier past its appointment (or new date): overdue, a violation without an apology.

    Something already overdue when first seen gets only the overdue mark's message; a step
    with a budget of one working day or less, none for being due soon, and a dossier with that
    little time (same-day) no apology prompt before it is overdue.
    """
    now = now or timezone.now()
    report = DeadlineReport()
    steps = _open_steps()
    report.steps_overdue = _mark(
        steps.filter(due_at__lt=now, overdue_notified_at__isnull=True),
        flag="overdue_notified_at",
        event=DeadlineEvent.STEP_OVERDUE,
        now=now,
        dossier_field="dossier_id",
    )
    report.steps_due_soon = _mark(
        # A step whose whole budget is a working day or less (the desk's few hours) has no
        # due-soon period (its warning time is its due time, agencies.calendar_selectors.
        # warn_at_for; rows from before that rule: at or before its start): no message for
        # that, only if it runs late.
        steps.filter(
            warn_at__lte=now,
            warn_at__gt=F("started_at"),
            warn_at__lt=F("due_at"),
            due_at__gte=now,
            due_soon_notified_at__isnull=True,
        ),
        flag="due_soon_notified_at",
        event=DeadlineEvent.STEP_DUE_SOON,
        now=now,
        dossier_field="dossier_id",
    )
    dossiers = _unfinished_dossiers()
    report.dossiers_overdue = _mark(
        dossiers.filter(current_due_at__lt=now, overdue_notified_at__isnull=True),
        flag="overdue_notified_at",
        event=DeadlineEvent.DOSSIER_OVERDUE,
        now=now,
        dossier_field="pk",
    )
    report.apology_prompts = _mark(
        # A same-day dossier has no prompt period (warning time = due time): it is prompted
        # only once overdue, on the leader's page, with the overdue message.
        dossiers.filter(
            warn_at__lte=now,
            warn_at__lt=F("current_due_at"),
            current_due_at__gte=now,
            apology_prompted_at__isnull=True,
        ),
        flag="apology_prompted_at",
        event=DeadlineEvent.APOLOGY_PROMPT,
        now=now,
        dossier_field="pk",
    )
    return report
