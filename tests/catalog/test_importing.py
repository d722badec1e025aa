"""Importing procedures: what a good file writes (and a second import does not), and every kind
of bad file refused with where and why, the database left exactly as it was."""

import copy
import datetime
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from dichvucong.agencies.models import Agency
from dichvucong.catalog import services
from dichvucong.catalog.content import FORMAT, canonical_json
from dichvucong.catalog.exporting import procedures_export_json, procedures_export_xlsx
from dichvucong.catalog.importing import procedures_import
from dichvucong.catalog.models import (
    Component,
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    Sector,
    Step,
    TimeOption,
    VersionStatus,
)
from dichvucong.core.models import AuditEntry
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory

from .factories import FieldFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def province_admin():
    return MembershipFactory(province_admin=True).user


@pytest.fixture
def agencies():
    commune = AgencyFactory(commune=True, with_desk=True, code="T95.1", name="UBND xã Thử")
    province = AgencyFactory(with_desk=True, code="T95.2", name="Sở Tư pháp thử")
    closed = AgencyFactory(
        with_desk=True, closed=True, code="T95.3", name="Sở cũ", successor=province
    )
    return commune, province, closed


def _item(local_code: str, **version: object) -> dict:
    """A complete item in the normal form (what an export writes)."""
    content = {
        "name": f"Thủ tục nhập {local_code}",
        "sector": {"code": "T95-TP", "name": "Tư pháp"},
        "field": {"code": "T95-HT", "name": "Hộ tịch"},
        "levels": ["xa"],
        "subjects": ["citizens"],
        "competent_agency": "T95.1",
        "receiving_agencies": ["T95.1"],
        "online_level": 3,
        "channels": ["counter", "online"],
        "conditions": "",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13",
        "result_document": "Trích lục",
        "fee_note": "",
        "announcing_decision": {"number": "1220/QĐ-UBND", "date": "2018-08-16"},
        "retention_years": None,
        "time_options": [
            {"label": "", "duration": 5, "unit": "working_days", "same_day": False, "cutoff": None}
        ],
        "fees": [
            {"name": "Lệ phí", "amount": 8000, "unit": "dossier", "cap": None, "conditions": ""}
        ],
        "components": [
            {
                "name": "Tờ khai",
                "paper_form": "original",
                "count": 1,
                "mandatory": True,
                "template": "",
                "template_sha256": "",
                "note": "",
            }
        ],
        "steps": ["Bước 1: Nộp hồ sơ.", "Bước 2: Nhận kết quả."],
        "unverified": [],
        "sources": "",
    }
    content.update(version)
    return {"local_code": local_code, "national_code": "", "dvc_code": "", "version": content}


def _document(*items: dict) -> bytes:
    return canonical_json({"format": FORMAT, "procedures": list(items)})


def _items() -> list[dict]:
    return [_item("T95.000001"), _item("T95.000002"), _item("T95.000003")]


def _line_of_item(data: bytes, index: int) -> int:
    """The line on which the index-th item (from 1) starts in a canonical document."""
    lines = data.decode().splitlines()
    starts = [number for number, line in enumerate(lines, start=1) if line == "    {"]
    return starts[index - 1]


def _state():
    """Everything a refused import must leave as it was."""
    return (
        list(Procedure.objects.order_by("pk").values_list("pk", "local_code", "national_code")),
        list(ProcedureVersion.objects.order_by("pk").values_list("pk", "status", "content_hash")),
        [model.objects.count() for model in (TimeOption, Fee, Component, Step, Sector, Field)],
        AuditEntry.objects.count(),
    )


def _import(data: bytes, actor, filename: str = "procedures.json"):
    return procedures_import(data=data, filename=filename, actor=actor)


# --- A good file ---------------------------------------------------------------------------


