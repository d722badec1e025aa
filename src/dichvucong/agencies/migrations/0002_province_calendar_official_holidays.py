"""The province's working calendar and the official holiday notices for 2025 and 2026.

Reads the rows from agencies/holiday_data.py (plain data, no Django) and uses the historical
models, so later model changes never break it. Other years are seeded from the `holidays`
package when first needed (calendar_services.calendar_seed_year).
"""

from django.db import migrations

from dichvucong.agencies.holiday_data import OFFICIAL_DAYS

PROVINCE_CALENDAR_NAME = "Lịch làm việc của tỉnh"
OFFICIAL = "official"


def load_official_days(apps, schema_editor):
    WorkCalendar = apps.get_model("agencies", "WorkCalendar")
    CalendarDay = apps.get_model("agencies", "CalendarDay")
    db = schema_editor.connection.alias
    province, _created = WorkCalendar.objects.using(db).get_or_create(
        is_province=True, defaults={"name": PROVINCE_CALENDAR_NAME}
    )
    rows = [
        CalendarDay(calendar=province, date=row.date, kind=row.kind, name=row.name, source=OFFICIAL)
        for year_rows in OFFICIAL_DAYS.values()
        for row in year_rows
    ]
    # A date an administrator already entered keeps the administrator's row.
    CalendarDay.objects.using(db).bulk_create(rows, ignore_conflicts=True)


def unload_official_days(apps, schema_editor):
    WorkCalendar = apps.get_model("agencies", "WorkCalendar")
    CalendarDay = apps.get_model("agencies", "CalendarDay")
    db = schema_editor.connection.alias
    province = WorkCalendar.objects.using(db).filter(is_province=True).first()
    if province is None:
        return
    dates = [row.date for year_rows in OFFICIAL_DAYS.values() for row in year_rows]
    CalendarDay.objects.using(db).filter(
        calendar=province, source=OFFICIAL, date__in=dates
    ).delete()
    # Remove the calendar only if nothing else was entered in it since.
    if not CalendarDay.objects.using(db).filter(calendar=province).exists():
        province.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_official_days, unload_official_days),
    ]
