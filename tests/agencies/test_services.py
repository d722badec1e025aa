import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from dichvucong.agencies import demo, services
from dichvucong.agencies.models import AdministrativeUnit, Agency, Level, WorkCalendar
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry

from .factories import CLOSING, START, AdministrativeUnitFactory, AgencyFactory

pytestmark = pytest.mark.django_db
TAKEOVER = CLOSING + datetime.timedelta(days=1)


def audit_actions(instance) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(instance), object_pk=str(instance.pk)
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- agency_create


def test_agency_create_writes_the_agency_and_its_audit_entry():
    unit = AdministrativeUnitFactory()
    agency = services.agency_create(
        code="000.00.02.H30",
        name="Sở Tư pháp tỉnh Hậu Giang",
        level=Level.PROVINCE,
        unit=unit,
        valid_from=START,
        receives_dossiers=True,
        desk_name="Quầy Sở Tư pháp",
        desk_address="Số 09 Trần Hưng Đạo, phường I, TP Vị Thanh",
        desk_phone="0293 3500 102",
        desk_email="motcua.stp@demo.haugiang.local",
    )
    assert Agency.objects.get(code="000.00.02.H30") == agency
    entry = AuditEntry.objects.get(action="agency.create")
    assert entry.scope == "000.00.02.H30"
    assert entry.object_pk == str(agency.pk)
    assert entry.before is None and entry.after["desk_phone"] == "0293 3500 102"


def test_agency_create_accepts_the_left_to_right_order():
    agency = services.agency_create(
        code="H30.12.3",
        name="Sở mới",
        level=Level.PROVINCE,
        unit=AdministrativeUnitFactory(),
        valid_from=START,
    )
    assert agency.code == "H30.12.3"


@pytest.mark.parametrize("code", ["000.00.00.h30", "H3", "000.00.H30", "H30." + "1" * 32, "H30.1 "])
def test_agency_create_refuses_a_malformed_code_and_writes_nothing(code, vietnamese):
    unit = AdministrativeUnitFactory()
    with pytest.raises(ValidationError) as caught:
        services.agency_create(
            code=code, name="Sở sai mã", level=Level.PROVINCE, unit=unit, valid_from=START
        )
    assert any("mã định danh" in m for m in caught.value.message_dict["code"])
    assert not Agency.objects.exists()
    assert not AuditEntry.objects.exists()


def test_agency_create_refuses_a_duplicate_code():
    existing = AgencyFactory()
    with pytest.raises(ValidationError) as caught:
        services.agency_create(
            code=existing.code,
            name="Trùng",
            level=Level.PROVINCE,
            unit=existing.unit,
            valid_from=START,
        )
    assert "code" in caught.value.message_dict
    assert Agency.objects.count() == 1


def test_agency_create_refuses_a_desk_without_address(vietnamese):
    with pytest.raises(ValidationError) as caught:
        services.agency_create(
            code="T99.500",
            name="Có quầy không địa chỉ",
            level=Level.PROVINCE,
            unit=AdministrativeUnitFactory(),
            valid_from=START,
            receives_dossiers=True,
        )
    assert "địa chỉ" in " ".join(caught.value.messages)
    assert not Agency.objects.exists()


# --- agency_update


def test_agency_update_changes_the_desk_and_records_before_and_after():
    agency = AgencyFactory(with_desk=True)
    updated = services.agency_update(agency=agency, data={"desk_phone": "0293 3999 000"})
    agency.refresh_from_db()
    assert agency.desk_phone == updated.desk_phone == "0293 3999 000"
    entry = AuditEntry.objects.get(action="agency.update")
    assert entry.scope == agency.code
    assert entry.before["desk_phone"] == "0293 3876 543"
    assert entry.after["desk_phone"] == "0293 3999 000"


def test_agency_update_without_change_writes_no_entry():
    agency = AgencyFactory(with_desk=True)
    services.agency_update(agency=agency, data={"desk_phone": agency.desk_phone})
    assert not AuditEntry.objects.exists()


def test_agency_update_refuses_a_malformed_code_and_changes_nothing(vietnamese):
    agency = AgencyFactory(code="000.00.02.H30")
    with pytest.raises(ValidationError):
        services.agency_update(agency=agency, data={"code": "000.00.H30", "name": "Tên mới"})
    agency.refresh_from_db()
    assert (agency.code, agency.name) != ("000.00.H30", "Tên mới")
    assert agency.code == "000.00.02.H30"
    assert not AuditEntry.objects.exists()


def test_agency_update_does_not_close():
    agency = AgencyFactory()
    with pytest.raises(ValueError):
        services.agency_update(agency=agency, data={"valid_to": CLOSING})


# --- agency_close


def test_agency_close_names_the_successor_and_records_it():
    merged = AgencyFactory()
    successor = AgencyFactory(unit=merged.unit)
    closed = services.agency_close(agency=merged, valid_to=CLOSING, successor=successor)
    merged.refresh_from_db()
    assert merged.valid_to == CLOSING and merged.successor == successor == closed.successor
    entry = AuditEntry.objects.get(action="agency.close")
    assert entry.scope == merged.code
    assert entry.before["valid_to"] is None and entry.after["successor"] == successor.pk


