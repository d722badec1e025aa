"""The working-time engine: pure functions over a `Calendar` (domain.md §2.3, §3, §8, R9, R10).

No database, no settings: callers build a `Calendar` (agencies/calendar_selectors.py does it from
the working-calendar tables) and pass it in, so every rule here is testable in microseconds.

Conventions:
- every datetime in and out is timezone-aware; results are in the calendar's zone
  (Asia/Ho_Chi_Minh, which has no daylight saving, so wall-clock arithmetic is exact);
- a session is a half-open interval [start, end): a dossier filed at exactly 11:30 is received
  at 13:30, and one filed at exactly 17:00 the next working morning;
- working time that runs out exactly at a session's end is due at that end (17:00), not at the
  start of the next session.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_SESSIONS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
DEFAULT_WEEKEND: frozenset[int] = frozenset({5, 6})  # date.weekday(): 5 = Saturday, 6 = Sunday
WORKING_DAY_HOURS = 8  # 1 "ngày làm việc" = 8 working hours (domain.md §2.3)
# The one length of a working day, whatever a calendar's sessions add up to: due times, the
# warning one working day before, and the catalogue's process budgets all count with it.
WORKING_DAY = timedelta(hours=WORKING_DAY_HOURS)
SAME_DAY_CUTOFF = time(15, 0)  # same-day requests received after 15:00 are due the next day (§3)
# A calendar with no working day in this many consecutive days is misconfigured (every weekday
# a weekend, or a year of days off): refuse rather than search forever.
MAX_DAYS_WITHOUT_WORK = 400


class DurationUnit(StrEnum):
    """How a procedure's time limit is counted. The values are stored by later apps."""

    HOURS = "hours"  # working hours, counted through the sessions
    WORKING_DAYS = "working_days"  # 8 working hours each
    DAYS = "days"  # calendar days; the due date is moved off days off
    MONTHS = "months"  # calendar months; the due date is moved off days off


@dataclass(frozen=True)
class Calendar:
    """Sessions, weekend and exceptions of one working calendar.

    `working_days` are swapped working Saturdays (ngày làm bù): they override the weekend.
    `days_off` are holidays and swapped days off: they override the weekdays. A date cannot be
    in both; whoever builds the calendar resolves overrides first.
    """

    sessions: tuple[tuple[time, time], ...] = DEFAULT_SESSIONS
    weekend: frozenset[int] = DEFAULT_WEEKEND
    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    tz: ZoneInfo = VN_TZ

    def __post_init__(self) -> None:
        # Accept any iterable from callers but keep the frozen value hashable and immutable.
        object.__setattr__(self, "sessions", tuple((s, e) for s, e in self.sessions))
        object.__setattr__(self, "weekend", frozenset(self.weekend))
        object.__setattr__(self, "days_off", frozenset(self.days_off))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        if not self.sessions:
            raise ValueError("A calendar needs at least one working session.")
        previous_end: time | None = None
        for start, end in self.sessions:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("Session times are wall-clock times: give them without a zone.")
            if not start < end:
                raise ValueError(f"A session must start before it ends ({start}-{end}).")
            if previous_end is not None and start < previous_end:
                raise ValueError("Sessions must be in order and must not overlap.")
            previous_end = end
        if not all(isinstance(day, int) and 0 <= day <= 6 for day in self.weekend):
            raise ValueError("Weekend days are weekday numbers from 0 (Monday) to 6 (Sunday).")
        both = self.days_off & self.working_days
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"A date cannot be both a day off and a working day: {listed}.")

    @property
    def closing_time(self) -> time:
        """End of the last session of the day (17:00 by default)."""
        return self.sessions[-1][1]


def _at(cal: Calendar, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=cal.tz)


def _local(cal: Calendar, moment: datetime, what: str) -> datetime:
    if not isinstance(moment, datetime):
        raise ValueError(f"{what} must be a datetime, not {type(moment).__name__}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (got the naive {moment.isoformat()}).")
    return moment.astimezone(cal.tz)


def is_working_day(cal: Calendar, day: date) -> bool:
    if day in cal.working_days:
        return True
    if day in cal.days_off:
        return False
    return day.weekday() not in cal.weekend


def working_day_on_or_after(cal: Calendar, day: date) -> date:
    for offset in range(MAX_DAYS_WITHOUT_WORK):
        candidate = day + timedelta(days=offset)
        if is_working_day(cal, candidate):
            return candidate
    raise ValueError(
        f"The calendar has no working day in the {MAX_DAYS_WITHOUT_WORK} days from {day.isoformat()}."
    )


def next_working_day(cal: Calendar, day: date) -> date:
    """The first working day strictly after `day`."""
    return working_day_on_or_after(cal, day + timedelta(days=1))


def _session_at_or_after(cal: Calendar, local: datetime) -> tuple[datetime, datetime]:
    """(position, end of its session) for the first working moment at or after `local`.

    The position is `local` itself when it falls inside a session, else the next session's start.
    """
    day = local.date()
    clock = local.time()
    for offset in range(MAX_DAYS_WITHOUT_WORK):
        candidate = day + timedelta(days=offset)
        if not is_working_day(cal, candidate):
            continue
        for start, end in cal.sessions:
            if offset == 0 and end <= clock:
                continue  # that session is already over
            session_start = _at(cal, candidate, start)
            position = max(session_start, local) if offset == 0 else session_start
            return position, _at(cal, candidate, end)
    raise ValueError(
        f"The calendar has no working session in the {MAX_DAYS_WITHOUT_WORK} days from {day.isoformat()}."
    )


