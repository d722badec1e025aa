"""The demo catalogue: it imports cleanly through the importer, publishes at least 30 real
procedures in at least 8 fields (every sample procedure of domain.md §10.2 among them), never
carries an unverified national code, and loading it twice changes nothing."""

import io
import json
import re

import pytest
from django.core.management import call_command

from dichvucong.agencies import demo as agencies_demo
from dichvucong.agencies.models import Agency
from dichvucong.catalog import demo as catalog_demo
from dichvucong.catalog.content import FORMAT
from dichvucong.catalog.exporting import procedures_export_json
from dichvucong.catalog.models import Procedure, ProcedureVersion, VersionStatus
from dichvucong.core.models import AuditEntry
from dichvucong.core.text import fold

# domain.md §10.2, by the words its name must contain (folded: no diacritics, i = y).
SAMPLE_PROCEDURES = [
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",
    "Đăng ký khai tử",
    "Đăng ký kết hôn có yếu tố nước ngoài",
    "Cấp bản sao trích lục hộ tịch",
    "Cấp bản sao từ sổ gốc",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "Đăng ký thường trú",
    "Cấp thẻ căn cước",
    "Trợ cấp xã hội hằng tháng",
    "Trợ cấp hưu trí xã hội",
    "Cấp thẻ bảo hiểm y tế",
    "Cấp Phiếu lý lịch tư pháp",
    "Đăng ký thành lập hộ kinh doanh",
    "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
    "Tuyển sinh trung học phổ thông",
]
NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_agencies(db):
    agencies_demo.load()


def _data() -> dict:
    return json.loads(catalog_demo.DATA_FILE.read_text(encoding="utf-8"))


def _published():
    return ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
        "procedure", "field"
    )


def test_the_data_file_is_in_the_exchange_format():
    data = _data()

    assert data["format"] == FORMAT
    codes = [item["local_code"] for item in data["procedures"]]
    assert len(codes) == len(set(codes))


def test_national_codes_are_well_formed_or_empty_and_local_codes_follow_them():
    for item in _data()["procedures"]:
        national = item["national_code"]
        assert national == "" or NATIONAL_CODE.match(national), item["local_code"]
        if national:
            assert item["local_code"] == f"{national}.000.00.00.H30"


def test_every_procedure_says_where_its_values_come_from():
    for item in _data()["procedures"]:
        version = item["version"]
        assert version["sources"].strip(), item["local_code"]
        assert set(version["unverified"]) <= set(version), item["local_code"]


def test_load_publishes_the_catalogue(demo_agencies):
    counts = catalog_demo.load()

    published = list(_published())
    assert counts["procedures_created"] == len(published) >= 30
    assert len({version.field.code for version in published}) >= 8
    assert Procedure.objects.count() == len(published)
    for version in published:
        code = version.procedure.national_code
        assert code == "" or NATIONAL_CODE.match(code)
        assert version.published_by is None  # imported as the system


def test_every_sample_procedure_of_the_domain_note_is_published(demo_agencies):
    catalog_demo.load()

    names = [fold(version.name) for version in _published()]
    missing = [
        sample for sample in SAMPLE_PROCEDURES if not any(fold(sample) in name for name in names)
    ]
    assert missing == []


def test_the_data_keeps_what_is_unverified(demo_agencies):
    catalog_demo.load()

    khai_sinh = _published().get(procedure__local_code="1.001193.000.00.00.H30")
    assert khai_sinh.name == "Đăng ký khai sinh"
    assert "online_level" in khai_sinh.unverified
    assert khai_sinh.sources
    # A code the domain note marks unverified is not carried.
    can_cuoc = _published().get(name="Cấp thẻ căn cước")
    assert can_cuoc.procedure.national_code == ""


def test_chung_thuc_fees_are_per_page_with_the_cap(demo_agencies):
    catalog_demo.load()

    version = _published().get(procedure__national_code="2.000815")
    fees = [(fee.amount, fee.unit, fee.cap) for fee in version.fees.all()]
    assert fees == [(2000, "page", 200000), (1000, "page", 200000)]
    same_day = version.time_options.first()
    assert same_day.same_day
    assert same_day.cutoff.strftime("%H:%M") == "15:00"


def test_loading_twice_changes_nothing(demo_agencies):
    catalog_demo.load()
    versions = ProcedureVersion.objects.count()
    agencies = Agency.objects.count()
    entries = AuditEntry.objects.count()

    counts = catalog_demo.load()

    assert counts["procedures_created"] == counts["procedures_updated"] == 0
    assert counts["procedures_unchanged"] >= 30
    assert ProcedureVersion.objects.count() == versions
    assert Agency.objects.count() == agencies
    assert AuditEntry.objects.count() == entries


def test_load_is_recorded_in_the_audit_trail(demo_agencies):
    before = AuditEntry.objects.count()

    catalog_demo.load()

    assert AuditEntry.objects.filter(action__startswith="catalog.version.publish").count() >= 30
    assert AuditEntry.objects.count() > before + 30


def test_without_the_demo_agencies_nothing_is_loaded():
    with pytest.raises(catalog_demo.DemoCatalogueError):
        catalog_demo.load()

    assert not Procedure.objects.exists()
    assert not Agency.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_refused_import_writes_nothing(demo_agencies, tmp_path, monkeypatch):
    data = _data()
    data["procedures"][0]["version"]["competent_agency"] = "000.99.99.H30"
    broken = tmp_path / "demo_procedures.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(catalog_demo, "DATA_FILE", broken)
    entries = AuditEntry.objects.count()

    with pytest.raises(catalog_demo.DemoCatalogueError, match=re.escape("000.99.99.H30")):
        catalog_demo.load()

    assert not Procedure.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_the_data_file_is_what_the_portal_exports(demo_agencies):
    # The file is kept in canonical form, so exporting the loaded demo gives it back byte for
    # byte: an edit made through the portal can be exported over it with a readable diff.
    catalog_demo.load()

    assert procedures_export_json() == catalog_demo.DATA_FILE.read_bytes()


def test_load_demo_command_loads_the_catalogue():
    call_command("load_demo", stdout=io.StringIO())

    assert _published().count() >= 30
    entry = AuditEntry.objects.filter(action="catalog.procedure.create").first()
    assert entry is not None
    assert entry.via == "command"
