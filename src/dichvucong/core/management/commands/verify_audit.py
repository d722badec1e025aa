from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dichvucong.core.audit import audit_chain_verify, audit_scopes


class Command(BaseCommand):
    # Help stays in English, as in Django's own commands (argparse cannot take lazy text).
    help = (
        "Verify the audit trail: walk each chain in order, recompute every entry's hash and "
        "compare the end of the chain with its head. Exits non-zero on the first problem of a chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scope", action="append", help="Verify only this chain (repeatable), e.g. province."
        )

    def handle(self, *args, scope=None, **options):
        known = audit_scopes()
        unknown = sorted(set(scope or []) - set(known))
        if unknown:
            raise CommandError(
                _("Unknown audit scope: %(scopes)s.") % {"scopes": ", ".join(unknown)}
            )
        scopes = scope or known
        if not scopes:
            self.stdout.write(_("No audit chain yet: nothing to verify."))
            return

        failed = 0
        for name in scopes:
            report = audit_chain_verify(scope=name)
            problem = report.problem
            if problem is None:
                count = report.entries_checked
                self.stdout.write(
                    ngettext(
                        "%(scope)s: OK, %(count)s entry.",
                        "%(scope)s: OK, %(count)s entries.",
                        count,
                    )
                    % {"scope": name, "count": count}
                )
                continue
            failed += 1
            self.stderr.write(
                _("%(scope)s: BROKEN at seq %(seq)s (entry id %(id)s): %(kind)s: %(detail)s.")
                % {
                    "scope": name,
                    "seq": problem.seq if problem.seq is not None else "-",
                    "id": problem.entry_id if problem.entry_id is not None else "-",
                    "kind": problem.kind,
                    "detail": problem.detail,
                }
            )
        if failed:
            raise CommandError(
                ngettext(
                    "%(failed)s of %(total)s audit chain failed verification.",
                    "%(failed)s of %(total)s audit chains failed verification.",
                    len(scopes),
                )
                % {"failed": failed, "total": len(scopes)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("All audit chains are intact (%(total)s).") % {"total": len(scopes)}
            )
        )