def test_a_new_file_creates_published_versions(agencies, province_admin, english):
    data = _document(*_items())

    report = _import(data, province_admin)

    assert report.errors == []
    assert report.created == ["T95.000001", "T95.000002", "T95.000003"]
    assert report.updated == report.unchanged == []
    assert report.summary == (
        "Import finished: 3 new, 0 updated (a new version published), 0 unchanged."
    )
    version = ProcedureVersion.objects.get(procedure__local_code="T95.000002")
    assert (version.number, version.status) == (1, VersionStatus.PUBLISHED)
    assert version.published_by == province_admin
    assert json.loads(procedures_export_json())["procedures"] == _items()
    assert Field.objects.get(code="T95-HT").sector == Sector.objects.get(code="T95-TP")
    actions = list(
        AuditEntry.objects.filter(action__startswith="catalog.").values_list("action", flat=True)
    )
    assert actions.count("catalog.version.publish") == 3
    assert {"catalog.sector.create", "catalog.field.create", "catalog.procedure.create"} <= set(
        actions
    )
    assert set(
        AuditEntry.objects.filter(action__startswith="catalog.").values_list(
            "actor_user_id", flat=True
        )
    ) == {province_admin.pk}


def test_the_same_file_imported_twice_changes_nothing(agencies, province_admin, english):
    data = _document(*_items())
    _import(data, province_admin)
    before = _state()

    report = _import(data, province_admin)

    assert report.errors == []
    assert report.created == report.updated == []
    assert report.unchanged == ["T95.000001", "T95.000002", "T95.000003"]
    assert report.summary.endswith("0 new, 0 updated (a new version published), 3 unchanged.")
    assert _state() == before


def test_a_changed_item_publishes_a_new_version_and_supersedes_the_old(
    agencies, province_admin, english
):
    _import(_document(*_items()), province_admin)
    items = _items()
    items[1]["version"]["fees"][0]["amount"] = 10_000
    items[1]["national_code"] = "9.000002"
    audit = AuditEntry.objects.count()

    report = _import(_document(*items), province_admin)

    assert report.errors == []
    assert report.updated == ["T95.000002"]
    assert report.unchanged == ["T95.000001", "T95.000003"]
    versions = ProcedureVersion.objects.filter(procedure__local_code="T95.000002")
    assert dict(versions.values_list("number", "status")) == {
        1: VersionStatus.SUPERSEDED,
        2: VersionStatus.PUBLISHED,
    }
    assert versions.get(number=2).fees.get().amount == 10_000
    assert versions.get(number=1).fees.get().amount == 8_000  # history is kept as published
    assert Procedure.objects.get(local_code="T95.000002").national_code == "9.000002"
    assert ProcedureVersion.objects.filter(procedure__local_code="T95.000001").count() == 1
    assert AuditEntry.objects.filter(pk__gt=0).count() > audit
    assert AuditEntry.objects.filter(action="catalog.version.supersede").count() == 1


def test_an_existing_draft_is_filled_and_published(agencies, province_admin):
    _import(_document(*_items()), province_admin)
    procedure = Procedure.objects.get(local_code="T95.000001")
    draft = services.version_create_draft(procedure=procedure, actor=province_admin)
    items = _items()
    items[0]["version"]["steps"] = ["Bước duy nhất."]

    report = _import(_document(*items), province_admin)

    assert report.updated == ["T95.000001"]
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert list(draft.steps.values_list("description", flat=True)) == ["Bước duy nhất."]
    assert procedure.versions.count() == 2


def test_an_unchanged_item_leaves_its_draft_alone(agencies, province_admin):
    _import(_document(*_items()), province_admin)
    procedure = Procedure.objects.get(local_code="T95.000001")
    draft = services.version_create_draft(procedure=procedure, actor=province_admin)

    report = _import(_document(*_items()), province_admin)

    assert len(report.unchanged) == 3
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_superuser_may_import(agencies):
    report = _import(_document(_item("T95.000009")), UserFactory(superuser=True))
    assert report.errors == [] and report.created == ["T95.000009"]


def test_the_report_speaks_vietnamese(agencies, province_admin, vietnamese):
    report = _import(_document(*_items()), province_admin)
    assert report.summary == (
        "Đã nhập xong: 3 thủ tục mới, 0 thủ tục cập nhật (công bố phiên bản mới), "
        "0 thủ tục không đổi."
    )
    items = _items()
    items[2]["version"]["online_level"] = 5
    data = _document(*items)
    report = _import(data, province_admin)
    line = _line_of_item(data, 3)
    assert report.errors == [
        (f"Mục 3 (dòng {line})", "version.online_level: phải nằm trong khoảng từ 1 đến 4.")
    ]
    assert report.summary == "Tệp có 1 lỗi; không nhập gì cả."


# --- A bad file imports nothing ------------------------------------------------------------


def _set(path, value):
    def change(item):
        target = item
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(path):
    def change(item):
        target = item
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


