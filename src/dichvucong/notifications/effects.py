"""E-mails follow the transitions that concern the applicant, and the deadline marks that
concern the officers and leaders (workflow.deadlines dispatches them like transitions)."""

from __future__ import annotations

import logging
from functools import partial

from celery.exceptions import Retry
from django.db import transaction

from dichvucong.workflow.effects import effect_key, on_transition

from .constants import APPLICANT_EVENTS, OFFICER_EVENTS, DeliveryStatus
from .services import delivery_create_for_transition
from .tasks import MAX_RETRIES, send_dossier_email

logger = logging.getLogger(__name__)


def _send_inline(delivery_id: int) -> None:
    # Celery's eager mode (embedded mode, tests) raises the first Retry instead of retrying:
    # the attempts are made here, in turn, with the task's own policy and without the backoff.
    for attempt in range(MAX_RETRIES + 1):
        try:
            send_dossier_email.apply(args=[delivery_id], retries=attempt, throw=True)
            return
        except Retry:
            continue


def _enqueue(delivery_id: int) -> None:
    # A failure is already on the Delivery row; it must not stop the other recipients' mail.
    try:
        if send_dossier_email.app.conf.task_always_eager:
            _send_inline(delivery_id)
        else:
            send_dossier_email.delay(delivery_id)
    except Exception:
        logger.exception("Sending delivery %s failed", delivery_id)


def _notify(dossier_id: int, event: str) -> None:
    for delivery in delivery_create_for_transition(dossier_id=dossier_id, event=event):
        if delivery.status != DeliveryStatus.SENT:
            transaction.on_commit(partial(_enqueue, delivery.pk))


# effect_key raises at import for an Event that is no transition or deadline mark (a typo).
@on_transition(*(effect_key(event) for event in sorted(APPLICANT_EVENTS)))
def notify_applicant(dossier_id: int, transition: str) -> None:
    _notify(dossier_id, transition)


@on_transition(*(effect_key(event) for event in sorted(OFFICER_EVENTS)))
def notify_officers(dossier_id: int, event: str) -> None:
    """The deadline marks (workflow.deadlines): the step's holders and the leaders."""
    _notify(dossier_id, event)
