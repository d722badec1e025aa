from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from dichvucong.core.checkpoints import checkpoint_key_generate, checkpoint_write


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of every audit chain's head to DVC_AUDIT_CHECKPOINT_DIR (and "
        "mail it to DVC_AUDIT_CHECKPOINT_EMAIL). Celery beat runs it; in the embedded mode let "
        "cron run it, e.g. hourly: "
        "0 * * * * cd /srv/dichvucong && .venv/bin/python manage.py audit_checkpoint. "
        "--new-key prints a new Ed25519 key pair for the settings instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key", action="store_true", help="Print a new key pair and write nothing."
        )

    def handle(self, *args, new_key=False, **options):
        if new_key:
            pair = checkpoint_key_generate()
            self.stdout.write(f"DVC_AUDIT_CHECKPOINT_KEY={pair.private}")
            self.stdout.write(f"DVC_AUDIT_CHECKPOINT_PUBLIC_KEYS={pair.public}")
            return
        try:
            checkpoint = checkpoint_write()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{checkpoint.path}: {checkpoint.heads} heads")
        if checkpoint.mailed_to:
            self.stdout.write(f"mailed to {', '.join(checkpoint.mailed_to)}")
