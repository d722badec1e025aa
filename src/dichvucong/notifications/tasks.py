from celery import shared_task

from .constants import TRANSIENT_ERRORS

MAX_RETRIES = 5


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_dossier_email(self, delivery_id: int) -> str:
    """Send one delivery; safe to run twice (a sent delivery is not sent again)."""
    from .services import delivery_send

    final = self.request.retries >= self.max_retries
    return delivery_send(delivery_id=delivery_id, final=final).status
