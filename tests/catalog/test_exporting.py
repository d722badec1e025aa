"""Exporting the catalogue: the published version of each procedure, in a fixed order and in
bytes that depend on the content only."""

import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from dichvucong.catalog.content import FORMAT, canonical_json, procedure_item
from dichvucong.catalog.exporting import (
    ZIP_EPOCH,
    procedures_export_bundle,
    procedures_export_json,
    procedures_export_xlsx,
)
from dichvucong.catalog.models import Fee, Procedure, ProcedureVersion
from dichvucong.catalog.services import version_refresh_derived
from tests.agencies.factories import AgencyFactory

from .factories import ComponentFactory, FeeFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def versions():
    """Published B (with a template and a capped fee) and A, a superseded and a draft version
    of B, and a procedure with only a draft."""
    centre = AgencyFactory(with_desk=True, code="T94.9")
    b = ProcedureVersionFactory(
        published=True,
        procedure__local_code="T94.B",
        receiving_agencies=[centre],
        at_district=True,
        for_organisations=True,
        channel_post=True,
        unverified=["sources", "fees"],
    )
    b.receiving_agencies.add(b.competent_agency)
    ComponentFactory(version=b, position=3, with_template=True)
    FeeFactory(
        version=b, position=2, name="Bản sao", amount=3_000, unit=Fee.Unit.PER_COPY, cap=60_000
    )
    b = version_refresh_derived(ProcedureVersion.objects.get(pk=b.pk))
    a = ProcedureVersionFactory(published=True, procedure__local_code="T94.A")
    ProcedureVersionFactory(superseded=True, procedure=b.procedure, number=0)
    ProcedureVersionFactory(complete=True, procedure=a.procedure)
    ProcedureVersionFactory(complete=True, procedure__local_code="T94.C")
    return a, b


def test_json_holds_the_published_version_of_each_procedure_by_local_code(versions):
    a, b = versions

    document = json.loads(procedures_export_json())

    assert document["format"] == FORMAT
    assert document["procedures"] == [procedure_item(a), procedure_item(b)]
    item = document["procedures"][1]["version"]
    assert item["levels"] == ["tinh", "huyen"]
    assert item["subjects"] == ["citizens", "organisations"]
    assert item["channels"] == ["counter", "post", "online"]
    assert item["receiving_agencies"] == sorted([b.competent_agency.code, "T94.9"])
    assert item["unverified"] == ["fees", "sources"]
    assert item["fees"][1] == {
        "name": "Bản sao",
        "amount": 3000,
        "unit": "copy",
        "cap": 60000,
        "conditions": "",
    }
    assert item["components"][2]["template"] == "templates/T94.B/3-to-khai.docx"


def test_json_is_canonical_and_the_same_each_time(versions):
    data = procedures_export_json()
    assert data == canonical_json(json.loads(data))
    assert data == procedures_export_json()
    assert "Thủ tục thử nghiệm".encode() in data  # Vietnamese stays readable


def test_a_selection_of_procedures_or_versions(versions):
    _a, b = versions
    by_procedure = procedures_export_json(Procedure.objects.filter(local_code="T94.B"))
    # Any version of a procedure (even a draft) selects that procedure's published version.
    by_version = procedures_export_json(ProcedureVersion.objects.filter(procedure=b.procedure))
    by_list = procedures_export_json([b.procedure])
    assert by_procedure == by_version == by_list
    assert [item["local_code"] for item in json.loads(by_version)["procedures"]] == ["T94.B"]
    assert json.loads(procedures_export_json(Procedure.objects.filter(local_code="T94.C"))) == {
        "format": FORMAT,
        "procedures": [],
    }


def test_bundle_holds_the_json_and_the_templates(versions):
    data = procedures_export_bundle()

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["procedures.json", "templates/T94.B/3-to-khai.docx"]
        assert archive.read("procedures.json") == procedures_export_json()
        assert archive.read("templates/T94.B/3-to-khai.docx") == b"PK\x03\x04 mau to khai"
        assert {info.date_time for info in archive.infolist()} == {ZIP_EPOCH}
    assert procedures_export_bundle() == data


def test_xlsx_has_a_readme_and_a_sheet_per_part(versions):
    data = procedures_export_xlsx()

    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [
        "README",
        "Procedures",
        "TimeOptions",
        "Fees",
        "Components",
        "Steps",
        "Process",
    ]
    readme = [row[0] for row in workbook["README"].iter_rows(values_only=True)]
    assert "Danh mục thủ tục hành chính: nhập và xuất" in readme
    meanings = {(row[0], row[1]): row[2] for row in workbook["README"].iter_rows(values_only=True)}
    assert meanings[("Fees", "amount")].startswith("Số tiền (đồng)")
    procedures = list(workbook["Procedures"].iter_rows(values_only=True))
    header = procedures[0]
    assert [row[0] for row in procedures[1:]] == ["T94.A", "T94.B"]
    b_row = dict(zip(header, procedures[2], strict=True))
    assert b_row["levels"] == "tinh; huyen"
    assert b_row["channels"] == "counter; post; online"
    assert b_row["unverified"] == "fees; sources"
    assert b_row["online_level"] == 3
    assert b_row["national_code"] is None
    fees = list(workbook["Fees"].iter_rows(values_only=True))
    assert fees[0] == ("local_code", "position", "name", "amount", "unit", "cap", "conditions")
    assert fees[1:] == [
        ("T94.A", 1, "Lệ phí", 50000, "dossier", None, None),
        ("T94.B", 1, "Lệ phí", 50000, "dossier", None, None),
        ("T94.B", 2, "Bản sao", 3000, "copy", 60000, None),
    ]
    steps = list(workbook["Steps"].iter_rows(values_only=True))
    assert steps[1] == ("T94.A", 1, "Bước 1: Nộp hồ sơ tại Bộ phận Một cửa.")
    components = list(workbook["Components"].iter_rows(values_only=True))
    assert components[-1][:4] == ("T94.B", 3, components[-1][2], "original")
    assert components[-1][6] == "templates/T94.B/3-to-khai.docx"


def test_xlsx_bytes_depend_on_the_content_only(versions):
    data = procedures_export_xlsx()
    assert procedures_export_xlsx() == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert {info.date_time for info in archive.infolist()} == {ZIP_EPOCH}
