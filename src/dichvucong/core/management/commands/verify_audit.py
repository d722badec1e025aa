import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dichvucong.core.audit import audit_scopes, audit_trail_verify
from dichvucong.core.checkpoints import checkpoint_anchors


class Command(BaseCommand):
    # Help stays in English, as in Django's own commands (argparse cannot take lazy text).
    help = (
        "Verify the audit trail: walk each chain in order, recompute every entry's hash, compare "
        "the end of the chain with its head, check every chain is in the register of chains and "
        "that nothing the signed checkpoints in DVC_AUDIT_CHECKPOINT_DIR recorded is gone or "
        "changed. Exits non-zero on the first problem of a chain or on an untrusted checkpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scope", action="append", help="Verify only this chain (repeatable), e.g. province."
        )

    def handle(self, *args, scope=None, **options):
        try:
            checkpoints = checkpoint_anchors()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        known = sorted(set(audit_scopes()) | set(checkpoints.anchors))
        unknown = sorted(set(scope or []) - set(known))
        if unknown:
            raise CommandError(
                _("Unknown audit scope: %(scopes)s.") % {"scopes": ", ".join(unknown)}
            )

        for name, detail in checkpoints.problems:
            self.stderr.write(
                _("Checkpoint %(file)s: NOT TRUSTED: %(detail)s.")
                % {"file": name, "detail": detail}
            )
        reports = audit_trail_verify(scopes=scope, anchors=checkpoints.anchors) if known else []
        if not reports:
            self.stdout.write(_("No audit chain yet: nothing to verify."))
        failed = 0
        for report in reports:
            problem = report.problem
            if problem is None:
                count = report.entries_checked
                self.stdout.write(
                    ngettext(
                        "%(scope)s: OK, %(count)s entry.",
                        "%(scope)s: OK, %(count)s entries.",
                        count,
                    )
                    % {"scope": report.scope, "count": count}
                )
                continue
            failed += 1
            self.stderr.write(
                _("%(scope)s: BROKEN at seq %(seq)s (entry id %(id)s): %(kind)s: %(detail)s.")
                % {
                    "scope": report.scope,
                    "seq": problem.seq if problem.seq is not None else "-",
                    "id": problem.entry_id if problem.entry_id is not None else "-",
                    "kind": problem.kind,
                    "detail": problem.detail,
                }
            )
        self._checkpoint_summary(checkpoints)
        stale = self._checkpoint_stale(checkpoints)

        if failed or checkpoints.problems or stale:
            messages = [stale] if stale else []
            if failed:
                messages.append(
                    ngettext(
                        "%(failed)s of %(total)s audit chain failed verification.",
                        "%(failed)s of %(total)s audit chains failed verification.",
                        len(reports),
                    )
                    % {"failed": failed, "total": len(reports)}
                )
            if checkpoints.problems:
                messages.append(
                    ngettext(
                        "%(count)s checkpoint is not trusted.",
                        "%(count)s checkpoints are not trusted.",
                        len(checkpoints.problems),
                    )
                    % {"count": len(checkpoints.problems)}
                )
            raise CommandError(" ".join(messages))
        if reports:
            self.stdout.write(
                self.style.SUCCESS(
                    _("All audit chains are intact (%(total)s).") % {"total": len(reports)}
                )
            )

    def _checkpoint_stale(self, checkpoints) -> str:
        """A latest trusted checkpoint older than two intervals: checkpoints are no longer made,
        or the recent files were removed (and with them what they would detect)."""
        if checkpoints.latest is None:
            return ""
        interval = dt.timedelta(minutes=settings.DVC_AUDIT_CHECKPOINT_INTERVAL_MINUTES)
        if timezone.now() - checkpoints.latest <= 2 * interval:
            return ""
        message = _(
            "The latest trusted checkpoint is of %(time)s, more than two intervals (%(minutes)s "
            "minutes each) ago: checkpoints are not being made, or the recent ones were removed."
        ) % {
            "time": f"{timezone.localtime(checkpoints.latest):%d/%m/%Y %H:%M}",
            "minutes": settings.DVC_AUDIT_CHECKPOINT_INTERVAL_MINUTES,
        }
        self.stderr.write(message)
        return message

    def _checkpoint_summary(self, checkpoints):
        if checkpoints.latest is None:
            # Not a failure (a new portal has none yet), but removal of whole chains, or of the
            # whole trail, cannot be detected without one.
            self.stdout.write(
                _(
                    "No trusted checkpoint in %(directory)s: a chain removed with its head, or the "
                    "whole trail, cannot be detected. Run manage.py audit_checkpoint regularly."
                )
                % {"directory": checkpoints.directory}
            )
            return
        self.stdout.write(
            _("Checked against %(count)s checkpoint files; the latest trusted one is of %(time)s.")
            % {
                "count": checkpoints.files,
                "time": f"{timezone.localtime(checkpoints.latest):%d/%m/%Y %H:%M}",
            }
        )