BAD_ITEMS = [
    (_drop(("version", "name")), "version.name", "is required."),
    (_set(("version", "name"), " "), "version.name", "must not be empty."),
    (_set(("version", "nmae"), "x"), "version.nmae", "unknown key; the allowed keys are"),
    (_set(("local_code",), "T95 000003"), "local_code", "letters, digits, dots and hyphens"),
    (_set(("national_code",), "1.1193"), "national_code", "is not a national procedure code"),
    (_set(("version", "online_level"), "3"), "version.online_level", "must be a whole number."),
    (_set(("version", "online_level"), 5), "version.online_level", "between 1 and 4."),
    (_set(("version", "online_level"), True), "version.online_level", "must be a whole number."),
    (_set(("version", "levels"), ["phuong"]), "version.levels[1]", "“phuong” is not one of"),
    (_set(("version", "levels"), "xa"), "version.levels", "must be a list"),
    (_set(("version", "subjects"), ["citizens", "citizens"]), "version.subjects[2]", "twice"),
    (_set(("version", "channels"), ["fax"]), "version.channels[1]", "“fax” is not one of"),
    (_set(("version", "sector"), "T95-TP"), "version.sector", "must be an object"),
    (_set(("version", "competent_agency"), 1), "version.competent_agency", "must be text."),
    (
        _set(("version", "announcing_decision", "date"), "16/08/2018"),
        "version.announcing_decision.date",
        "YYYY-MM-DD",
    ),
    (_set(("version", "retention_years"), -1), "version.retention_years", "between 0 and"),
    (
        _set(("version", "time_options", 0, "unit"), "weeks"),
        "version.time_options[1].unit",
        "“weeks” is not one of",
    ),
    (
        _set(("version", "time_options", 0, "duration"), 0),
        "version.time_options[1].duration",
        "either same-day or longer than zero",
    ),
    (
        _set(("version", "time_options", 0, "cutoff"), "25:00"),
        "version.time_options[1].cutoff",
        "HH:MM",
    ),
    (
        _set(("version", "fees", 0, "unit"), "month"),
        "version.fees[1].unit",
        "“month” is not one of: dossier, copy, page.",
    ),
    (_set(("version", "fees", 0, "amount"), -5), "version.fees[1].amount", "between 0 and"),
    (_set(("version", "fees", 0, "amount"), 8000.5), "version.fees[1].amount", "whole number"),
    (
        _set(("version", "components", 0, "paper_form"), "scan"),
        "version.components[1].paper_form",
        "“scan” is not one of",
    ),
    (
        _set(("version", "components", 0, "count"), 0),
        "version.components[1].count",
        "between 1 and 99.",
    ),
    (
        _set(("version", "components", 0, "mandatory"), "yes"),
        "version.components[1].mandatory",
        "must be true or false.",
    ),
    (
        _set(("version", "components", 0, "template"), "templates/x/1-a.docx"),
        "version.components[1].template_sha256",
        "a template needs its SHA-256",
    ),
    (
        _set(("version", "components", 0), {"name": "x", "paper_form": "copy", "count": 1}),
        "version.components[1].mandatory",
        "is required.",
    ),
    (_set(("version", "steps"), ["Bước 1", ""]), "version.steps[2]", "must not be empty."),
    (_set(("version", "unverified"), ["fees; time"]), "version.unverified[1]", "“;”"),
]


@pytest.mark.parametrize(("change", "path", "reason"), BAD_ITEMS)
def test_a_bad_last_item_is_reported_with_its_line_and_nothing_is_written(
    change, path, reason, agencies, province_admin, english
):
    _import(_document(_item("T95.000000")), province_admin)  # something to leave alone
    items = _items()
    change(items[2])
    data = _document(*items)
    before = _state()

    report = _import(data, province_admin)

    assert report.created == report.updated == report.unchanged == []
    assert len(report.errors) == 1, report.errors
    where, why = report.errors[0]
    assert where == f"item 3 (line {_line_of_item(data, 3)})"
    assert why.startswith(f"{path}: ")
    assert reason in why
    assert _state() == before


def test_lines_are_found_in_a_hand_written_file(province_admin, english):
    """Any layout: the line is where the item's "{" is, BOM or not."""
    data = (DATA / "procedures.json").read_bytes()
    report = _import(b"\xef\xbb\xbf" + data, province_admin)  # its agencies do not exist
    assert [where for where, _why in report.errors] == [
        "item 1 (line 3)",
        "item 1 (line 3)",
        "item 2 (line 30)",
        "item 2 (line 30)",
        "item 2 (line 30)",
    ]
    assert report.errors[0][1] == "version.competent_agency: no agency has the code T96.1."


