from celery import shared_task


@shared_task(acks_late=True)
def render_document(dossier_id: int, kind: str) -> int:
    """Render a dossier's form; safe to run twice (the service keeps one current document)."""
    from .services import document_render

    return document_render(dossier_id=dossier_id, kind=kind).pk
