"""The engine's Calendar built from the database: province, agency override, seeding on demand,
the 24/11 switch and the cache."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dichvucong.agencies import calendar_selectors, calendar_services, worktime
from dichvucong.agencies.models import CalendarDay, WorkCalendar
from tests.agencies.calendar_factories import CalendarDayFactory, WorkCalendarFactory
from tests.agencies.factories import AgencyFactory

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def province() -> WorkCalendar:
    return WorkCalendar.objects.get(is_province=True)


# --- The province calendar


def test_province_calendar_2026():
    cal = calendar_selectors.calendar_for(years=[2026])
    assert cal.sessions == worktime.DEFAULT_SESSIONS
    assert cal.weekend == {5, 6}
    for day in range(14, 23):
        assert not worktime.is_working_day(cal, date(2026, 2, day))
    assert worktime.is_working_day(cal, date(2026, 8, 22))
    assert not worktime.is_working_day(cal, date(2026, 8, 31))
    assert not worktime.is_working_day(cal, date(2026, 4, 27))


def test_province_calendar_2025_swap():
    cal = calendar_selectors.calendar_for(years=[2025])
    assert worktime.is_working_day(cal, date(2025, 4, 26))
    assert not worktime.is_working_day(cal, date(2025, 5, 2))


def test_due_at_for_five_working_days_over_tet_2026():
    due = calendar_selectors.due_at_for(
        received_at=vn(2026, 2, 13, 10), duration=5, unit="working_days"
    )
    assert due == vn(2026, 2, 27, 10)


def test_receipt_time_for_hung_kings_weekend_2026():
    assert calendar_selectors.receipt_time_for(submitted_at=vn(2026, 4, 25, 9)) == vn(
        2026, 4, 28, 7
    )
    assert calendar_selectors.receipt_time_for(submitted_at=vn(2026, 3, 8, 23)) == vn(2026, 3, 9, 7)


def test_working_hours_between_for():
    hours = calendar_selectors.working_hours_between_for(
        start=vn(2026, 2, 13, 16), end=vn(2026, 2, 23, 8)
    )
    assert hours == timedelta(hours=2)


@pytest.mark.parametrize(
    ("start", "due", "warn"),
    [
        # Two working days from Tue 07:20: warned one working day before, on Wed 07:20.
        (vn(2026, 12, 8, 7, 20), vn(2026, 12, 10, 7, 20), vn(2026, 12, 9, 7, 20)),
        # One working day from Tue 07:20, or from Mon 20:00 (counted from Tue 07:00): no due-soon
        # period, whatever the hour it started.
        (vn(2026, 12, 8, 7, 20), vn(2026, 12, 9, 7, 20), vn(2026, 12, 9, 7, 20)),
        (vn(2026, 12, 7, 20, 0), vn(2026, 12, 9, 7, 0), vn(2026, 12, 9, 7, 0)),
        # Same-day at 17:00: none either. Received after the cut-off it has the next day too.
        (vn(2026, 12, 8, 7, 20), vn(2026, 12, 8, 17, 0), vn(2026, 12, 8, 17, 0)),
        (vn(2026, 12, 8, 15, 1), vn(2026, 12, 9, 17, 0), vn(2026, 12, 9, 7, 0)),
        # Over Tết: one working day before Mon 23/2/2026 10:00 is Fri 13/2 10:00 (3 h + 5 h).
        (vn(2026, 2, 13, 8, 0), vn(2026, 2, 23, 10, 0), vn(2026, 2, 13, 10, 0)),
    ],
)
def test_warn_at_for_is_one_working_day_before_unless_that_is_not_after_the_start(start, due, warn):
    assert calendar_selectors.warn_at_for(due_at=due, start=start) == warn


def test_warn_at_for_without_a_start_is_always_one_working_day_before():
    assert calendar_selectors.warn_at_for(due_at=vn(2026, 12, 8, 17, 0)) == vn(2026, 12, 8, 7, 0)


# --- Years seeded on demand


def test_a_package_year_is_seeded_the_first_time_it_is_needed():
    assert not province().days.filter(date__year=2027).exists()

    cal = calendar_selectors.calendar_for(years=[2027])

    assert not worktime.is_working_day(cal, date(2027, 2, 8))  # Tết 2027 from the package
    assert province().days.filter(date__year=2027, source="package").exists()
    # A due date across Tết 2027: Wed 3/2 10:00 + 3 WD → Mon 15/2 10:00 (4-10/2 off).
    due = calendar_selectors.due_at_for(
        received_at=vn(2027, 2, 3, 10), duration=3, unit=worktime.DurationUnit.WORKING_DAYS
    )
    assert due == vn(2027, 2, 15, 10)


def test_a_result_past_the_loaded_years_is_computed_again_with_its_year():
    # Thu 1/10/2026 + 19 months = Mon 1/5/2028, a holiday, and so is Tue 2/5 (30/4 was a Sunday).
    due = calendar_selectors.due_at_for(received_at=vn(2026, 10, 1, 9), duration=19, unit="months")
    assert due == vn(2028, 5, 3, 9)
    assert province().days.filter(date__year=2028, source="package").exists()


def test_bad_input_is_refused_before_any_seeding():
    for kwargs in (
        {"duration": -1, "unit": "working_days"},
        {"duration": 1, "unit": "fortnights"},
    ):
        with pytest.raises(ValueError):
            calendar_selectors.due_at_for(received_at=vn(2031, 1, 5, 9), **kwargs)
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar_selectors.due_at_for(
            received_at=datetime(2031, 1, 5, 9), duration=1, unit="working_days"
        )
    assert not CalendarDay.objects.filter(date__year=2031).exists()


# --- The 24/11 switch


@pytest.mark.parametrize("year", [2026, 2027])
def test_culture_day_follows_the_switch_without_reseeding(settings, year):
    culture_day = date(year, 11, 24)
    settings.DVC_HOLIDAY_CULTURE_DAY = False
    assert worktime.is_working_day(calendar_selectors.calendar_for(years=[year]), culture_day)

    settings.DVC_HOLIDAY_CULTURE_DAY = True
    assert not worktime.is_working_day(calendar_selectors.calendar_for(years=[year]), culture_day)

    settings.DVC_HOLIDAY_CULTURE_DAY = False
    assert worktime.is_working_day(calendar_selectors.calendar_for(years=[year]), culture_day)


def test_culture_day_switch_does_not_exist_before_2026(settings):
    settings.DVC_HOLIDAY_CULTURE_DAY = True
    assert worktime.is_working_day(
        calendar_selectors.calendar_for(years=[2025]), date(2025, 11, 24)
    )


def test_an_administrators_working_day_beats_the_culture_day_switch(settings):
    settings.DVC_HOLIDAY_CULTURE_DAY = True
    CalendarDayFactory(calendar=province(), date=date(2026, 11, 24), working=True)
    assert worktime.is_working_day(
        calendar_selectors.calendar_for(years=[2026]), date(2026, 11, 24)
    )


def test_due_date_moves_with_the_culture_day(settings):
    # Mon 23/11/2026 10:00 + 1 WD: Tue 24/11 10:00, or Wed 25/11 10:00 when 24/11 is off.
    args = {"received_at": vn(2026, 11, 23, 10), "duration": 1, "unit": "working_days"}
    settings.DVC_HOLIDAY_CULTURE_DAY = False
    assert calendar_selectors.due_at_for(**args) == vn(2026, 11, 24, 10)
    settings.DVC_HOLIDAY_CULTURE_DAY = True
    assert calendar_selectors.due_at_for(**args) == vn(2026, 11, 25, 10)


# --- An agency's own calendar


def test_agency_override_sessions_and_days_beat_the_province():
    own = WorkCalendarFactory(eight_to_five=True)
    agency = own.agency
    CalendarDayFactory(calendar=own, date=date(2026, 3, 10), name="Ngày truyền thống của Sở")
    CalendarDayFactory(
        calendar=own, date=date(2026, 1, 1), working=True, name="Trực Tết Dương lịch"
    )

    cal = calendar_selectors.calendar_for(agency=agency, years=[2026])
    assert cal.sessions == ((time(8), time(12)), (time(13), time(17)))
    assert not worktime.is_working_day(cal, date(2026, 3, 10))
    assert worktime.is_working_day(cal, date(2026, 1, 1))
    assert not worktime.is_working_day(cal, date(2026, 2, 17))  # the province's Tết still holds

    # Mon 9/3 10:00 + 1 WD: the agency skips its own day off and opens at 08:00.
    received = vn(2026, 3, 9, 10)
    assert calendar_selectors.due_at_for(
        received_at=received, duration=1, unit="working_days"
    ) == vn(2026, 3, 10, 10)
    assert calendar_selectors.due_at_for(
        agency=agency, received_at=received, duration=1, unit="working_days"
    ) == vn(2026, 3, 11, 10)
    assert calendar_selectors.receipt_time_for(
        agency=agency, submitted_at=vn(2026, 3, 9, 7, 30)
    ) == vn(2026, 3, 9, 8)
    # Lunch at this agency ends at 13:00, not 13:30.
    assert calendar_selectors.receipt_time_for(
        agency=agency, submitted_at=vn(2026, 3, 9, 12, 30)
    ) == vn(2026, 3, 9, 13)


def test_agency_override_weekend():
    own = WorkCalendarFactory(six_day_week=True)
    cal = calendar_selectors.calendar_for(agency=own.agency, years=[2026])
    assert worktime.is_working_day(cal, date(2026, 3, 14))  # a Saturday
    assert not worktime.is_working_day(cal, date(2026, 2, 14))  # but not the Saturday of Tết


def test_an_agency_without_its_own_calendar_uses_the_province_one():
    agency = AgencyFactory()
    assert calendar_selectors.calendar_for(
        agency=agency, years=[2026]
    ) == calendar_selectors.calendar_for(years=[2026])


# --- Queries and cache


def test_building_takes_two_queries_and_a_cached_calendar_none(django_assert_num_queries):
    agency = WorkCalendarFactory().agency
    with django_assert_num_queries(2):
        first = calendar_selectors.calendar_for(agency=agency, years=[2025, 2026])
    with django_assert_num_queries(0):
        assert calendar_selectors.calendar_for(agency=agency, years=[2026, 2025]) == first


def test_a_bump_rebuilds_the_cached_calendar():
    cal = calendar_selectors.calendar_for(years=[2026])
    CalendarDayFactory(calendar=province(), date=date(2026, 3, 10))
    # Written behind the services' back: still the cached calendar...
    assert calendar_selectors.calendar_for(years=[2026]) == cal
    calendar_services.calendar_cache_bump()
    # ...until the version moves.
    assert not worktime.is_working_day(
        calendar_selectors.calendar_for(years=[2026]), date(2026, 3, 10)
    )


def test_the_province_calendar_is_recreated_with_the_notices_if_missing():
    WorkCalendar.objects.filter(is_province=True).delete()
    cal = calendar_selectors.calendar_for(years=[2026])
    assert worktime.is_working_day(cal, date(2026, 8, 22))
    assert not worktime.is_working_day(cal, date(2026, 8, 31))


@pytest.mark.parametrize(
    ("value", "days"), [("5,6", {5, 6}), ("6", {6}), ("", set()), (" 0 , 6 ", {0, 6})]
)
def test_parse_weekend_days(value, days):
    assert calendar_selectors.parse_weekend_days(value) == days


@pytest.mark.parametrize(
    "value", ["abc", "7", "5;6", "-1", "\u0665"]
)  # \u0665: an Arabic-Indic five, isdigit() but not ASCII
def test_parse_weekend_days_refuses_nonsense(value):
    with pytest.raises(ValueError, match="weekday number"):
        calendar_selectors.parse_weekend_days(value)


def test_due_soon_is_one_working_day_of_8_hours_whatever_the_sessions_add_up_to():
    # A desk open 6 hours a day (08-11, 13-16): "one working day" is still 8 working hours
    # (domain.md §2.3), as the due times count it — not one of this desk's shorter days.
    agency = AgencyFactory(with_desk=True)
    WorkCalendarFactory(
        agency=agency,
        morning_start=time(8, 0),
        morning_end=time(11, 0),
        afternoon_start=time(13, 0),
        afternoon_end=time(16, 0),
    )
    due = datetime(2026, 3, 11, 16, 0, tzinfo=VN)  # Wednesday
    warn = calendar_selectors.warn_at_for(agency=agency, due_at=due)

    assert warn == datetime(2026, 3, 10, 14, 0, tzinfo=VN)  # Wed's 6 hours + Tue's last 2
    assert (
        calendar_selectors.working_hours_between_for(agency=agency, start=warn, end=due)
        == worktime.WORKING_DAY
        == timedelta(hours=8)
    )
    received = datetime(2026, 3, 10, 14, 0, tzinfo=VN)
    assert (
        calendar_selectors.due_at_for(
            agency=agency, received_at=received, duration=1, unit=worktime.DurationUnit.WORKING_DAYS
        )
        == due
    )