def test_an_unchanged_item_is_not_refused_for_an_agency_closed_since(agencies, province_admin):
    """Nothing of it is written, so nothing of it is checked against today's agencies."""
    _import(_document(*_items()), province_admin)
    Agency.objects.filter(code="T95.1").update(valid_to=datetime.date(2025, 6, 30))
    before = _state()

    report = _import(_document(*_items()), province_admin)

    assert report.errors == [] and len(report.unchanged) == 3
    assert _state() == before


def test_every_error_of_the_file_is_reported_at_once(agencies, province_admin, english):
    items = _items()
    items[0]["version"]["online_level"] = 0
    items[2]["version"]["fees"][0]["unit"] = "month"
    items[2]["version"]["competent_agency"] = "T95.404"

    report = _import(_document(*items), province_admin)

    assert [why.split(":")[0] for _where, why in report.errors] == [
        "version.online_level",
        "version.fees[1].unit",
    ]
    # The agency is checked once the item is well-formed, so it is reported after the fix.
    items[0]["version"]["online_level"] = 1
    items[2]["version"]["fees"][0]["unit"] = "copy"
    report = _import(_document(*items), province_admin)
    assert [why for _where, why in report.errors] == [
        "version.competent_agency: no agency has the code T95.404."
    ]
    assert not Procedure.objects.exists()


def test_a_refusal_of_the_services_rolls_back_the_whole_file(agencies, province_admin, english):
    """The last item is well-formed but cannot be published: the first two are not kept."""
    items = _items()
    items[2]["version"]["receiving_agencies"] = []
    before = _state()

    report = _import(_document(*items), province_admin)

    assert len(report.errors) == 1
    where, why = report.errors[0]
    assert where.startswith("item 3 (line ")
    assert "cannot be published yet" in why and "receiving agency" in why
    assert _state() == before
    assert not Sector.objects.filter(code="T95-TP").exists()


def test_an_unknown_agency(agencies, province_admin, english):
    items = _items()
    items[2]["version"]["receiving_agencies"] = ["T95.1", "T95.9"]
    before = _state()

    report = _import(_document(*items), province_admin)

    assert [why for _where, why in report.errors] == [
        "version.receiving_agencies: no agency has the code T95.9."
    ]
    assert _state() == before


def test_a_closed_agency_is_refused_naming_its_successor(agencies, province_admin, english):
    items = _items()
    items[2]["version"]["competent_agency"] = "T95.3"
    before = _state()

    report = _import(_document(*items), province_admin)

    assert [why for _where, why in report.errors] == [
        "version.competent_agency: the agency T95.3 (Sở cũ) closed on 30/06/2025; use its "
        "successor T95.2 (Sở Tư pháp thử)."
    ]
    assert _state() == before


def test_a_closed_agency_without_successor(province_admin, english):
    AgencyFactory(commune=True, with_desk=True, code="T95.1", closed=True, name="Xã cũ")
    report = _import(_document(_item("T95.000001")), province_admin)
    assert report.errors[0][1].endswith("closed on 30/06/2025 and has no successor in force.")
    assert not Procedure.objects.exists()


def test_a_sector_or_field_that_differs_from_the_stored_one(agencies, province_admin, english):
    FieldFactory(code="T95-HT", name="Hộ tịch", sector__code="T95-KHAC", sector__name="Khác")
    items = _items()
    items[1]["version"]["sector"]["name"] = "Tư pháp và hộ tịch"
    before = _state()

    report = _import(_document(*items), province_admin)

    reasons = [why for _where, why in report.errors]
    assert "version.field.code: the field T95-HT belongs to the sector T95-KHAC, not T95-TP." in (
        reasons
    )
    assert "version.sector.code: the code T95-TP is given differently in item 1." in reasons
    assert _state() == before


def test_a_procedure_twice_in_the_file(agencies, province_admin, english):
    report = _import(_document(_item("T95.000001"), _item("T95.000001")), province_admin)
    assert [why for _where, why in report.errors] == [
        "local_code: the procedure T95.000001 is already in item 1."
    ]
    assert not Procedure.objects.exists()


