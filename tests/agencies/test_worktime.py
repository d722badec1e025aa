"""The pure working-time engine: Calendar objects built in memory, no database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dichvucong.agencies import holiday_data, worktime
from dichvucong.agencies.worktime import Calendar, DurationUnit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=VN)


def official_calendar(**changes) -> Calendar:
    """The province's default calendar with the official 2025 and 2026 notices."""
    rows = [row for year in (2025, 2026) for row in holiday_data.OFFICIAL_DAYS[year]]
    fields = {
        "days_off": {r.date for r in rows if r.kind == holiday_data.DAY_OFF},
        "working_days": {r.date for r in rows if r.kind == holiday_data.WORKING_DAY},
        **changes,
    }
    return Calendar(**fields)


CAL = official_calendar()
PLAIN = Calendar()  # weekends only


# --- Working days and the official notices


def test_tet_2026_is_off_from_14_to_22_february():
    for day in range(14, 23):
        assert not worktime.is_working_day(CAL, date(2026, 2, day)), day
    assert worktime.is_working_day(CAL, date(2026, 2, 13))
    assert worktime.is_working_day(CAL, date(2026, 2, 23))


def test_swapped_saturdays_are_worked_and_their_weekdays_are_off():
    assert worktime.is_working_day(CAL, date(2025, 4, 26))
    assert not worktime.is_working_day(CAL, date(2025, 5, 2))
    assert worktime.is_working_day(CAL, date(2026, 8, 22))
    assert not worktime.is_working_day(CAL, date(2026, 8, 31))
    # Without the notice, the same Saturday is a weekend.
    assert not worktime.is_working_day(PLAIN, date(2026, 8, 22))


def test_hung_kings_2026_compensation_monday_is_off():
    assert not worktime.is_working_day(CAL, date(2026, 4, 26))
    assert not worktime.is_working_day(CAL, date(2026, 4, 27))
    assert worktime.is_working_day(CAL, date(2026, 4, 28))


# --- Receipt outside working hours (R10)


@pytest.mark.parametrize(
    ("submitted", "received"),
    [
        (vn(2026, 3, 8, 23, 0), vn(2026, 3, 9, 7, 0)),  # Sun 23:00 → Mon 07:00
        (vn(2026, 3, 9, 6, 59), vn(2026, 3, 9, 7, 0)),  # before the morning
        (vn(2026, 3, 9, 7, 0), vn(2026, 3, 9, 7, 0)),  # at opening: at once
        (vn(2026, 3, 9, 9, 15), vn(2026, 3, 9, 9, 15)),  # inside a session: at once
        (vn(2026, 3, 9, 11, 30), vn(2026, 3, 9, 13, 30)),  # exactly at the lunch break
        (vn(2026, 3, 9, 12, 0), vn(2026, 3, 9, 13, 30)),  # in the lunch break
        (vn(2026, 3, 9, 16, 59, 59), vn(2026, 3, 9, 16, 59, 59)),
        (vn(2026, 3, 9, 17, 0), vn(2026, 3, 10, 7, 0)),  # exactly at closing
        (vn(2026, 3, 13, 18, 0), vn(2026, 3, 16, 7, 0)),  # Friday evening → Monday
        (vn(2026, 2, 13, 17, 30), vn(2026, 2, 23, 7, 0)),  # before Tết → after Tết
        (vn(2025, 12, 31, 17, 30), vn(2026, 1, 2, 7, 0)),  # across the year and 1/1
        (vn(2025, 4, 25, 20, 0), vn(2025, 4, 26, 7, 0)),  # the swapped Saturday is worked
    ],
)
def test_receipt_time(submitted, received):
    assert worktime.receipt_time(CAL, submitted) == received


def test_receipt_time_converts_other_zones_and_answers_in_local_time():
    # 01:00 UTC is 08:00 in Vietnam: inside the morning session.
    result = worktime.receipt_time(CAL, datetime(2026, 3, 9, 1, 0, tzinfo=ZoneInfo("UTC")))
    assert result == vn(2026, 3, 9, 8, 0)
    assert result.utcoffset() == timedelta(hours=7)


def test_receipt_time_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        worktime.receipt_time(CAL, datetime(2026, 3, 9, 8, 0))


# --- due_at, unit by unit


