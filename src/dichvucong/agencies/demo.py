"""Demo data: Hậu Giang's administrative units and agencies as of 2019 (the seed regulation's
year), loaded by `manage.py load_demo`.

What is real and what is not:
- The province's statistical code "93" is from public datasets [P]; the codes of the districts
  and communes below it are ILLUSTRATIVE (district 930-937, commune = district code + 2 digits).
- The unit names are real 2019 names; the demo keeps two or three communes per district, not all.
  Ngã Bảy was a thị xã until 2020; the demo uses its city name throughout, from 2019-01-01.
- Agency identifiers follow QCVN 102 order with level-1 code H30 for Hậu Giang, which is
  UNVERIFIED-but-likely (domain.md §6: a single public source). The level-2 and level-3 codes
  below H30 are illustrative, except that the demo accounts rely on these four:
  000.01.01.H30 (provincial centre), 000.00.02.H30 (Sở Tư pháp), 000.00.21.H30 (UBND TP Vị
  Thanh), 000.03.21.H30 (UBND xã Hỏa Lựu).
- Desk addresses are plausible addresses on real streets, phone numbers are DEMO NUMBERS in the
  0293 area code, and e-mails are under demo.haugiang.local: none of them is a real contact.

`load()` is idempotent: it creates what is missing and updates what differs, through the
services, so that every change lands in the audit trail and a second run changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from . import services
from .models import AdministrativeUnit, Agency, Level, WorkCalendar

VALID_FROM = datetime.date(2019, 1, 1)
PROVINCE_CODE = "93"
HOURS = "Sáng 07:00-11:30, chiều 13:30-17:00, từ thứ Hai đến thứ Sáu"
CENTRE_HOURS = HOURS + "; sáng thứ Bảy 07:00-11:00 chỉ trả kết quả"
CENTRE_ADDRESS = "Số 09 Trần Hưng Đạo, phường I, TP Vị Thanh, tỉnh Hậu Giang"


@dataclass(frozen=True)
class Commune:
    code: str  # illustrative statistical code
    kind: str
    name: str  # short name, e.g. "Hỏa Lựu"
    agency_kk: str  # level-3 group of the people's committee's identifier
    address: str
    phone: str


@dataclass(frozen=True)
class District:
    code: str  # illustrative statistical code
    kind: str
    name: str
    agency_dd: str  # level-2 group of the people's committee's identifier
    address: str
    phone: str
    communes: tuple[Commune, ...]


DISTRICTS: tuple[District, ...] = (
    District("930", "Thành phố", "Vị Thanh", "21", "Số 01 Nguyễn Công Trứ, phường I, TP Vị Thanh", "0293 3876 021", (
        Commune("93001", "Phường", "I", "01", "Số 12 Trần Hưng Đạo, phường I, TP Vị Thanh", "0293 3876 101"),
        Commune("93002", "Phường", "III", "02", "Số 45 Nguyễn Thái Học, phường III, TP Vị Thanh", "0293 3876 102"),
        Commune("93003", "Xã", "Hỏa Lựu", "03", "Ấp Thạnh Trung, xã Hỏa Lựu, TP Vị Thanh", "0293 3876 103"),
    )),
    District("931", "Thành phố", "Ngã Bảy", "22", "Số 02 Hùng Vương, phường Ngã Bảy, TP Ngã Bảy", "0293 3866 022", (
        Commune("93101", "Phường", "Ngã Bảy", "01", "Số 18 Hùng Vương, phường Ngã Bảy, TP Ngã Bảy", "0293 3866 101"),
        Commune("93102", "Xã", "Đại Thành", "02", "Ấp Đông An, xã Đại Thành, TP Ngã Bảy", "0293 3866 102"),
    )),
    District("937", "Thị xã", "Long Mỹ", "23", "Số 05 đường 30 Tháng 4, phường Thuận An, TX Long Mỹ", "0293 3871 023", (
        Commune("93701", "Phường", "Thuận An", "01", "Số 20 đường 30 Tháng 4, phường Thuận An, TX Long Mỹ", "0293 3871 101"),
        Commune("93702", "Xã", "Long Bình", "02", "Ấp 4, xã Long Bình, TX Long Mỹ", "0293 3871 102"),
    )),
    District("932", "Huyện", "Châu Thành A", "24", "Quốc lộ 61, thị trấn Một Ngàn, huyện Châu Thành A", "0293 3946 024", (
        Commune("93201", "Thị trấn", "Một Ngàn", "01", "Quốc lộ 61, thị trấn Một Ngàn, huyện Châu Thành A", "0293 3946 101"),
        Commune("93202", "Xã", "Tân Hòa", "02", "Ấp Tân Phú, xã Tân Hòa, huyện Châu Thành A", "0293 3946 102"),
    )),
    District("933", "Huyện", "Châu Thành", "25", "Đường 3 Tháng 2, thị trấn Ngã Sáu, huyện Châu Thành", "0293 3948 025", (
        Commune("93301", "Thị trấn", "Ngã Sáu", "01", "Đường 3 Tháng 2, thị trấn Ngã Sáu, huyện Châu Thành", "0293 3948 101"),
        Commune("93302", "Xã", "Đông Phước", "02", "Ấp Phước Long, xã Đông Phước, huyện Châu Thành", "0293 3948 102"),
    )),
    District("934", "Huyện", "Phụng Hiệp", "26", "Đường Lê Hồng Phong, thị trấn Cây Dương, huyện Phụng Hiệp", "0293 3961 026", (
        Commune("93401", "Thị trấn", "Cây Dương", "01", "Quốc lộ 1, thị trấn Cây Dương, huyện Phụng Hiệp", "0293 3961 101"),
        Commune("93402", "Xã", "Hòa An", "02", "Ấp Hòa Long, xã Hòa An, huyện Phụng Hiệp", "0293 3961 102"),
    )),
    District("935", "Huyện", "Vị Thủy", "27", "Đường 3 Tháng 2, thị trấn Nàng Mau, huyện Vị Thủy", "0293 3571 027", (
        Commune("93501", "Thị trấn", "Nàng Mau", "01", "Đường 3 Tháng 2, thị trấn Nàng Mau, huyện Vị Thủy", "0293 3571 101"),
        Commune("93502", "Xã", "Vị Thủy", "02", "Ấp 4, xã Vị Thủy, huyện Vị Thủy", "0293 3571 102"),
    )),
    District("936", "Huyện", "Long Mỹ", "28", "Đường Nguyễn Việt Hồng, thị trấn Vĩnh Viễn, huyện Long Mỹ", "0293 3872 028", (
        Commune("93601", "Thị trấn", "Vĩnh Viễn", "01", "Ấp 3, thị trấn Vĩnh Viễn, huyện Long Mỹ", "0293 3872 101"),
        Commune("93602", "Xã", "Xà Phiên", "02", "Ấp 10, xã Xà Phiên, huyện Long Mỹ", "0293 3872 102"),
    )),
)  # fmt: skip

# (code suffix NN of 000.00.NN.H30, name, e-mail tag): the departments of 2019.
DEPARTMENTS = (
    ("02", "Sở Tư pháp", "stp"),
    ("03", "Sở Kế hoạch và Đầu tư", "skhdt"),
    ("04", "Sở Tài chính", "stc"),
    ("05", "Sở Xây dựng", "sxd"),
    ("06", "Sở Giao thông vận tải", "sgtvt"),
    ("07", "Sở Tài nguyên và Môi trường", "stnmt"),
    ("08", "Sở Nông nghiệp và Phát triển nông thôn", "snnptnt"),
    ("09", "Sở Y tế", "syt"),
    ("10", "Sở Giáo dục và Đào tạo", "sgddt"),
    ("11", "Sở Nội vụ", "snv"),
    ("12", "Sở Lao động - Thương binh và Xã hội", "sldtbxh"),
    ("13", "Sở Thông tin và Truyền thông", "stttt"),
    ("14", "Sở Khoa học và Công nghệ", "skhcn"),
    ("15", "Sở Văn hóa, Thể thao và Du lịch", "svhttdl"),
    ("16", "Sở Công Thương", "sct"),
)

UBND_TINH = "000.00.00.H30"
VP_UBND = "000.00.01.H30"
CENTRE = "000.01.01.H30"
POLICE_PROVINCE = "000.00.41.H30"
POLICE_VI_THANH = "000.21.41.H30"
SOCIAL_INSURANCE = "000.00.42.H30"
VI_THANH_UNIT = "930"


def _district_title(district: District) -> str:
    short = {"Thành phố": "TP", "Thị xã": "TX", "Huyện": "huyện"}[district.kind]
    return f"{short} {district.name}"


def _commune_title(commune: Commune) -> str:
    return f"{commune.kind.lower()} {commune.name}"


class _Loader:
    def __init__(self) -> None:
        self.counts = {
            "units_created": 0,
            "units_updated": 0,
            "agencies_created": 0,
            "agencies_updated": 0,
            "calendars_created": 0,
        }

    def unit(self, *, code: str, **fields) -> AdministrativeUnit:
        fields["valid_from"] = VALID_FROM
        existing = AdministrativeUnit.objects.filter(code=code).first()
        if existing is None:
            self.counts["units_created"] += 1
            return services.unit_create(code=code, **fields)
        if any(getattr(existing, name) != value for name, value in fields.items()):
            self.counts["units_updated"] += 1
            return services.unit_update(unit=existing, data=fields)
        return existing

    def agency(self, *, code: str, **fields) -> Agency:
        fields["valid_from"] = VALID_FROM
        existing = Agency.objects.filter(code=code).first()
        if existing is None:
            self.counts["agencies_created"] += 1
            return services.agency_create(code=code, **fields)
        if any(getattr(existing, name) != value for name, value in fields.items()):
            self.counts["agencies_updated"] += 1
            return services.agency_update(agency=existing, data=fields)
        return existing

    @staticmethod
    def desk(*, name: str, address: str, phone: str, email_tag: str, hours: str = HOURS) -> dict:
        return {
            "receives_dossiers": True,
            "desk_name": name,
            "desk_address": address,
            "desk_phone": phone,
            "desk_email": f"motcua.{email_tag}@demo.haugiang.local",
            "desk_opening_hours": hours,
        }

    def run(self) -> dict[str, int]:
        province = self.unit(
            code=PROVINCE_CODE, name="Hậu Giang", level=Level.PROVINCE, kind="Tỉnh", parent=None
        )
        ubnd = self.agency(
            code=UBND_TINH,
            name="Ủy ban nhân dân tỉnh Hậu Giang",
            short_name="UBND tỉnh",
            level=Level.PROVINCE,
            unit=province,
            parent=None,
        )
        office = self.agency(
            code=VP_UBND,
            name="Văn phòng Ủy ban nhân dân tỉnh Hậu Giang",
            short_name="VP UBND tỉnh",
            level=Level.PROVINCE,
            unit=province,
            parent=ubnd,
        )
        self.agency(
            code=CENTRE,
            name="Trung tâm Phục vụ hành chính công tỉnh Hậu Giang",
            short_name="Trung tâm PVHCC tỉnh",
            level=Level.PROVINCE,
            unit=province,
            parent=office,
            **self.desk(
                name="Trung tâm Phục vụ hành chính công tỉnh",
                address=CENTRE_ADDRESS,
                phone="0293 3500 100",
                email_tag="pvhcc",
                hours=CENTRE_HOURS,
            ),
        )
        for number, name, tag in DEPARTMENTS:
            # Since ND 61/2018 the departments receive dossiers at their counters in the centre.
            self.agency(
                code=f"000.00.{number}.H30",
                name=f"{name} tỉnh Hậu Giang",
                short_name=name,
                level=Level.PROVINCE,
                unit=province,
                parent=ubnd,
                **self.desk(
                    name=f"Quầy {name} tại Trung tâm Phục vụ hành chính công tỉnh",
                    address=CENTRE_ADDRESS,
                    phone=f"0293 3500 1{number}",
                    email_tag=tag,
                ),
            )
        for district in DISTRICTS:
            title = _district_title(district)
            unit = self.unit(
                code=district.code,
                name=f"{district.kind} {district.name}",
                level=Level.DISTRICT,
                kind=district.kind,
                parent=province,
            )
            committee = self.agency(
                code=f"000.00.{district.agency_dd}.H30",
                name=f"Ủy ban nhân dân {district.kind.lower()} {district.name}",
                short_name=f"UBND {title}",
                level=Level.DISTRICT,
                unit=unit,
                parent=ubnd,
                **self.desk(
                    name=f"Bộ phận Tiếp nhận và Trả kết quả UBND {title}",
                    address=f"{district.address}, tỉnh Hậu Giang",
                    phone=district.phone,
                    email_tag=f"ubnd{district.agency_dd}",
                ),
            )
            for commune in district.communes:
                commune_unit = self.unit(
                    code=commune.code,
                    name=f"{commune.kind} {commune.name}",
                    level=Level.COMMUNE,
                    kind=commune.kind,
                    parent=unit,
                )
                commune_title = _commune_title(commune)
                self.agency(
                    code=f"000.{commune.agency_kk}.{district.agency_dd}.H30",
                    name=f"Ủy ban nhân dân {commune_title}, {title}",
                    short_name=f"UBND {commune_title}",
                    level=Level.COMMUNE,
                    unit=commune_unit,
                    parent=committee,
                    **self.desk(
                        name=f"Bộ phận Tiếp nhận và Trả kết quả UBND {commune_title}",
                        address=f"{commune.address}, tỉnh Hậu Giang",
                        phone=commune.phone,
                        email_tag=f"ubnd{commune.agency_kk}.{district.agency_dd}",
                    ),
                )
        self.sector_agencies(province)
        # The calendar's own data migration may have created it: only fill the gap.
        _calendar, created = WorkCalendar.objects.get_or_create(
            is_province=True, defaults={"name": "Lịch làm việc tỉnh Hậu Giang"}
        )
        self.counts["calendars_created"] += int(created)
        return self.counts

    def sector_agencies(self, province: AdministrativeUnit) -> None:
        """Vertical agencies outside the people's committees' tree that the demo catalogue's
        procedures need: the police (residence, identity cards) and social insurance (health
        insurance cards). Their identifier codes are ILLUSTRATIVE, like the rest under H30."""
        police = self.agency(
            code=POLICE_PROVINCE,
            name="Công an tỉnh Hậu Giang",
            short_name="Công an tỉnh",
            level=Level.PROVINCE,
            unit=province,
            parent=None,
            **self.desk(
                name="Bộ phận tiếp nhận hồ sơ Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
                address="Số 01 Trần Hưng Đạo, phường V, TP Vị Thanh, tỉnh Hậu Giang",
                phone="0293 3500 141",
                email_tag="congan",
            ),
        )
        self.agency(
            code=POLICE_VI_THANH,
            name="Công an thành phố Vị Thanh",
            short_name="Công an TP Vị Thanh",
            level=Level.DISTRICT,
            unit=AdministrativeUnit.objects.get(code=VI_THANH_UNIT),
            parent=police,
            **self.desk(
                name="Bộ phận tiếp nhận hồ sơ Công an thành phố Vị Thanh",
                address="Số 10 Nguyễn Công Trứ, phường I, TP Vị Thanh, tỉnh Hậu Giang",
                phone="0293 3876 141",
                email_tag="congan.vithanh",
            ),
        )
        self.agency(
            code=SOCIAL_INSURANCE,
            name="Bảo hiểm xã hội tỉnh Hậu Giang",
            short_name="BHXH tỉnh",
            level=Level.PROVINCE,
            unit=province,
            parent=None,
            **self.desk(
                name="Bộ phận Tiếp nhận và Trả kết quả thủ tục hành chính Bảo hiểm xã hội tỉnh",
                address="Số 20 Trần Hưng Đạo, phường V, TP Vị Thanh, tỉnh Hậu Giang",
                phone="0293 3500 142",
                email_tag="bhxh",
            ),
        )


def load() -> dict[str, int]:
    """Create or update the demo units and agencies; returns how many were created/updated."""
    with transaction.atomic():
        return _Loader().run()
