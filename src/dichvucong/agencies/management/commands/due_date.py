"""Print the due date of a dossier: `manage.py due_date --received 2026-02-13T10:00 --duration 5
--unit working_days [--agency CODE] [--same-day] [--cutoff 15:00]`.

A naive --received is local time (Asia/Ho_Chi_Minh). The receipt rule applies first (something
filed outside working hours counts from the next session). Prints only the due date in ISO 8601
with its offset, so scripts can read it.
"""

from __future__ import annotations

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dichvucong.agencies import calendar_selectors, worktime
from dichvucong.agencies.models import Agency
from dichvucong.agencies.selectors import agency_get_by_code


def _parse_received(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("“%(value)s” is not a valid date and time. Use the form 2026-02-13T10:00.")
            % {"value": value}
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=worktime.VN_TZ)
    return moment


def _parse_cutoff(value: str) -> time:
    try:
        cutoff = time.fromisoformat(value)
    except ValueError:
        cutoff = None
    if cutoff is None or cutoff.tzinfo is not None:
        raise CommandError(
            _("“%(value)s” is not a valid cut-off time. Use the form 15:00.") % {"value": value}
        )
    return cutoff


class Command(BaseCommand):
    help = "Print the due date of a dossier received at a given time (ISO 8601 with offset)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--received",
            required=True,
            help="Submission time, e.g. 2026-02-13T10:00 (local time unless an offset is given).",
        )
        parser.add_argument(
            "--duration", default=None, help="Time limit, a whole number (0 with --same-day)."
        )
        parser.add_argument(
            "--unit",
            default=worktime.DurationUnit.WORKING_DAYS.value,
            help="hours, working_days, days or months (default working_days).",
        )
        parser.add_argument("--agency", default=None, help="Agency identifier code.")
        parser.add_argument(
            "--same-day",
            action="store_true",
            help="Same-day procedure: due at closing time, the next working day after the cut-off.",
        )
        parser.add_argument("--cutoff", default="15:00", help="Same-day cut-off (default 15:00).")

    def handle(self, *args, **options) -> None:
        received = _parse_received(options["received"])
        unit = options["unit"]
        if unit not in {member.value for member in worktime.DurationUnit}:
            raise CommandError(
                _("Unknown unit “%(unit)s”. Use one of: %(units)s.")
                % {"unit": unit, "units": ", ".join(worktime.DurationUnit)}
            )
        raw_duration = options["duration"]
        if raw_duration is None:
            if not options["same_day"]:
                raise CommandError(_("Give the time limit with --duration."))
            raw_duration = "0"
        try:
            duration = int(raw_duration)
        except (TypeError, ValueError):
            duration = None
        if duration is None or duration < 0:
            raise CommandError(
                _("The duration must be a whole number of zero or more, not “%(value)s”.")
                % {"value": raw_duration}
            )
        if options["same_day"] and duration != 0:
            raise CommandError(_("A same-day procedure has no duration: use --duration 0."))
        cutoff = _parse_cutoff(options["cutoff"])

        agency = None
        if options["agency"]:
            try:
                agency = agency_get_by_code(code=options["agency"])
            except Agency.DoesNotExist:
                raise CommandError(
                    _("No agency has the identifier code “%(code)s”.") % {"code": options["agency"]}
                ) from None

        try:
            due = calendar_selectors.due_at_for(
                agency=agency,
                received_at=received,
                duration=duration,
                unit=unit,
                same_day=options["same_day"],
                cutoff=cutoff,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(due.isoformat())