def test_an_agency_admin_may_not_import(agencies, english):
    admin = MembershipFactory(agency_admin=True, agency=agencies[0]).user
    before = _state()

    report = _import(_document(*_items()), admin)

    assert report.errors == [
        ("File", "Only a province administrator may import procedures (importing publishes).")
    ]
    assert _state() == before


@pytest.mark.parametrize(
    ("data", "filename", "error"),
    [
        (
            b"{}",
            "procedures.csv",
            ("File", "Unsupported file type: use a .json, .xlsx or .zip file."),
        ),
        (
            b'{\n  "format": "dichvucong.procedures/1",\n  "procedures": [,]\n}',
            "procedures.json",
            ("File, line 3", "The file is not valid JSON: Expecting value."),
        ),
        (b"\xff\xfe{}", "procedures.json", ("File", "The file is not UTF-8 text.")),
        (
            b"[]",
            "procedures.json",
            ("File", "The file must be an object with “format” and “procedures” keys."),
        ),
        (
            b'{"format": "other/2", "procedures": []}',
            "procedures.json",
            ("File", "The format is “other/2”; this portal reads “dichvucong.procedures/1”."),
        ),
        (
            b'{"format": "dichvucong.procedures/1", "procedures": {}}',
            "procedures.json",
            ("File", "“procedures” must be a list."),
        ),
        (b"not a zip", "bundle.zip", ("File", "The zip file cannot be read.")),
        (
            b"not a workbook",
            "procedures.xlsx",
            ("File", "The workbook cannot be read as an .xlsx file."),
        ),
    ],
)
def test_a_file_that_is_not_a_procedures_document(data, filename, error, province_admin, english):
    report = _import(data, province_admin, filename)
    assert report.errors == [error]


def test_an_item_that_is_not_an_object_is_located_by_index(province_admin, english):
    report = _import(b'{"format": "dichvucong.procedures/1", "procedures": [1]}', province_admin)
    assert report.errors == [("item 1 (line 1)", "must be an object {…}.")]


# --- Bundles -------------------------------------------------------------------------------

TEMPLATE = b"PK\x03\x04 to khai mau"


