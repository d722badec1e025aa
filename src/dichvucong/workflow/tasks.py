from celery import shared_task


@shared_task(acks_late=True)
def deadlines_mark_task() -> dict[str, int]:
    """Mark due-soon and overdue steps and dossiers (Celery beat runs it; safe to run twice,
    or twice at once: each mark is set once and notified once)."""
    from .deadlines import deadlines_mark

    return deadlines_mark().counts