def test_five_working_days_over_tet_2026():
    due = worktime.due_at(CAL, vn(2026, 2, 13, 10, 0), 5, DurationUnit.WORKING_DAYS)
    assert due == vn(2026, 2, 27, 10, 0)


def test_filed_on_saturday_25_april_2026_counts_from_tuesday_28():
    # Sun 26/4 is Hùng Kings' day and Mon 27/4 its compensation.
    received = worktime.receipt_time(CAL, vn(2026, 4, 25, 9, 0))
    assert received == vn(2026, 4, 28, 7, 0)
    assert worktime.due_at(CAL, vn(2026, 4, 25, 9, 0), 1, "working_days") == vn(2026, 4, 28, 17, 0)


def test_hours_across_the_lunch_break():
    # 10:00 + 3 h: 1.5 h before lunch, 1.5 h after 13:30.
    assert worktime.due_at(CAL, vn(2026, 3, 9, 10, 0), 3, "hours") == vn(2026, 3, 9, 15, 0)


def test_hours_across_a_weekend():
    # Fri 16:00 + 4 h: 1 h on Friday, 3 h from Monday 07:00.
    assert worktime.due_at(CAL, vn(2026, 3, 13, 16, 0), 4, "hours") == vn(2026, 3, 16, 10, 0)


def test_hours_ending_exactly_at_a_session_end_stay_there():
    assert worktime.due_at(CAL, vn(2026, 3, 9, 10, 0), 1, "hours") == vn(2026, 3, 9, 11, 0)
    assert worktime.due_at(CAL, vn(2026, 3, 9, 10, 30), 1, "hours") == vn(2026, 3, 9, 11, 30)
    assert worktime.due_at(CAL, vn(2026, 3, 9, 7, 0), 1, "working_days") == vn(2026, 3, 9, 17, 0)


def test_working_days_skip_the_swapped_monday_and_work_the_swapped_saturday():
    # Fri 21/8/2026 10:00 + 2 WD: Sat 22/8 is worked, so due Mon 24/8 10:00.
    assert worktime.due_at(CAL, vn(2026, 8, 21, 10, 0), 2, "working_days") == vn(2026, 8, 24, 10, 0)
    # Fri 28/8 10:00 + 1 WD: 29/8 - 2/9 are off, so due Thu 3/9 10:00.
    assert worktime.due_at(CAL, vn(2026, 8, 28, 10, 0), 1, "working_days") == vn(2026, 9, 3, 10, 0)


def test_working_days_across_the_new_year():
    # Wed 31/12/2025 14:00 + 2 WD: Thu 1/1 off; Fri 2/1 and Mon 5/1.
    assert worktime.due_at(CAL, vn(2025, 12, 31, 14, 0), 2, "working_days") == vn(2026, 1, 5, 14, 0)


def test_calendar_days_land_on_a_working_day():
    assert worktime.due_at(CAL, vn(2026, 3, 9, 9, 0), 3, "days") == vn(2026, 3, 12, 9, 0)


def test_calendar_days_landing_on_a_weekend_move_to_monday_same_clock_time():
    # Mon 9/3 + 5 days = Sat 14/3 → Mon 16/3 at 09:00.
    assert worktime.due_at(CAL, vn(2026, 3, 9, 9, 0), 5, "days") == vn(2026, 3, 16, 9, 0)


def test_calendar_days_landing_on_a_holiday_move_past_it():
    # Mon 9/2/2026 + 7 days = Mon 16/2, inside Tết → Mon 23/2.
    assert worktime.due_at(CAL, vn(2026, 2, 9, 14, 0), 7, "days") == vn(2026, 2, 23, 14, 0)