def receipt_time(cal: Calendar, submitted_at: datetime) -> datetime:
    """When something filed at `submitted_at` counts as received (R10).

    Inside a session: at once. Before the morning, in the lunch break, after closing or on a day
    off: at the start of the next session (Sun 23:00 → Mon 07:00; 12:00 → 13:30 the same day).
    """
    local = _local(cal, submitted_at, "The submission time")
    position, _end = _session_at_or_after(cal, local)
    return position


def add_working_time(cal: Calendar, start: datetime, delta: timedelta) -> datetime:
    """The moment at which `delta` of working time has elapsed from `start`.

    Counting begins at the first working moment at or after `start`. Steps session by session,
    so a year of working time is a few hundred iterations.
    """
    if not isinstance(delta, timedelta):
        raise ValueError("The working time to add must be a timedelta.")
    if delta < timedelta(0):
        raise ValueError("The working time to add cannot be negative.")
    local = _local(cal, start, "The start time")
    position, session_end = _session_at_or_after(cal, local)
    remaining = delta
    while remaining > session_end - position:
        remaining -= session_end - position
        position, session_end = _session_at_or_after(cal, session_end)
    return position + remaining


def subtract_working_time(cal: Calendar, end: datetime, delta: timedelta) -> datetime:
    """The latest moment from which `delta` of working time elapses by `end` (the inverse of
    `add_working_time`): e.g. one working day before a due time, for due-soon warnings."""
    if not isinstance(delta, timedelta) or delta < timedelta(0):
        raise ValueError("The working time to subtract must be a non-negative timedelta.")
    finish = _local(cal, end, "The end time")
    if delta == timedelta(0):
        return finish
    remaining = delta
    day = finish.date()
    # Ten years back is far beyond any procedure's time: stop rather than loop forever.
    for _day in range(3660):
        if is_working_day(cal, day):
            for session_start, session_end in reversed(cal.sessions):
                low = _at(cal, day, session_start)
                high = min(_at(cal, day, session_end), finish)
                if high <= low:
                    continue
                if remaining <= high - low:
                    return high - remaining
                remaining -= high - low
        day -= timedelta(days=1)
    raise ValueError("No working time found in the ten years before the end time.")


def working_hours_between(cal: Calendar, start: datetime, end: datetime) -> timedelta:
    """Working time inside sessions between two moments; negative when `end` is before `start`.

    Used for supplement pauses and for on-time measurement (domain.md §2.3, R11).
    """
    begin = _local(cal, start, "The start time")
    finish = _local(cal, end, "The end time")
    if finish < begin:
        return -working_hours_between(cal, end, start)
    total = timedelta(0)
    day = begin.date()
    while day <= finish.date():
        if is_working_day(cal, day):
            for session_start, session_end in cal.sessions:
                low = max(_at(cal, day, session_start), begin)
                high = min(_at(cal, day, session_end), finish)
                if high > low:
                    total += high - low
        day += timedelta(days=1)
    return total


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, clamped to the month's end (31/1 + 1 → 28/2 or 29/2)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year = day.year + years
    month = month_index + 1
    return date(year, month, min(day.day, stdlib_calendar.monthrange(year, month)[1]))


def parse_unit(unit: DurationUnit | str) -> DurationUnit:
    try:
        return DurationUnit(unit)
    except ValueError:
        known = ", ".join(member.value for member in DurationUnit)
        raise ValueError(f"Unknown duration unit {unit!r}: use one of {known}.") from None


def check_duration(duration: int) -> None:
    if isinstance(duration, bool) or not isinstance(duration, int):
        raise ValueError(f"The duration must be a whole number, not {duration!r}.")
    if duration < 0:
        raise ValueError(f"The duration cannot be negative (got {duration}).")


def due_at(
    cal: Calendar,
    received_at: datetime,
    duration: int,
    unit: DurationUnit | str,
    *,
    same_day: bool = False,
    cutoff: time = SAME_DAY_CUTOFF,
) -> datetime:
    """The due date (ngày hẹn trả) of something received at `received_at`.

    `received_at` is first passed through `receipt_time` (a no-op for a real receipt time), so
    counting always starts at a working moment.

    - hours: working hours counted through the sessions;
    - working_days: 8 working hours each (5 from Fri 13/2/2026 10:00 → Fri 27/2/2026 10:00);
    - days: day 1 is the day after receipt; due at the receipt's clock time; if that date is a
      day off, due at the same clock time on the next working day. The clock time is a receipt
      time, so it is inside a session on any working day;
    - months: the same day of the month (clamped to the month's end), same clock time, then moved
      off days off like `days`;
    - same_day (duration 0): at closing time (17:00) on the day of receipt, or on the next working
      day when received after `cutoff` (a receipt at exactly the cut-off is still same-day).
    """
    parsed_unit = parse_unit(unit)
    check_duration(duration)
    if not isinstance(cutoff, time) or cutoff.tzinfo is not None:
        raise ValueError("The cut-off is a wall-clock time without a zone, e.g. time(15, 0).")
    start = receipt_time(cal, received_at)

    if same_day:
        if duration != 0:
            raise ValueError("A same-day procedure has no duration: pass duration=0.")
        day = start.date()
        if start.time() > cutoff:
            day = next_working_day(cal, day)
        return _at(cal, day, cal.closing_time)

    if parsed_unit is DurationUnit.HOURS:
        return add_working_time(cal, start, timedelta(hours=duration))
    if parsed_unit is DurationUnit.WORKING_DAYS:
        return add_working_time(cal, start, WORKING_DAY * duration)
    if parsed_unit is DurationUnit.DAYS:
        target = start.date() + timedelta(days=duration)
    else:
        target = add_months(start.date(), duration)
    return _at(cal, working_day_on_or_after(cal, target), start.time())
