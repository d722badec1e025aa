"""Export → import → export gives the same bytes, as JSON and as a bundle with form templates;
and a hand-written file settles after one import (the second changes nothing)."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from dichvucong.catalog.content import content_hash
from dichvucong.catalog.exporting import (
    procedures_export_bundle,
    procedures_export_json,
    procedures_export_xlsx,
)
from dichvucong.catalog.importing import procedures_import
from dichvucong.catalog.models import (
    Component,
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    Sector,
    VersionStatus,
)
from dichvucong.core.models import AuditEntry
from tests.accounts.factories import MembershipFactory
from tests.agencies.factories import AgencyFactory

from .factories import (
    ComponentFactory,
    FeeFactory,
    FieldFactory,
    ProcedureVersionFactory,
    TimeOptionFactory,
)

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def province_admin():
    return MembershipFactory(province_admin=True).user


@pytest.fixture
def catalogue():
    return _make_catalogue(templates=True)


def _make_catalogue(*, templates: bool):
    """Three published procedures with every kind of part, two of them with form templates
    (of the same name: storage renames the second), one with a second time option and a
    capped fee; plus a draft and a superseded version."""
    commune = AgencyFactory(commune=True, with_desk=True, code="T97.10")
    centre = AgencyFactory(with_desk=True, code="T97.11")
    field = FieldFactory(
        code="T97-HT", name="Hộ tịch", sector__code="T97-TP", sector__name="Tư pháp"
    )
    first = ProcedureVersionFactory(
        published=True,
        announced=True,
        procedure__local_code="1.001193.000.00.00.T97",
        procedure__national_code="1.001193",
        name="Đăng ký khai sinh",
        field=field,
        competent_agency=commune,
        receiving_agencies=[commune, centre],
        at_commune=True,
        at_province=False,
        conditions="Trẻ em sinh ra tại Việt Nam.\r\nKhông có giấy chứng sinh: văn bản người làm chứng.",
        unverified=["fees", "sources"],
        sources="https://dichvucong.gov.vn/",
        retention_years=20,
    )
    ComponentFactory(
        version=first, position=3, with_template=templates, name="Tờ khai đăng ký khai sinh"
    )
    TimeOptionFactory(
        version=first, position=2, same_day_case=True, label="Nhận hồ sơ trước 15 giờ"
    )
    FeeFactory(
        version=first, position=2, name="Bản sao", amount=3_000, unit=Fee.Unit.PER_COPY, cap=60_000
    )
    second = ProcedureVersionFactory(
        published=True, procedure__local_code="2.000001.T97", field=field, competent_agency=centre
    )
    ComponentFactory(version=second, position=3, with_template=templates)
    ProcedureVersionFactory(published=True, procedure__local_code="0.LOCAL-1", field=field)
    ProcedureVersionFactory(complete=True, name="Bản nháp không xuất", field=field)
    ProcedureVersionFactory(superseded=True, procedure=first.procedure, number=99, field=field)
    # The factories compute hashes after their parts; the parts added above come later.
    from dichvucong.catalog.services import version_refresh_derived

    # The first carries its own application form (one file slot per component).
    ProcedureVersion.objects.filter(pk=first.pk).update(form=APPLICATION_FORM)
    for version in (first, second):
        version_refresh_derived(ProcedureVersion.objects.get(pk=version.pk))
    return [first, second]


APPLICATION_FORM = {
    "title": "Tờ khai đăng ký khai sinh",
    "allow_template_upload": True,
    "sections": [
        {
            "title": "Người được khai sinh",
            "fields": [
                {"name": "ho_ten", "type": "text", "label": "Họ, chữ đệm, tên", "required": True},
                {
                    "name": "gioi_tinh",
                    "type": "choice",
                    "label": "Giới tính",
                    "choices": [["nam", "Nam"], ["nu", "Nữ"]],
                },
                {"name": "ngay_sinh", "type": "date", "label": "Ngày sinh", "required": True},
            ],
        },
        {
            "title": "Giấy tờ",
            "fields": [
                {"name": f"giay_{n}", "type": "file", "label": f"Giấy {n}", "component": n}
                for n in (1, 2, 3)
            ],
        },
    ],
}


def _wipe_catalogue(*, files: bool) -> None:
    """Another portal: the agencies exist, the catalogue (and perhaps its files) does not."""
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()
    Sector.objects.all().delete()
    if files:
        _, years = default_storage.listdir("catalog/templates")
        for year in years:
            for name in default_storage.listdir(f"catalog/templates/{year}")[1]:
                default_storage.delete(f"catalog/templates/{year}/{name}")


def test_json_export_import_export_is_byte_identical(province_admin):
    _make_catalogue(templates=False)  # templates travel in bundles (next test)
    exported = procedures_export_json()
    document = json.loads(exported)
    assert [item["local_code"] for item in document["procedures"]] == [
        "0.LOCAL-1",
        "1.001193.000.00.00.T97",
        "2.000001.T97",
    ]
    _wipe_catalogue(files=False)

    report = procedures_import(data=exported, filename="catalogue.json", actor=province_admin)

    assert report.errors == []
    assert sorted(report.created) == [item["local_code"] for item in document["procedures"]]
    assert procedures_export_json() == exported
    # Every imported version's stored hash is the file's: the next import will be a no-op.
    for item in document["procedures"]:
        version = ProcedureVersion.objects.get(
            procedure__local_code=item["local_code"], status=VersionStatus.PUBLISHED
        )
        assert version.content_hash == content_hash(item)


def test_bundle_export_import_export_is_byte_identical(catalogue, province_admin):
    bundle = procedures_export_bundle()
    _wipe_catalogue(files=True)
    assert not Component.objects.exists()

    report = procedures_import(data=bundle, filename="catalogue.zip", actor=province_admin)

    assert report.errors == []
    assert len(report.created) == 3
    assert procedures_export_bundle() == bundle
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        names = archive.namelist()
        template = next(name for name in names if name.startswith("templates/1.001193"))
        stored = Component.objects.get(
            version__procedure__local_code="1.001193.000.00.00.T97",
            version__status=VersionStatus.PUBLISHED,
            position=3,
        )
        with stored.template.open("rb") as handle:
            assert handle.read() == archive.read(template) == b"PK\x03\x04 mau to khai"


def test_reimporting_an_export_changes_nothing(catalogue, province_admin):
    for export, filename in (
        (procedures_export_json(), "a.json"),
        (procedures_export_bundle(), "a.zip"),
        (procedures_export_xlsx(), "a.xlsx"),
    ):
        versions, audit = ProcedureVersion.objects.count(), AuditEntry.objects.count()

        report = procedures_import(data=export, filename=filename, actor=province_admin)

        assert report.errors == []
        assert report.created == report.updated == []
        assert len(report.unchanged) == 3
        assert ProcedureVersion.objects.count() == versions
        assert AuditEntry.objects.count() == audit


def test_a_hand_written_file_settles_after_one_import(province_admin):
    """Keys in any order, lists unsorted, defaults left out: the stored content is the
    normal form, so importing the same file again writes nothing."""
    AgencyFactory(commune=True, with_desk=True, code="T96.1")
    AgencyFactory(with_desk=True, code="T96.2")
    data = (DATA / "procedures.json").read_bytes()

    first = procedures_import(data=data, filename="procedures.json", actor=province_admin)
    assert first.errors == []
    assert len(first.created) == 2
    exported = procedures_export_json()
    versions, audit = ProcedureVersion.objects.count(), AuditEntry.objects.count()

    second = procedures_import(data=data, filename="procedures.json", actor=province_admin)

    assert second.errors == []
    assert sorted(second.unchanged) == sorted(first.created)
    assert (ProcedureVersion.objects.count(), AuditEntry.objects.count()) == (versions, audit)
    assert procedures_export_json() == exported
    again = procedures_import(data=exported, filename="export.json", actor=province_admin)
    assert again.errors == [] and len(again.unchanged) == 2
