"""A small real catalogue for the search and the public pages (names as published on DVCQG)."""

from types import SimpleNamespace

import pytest

from dichvucong.catalog.models import OnlineLevel, VersionStatus
from tests.agencies.factories import AgencyFactory

from .factories import FieldFactory, ProcedureVersionFactory, SectorFactory

# (key, name, field key, levels, online level, subjects)
PROCEDURES = [
    ("khai_sinh", "Đăng ký khai sinh", "ho_tich", "xa", 4, "citizens"),
    ("khai_sinh_nn", "Đăng ký khai sinh có yếu tố nước ngoài", "ho_tich", "xa", 3, "citizens"),
    ("lai_khai_sinh", "Đăng ký lại khai sinh", "ho_tich", "xa", 3, "citizens"),
    (
        "khai_sinh_nhan_cha",
        "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
        "ho_tich",
        "xa",
        3,
        "citizens",
    ),
    ("trich_luc", "Cấp bản sao trích lục hộ tịch", "ho_tich", "xa", 4, "citizens"),
    ("ket_hon", "Đăng ký kết hôn", "ho_tich", "xa", 3, "citizens"),
    ("khai_tu", "Đăng ký khai tử", "ho_tich", "xa", 4, "citizens"),
    (
        "chung_thuc",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
        "chung_thuc",
        "xa",
        2,
        "citizens organisations",
    ),
    (
        "ly_lich",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        "ly_lich",
        "tinh",
        4,
        "citizens",
    ),
    ("thuong_tru", "Đăng ký thường trú", "cu_tru", "xa", 4, "citizens"),
    (
        "xay_dung",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "xay_dung",
        "xa",
        3,
        "citizens organisations",
    ),
    (
        "ho_kinh_doanh",
        "Đăng ký thành lập hộ kinh doanh",
        "kinh_doanh",
        "xa",
        1,
        "citizens organisations",
    ),
    (
        "doanh_nghiep",
        "Đăng ký thành lập doanh nghiệp tư nhân",
        "kinh_doanh",
        "tinh",
        4,
        "organisations",
    ),
]


@pytest.fixture
def catalogue(db):
    """Thirteen published procedures in six fields and four sectors, with a draft and a
    superseded version that the public never sees."""
    tu_phap = SectorFactory(code="T99-TP", name="Tư pháp")
    cong_an = SectorFactory(code="T99-CA", name="Công an")
    xay_dung = SectorFactory(code="T99-XD", name="Xây dựng")
    dau_tu = SectorFactory(code="T99-KH", name="Kế hoạch và Đầu tư")
    fields = {
        "ho_tich": FieldFactory(code="T99-HT", name="Hộ tịch", sector=tu_phap),
        "chung_thuc": FieldFactory(code="T99-CT", name="Chứng thực", sector=tu_phap),
        "ly_lich": FieldFactory(code="T99-LL", name="Lý lịch tư pháp", sector=tu_phap),
        "cu_tru": FieldFactory(code="T99-CT2", name="Đăng ký, quản lý cư trú", sector=cong_an),
        "xay_dung": FieldFactory(code="T99-XD1", name="Hoạt động xây dựng", sector=xay_dung),
        "kinh_doanh": FieldFactory(
            code="T99-KD", name="Thành lập và hoạt động doanh nghiệp", sector=dau_tu
        ),
    }
    commune = AgencyFactory(commune=True, with_desk=True, code="T98.1", name="UBND xã Hỏa Lựu")
    province = AgencyFactory(with_desk=True, code="T98.2", name="Sở Tư pháp")
    centre = AgencyFactory(
        with_desk=True, code="T98.3", name="Trung tâm Phục vụ hành chính công tỉnh"
    )
    versions = {}
    for key, name, field_key, level, online_level, subjects in PROCEDURES:
        agency = province if level == "tinh" else commune
        versions[key] = ProcedureVersionFactory(
            published=True,
            name=name,
            field=fields[field_key],
            competent_agency=agency,
            # Provincial procedures are received at the centre as well as at the agency.
            receiving_agencies=[agency, centre] if level == "tinh" else [agency],
            at_province=level == "tinh",
            at_commune=level == "xa",
            online_level=OnlineLevel(online_level),
            for_citizens="citizens" in subjects,
            for_organisations="organisations" in subjects,
        )
    draft = ProcedureVersionFactory(
        complete=True, name="Đăng ký khai sinh lưu động", field=fields["ho_tich"]
    )
    superseded = ProcedureVersionFactory(
        superseded=True, name="Đăng ký khai sinh (bản cũ)", field=fields["ho_tich"]
    )
    assert draft.status == VersionStatus.DRAFT
    return SimpleNamespace(
        versions=versions,
        fields=fields,
        sectors=SimpleNamespace(tu_phap=tu_phap, cong_an=cong_an, xay_dung=xay_dung),
        commune=commune,
        province=province,
        centre=centre,
        draft=draft,
        superseded=superseded,
    )
