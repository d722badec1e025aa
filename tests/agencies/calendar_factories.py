"""Factories for working calendars and their days, with named states (traits)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from dichvucong.agencies.models import CalendarDay, WorkCalendar
from tests.agencies.factories import AgencyFactory


class WorkCalendarFactory(DjangoModelFactory):
    """An agency's own calendar (the province's comes from migration 0002)."""

    class Meta:
        model = WorkCalendar

    agency = factory.SubFactory(AgencyFactory, with_desk=True)
    is_province = False
    name = factory.Sequence(lambda n: f"Lịch làm việc riêng {n}")

    class Params:
        # 08:00-12:00 and 13:00-17:00, as some desks open.
        eight_to_five = factory.Trait(
            morning_start=datetime.time(8, 0),
            morning_end=datetime.time(12, 0),
            afternoon_start=datetime.time(13, 0),
            afternoon_end=datetime.time(17, 0),
        )
        # Open on Saturdays too: only Sunday is a weekend.
        six_day_week = factory.Trait(weekend_days="6")


class CalendarDayFactory(DjangoModelFactory):
    class Meta:
        model = CalendarDay

    calendar = factory.SubFactory(WorkCalendarFactory)
    date = datetime.date(2026, 3, 10)
    kind = CalendarDay.Kind.DAY_OFF
    name = "Ngày nghỉ riêng"
    source = CalendarDay.Source.MANUAL

    class Params:
        working = factory.Trait(kind=CalendarDay.Kind.WORKING_DAY, name="Ngày làm bù")
