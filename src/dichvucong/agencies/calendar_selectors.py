"""Reads of the working calendars: the engine's `Calendar` for the province or an agency, and
due dates and receipt times computed with it.

An agency's own WorkCalendar overlays the province's: its sessions and weekend replace the
province's, and its days replace the province's on the same date. Built calendars are cached
per (agency, years, culture-day switch, version); calendar_services.calendar_cache_bump() moves
the version whenever calendars or days change, so a stale calendar is never read after an edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

from . import calendar_services, holiday_data, worktime
from .models import Agency, CalendarDay, WorkCalendar

CACHE_TIMEOUT = 60 * 60  # an hour bounds the life of anything changed behind the services' back
DAY_OFF = CalendarDay.Kind.DAY_OFF.value
WORKING_DAY = CalendarDay.Kind.WORKING_DAY.value
MANUAL = CalendarDay.Source.MANUAL.value


def parse_weekend_days(value: str) -> frozenset[int]:
    """ "5,6" → {5, 6}; an empty value means no weekend. Raises ValueError on anything else."""
    days: set[int] = set()
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isascii() or not part.isdigit() or not 0 <= int(part) <= 6:
            raise ValueError(f"{part!r} is not a weekday number from 0 (Monday) to 6 (Sunday).")
        days.add(int(part))
    return frozenset(days)


def _culture_day_on() -> bool:
    return bool(getattr(settings, "DVC_HOLIDAY_CULTURE_DAY", False))


def _normalise_years(years: Iterable[int]) -> tuple[int, ...]:
    unique = tuple(sorted(set(years)))
    if not unique:
        raise ValueError("Name at least one year to build a calendar for.")
    for year in unique:
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"A year must be a whole number, not {year!r}.")
    return unique


def calendar_for(*, agency: Agency | None = None, years: Iterable[int]) -> worktime.Calendar:
    """The engine's calendar for `agency` (None: the province) covering `years`.

    Years not yet in the province calendar are seeded first (one time per year). Dates outside
    `years` are treated by weekday only, so callers pass every year a computation may touch
    (see due_at_for). Two queries when the years are seeded; nothing when cached.
    """
    wanted = _normalise_years(years)
    culture = _culture_day_on()
    key = "agencies:calendar:{version}:{agency}:{culture}:{years}".format(
        version=calendar_services.calendar_cache_version(),
        agency=agency.pk if agency is not None else "province",
        culture=int(culture),
        years=",".join(map(str, wanted)),
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    built = _build(agency=agency, years=wanted, culture=culture)
    cache.set(key, built, timeout=CACHE_TIMEOUT)
    return built


def _build(*, agency: Agency | None, years: tuple[int, ...], culture: bool) -> worktime.Calendar:
    which = Q(is_province=True)
    if agency is not None:
        which |= Q(agency=agency)
    calendars = list(WorkCalendar.objects.filter(which))
    province = next((c for c in calendars if c.is_province), None)
    if province is None:
        province = calendar_services.calendar_province_get_or_create()
        calendars.append(province)
    own = next((c for c in calendars if not c.is_province), None)

    def load_days() -> list[tuple[int, date, str, str]]:
        return [
            row
            for row in CalendarDay.objects.filter(
                calendar__in=[c.pk for c in calendars],
                date__gte=date(years[0], 1, 1),
                date__lte=date(years[-1], 12, 31),
            ).values_list("calendar_id", "date", "kind", "source")
            if row[1].year in years
        ]

    rows = load_days()
    seeded = {
        day.year
        for cal_id, day, _kind, source in rows
        if cal_id == province.pk and source != MANUAL
    }
    missing = [year for year in years if year not in seeded]
    if missing:
        for year in missing:
            calendar_services.calendar_seed_year(calendar=province, year=year)
        rows = load_days()

    culture_days = {day for year in years for day in holiday_data.culture_days(year)}
    kinds: dict[date, str] = {}
    # Province first, then the culture-day switch, then the agency's own days on top.
    for cal_id, day, kind, source in rows:
        if cal_id != province.pk:
            continue
        if day in culture_days and not culture and kind == DAY_OFF and source != MANUAL:
            continue  # a seeded 24/11 only counts when the switch is on
        kinds[day] = kind
    if culture:
        for day in culture_days:
            kinds.setdefault(day, DAY_OFF)
    for cal_id, day, kind, _source in rows:
        if own is not None and cal_id == own.pk:
            kinds[day] = kind

    base = own or province
    return worktime.Calendar(
        sessions=(
            (base.morning_start, base.morning_end),
            (base.afternoon_start, base.afternoon_end),
        ),
        weekend=parse_weekend_days(base.weekend_days),
        days_off=frozenset(day for day, kind in kinds.items() if kind == DAY_OFF),
        working_days=frozenset(day for day, kind in kinds.items() if kind == WORKING_DAY),
    )


def _local_year(moment: datetime) -> int:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("The time must be a timezone-aware datetime.")
    return moment.astimezone(worktime.VN_TZ).year


def _with_years_covering(agency: Agency | None, first_year: int, compute):
    """Run `compute(calendar)` with a calendar that covers every year the result reaches.

    Starts with the first year and the next one; if the result lands past the loaded years,
    loads up to its year and computes again (the computation walks forward from the start, so
    every date it looked at is on or before the result).
    """
    last_year = first_year + 1
    while True:
        result = compute(calendar_for(agency=agency, years=range(first_year, last_year + 1)))
        if result.year <= last_year:
            return result
        last_year = result.year


def receipt_time_for(*, agency: Agency | None = None, submitted_at: datetime) -> datetime:
    """When something filed at `submitted_at` counts as received by `agency` (R10)."""
    return _with_years_covering(
        agency,
        _local_year(submitted_at),
        lambda cal: worktime.receipt_time(cal, submitted_at),
    )


def due_at_for(
    *,
    agency: Agency | None = None,
    received_at: datetime,
    duration: int,
    unit: worktime.DurationUnit | str,
    same_day: bool = False,
    cutoff: time | None = None,
) -> datetime:
    """The due date under `agency`'s calendar; see worktime.due_at for the rules."""
    # Refuse bad input before touching the database (seeding a year is a write).
    worktime.parse_unit(unit)
    worktime.check_duration(duration)
    return _with_years_covering(
        agency,
        _local_year(received_at),
        lambda cal: worktime.due_at(
            cal,
            received_at,
            duration,
            unit,
            same_day=same_day,
            cutoff=worktime.SAME_DAY_CUTOFF if cutoff is None else cutoff,
        ),
    )


