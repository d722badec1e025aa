from celery import shared_task


@shared_task(acks_late=True)
def audit_checkpoint_task() -> str:
    """Sign the audit chains' heads into a checkpoint outside the database (Celery beat runs
    it; safe to run twice: each run writes its own file)."""
    from .checkpoints import checkpoint_write

    return checkpoint_write().path.name
