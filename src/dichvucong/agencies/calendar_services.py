"""Writes of the working calendars: the province calendar, seeding a year's holidays, and the
cache version that tells calendar_selectors to rebuild.

Seeding is the only write made on demand (the first time a computation touches a year); it is
idempotent and safe under concurrency: the calendar row is locked, the year is checked, and the
rows are inserted with the (calendar, date) unique constraint as the last word.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

from dichvucong.core.audit import audit_change
from dichvucong.core.constants import PROVINCE_SCOPE

from . import holiday_data
from .models import CalendarDay, WorkCalendar

PROVINCE_CALENDAR_NAME = "Lịch làm việc của tỉnh"
CACHE_VERSION_KEY = "agencies:calendar:version"
# Years the engine can be asked about: historical dossiers back to 2000, plans a century ahead.
FIRST_SEEDABLE_YEAR = 2000
LAST_SEEDABLE_YEAR = 2100


def calendar_cache_bump() -> None:
    """Invalidate every cached calendar (call after any change of calendars or their days)."""
    try:
        cache.incr(CACHE_VERSION_KEY)
    except ValueError:
        # No version yet (or evicted): start from the clock, never from a small number that an
        # entry cached before the eviction could still carry.
        cache.set(CACHE_VERSION_KEY, time.time_ns(), timeout=None)


def calendar_cache_version() -> int:
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        if not cache.add(CACHE_VERSION_KEY, version, timeout=None):
            version = cache.get(CACHE_VERSION_KEY, version)
    return int(version)


def calendar_province_get_or_create() -> WorkCalendar:
    """The province calendar; migration 0002 creates it, this recreates it if it was removed."""
    province = WorkCalendar.objects.filter(is_province=True).first()
    if province is not None:
        return province
    with transaction.atomic():
        province, created = WorkCalendar.objects.get_or_create(
            is_province=True, defaults={"name": PROVINCE_CALENDAR_NAME}
        )
        if created:
            audit_change(
                action="calendar.create",
                instance=province,
                before=None,
                after={"name": province.name, "is_province": True},
                scope=PROVINCE_SCOPE,
            )
    return province


def _audit_scope(calendar: WorkCalendar) -> str:
    if calendar.agency_id is None:
        return PROVINCE_SCOPE
    return calendar.agency.code


def calendar_year_is_seeded(*, calendar: WorkCalendar, year: int) -> bool:
    """A year is seeded once the calendar holds a row of it from a notice or the package.

    Rows an administrator entered do not count: entering one early must not stop the year's
    public holidays from arriving. (To cancel a holiday, change it to a working day rather than
    deleting it: a year whose seeded rows were all deleted is seeded again.)
    """
    return (
        CalendarDay.objects.filter(calendar=calendar, date__year=year)
        .exclude(source=CalendarDay.Source.MANUAL)
        .exists()
    )


def calendar_seed_year(*, calendar: WorkCalendar, year: int) -> int:
    """Load `year`'s holidays into `calendar` unless already there; return the rows added.

    2025 and 2026 come from the official notices (holiday_data.OFFICIAL_DAYS), other years from
    `holidays.country_holidays("VN")` with their Vietnamese names. Dates already in the calendar
    keep their row. 24/11 is never stored: the DVC_HOLIDAY_CULTURE_DAY switch decides it when a
    calendar is built.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"The year must be a whole number, not {year!r}.")
    if not FIRST_SEEDABLE_YEAR <= year <= LAST_SEEDABLE_YEAR:
        raise ValueError(
            f"Holidays can be seeded for {FIRST_SEEDABLE_YEAR}-{LAST_SEEDABLE_YEAR} only, not {year}."
        )
    rows, official = holiday_data.official_or_package_days(year)
    source = CalendarDay.Source.OFFICIAL if official else CalendarDay.Source.PACKAGE
    with transaction.atomic():
        # The lock makes a second, concurrent seeder wait and then find the year seeded.
        locked = WorkCalendar.objects.select_for_update().get(pk=calendar.pk)
        if calendar_year_is_seeded(calendar=locked, year=year):
            return 0
        taken = set(
            CalendarDay.objects.filter(calendar=locked, date__year=year).values_list(
                "date", flat=True
            )
        )
        new_days = [
            CalendarDay(calendar=locked, date=row.date, kind=row.kind, name=row.name, source=source)
            for row in rows
            if row.date not in taken
        ]
        if not new_days:
            return 0
        CalendarDay.objects.bulk_create(new_days, ignore_conflicts=True)
        audit_change(
            action="calendar.seed_year",
            instance=locked,
            before=None,
            after={
                "year": year,
                "source": source.value,
                "days": [
                    {"date": day.date.isoformat(), "kind": day.kind, "name": day.name}
                    for day in new_days
                ],
            },
            scope=_audit_scope(locked),
        )
        transaction.on_commit(calendar_cache_bump)
    return len(new_days)