def working_hours_between_for(
    *, agency: Agency | None = None, start: datetime, end: datetime
) -> timedelta:
    """Working time between two moments under `agency`'s calendar (pauses, on-time checks)."""
    first, last = sorted((_local_year(start), _local_year(end)))
    cal = calendar_for(agency=agency, years=range(first, last + 1))
    return worktime.working_hours_between(cal, start, end)


def warn_at_for(
    *, agency: Agency | None = None, due_at: datetime, start: datetime | None = None
) -> datetime:
    """One working day (8 working hours, worktime.WORKING_DAY) before `due_at` under `agency`'s calendar:
    from then on the step or dossier is "due soon" and a late dossier's apology is prompted.

    With `start` (when the step opened, the dossier was received, the new date was given):
    something whose whole time from its first working moment is a working day or less (a
    same-day dossier, a one-day leader step) has no due-soon period, or it would be "due soon"
    from the moment it arrives, at 07:20 but not at 20:00 the evening before: its warning time
    is then its due time, and it is marked again only when it runs late (decision 0008).
    """
    year = _local_year(due_at)
    first = year - 1 if start is None else min(year - 1, _local_year(start))
    cal = calendar_for(agency=agency, years=range(first, year + 1))
    warn = worktime.subtract_working_time(cal, due_at, worktime.WORKING_DAY)
    if start is not None and warn <= worktime.receipt_time(cal, start):
        return due_at
    return warn


def add_working_time_for(
    *, agency: Agency | None = None, start: datetime, delta: timedelta
) -> datetime:
    """`start` moved on by `delta` of working time under `agency`'s calendar (a step's due
    time after a supplement pause)."""
    return _with_years_covering(
        agency, _local_year(start), lambda cal: worktime.add_working_time(cal, start, delta)
    )
