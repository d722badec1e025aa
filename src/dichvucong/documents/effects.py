"""The forms follow the transitions: receipt (01), supplement request (02), refusal (03)."""

from __future__ import annotations

from dichvucong.workflow.effects import on_transition

from .models import DocumentKind
from .tasks import render_document

KIND_OF_TRANSITION = {
    "receive": DocumentKind.RECEIPT,
    "request_supplement": DocumentKind.SUPPLEMENT_REQUEST,
    "refuse": DocumentKind.REFUSAL,
}


@on_transition(*KIND_OF_TRANSITION)
def enqueue_form(dossier_id: int, transition: str) -> None:
    # Runs after commit (workflow.effects); inline when Celery is eager (embedded mode, tests).
    render_document.delay(dossier_id, KIND_OF_TRANSITION[transition].value)
