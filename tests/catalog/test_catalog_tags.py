"""A procedure's parts in plain words, in Vietnamese and in English."""

import datetime

import pytest
from django.utils import translation

from dichvucong.catalog.models import Fee, OnlineLevel, ProcedureVersion, TimeOption
from dichvucong.catalog.templatetags import catalog_tags as tags


def option(**values) -> TimeOption:
    return TimeOption(**values)


@pytest.mark.usefixtures("vietnamese")
class TestVietnamese:
    @pytest.mark.parametrize(
        ("values", "text"),
        [
            ({"duration": 5, "unit": "working_days"}, "5 ngày làm việc"),
            ({"duration": 1, "unit": "working_days"}, "1 ngày làm việc"),
            ({"duration": 8, "unit": "hours"}, "8 giờ làm việc"),
            ({"duration": 10, "unit": "days"}, "10 ngày"),
            ({"duration": 3, "unit": "months"}, "3 tháng"),
            (
                {"same_day": True, "cutoff": datetime.time(15, 0)},
                "Trong ngày (nếu nhận sau 15 giờ 00 thì trả kết quả ngày làm việc tiếp theo)",
            ),
        ],
    )
    def test_time(self, values, text):
        assert tags.time_text(option(**values)) == text

    def test_same_day_cutoff_falls_back_to_the_given_default_then_15h(self):
        same_day = option(same_day=True, cutoff=None)
        assert "nếu nhận sau 16 giờ 30 thì" in tags.time_text(same_day, datetime.time(16, 30))
        assert "nếu nhận sau 15 giờ 00 thì" in tags.time_text(same_day)
        own = option(same_day=True, cutoff=datetime.time(11, 5))
        assert "nếu nhận sau 11 giờ 05 thì" in tags.time_text(own, datetime.time(16, 30))

    @pytest.mark.parametrize(
        ("amount", "unit", "cap", "text", "cap_text"),
        [
            (8_000, Fee.Unit.PER_COPY, None, "8.000 đồng/bản", ""),
            (0, Fee.Unit.PER_DOSSIER, None, "Miễn phí", ""),
            (1_500_000, Fee.Unit.PER_DOSSIER, None, "1.500.000 đồng/hồ sơ", ""),
            # Chứng thực bản sao: per page, capped per copy (TT 226/2016).
            (2_000, Fee.Unit.PER_PAGE, 200_000, "2.000 đồng/trang", "tối đa 200.000 đồng/bản"),
            (
                50_000,
                Fee.Unit.PER_DOSSIER,
                100_000,
                "50.000 đồng/hồ sơ",
                "tối đa 100.000 đồng/hồ sơ",
            ),
            (0, Fee.Unit.PER_PAGE, 200_000, "Miễn phí", ""),  # a cap on nothing says nothing
        ],
    )
    def test_fees(self, amount, unit, cap, text, cap_text):
        fee = Fee(name="Lệ phí", amount=amount, unit=unit, cap=cap)
        assert tags.fee_amount(fee) == text
        assert tags.fee_cap(fee) == cap_text

    def test_vnd(self):
        assert tags.vnd(200_000) == "200.000 đồng"

    @pytest.mark.parametrize(
        ("level", "text", "kind"),
        [
            (OnlineLevel.FULL, "Mức độ 4: dịch vụ công trực tuyến toàn trình", "toàn trình"),
            (OnlineLevel.PARTIAL, "Mức độ 3: dịch vụ công trực tuyến một phần", "một phần"),
            (OnlineLevel.FORMS, "Mức độ 2: cung cấp thông tin và biểu mẫu", ""),
            (OnlineLevel.INFORMATION, "Mức độ 1: cung cấp thông tin", ""),
        ],
    )
    def test_online_level_and_its_2022_kind(self, level, text, kind):
        version = ProcedureVersion(online_level=level)
        assert tags.online_level_text(version) == text
        assert tags.online_kind_text(version) == kind

    def test_levels_subjects_channels(self):
        version = ProcedureVersion(
            at_province=True,
            at_commune=True,
            for_citizens=True,
            for_organisations=True,
            channel_counter=True,
            channel_post=False,
            channel_online=True,
        )
        assert tags.levels_text(version) == "Cấp tỉnh, cấp xã"
        assert tags.subjects_text(version) == "Công dân, tổ chức"
        assert tags.channel_list(version) == [
            "Trực tiếp tại Bộ phận Một cửa",
            "Trực tuyến trên Cổng dịch vụ công",
        ]
        assert tags.levels_text(ProcedureVersion(at_district=True)) == "Cấp huyện"

    def test_retention_and_copies(self):
        assert tags.retention_text(None) == "Vĩnh viễn"
        assert tags.retention_text(10) == "10 năm"
        assert tags.copies_text(2) == "2 bản"


def test_english_reads_as_well():
    with translation.override("en"):
        assert tags.time_text(option(duration=1, unit="working_days")) == "1 working day"
        assert tags.time_text(option(duration=5, unit="working_days")) == "5 working days"
        assert tags.time_text(option(same_day=True, cutoff=datetime.time(15, 0))) == (
            "Same day (if received after 15:00, the result is returned the next working day)"
        )
        assert tags.fee_amount(Fee(amount=8_000, unit=Fee.Unit.PER_COPY)) == "8,000 VND per copy"
        assert tags.fee_amount(Fee(amount=0)) == "Free"


def test_lines_and_unverified():
    assert tags.lines("Luật Hộ tịch 2014\n\n  Nghị định 123/2015  \r\n") == [
        "Luật Hộ tịch 2014",
        "Nghị định 123/2015",
    ]
    assert tags.lines("") == []
    version = ProcedureVersion(unverified=["fees", "time_options"])
    assert tags.unverified(version, "fees") is True
    assert tags.unverified(version, "steps") is False
    assert tags.unverified(ProcedureVersion(), "fees") is False
