"""Seeding holidays into the working calendars: the official notices (migration 0002) and the
`holidays` package for other years."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from dichvucong.agencies import calendar_services, holiday_data
from dichvucong.agencies.models import CalendarDay, WorkCalendar
from dichvucong.core.models import AuditEntry
from tests.agencies.calendar_factories import CalendarDayFactory

pytestmark = pytest.mark.django_db

OFF, WORKING = CalendarDay.Kind.DAY_OFF, CalendarDay.Kind.WORKING_DAY


def province() -> WorkCalendar:
    return WorkCalendar.objects.get(is_province=True)


def seed_audits():
    return AuditEntry.objects.filter(action="calendar.seed_year")


# --- The official notices, as data and as loaded by migration 0002


def test_migration_created_the_province_calendar_with_default_sessions():
    cal = province()
    assert cal.name == "Lịch làm việc của tỉnh"
    assert cal.agency is None
    assert (str(cal.morning_start), str(cal.afternoon_end)) == ("07:00:00", "17:00:00")
    assert cal.weekend_days == "5,6"


def test_migration_loaded_the_2025_and_2026_notices_as_official_rows():
    days = {d.date: d for d in province().days.all()}
    expected = [row for rows in holiday_data.OFFICIAL_DAYS.values() for row in rows]
    assert {row.date for row in expected} <= set(days)
    for row in expected:
        assert (days[row.date].kind, days[row.date].source) == (row.kind, "official")
    assert days[date(2025, 4, 26)].kind == WORKING
    assert days[date(2025, 5, 2)].kind == OFF
    assert days[date(2026, 8, 22)].kind == WORKING
    assert days[date(2026, 8, 31)].kind == OFF
    assert {d for d in days if date(2026, 2, 14) <= d <= date(2026, 2, 22)} == {
        date(2026, 2, d) for d in range(14, 23)
    }


@pytest.mark.parametrize("year", [2025, 2026])
def test_official_notices_and_the_package_agree_on_every_weekday_off(year):
    # The package's Tết also lists weekend days and misses the swapped Saturdays; on weekdays
    # off, both sources must say the same, or one of them changed and needs a look.
    official = {
        r.date for r in holiday_data.OFFICIAL_DAYS[year] if r.kind == "off" and r.date.weekday() < 5
    }
    package = {r.date for r in holiday_data.package_days(year) if r.date.weekday() < 5}
    assert official == package


def test_package_days_turn_a_swap_into_a_working_saturday():
    rows = {r.date: r for r in holiday_data.package_days(2024)}
    assert rows[date(2024, 4, 29)].kind == "off"
    assert rows[date(2024, 5, 4)].kind == "working"


def test_package_days_leave_out_the_culture_day():
    assert holiday_data.culture_days(2027) == (date(2027, 11, 24),)
    assert date(2027, 11, 24) not in {r.date for r in holiday_data.package_days(2027)}
    assert holiday_data.culture_days(2025) == ()
    # 24/11/2029 is a Saturday: the package's compensation Monday goes with it.
    assert holiday_data.culture_days(2029) == (date(2029, 11, 24), date(2029, 11, 26))


# --- calendar_seed_year


def test_seeding_2027_loads_tet_from_the_package_in_vietnamese_and_audits_it():
    added = calendar_services.calendar_seed_year(calendar=province(), year=2027)

    days = {d.date: d for d in province().days.filter(date__year=2027)}
    assert added == len(days) > 10
    tet = days[date(2027, 2, 6)]
    assert (tet.kind, tet.source, tet.name) == (OFF, "package", "Tết Nguyên Đán")
    assert days[date(2027, 2, 10)].name == "Mùng năm Tết Nguyên Đán"
    assert date(2027, 11, 24) not in days  # decided by the switch, never stored
    entry = seed_audits().get()
    assert entry.after["year"] == 2027
    assert entry.after["source"] == "package"
    assert len(entry.after["days"]) == added
    assert entry.scope == "province"


def test_seeding_is_idempotent():
    calendar_services.calendar_seed_year(calendar=province(), year=2027)
    rows = list(province().days.filter(date__year=2027).values_list("date", "kind", "name"))

    assert calendar_services.calendar_seed_year(calendar=province(), year=2027) == 0
    assert list(province().days.filter(date__year=2027).values_list("date", "kind", "name")) == rows
    assert seed_audits().count() == 1


def test_seeding_an_official_year_again_changes_nothing():
    before = CalendarDay.objects.count()
    assert calendar_services.calendar_seed_year(calendar=province(), year=2026) == 0
    assert CalendarDay.objects.count() == before
    assert not seed_audits().exists()


def test_seeding_keeps_a_day_the_administrator_entered_first():
    CalendarDayFactory(calendar=province(), date=date(2027, 2, 8), working=True, name="Trực Tết")

    calendar_services.calendar_seed_year(calendar=province(), year=2027)

    kept = province().days.get(date=date(2027, 2, 8))
    assert (kept.kind, kept.source, kept.name) == (WORKING, "manual", "Trực Tết")
    assert province().days.filter(date=date(2027, 2, 9), source="package").exists()


def test_seeding_an_official_year_whose_rows_were_removed_reloads_the_notice():
    province().days.filter(date__year=2026).delete()

    calendar_services.calendar_seed_year(calendar=province(), year=2026)

    days = {d.date: d for d in province().days.filter(date__year=2026)}
    assert days[date(2026, 8, 22)].kind == WORKING
    assert {d.source for d in days.values()} == {"official"}
    assert seed_audits().get().after["source"] == "official"


@pytest.mark.parametrize("year", [1800, 2101, "2027", 2027.0, True])
def test_seeding_refuses_an_impossible_year_and_writes_nothing(year):
    before = CalendarDay.objects.count()
    with pytest.raises(ValueError, match=r"year|Holidays"):
        calendar_services.calendar_seed_year(calendar=province(), year=year)
    assert CalendarDay.objects.count() == before
    assert not seed_audits().exists()


def test_the_province_calendar_is_recreated_if_missing():
    WorkCalendar.objects.filter(is_province=True).delete()

    cal = calendar_services.calendar_province_get_or_create()

    assert cal.is_province and cal.name == "Lịch làm việc của tỉnh"
    assert calendar_services.calendar_province_get_or_create() == cal
    assert AuditEntry.objects.filter(action="calendar.create").count() == 1


def test_cache_bump_moves_the_version():
    first = calendar_services.calendar_cache_version()
    calendar_services.calendar_cache_bump()
    assert calendar_services.calendar_cache_version() > first


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_seeding_adds_each_row_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database is not shared between threads")
    cal = province()
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def seed():
        try:
            barrier.wait()
            results.append(calendar_services.calendar_seed_year(calendar=cal, year=2027))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=seed) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results)[:-1] == [0, 0, 0] and results.count(0) == 3
    dates = list(province().days.filter(date__year=2027).values_list("date", flat=True))
    assert len(dates) == len(set(dates)) == max(results)
    assert seed_audits().count() == 1