def test_calendar_days_count_from_the_receipt_not_the_submission():
    # Filed Sat 7/3 → received Mon 9/3 07:00; 3 days → Thu 12/3 07:00.
    assert worktime.due_at(CAL, vn(2026, 3, 7, 22, 0), 3, "days") == vn(2026, 3, 12, 7, 0)


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (vn(2026, 3, 10, 9, 0), 1, vn(2026, 4, 10, 9, 0)),
        (vn(2027, 1, 29, 9, 0), 1, vn(2027, 3, 1, 9, 0)),  # 29/1 → 28/2/2027 is a Sunday
        (vn(2026, 12, 31, 9, 0), 2, vn(2027, 3, 1, 9, 0)),  # 31/12 → 28/2/2027 (Sun) → Mon 1/3
        (vn(2027, 12, 31, 9, 0), 2, vn(2028, 2, 29, 9, 0)),  # leap year: 29/2/2028 is a Tuesday
        (vn(2025, 3, 7, 9, 0), 1, vn(2025, 4, 8, 9, 0)),  # 7/4/2025 Hùng Kings → Tue 8/4
        (vn(2025, 11, 14, 9, 0), 12, vn(2026, 11, 16, 9, 0)),  # a year later: Sat → Mon
    ],
)
def test_months(received, months, due):
    assert worktime.due_at(CAL, received, months, DurationUnit.MONTHS) == due


def test_add_months_clamps_to_the_end_of_the_month():
    assert worktime.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert worktime.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert worktime.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert worktime.add_months(date(2026, 5, 31), 1) == date(2026, 6, 30)


def test_same_day_before_and_at_the_cut_off():
    assert worktime.due_at(CAL, vn(2026, 3, 9, 9, 0), 0, "hours", same_day=True) == vn(
        2026, 3, 9, 17, 0
    )
    assert worktime.due_at(CAL, vn(2026, 3, 9, 15, 0), 0, "hours", same_day=True) == vn(
        2026, 3, 9, 17, 0
    )


def test_same_day_after_the_cut_off_is_due_the_next_working_day():
    assert worktime.due_at(CAL, vn(2026, 3, 9, 15, 1), 0, "hours", same_day=True) == vn(
        2026, 3, 10, 17, 0
    )
    # Friday after the cut-off → Monday.
    assert worktime.due_at(CAL, vn(2026, 3, 13, 16, 0), 0, "days", same_day=True) == vn(
        2026, 3, 16, 17, 0
    )


def test_same_day_with_another_cut_off_and_outside_hours():
    at_1430 = vn(2026, 3, 9, 14, 30)
    assert worktime.due_at(CAL, at_1430, 0, "hours", same_day=True, cutoff=time(14, 0)) == vn(
        2026, 3, 10, 17, 0
    )
    # Filed Sunday evening: received Monday 07:00, so due Monday 17:00.
    assert worktime.due_at(CAL, vn(2026, 3, 8, 21, 0), 0, "hours", same_day=True) == vn(
        2026, 3, 9, 17, 0
    )


# --- Refusals


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"duration": -1}, "cannot be negative"),
        ({"unit": "weeks"}, "Unknown duration unit 'weeks'"),
        ({"received_at": datetime(2026, 3, 9, 9, 0)}, "timezone-aware"),
        ({"duration": 2.5}, "whole number"),
        ({"duration": 2, "same_day": True}, "same-day"),
        ({"same_day": True, "duration": 0, "cutoff": "15:00"}, "cut-off"),
    ],
)
def test_due_at_refuses_bad_input(kwargs, message):
    arguments = {"received_at": vn(2026, 3, 9, 9, 0), "duration": 1, "unit": "working_days"}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        worktime.due_at(CAL, **arguments)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sessions": ()}, "at least one"),
        ({"sessions": ((time(11), time(7)),)}, "start before it ends"),
        ({"sessions": ((time(7), time(12)), (time(11), time(17)))}, "overlap"),
        ({"weekend": {7}}, "weekday numbers"),
        ({"days_off": {date(2026, 1, 1)}, "working_days": {date(2026, 1, 1)}}, "both"),
    ],
)
def test_calendar_refuses_inconsistent_definitions(fields, message):
    with pytest.raises(ValueError, match=message):
        Calendar(**fields)


def test_a_calendar_without_any_working_day_is_refused_not_looped_forever():
    never = Calendar(weekend=set(range(7)))
    with pytest.raises(ValueError, match="no working"):
        worktime.receipt_time(never, vn(2026, 3, 9, 9, 0))


# --- Working time between two moments, and its inverse


