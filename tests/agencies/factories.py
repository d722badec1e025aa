"""Factories for units and agencies, with named states (traits).

Codes use the T99 level-1 prefix so that they never collide with the demo's H30 codes.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from dichvucong.agencies.models import AdministrativeUnit, Agency, Level

START = datetime.date(2019, 1, 1)
CLOSING = datetime.date(2025, 6, 30)


class AdministrativeUnitFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Tỉnh thử {n}")
    level = Level.PROVINCE
    kind = "Tỉnh"
    parent = None
    valid_from = START

    class Params:
        district = factory.Trait(
            level=Level.DISTRICT,
            kind="Huyện",
            name=factory.Sequence(lambda n: f"Huyện thử {n}"),
            parent=factory.SubFactory("tests.agencies.factories.AdministrativeUnitFactory"),
        )
        commune = factory.Trait(
            level=Level.COMMUNE,
            kind="Xã",
            name=factory.Sequence(lambda n: f"Xã thử {n}"),
            parent=factory.SubFactory(
                "tests.agencies.factories.AdministrativeUnitFactory", district=True
            ),
        )
        closed = factory.Trait(valid_to=CLOSING)


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"T99.{n}")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    level = Level.PROVINCE
    unit = factory.SubFactory(AdministrativeUnitFactory)
    valid_from = START

    class Params:
        with_desk = factory.Trait(
            receives_dossiers=True,
            desk_name="Bộ phận Tiếp nhận và Trả kết quả",
            desk_address=factory.Sequence(lambda n: f"Số {n} Trần Hưng Đạo, phường I, TP Vị Thanh"),
            desk_phone="0293 3876 543",
            desk_email=factory.Sequence(lambda n: f"motcua{n}@example.test"),
            desk_opening_hours="Sáng 07:00-11:30, chiều 13:30-17:00, từ thứ Hai đến thứ Sáu",
        )
        district = factory.Trait(
            level=Level.DISTRICT,
            name=factory.Sequence(lambda n: f"UBND huyện thử {n}"),
            unit=factory.SubFactory(AdministrativeUnitFactory, district=True),
        )
        commune = factory.Trait(
            level=Level.COMMUNE,
            name=factory.Sequence(lambda n: f"UBND xã thử {n}"),
            unit=factory.SubFactory(AdministrativeUnitFactory, commune=True),
        )
        closed = factory.Trait(valid_to=CLOSING)


def close_with_successor(agency: Agency, *, closing: datetime.date, **successor_fields) -> Agency:
    """Close `agency` on `closing` (a merger, QĐ 09/2025) into a new agency that takes over the
    next day; returns the successor."""
    successor = AgencyFactory(
        unit=agency.unit,
        level=agency.level,
        with_desk=agency.receives_dossiers,
        valid_from=closing + datetime.timedelta(days=1),
        **successor_fields,
    )
    Agency.objects.filter(pk=agency.pk).update(valid_to=closing, successor=successor)
    agency.refresh_from_db()
    return successor
