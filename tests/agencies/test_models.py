import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dichvucong.agencies.models import (
    Agency,
    CalendarDay,
    Level,
    WorkCalendar,
    validate_agency_code,
)

from .factories import CLOSING, START, AdministrativeUnitFactory, AgencyFactory

VALID_CODES = [
    "000.00.00.H30",  # QCVN 102: the province's people's committee
    "000.03.21.H30",
    "000.06.16.G09",
    "H30",  # QĐ 20/2020, left to right
    "H55.242",
    "H15.50.05.13",
    "H30.1A.B2",
    "H30." + "1" * 31,  # exactly 35 characters
]
MALFORMED_CODES = [
    "000.00.00.h30",  # lower case
    "H3",
    "000.00.H30",  # a group missing
    "H30." + "1" * 32,  # 36 characters
    "000.00.00.H30\n",  # a trailing newline slips past `$`, not past \Z
    " H30",
    "H30.",
    "H30..1",
    "000.00.00.H3O",  # letter O for zero
    "",
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_agency_code_accepts_both_orders(code):
    validate_agency_code(code)


@pytest.mark.parametrize("code", MALFORMED_CODES)
def test_agency_code_refuses_malformed_with_a_vietnamese_message(code, vietnamese):
    with pytest.raises(ValidationError) as caught:
        validate_agency_code(code)
    message = caught.value.messages[0]
    assert "không phải là mã định danh" in message
    assert "000.00.00.H30" in message  # the message shows what a good code looks like


@pytest.mark.django_db
@pytest.mark.parametrize("code", VALID_CODES)
def test_database_accepts_both_orders(code):
    AgencyFactory(code=code)
    assert Agency.objects.filter(code=code).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("code", [c for c in MALFORMED_CODES if len(c) <= 35])
def test_database_refuses_malformed_code_even_around_validation(code):
    agency = AgencyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(code=code)
    agency.refresh_from_db()
    assert agency.code.startswith("T99.")


@pytest.mark.django_db
def test_database_refuses_a_code_longer_than_35_characters():
    agency = AgencyFactory()
    # PostgreSQL's varchar(35) or SQLite's check constraint: either way a database error.
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(code="H30." + "1" * 32)


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [AdministrativeUnitFactory, AgencyFactory])
def test_database_refuses_a_successor_that_is_itself(factory):
    row = factory(closed=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(successor=row)
    row.refresh_from_db()
    assert row.successor_id is None


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [AdministrativeUnitFactory, AgencyFactory])
def test_database_refuses_a_successor_of_an_open_row(factory):
    row, other = factory(), factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(successor=other)


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [AdministrativeUnitFactory, AgencyFactory])
def test_database_refuses_an_end_before_the_start(factory):
    row = factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(valid_to=START - datetime.timedelta(days=1))


@pytest.mark.django_db
def test_database_refuses_a_district_without_parent_and_a_province_with_one():
    district = AdministrativeUnitFactory(district=True)
    province = district.parent
    with pytest.raises(IntegrityError), transaction.atomic():
        type(district).objects.filter(pk=district.pk).update(parent=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(province).objects.filter(pk=province.pk).update(parent=district)


@pytest.mark.django_db
def test_clean_refuses_a_commune_directly_under_a_province(vietnamese):
    province = AdministrativeUnitFactory()
    commune = AdministrativeUnitFactory.build(level=Level.COMMUNE, kind="Xã", parent=province)
    with pytest.raises(ValidationError) as caught:
        commune.full_clean()
    assert "phải là" in caught.value.message_dict["parent"][0]


@pytest.mark.django_db
def test_clean_refuses_an_agency_whose_level_differs_from_its_unit():
    agency = AgencyFactory.build(level=Level.DISTRICT, unit=AdministrativeUnitFactory())
    with pytest.raises(ValidationError) as caught:
        agency.full_clean()
    assert "level" in caught.value.message_dict


@pytest.mark.django_db
def test_clean_refuses_a_parent_loop():
    top = AgencyFactory()
    child = AgencyFactory(parent=top, unit=top.unit)
    top.parent = child
    with pytest.raises(ValidationError) as caught:
        top.full_clean()
    assert "parent" in caught.value.message_dict


@pytest.mark.django_db
def test_database_refuses_a_desk_without_address():
    agency = AgencyFactory(with_desk=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(desk_address="")


@pytest.mark.django_db
def test_active_follows_the_dates_inclusively():
    open_ = AgencyFactory()
    closed = AgencyFactory(closed=True)
    future = AgencyFactory(valid_from=datetime.date(2030, 1, 1))
    on_last_day = set(Agency.objects.active(CLOSING))
    after = set(Agency.objects.active(CLOSING + datetime.timedelta(days=1)))
    assert on_last_day == {open_, closed}
    assert after == {open_}
    assert future not in Agency.objects.active(datetime.date(2029, 12, 31))
    assert closed.is_active_on(CLOSING) and not closed.is_active_on(CLOSING + datetime.timedelta(1))


@pytest.mark.django_db
def test_one_province_calendar_and_ordered_sessions():
    # The calendar's data migration may already have created the province calendar.
    WorkCalendar.objects.get_or_create(is_province=True, defaults={"name": "Tỉnh"})
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkCalendar.objects.create(name="Tỉnh 2", is_province=True)
    agency = AgencyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkCalendar.objects.create(
            name="Sai giờ", agency=agency, morning_end=datetime.time(13, 45)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkCalendar.objects.create(name="Không của ai")  # neither the province nor an agency
    assert WorkCalendar.objects.filter(is_province=True).count() == 1
    assert not WorkCalendar.objects.filter(name__in=["Sai giờ", "Không của ai"]).exists()


@pytest.mark.django_db
def test_one_calendar_day_per_date():
    calendar = WorkCalendar.objects.create(name="Riêng", agency=AgencyFactory())
    CalendarDay.objects.create(calendar=calendar, date=datetime.date(2025, 9, 2), kind="off")
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(
            calendar=calendar, date=datetime.date(2025, 9, 2), kind="working"
        )