def _bundle(items: list[dict], files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("procedures.json", _document(*items))
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_template(item: dict, path: str, content: bytes = TEMPLATE) -> dict:
    item = copy.deepcopy(item)
    component = item["version"]["components"][0]
    component["template"] = path
    component["template_sha256"] = hashlib.sha256(content).hexdigest()
    return item


def test_a_bundle_brings_its_templates(agencies, province_admin, english):
    item = _with_template(_item("T95.000001"), "templates/T95.000001/1-to khai.docx")

    report = _import(
        _bundle([item], {"templates/T95.000001/1-to khai.docx": TEMPLATE}), province_admin, "b.zip"
    )

    assert report.errors == []
    component = Component.objects.get(version__procedure__local_code="T95.000001")
    with component.template.open("rb") as handle:
        assert handle.read() == TEMPLATE
    # The stored name is the portal's own (no spaces), and the export says so.
    exported = json.loads(procedures_export_json())["procedures"][0]
    assert exported["version"]["components"][0]["template"] == "templates/T95.000001/1-to_khai.docx"
    # The bundle, imported again, is a no-op; so is the JSON alone (the file is stored).
    before = _state()
    assert _import(
        _bundle([item], {"templates/T95.000001/1-to khai.docx": TEMPLATE}), province_admin, "b.zip"
    ).unchanged == ["T95.000001"]
    assert _import(_document(item), province_admin).unchanged == ["T95.000001"]
    assert _state() == before


def test_a_bundle_without_the_template_file(agencies, province_admin, english):
    items = _items()
    items[2] = _with_template(items[2], "templates/T95.000003/1-to-khai.docx")
    before = _state()

    report = _import(_bundle(items, {}), province_admin, "b.zip")

    assert len(report.errors) == 1
    where, why = report.errors[0]
    assert where.startswith("procedures.json, item 3 (line ")
    assert why == (
        "version.components[1].template: the file templates/T95.000003/1-to-khai.docx is "
        "missing from the bundle."
    )
    assert _state() == before


def test_a_bundle_whose_template_does_not_match_its_hash(agencies, province_admin, english):
    items = _items()
    items[2] = _with_template(items[2], "templates/T95.000003/1-to-khai.docx")
    before = _state()

    report = _import(
        _bundle(items, {"templates/T95.000003/1-to-khai.docx": TEMPLATE + b"changed"}),
        province_admin,
        "b.zip",
    )

    assert [why for _where, why in report.errors] == [
        "version.components[1].template_sha256: the file templates/T95.000003/1-to-khai.docx "
        "in the bundle does not match its SHA-256."
    ]
    assert _state() == before


def test_a_bundle_template_of_a_forbidden_kind(agencies, province_admin, english):
    item = _with_template(_item("T95.000001"), "templates/T95.000001/1-run.exe", b"MZ\x90\x00")
    report = _import(
        _bundle([item], {"templates/T95.000001/1-run.exe": b"MZ\x90\x00"}), province_admin, "b.zip"
    )
    assert len(report.errors) == 1
    assert report.errors[0][1].startswith("version.components[1].template: A form template must be")
    assert not Procedure.objects.exists()


def test_a_bundle_without_its_document(province_admin, english):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("other.json", b"{}")
    report = _import(buffer.getvalue(), province_admin, "b.zip")
    assert report.errors == [("File", "The bundle has no procedures.json file at its top.")]


def test_json_alone_cannot_bring_a_new_template(agencies, province_admin, english):
    item = _with_template(_item("T95.000001"), "templates/T95.000001/1-to-khai.docx")
    report = _import(_document(item), province_admin)
    assert report.errors[0][1].startswith(
        "version.components[1].template: no stored form template has this content"
    )
    assert not Procedure.objects.exists()


# --- Workbooks -----------------------------------------------------------------------------


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _exported_workbook(agencies, province_admin):
    _import(_document(*_items()), province_admin)
    return load_workbook(io.BytesIO(procedures_export_xlsx()))


def test_an_exported_workbook_reproduces_the_same_content(agencies, province_admin):
    items = _items()
    items[0]["version"]["conditions"] = "Dòng một\r\nDòng hai _x000D_ =1+1"
    items[0]["national_code"] = "1.001193"
    _import(_document(*items), province_admin)
    exported_json = procedures_export_json()
    workbook = procedures_export_xlsx()
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()

    report = _import(workbook, province_admin, "procedures.xlsx")

    assert report.errors == []
    assert len(report.created) == 3
    assert procedures_export_json() == exported_json


def test_an_edited_workbook_publishes_what_changed(agencies, province_admin, english):
    workbook = _exported_workbook(agencies, province_admin)
    fees = workbook["Fees"]
    amount = [cell.value for cell in fees[1]].index("amount") + 1
    assert fees.cell(row=3, column=1).value == "T95.000002"
    fees.cell(row=3, column=amount).value = 12_000
    steps = workbook["Steps"]
    steps.append(["T95.000003", 3, "Bước 3: Đánh giá."])

    report = _import(_workbook_bytes(workbook), province_admin, "procedures.xlsx")

    assert report.errors == []
    assert report.updated == ["T95.000002", "T95.000003"]
    published = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
    assert published.get(procedure__local_code="T95.000002").fees.get().amount == 12_000
    assert published.get(procedure__local_code="T95.000003").steps.count() == 3


def test_a_bad_workbook_row_is_reported_with_its_sheet_and_row(agencies, province_admin, english):
    workbook = _exported_workbook(agencies, province_admin)
    fees = workbook["Fees"]
    header = [cell.value for cell in fees[1]]
    fees.cell(row=4, column=header.index("unit") + 1).value = "month"
    procedures = workbook["Procedures"]
    header = [cell.value for cell in procedures[1]]
    procedures.cell(row=2, column=header.index("levels") + 1).value = "xa; phuong"
    before = _state()

    report = _import(_workbook_bytes(workbook), province_admin, "procedures.xlsx")

    assert report.errors == [
        ("sheet Procedures, row 2", "column levels: “phuong” is not one of: tinh, huyen, xa."),
        ("sheet Fees, row 4", "column unit: “month” is not one of: dossier, copy, page."),
    ]
    assert _state() == before


def test_a_workbook_cell_of_the_wrong_type(agencies, province_admin, english):
    workbook = _exported_workbook(agencies, province_admin)
    components = workbook["Components"]
    header = [cell.value for cell in components[1]]
    components.cell(row=3, column=header.index("count") + 1).value = "hai"
    components.cell(row=2, column=header.index("mandatory") + 1).value = None
    before = _state()

    report = _import(_workbook_bytes(workbook), province_admin, "procedures.xlsx")

    assert report.errors == [("sheet Components, row 3", "column count: must be a whole number.")]
    assert _state() == before
    components.cell(row=3, column=header.index("count") + 1).value = 1
    report = _import(_workbook_bytes(workbook), province_admin, "procedures.xlsx")
    assert report.errors == [("sheet Components, row 2", "column mandatory: is required.")]


def test_a_workbook_with_parts_of_an_unknown_procedure_or_twice_the_same_position(
    agencies, province_admin, english
):
    workbook = _exported_workbook(agencies, province_admin)
    workbook["Steps"].append(["T95.999999", 1, "Bước lạc."])
    workbook["Steps"].append(["T95.000001", 2, "Bước trùng."])

    report = _import(_workbook_bytes(workbook), province_admin, "procedures.xlsx")

    assert report.errors == [
        ("sheet Steps, row 8", "the procedure “T95.999999” is not in the Procedures sheet."),
        ("sheet Steps, row 9", "position 2 is used twice for this procedure."),
    ]


def test_a_workbook_with_xml_entities_is_refused(agencies, province_admin, english):
    """A workbook is XML: entity declarations (the "billion laughs") are never expanded."""
    data = procedures_export_xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet2.xml"
    entries[sheet] = entries[sheet].replace(
        b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)

    report = _import(buffer.getvalue(), province_admin, "procedures.xlsx")

    assert report.errors == [("File", "The workbook cannot be read as an .xlsx file.")]


def test_a_workbook_without_a_sheet_or_a_column(agencies, province_admin, english):
    workbook = _exported_workbook(agencies, province_admin)
    del workbook["Steps"]
    workbook["Fees"].delete_cols(3)

    report = _import(_workbook_bytes(workbook), province_admin, "procedures.xlsx")

    assert report.errors == [
        ("sheet Fees, row 1", "missing columns: name."),
        ("File", "The sheet Steps is missing."),
    ]


# --- The management commands ---------------------------------------------------------------


def test_import_command(agencies, province_admin, tmp_path, capsys, english):
    path = tmp_path / "procedures.json"
    path.write_bytes(_document(*_items()))

    call_command("import_procedures", str(path), "--as", province_admin.email.upper())

    out = capsys.readouterr().out
    assert "Import finished: 3 new" in out
    assert "New: T95.000001, T95.000002, T95.000003" in out
    entry = AuditEntry.objects.get(
        action="catalog.procedure.create",
        object_pk=str(Procedure.objects.get(local_code="T95.000001").pk),
    )
    assert (entry.actor_user_id, entry.via) == (province_admin.pk, "command")


def test_import_command_fails_on_errors_and_writes_nothing(
    agencies, province_admin, tmp_path, capsys, english
):
    items = _items()
    items[2]["version"]["channels"] = ["fax"]
    path = tmp_path / "procedures.json"
    path.write_bytes(_document(*items))

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_procedures", str(path), "--as", province_admin.email)

    assert "version.channels[1]: “fax” is not one of" in capsys.readouterr().err
    assert not Procedure.objects.exists()


def test_import_command_needs_a_publisher(agencies, tmp_path, english):
    path = tmp_path / "procedures.json"
    path.write_bytes(_document(*_items()))
    officer = MembershipFactory(one_stop_officer=True).user

    with pytest.raises(CommandError, match="may not publish"):
        call_command("import_procedures", str(path), "--as", officer.email)
    with pytest.raises(CommandError, match="No active account"):
        call_command("import_procedures", str(path), "--as", "nobody@example.test")
    with pytest.raises(CommandError, match="--as"):
        call_command("import_procedures", str(path))
    assert not Procedure.objects.exists()


def test_export_command(agencies, province_admin, tmp_path):
    _import(_document(*_items()), province_admin)
    for fmt, suffix in (("json", "json"), ("xlsx", "xlsx"), ("bundle", "zip")):
        path = tmp_path / f"out.{suffix}"
        call_command("export_procedures", "--format", fmt, "-o", str(path))
        assert _import(path.read_bytes(), province_admin, path.name).unchanged == [
            "T95.000001",
            "T95.000002",
            "T95.000003",
        ]
    assert (tmp_path / "out.json").read_bytes() == procedures_export_json()
