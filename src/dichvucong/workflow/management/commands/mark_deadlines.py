from django.core.management.base import BaseCommand

from dichvucong.workflow.deadlines import deadlines_mark


class Command(BaseCommand):
    help = (
        "Mark steps and dossiers due within one working day and overdue ones, and notify the "
        "officers and leaders (once per mark). With Celery beat this runs by itself; in the "
        "embedded mode (no beat) let cron run it, e.g. every 15 minutes: "
        "*/15 * * * * cd /srv/dichvucong && .venv/bin/python manage.py mark_deadlines"
    )

    def handle(self, *args, **options):
        report = deadlines_mark()
        for event, count in report.counts.items():
            self.stdout.write(f"{event}: {count}")