def test_agency_close_refuses_itself_as_successor(vietnamese):
    agency = AgencyFactory()
    with pytest.raises(ValidationError) as caught:
        services.agency_close(agency=agency, valid_to=CLOSING, successor=agency)
    assert caught.value.message_dict["successor"] == [
        "Một đơn vị hoặc cơ quan không thể là cơ quan kế thừa của chính nó."
    ]
    agency.refresh_from_db()
    assert agency.valid_to is None and agency.successor is None
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "successor_dates",
    [
        {"valid_from": TAKEOVER + datetime.timedelta(days=1)},  # starts too late
        {"valid_to": CLOSING},  # closes together with it
    ],
)
def test_agency_close_refuses_a_successor_not_in_force_the_day_after(successor_dates, vietnamese):
    agency = AgencyFactory()
    successor = AgencyFactory(unit=agency.unit, **successor_dates)
    with pytest.raises(ValidationError) as caught:
        services.agency_close(agency=agency, valid_to=CLOSING, successor=successor)
    assert "01/07/2025" in caught.value.message_dict["successor"][0]
    agency.refresh_from_db()
    assert agency.valid_to is None
    assert not AuditEntry.objects.exists()


def test_agency_close_refuses_an_already_closed_agency():
    agency = AgencyFactory(closed=True)
    with pytest.raises(ServiceError) as caught:
        services.agency_close(agency=agency, valid_to=datetime.date(2026, 1, 1))
    assert caught.value.code == "already_closed"
    agency.refresh_from_db()
    assert agency.valid_to == CLOSING


def test_agency_close_refuses_an_end_before_the_start():
    agency = AgencyFactory()
    with pytest.raises(ValidationError):
        services.agency_close(agency=agency, valid_to=START - datetime.timedelta(days=1))
    agency.refresh_from_db()
    assert agency.valid_to is None


# --- units


def test_unit_create_and_dissolve_with_a_successor():
    province = services.unit_create(
        code="93", name="Hậu Giang", level=Level.PROVINCE, valid_from=START
    )
    district = services.unit_create(
        code="930",
        name="Thành phố Vị Thanh",
        level=Level.DISTRICT,
        kind="Thành phố",
        parent=province,
        valid_from=START,
    )
    new_city = services.unit_create(
        code="92", name="Cần Thơ", level=Level.PROVINCE, valid_from=TAKEOVER
    )
    services.unit_dissolve(unit=province, valid_to=CLOSING, successor=new_city)
    province.refresh_from_db()
    assert province.successor == new_city
    assert audit_actions(province) == ["unit.create", "unit.dissolve"]
    assert AuditEntry.objects.filter(scope="province").count() == 4
    assert district.parent == province


def test_unit_create_refuses_a_district_without_province():
    with pytest.raises(ValidationError):
        services.unit_create(code="930", name="Vị Thanh", level=Level.DISTRICT, valid_from=START)
    assert not AdministrativeUnit.objects.exists()


def test_unit_create_refuses_a_commune_under_a_province():
    province = AdministrativeUnitFactory()
    with pytest.raises(ValidationError) as caught:
        services.unit_create(
            code="1", name="Xã", level=Level.COMMUNE, parent=province, valid_from=START
        )
    assert "parent" in caught.value.message_dict
    assert AdministrativeUnit.objects.count() == 1


def test_unit_dissolve_refuses_itself_as_successor():
    unit = AdministrativeUnitFactory()
    with pytest.raises(ValidationError) as caught:
        services.unit_dissolve(unit=unit, valid_to=CLOSING, successor=unit)
    assert "successor" in caught.value.message_dict
    unit.refresh_from_db()
    assert unit.valid_to is None
    assert not AuditEntry.objects.exists()


def test_unit_update_renames_and_records():
    unit = AdministrativeUnitFactory(district=True)
    services.unit_update(unit=unit, data={"name": "Thị xã Ngã Bảy"})
    unit.refresh_from_db()
    assert unit.name == "Thị xã Ngã Bảy"
    assert audit_actions(unit) == ["unit.update"]


# --- demo


def test_demo_load_creates_the_codes_other_apps_rely_on():
    counts = demo.load()
    codes = ("000.01.01.H30", "000.00.02.H30", "000.00.21.H30", "000.03.21.H30")
    # and the police and social insurance, which the demo catalogue's procedures name
    sector_codes = (demo.POLICE_PROVINCE, demo.POLICE_VI_THANH, demo.SOCIAL_INSURANCE)
    for code in codes + sector_codes:
        assert Agency.objects.active(datetime.date(2020, 1, 1)).filter(code=code).exists()
    assert Agency.objects.get(code="000.03.21.H30").unit.name == "Xã Hỏa Lựu"
    assert Agency.objects.get(code="000.01.21.H30").unit.name == "Phường I"
    assert AdministrativeUnit.objects.filter(level=Level.DISTRICT).count() == 8
    assert counts["agencies_created"] == Agency.objects.count()
    assert counts["units_created"] == AdministrativeUnit.objects.count()
    assert WorkCalendar.objects.filter(is_province=True).count() == 1
    assert AuditEntry.objects.filter(action="agency.create").count() == Agency.objects.count()


def test_demo_load_is_idempotent():
    first = demo.load()
    rows = (AdministrativeUnit.objects.count(), Agency.objects.count(), AuditEntry.objects.count())
    second = demo.load()
    assert rows == (
        AdministrativeUnit.objects.count(),
        Agency.objects.count(),
        AuditEntry.objects.count(),
    )
    assert first["agencies_created"] > 0
    assert second == {key: 0 for key in first}


def test_demo_load_restores_an_edited_row_and_keeps_an_existing_calendar():
    WorkCalendar.objects.filter(is_province=True).delete()
    WorkCalendar.objects.create(name="Lịch do migration tạo", is_province=True)
    demo.load()
    centre = Agency.objects.get(code="000.01.01.H30")
    Agency.objects.filter(pk=centre.pk).update(desk_phone="0000")
    counts = demo.load()
    centre.refresh_from_db()
    assert centre.desk_phone == "0293 3500 100"
    assert counts["agencies_updated"] == 1 and counts["calendars_created"] == 0
    assert WorkCalendar.objects.get(is_province=True).name == "Lịch do migration tạo"