def test_working_hours_between_counts_only_sessions():
    # Fri 16:00 → Mon 10:00: 1 h on Friday + 3 h on Monday.
    assert worktime.working_hours_between(
        CAL, vn(2026, 3, 13, 16, 0), vn(2026, 3, 16, 10, 0)
    ) == timedelta(hours=4)
    # The lunch break does not count.
    assert worktime.working_hours_between(
        CAL, vn(2026, 3, 9, 11, 0), vn(2026, 3, 9, 14, 0)
    ) == timedelta(hours=1)
    # Tết 2026 week: nothing.
    assert worktime.working_hours_between(
        CAL, vn(2026, 2, 13, 17, 0), vn(2026, 2, 23, 7, 0)
    ) == timedelta(0)


def test_working_hours_between_is_signed():
    start, end = vn(2026, 3, 9, 9, 0), vn(2026, 3, 10, 9, 0)
    assert worktime.working_hours_between(CAL, end, start) == -timedelta(hours=8)


def test_working_hours_between_inverts_add_working_time_over_a_year():
    start = vn(2025, 6, 2, 9, 45)
    for hours in (0, 1, 3.5, 8, 40, 8 * 250):
        delta = timedelta(hours=hours)
        end = worktime.add_working_time(CAL, start, delta)
        assert worktime.working_hours_between(CAL, start, end) == delta, hours


def test_a_year_of_working_days_lands_a_calendar_year_later():
    # 2026 has 250 working days under the notices (261 weekdays, 12 of them off, + 1 Saturday).
    weekdays = sum(1 for i in range(365) if (date(2026, 1, 1) + timedelta(i)).weekday() < 5)
    days_off = sum(
        1 for r in holiday_data.OFFICIAL_DAYS[2026] if r.kind == "off" and r.date.weekday() < 5
    )
    assert weekdays - days_off + 1 == 250
    due = worktime.due_at(CAL, vn(2025, 12, 31, 17, 0), 250, "working_days")
    assert due == vn(2026, 12, 31, 17, 0)


def test_custom_sessions_and_weekend():
    # A desk open 08:00-12:00 and 13:00-17:00, Monday to Saturday.
    cal = Calendar(sessions=((time(8), time(12)), (time(13), time(17))), weekend={6})
    assert worktime.receipt_time(cal, vn(2026, 3, 14, 7, 0)) == vn(2026, 3, 14, 8, 0)
    assert worktime.due_at(cal, vn(2026, 3, 14, 16, 0), 2, "hours") == vn(2026, 3, 16, 9, 0)
    assert worktime.due_at(cal, vn(2026, 3, 9, 12, 30), 0, "hours", same_day=True) == vn(
        2026, 3, 9, 17, 0
    )


# --- Subtracting working time (one working day before a due time: the due-soon mark)


@pytest.mark.parametrize(
    ("end", "hours", "expected"),
    [
        (vn(2026, 3, 10, 9, 0), 8, vn(2026, 3, 9, 9, 0)),  # a plain Tuesday → Monday
        (vn(2026, 3, 9, 9, 0), 8, vn(2026, 3, 6, 9, 0)),  # Monday → the Friday before
        (vn(2026, 3, 9, 14, 0), 1, vn(2026, 3, 9, 11, 0)),  # across lunch (13:30 → 11:30)
        (vn(2026, 2, 23, 10, 0), 8, vn(2026, 2, 13, 10, 0)),  # across Tết, 14/2 to 22/2/2026
        (vn(2026, 3, 9, 12, 30), 0.5, vn(2026, 3, 9, 11, 0)),  # an end at lunch counts from 11:30
        (vn(2026, 3, 9, 9, 0), 0, vn(2026, 3, 9, 9, 0)),
    ],
)
def test_subtract_working_time(end, hours, expected):
    assert worktime.subtract_working_time(CAL, end, timedelta(hours=hours)) == expected


def test_subtract_working_time_inverts_add_working_time():
    start = vn(2025, 6, 2, 9, 45)
    for hours in (1, 3.5, 8, 40, 8 * 250):
        delta = timedelta(hours=hours)
        end = worktime.add_working_time(CAL, start, delta)
        assert (
            worktime.working_hours_between(
                CAL, worktime.subtract_working_time(CAL, end, delta), end
            )
            == delta
        )


def test_subtract_working_time_refuses_a_negative_delta():
    with pytest.raises(ValueError):
        worktime.subtract_working_time(CAL, vn(2026, 3, 9, 9), timedelta(hours=-1))
