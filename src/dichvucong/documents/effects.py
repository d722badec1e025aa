"""The forms follow the transitions: receipt (01), supplement request (02), refusal (03),
apology (04) and, in the 2025 set only, the stop notice (05)."""

from __future__ import annotations

from dichvucong.workflow.effects import on_transition
from dichvucong.workflow.transitions import TransitionName

from .models import DocumentKind
from .services import stop_notice_applies
from .tasks import render_document

KIND_OF_TRANSITION = {
    TransitionName.RECEIVE: DocumentKind.RECEIPT,
    TransitionName.REQUEST_SUPPLEMENT: DocumentKind.SUPPLEMENT_REQUEST,
    TransitionName.REFUSE: DocumentKind.REFUSAL,
    # The service renders the form of the dossier's latest apology.
    TransitionName.APOLOGISE: DocumentKind.APOLOGY,
}


@on_transition(*KIND_OF_TRANSITION)
def enqueue_form(dossier_id: int, transition: str) -> None:
    # Runs after commit (workflow.effects); inline when Celery is eager (embedded mode, tests).
    render_document.delay(dossier_id, KIND_OF_TRANSITION[transition].value)


@on_transition(TransitionName.STOP)
def enqueue_stop_notice(dossier_id: int, transition: str) -> None:
    # The 2018 set has no stop notice: a dossier under it is stopped without a form.
    if stop_notice_applies(dossier_id=dossier_id):
        render_document.delay(dossier_id, DocumentKind.STOP_NOTICE.value)
