"""Administrative units, agencies with their electronic identifiers and one-stop desks, and the
working calendars that the time engine reads (agencies/worktime.py).

Validity is a pair of dates: `valid_from` is the first day in force, `valid_to` the last day in
force (inclusive, null while in force). A closed unit or agency may name its successor so that
new dossiers addressed to it can be redirected (domain.md R2).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

AGENCY_CODE_MAX_LENGTH = 35
# Two orders of the electronic identifier are in use (domain.md §6): QCVN 102:2016/BTTTT
# writes the levels right to left (000.00.00.H30); Decision 20/2020/QĐ-TTg writes them left
# to right (H30.12.3). [0-9] rather than \d: Python's \d also matches non-ASCII digits.
AGENCY_CODE_QCVN102 = r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}"
AGENCY_CODE_QD20 = r"[A-Z][0-9]{2}(\.[0-9A-Z]+)*"
# \A...\Z rather than ^...$: in Python `$` also matches before a trailing newline. PostgreSQL's
# ARE and Python (SQLite's REGEXP in Django) both read \A and \Z as the string's ends.
AGENCY_CODE_PATTERN = rf"\A({AGENCY_CODE_QCVN102}|{AGENCY_CODE_QD20})\Z"
_agency_code_re = re.compile(AGENCY_CODE_PATTERN)


def validate_agency_code(value: str) -> None:
    if len(value) > AGENCY_CODE_MAX_LENGTH or not _agency_code_re.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a valid agency identifier. Use the form 000.00.00.H30 "
                "(QCVN 102) or H30.12.3 (Decision 20/2020), with capital letters and at most "
                "%(max)s characters."
            ),
            code="invalid_agency_code",
            params={"value": value, "max": AGENCY_CODE_MAX_LENGTH},
        )


class Level(models.TextChoices):
    PROVINCE = "tinh", _("Province or centrally-run city")
    DISTRICT = "huyen", _("District, urban district, town or provincial city")
    COMMUNE = "xa", _("Commune, ward or township")


# A unit's parent is one level up: a district's parent is a province, a commune's a district.
PARENT_LEVEL = {Level.DISTRICT.value: Level.PROVINCE, Level.COMMUNE.value: Level.DISTRICT}


SUCCESSOR_SELF_MESSAGE = _("A unit or agency cannot be its own successor.")
SUCCESSOR_OPEN_MESSAGE = _("Only a closed unit or agency can have a successor.")


class ValidityQuerySet(models.QuerySet):
    def active(self, at: datetime.date | None = None):
        """Rows in force on `at` (today in Asia/Ho_Chi_Minh by default)."""
        at = at or timezone.localdate()
        return self.filter(Q(valid_from__lte=at) & (Q(valid_to__isnull=True) | Q(valid_to__gte=at)))


class ValidityMixin(models.Model):
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("Last day in force; empty while in force."),
    )

    class Meta:
        abstract = True

    def is_active_on(self, at: datetime.date) -> bool:
        return self.valid_from <= at and (self.valid_to is None or self.valid_to >= at)

    def successor_errors(self) -> dict[str, ValidationError]:
        """The successor rules, checked before the database sees them so the message is clear.

        A successor takes over on the day after the closing date, so it must be in force then;
        this also makes a chain of successors impossible to loop.
        """
        if self.successor_id is None:
            return {}
        if self.pk is not None and self.successor_id == self.pk:
            return {"successor": ValidationError(SUCCESSOR_SELF_MESSAGE, code="successor_self")}
        if self.valid_to is None:
            return {
                "successor": ValidationError(SUCCESSOR_OPEN_MESSAGE, code="successor_not_closed")
            }
        takeover = self.valid_to + datetime.timedelta(days=1)
        if not self.successor.is_active_on(takeover):
            return {
                "successor": ValidationError(
                    _(
                        "The successor must be in force on %(date)s, the day after the closing date."
                    ),
                    code="successor_not_in_force",
                    params={"date": takeover.strftime("%d/%m/%Y")},
                )
            }
        return {}


def _validity_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
            name=f"{prefix}_valid_to_after_valid_from",
            violation_error_message=_("The end date cannot be before the start date."),
        ),
        models.CheckConstraint(
            condition=~Q(successor=F("pk")),
            name=f"{prefix}_successor_not_self",
            violation_error_message=SUCCESSOR_SELF_MESSAGE,
        ),
        # A successor is allowed only once the row is closed (valid_to set), never required:
        # a unit split in several has no single successor, and a closed agency may simply end.
        models.CheckConstraint(
            condition=Q(successor__isnull=True) | Q(valid_to__isnull=False),
            name=f"{prefix}_successor_only_when_closed",
            violation_error_message=SUCCESSOR_OPEN_MESSAGE,
        ),
    ]


class AdministrativeUnit(ValidityMixin):
    code = models.CharField(_("statistical code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(
        pgettext_lazy("administrative level", "level"), max_length=10, choices=Level.choices
    )
    kind = models.CharField(
        _("kind"),
        max_length=50,
        blank=True,
        help_text=_("For example: Thành phố, Thị xã, Huyện, Phường, Xã."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]
        constraints = [
            *_validity_constraints("unit"),
            # Only a province stands alone; the parent's own level is checked in clean().
            models.CheckConstraint(
                condition=(Q(level=Level.PROVINCE) & Q(parent__isnull=True))
                | (~Q(level=Level.PROVINCE) & Q(parent__isnull=False)),
                name="unit_parent_iff_below_province",
                violation_error_message=_(
                    "A province has no parent unit; a district or commune must have one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = self.successor_errors()
        expected = PARENT_LEVEL.get(self.level)
        if expected and self.parent_id and self.parent.level != expected:
            errors["parent"] = ValidationError(
                _("The parent unit of a %(level)s must be a %(parent_level)s."),
                code="parent_level",
                params={
                    "level": self.get_level_display().lower(),
                    "parent_level": expected.label.lower(),
                },
            )
        if errors:
            raise ValidationError(errors)


class Agency(ValidityMixin):
    """A state agency with its electronic identifier and, if it receives dossiers, its one-stop desk.

    The desk's contact is kept on the agency (one desk per agency): the directory reads it in one
    query.
    """

    code = models.CharField(
        _("identifier code"),
        max_length=AGENCY_CODE_MAX_LENGTH,
        unique=True,
        validators=[validate_agency_code],
        help_text=_("Electronic identifier, e.g. 000.00.02.H30."),
    )
    name = models.CharField(_("name"), max_length=250)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    level = models.CharField(
        pgettext_lazy("administrative level", "level"), max_length=10, choices=Level.choices
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    receives_dossiers = models.BooleanField(_("has a one-stop desk"), default=False)
    desk_name = models.CharField(_("desk name"), max_length=200, blank=True)
    desk_address = models.CharField(_("desk address"), max_length=300, blank=True)
    desk_phone = models.CharField(_("desk phone"), max_length=50, blank=True)
    desk_email = models.EmailField(_("desk e-mail"), blank=True)
    desk_opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("Shown as written, e.g. Sáng 07:00-11:30, chiều 13:30-17:00."),
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"], name="agency_level_name_idx")]
        constraints = [
            *_validity_constraints("agency"),
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("code"), AGENCY_CODE_MAX_LENGTH))
                & Q(code__regex=AGENCY_CODE_PATTERN),
                name="agency_code_format",
                violation_error_message=_("The agency identifier is not in a valid form."),
            ),
            # Applicants are sent to the desk: a desk without an address is of no use to them.
            models.CheckConstraint(
                condition=Q(receives_dossiers=False) | ~Q(desk_address=""),
                name="agency_desk_has_address",
                violation_error_message=_(
                    "An agency with a one-stop desk must give the desk's address."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = self.successor_errors()
        if self.unit_id and self.level and self.unit.level != self.level:
            errors["level"] = ValidationError(
                _("The agency's level must match its administrative unit's level (%(level)s)."),
                code="level_mismatch",
                params={"level": self.unit.get_level_display().lower()},
            )
        if self.parent_id and self._parent_loops():
            errors["parent"] = ValidationError(
                _("An agency cannot be placed under itself or under one of its own sub-agencies."),
                code="parent_loop",
            )
        if errors:
            raise ValidationError(errors)

    def _parent_loops(self) -> bool:
        # Walks up at most a few levels (province, department, division): cheap.
        seen: set[int] = set()
        node = self.parent
        while node is not None:
            if (self.pk is not None and node.pk == self.pk) or node.pk in seen:
                return True
            seen.add(node.pk)
            node = node.parent
        return False


class WorkCalendar(models.Model):
    """The province's working calendar (agency is null: exactly one) or an agency's override."""

    agency = models.OneToOneField(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="work_calendar",
    )
    is_province = models.BooleanField(_("province calendar"), default=False)
    name = models.CharField(_("name"), max_length=200)
    morning_start = models.TimeField(_("morning start"), default=datetime.time(7, 0))
    morning_end = models.TimeField(_("morning end"), default=datetime.time(11, 30))
    afternoon_start = models.TimeField(_("afternoon start"), default=datetime.time(13, 30))
    afternoon_end = models.TimeField(_("afternoon end"), default=datetime.time(17, 0))
    # ISO weekday numbers 0=Mon; "5,6" = Sat, Sun
    weekend_days = models.CharField(
        _("weekend days"),
        max_length=20,
        default="5,6",
        help_text=_("Weekday numbers, 0 = Monday; 5,6 = Sat, Sun."),
    )

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        constraints = [
            # NULLs never collide in a unique index, hence the flag for "the one province calendar".
            models.UniqueConstraint(
                fields=["is_province"],
                condition=Q(is_province=True),
                name="workcalendar_one_province_calendar",
                violation_error_message=_("There is already a province calendar."),
            ),
            models.CheckConstraint(
                condition=(Q(is_province=True) & Q(agency__isnull=True))
                | (Q(is_province=False) & Q(agency__isnull=False)),
                name="workcalendar_province_xor_agency",
                violation_error_message=_("A calendar is either the province's or one agency's."),
            ),
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end"))
                & Q(morning_end__lte=F("afternoon_start"))
                & Q(afternoon_start__lt=F("afternoon_end")),
                name="workcalendar_session_order",
                violation_error_message=_(
                    "Sessions must be in order: morning start < morning end ≤ afternoon start < afternoon end."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        DAY_OFF = "off", _("Day off")
        WORKING_DAY = "working", _("Working day")

    class Source(models.TextChoices):
        OFFICIAL = "official", _("Official notice")
        PACKAGE = "package", _("holidays package")
        MANUAL = "manual", _("Entered by an administrator")

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"],
                name="calendarday_one_per_date",
                violation_error_message=_("This date is already in the calendar."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name or self.get_kind_display()}"
