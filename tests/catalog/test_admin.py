"""The catalogue's admin: scoped by agency, drafts editable and everything else read-only,
publishing for province admins only, every write through the services (audited)."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dichvucong.catalog.content import content_hash, procedure_item
from dichvucong.catalog.models import Procedure, ProcedureVersion, Sector, Step, VersionStatus
from dichvucong.core.constants import AUDIT_REGISTER_SCOPE
from dichvucong.core.models import AuditEntry
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory

from .factories import FieldFactory, ProcedureVersionFactory, SectorFactory

pytestmark = pytest.mark.django_db

VERSIONS = reverse("admin:catalog_procedureversion_changelist")
PROCEDURES = reverse("admin:catalog_procedure_changelist")
PROCEDURE_ADD = reverse("admin:catalog_procedure_add")
IMPORT = reverse("admin:catalog_procedure_import")


def _change(version):
    return reverse("admin:catalog_procedureversion_change", args=[version.pk])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world():
    agency_a = AgencyFactory(with_desk=True, name="Sở A")
    agency_b = AgencyFactory(with_desk=True, name="Sở B")
    return {
        "a": agency_a,
        "b": agency_b,
        "admin_a": MembershipFactory(agency_admin=True, agency=agency_a).user,
        "province_admin": MembershipFactory(province_admin=True, agency=agency_b).user,
        "draft_a": ProcedureVersionFactory(complete=True, competent_agency=agency_a),
        "published_a": ProcedureVersionFactory(published=True, competent_agency=agency_a),
        "draft_b": ProcedureVersionFactory(complete=True, competent_agency=agency_b),
    }


def _state():
    versions = [
        (v.pk, v.status, v.name, v.content_hash) for v in ProcedureVersion.objects.order_by("pk")
    ]
    return versions, list(Step.objects.order_by("pk").values()), AuditEntry.objects.count()


def _value(value):
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    return str(getattr(value, "pk", value))


def _form_data(form, data):
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        if field.widget.input_type == "file" if hasattr(field.widget, "input_type") else False:
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        data[key] = _value(value)


def _post_data(response):
    """The change form as the browser would send it back, unchanged."""
    data = {}
    _form_data(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = _value(management[name].value())
        for form in formset.forms:  # the extra rows too, with their defaults, as browsers do
            _form_data(form, data)
    return data


# --- Lists and pages, scoped -------------------------------------------------------------


def test_province_admin_sees_every_version_and_procedure(client, world):
    client.force_login(world["province_admin"])
    response = client.get(VERSIONS)
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {
        world["draft_a"],
        world["published_a"],
        world["draft_b"],
    }
    response = client.get(PROCEDURES)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 3


def test_agency_admin_sees_only_their_agencys_versions(client, world):
    client.force_login(world["admin_a"])
    response = client.get(VERSIONS)
    assert set(response.context["cl"].result_list) == {world["draft_a"], world["published_a"]}
    procedures = client.get(PROCEDURES).context["cl"].result_list
    assert {p.pk for p in procedures} == {
        world["draft_a"].procedure_id,
        world["published_a"].procedure_id,
    }
    # Another agency's draft is out of reach, not just unlisted.
    response = client.get(_change(world["draft_b"]))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_version_search_is_folded(client, world):
    world["draft_a"].name = "Đăng ký khai sinh"
    world["draft_a"].save()
    from dichvucong.catalog.services import version_refresh_derived

    version_refresh_derived(world["draft_a"])
    client.force_login(world["province_admin"])
    response = client.get(VERSIONS, {"q": "dang ky khai sinh"})
    assert list(response.context["cl"].result_list) == [world["draft_a"]]


@pytest.mark.parametrize("who", ["province_admin", "admin_a"])
def test_a_draft_renders_editable_with_its_parts(client, world, who):
    client.force_login(world[who])
    response = client.get(_change(world["draft_a"]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "name" in form.fields and "competent_agency" in form.fields
    assert response.context["has_change_permission"]
    inlines = response.context["inline_admin_formsets"]
    assert [inline.formset.model.__name__ for inline in inlines] == [
        "TimeOption",
        "Fee",
        "Component",
        "Step",
        "ProcessStep",
    ]
    assert all(inline.has_change_permission for inline in inlines)
    assert response.context["may_publish"] is (who == "province_admin")
    # An agency admin picks only their own agencies as competent.
    agencies = set(form.fields["competent_agency"].queryset)
    assert (world["b"] in agencies) is (who == "province_admin")


@pytest.mark.parametrize("who", ["province_admin", "admin_a"])
def test_a_published_version_renders_read_only(client, world, who, vietnamese):
    client.force_login(world[who])
    response = client.get(_change(world["published_a"]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert response.context["adminform"].form.fields == {}
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_change_permission and not inline.has_add_permission
        assert not inline.has_delete_permission
    assert response.context["may_create_draft"]
    assert 'name="name"' not in response.content.decode()


# --- Writes through the services ---------------------------------------------------------


def test_editing_a_draft_goes_through_the_services(client, world):
    draft = world["draft_a"]
    client.force_login(world["admin_a"])
    data = _post_data(client.get(_change(draft)))
    data["name"] = "Đăng ký kết hôn"
    # A new step in the extra row of the steps inline.
    total = int(data["steps-TOTAL_FORMS"])
    data["steps-TOTAL_FORMS"] = str(total + 1)
    data[f"steps-{total}-position"] = "3"
    data[f"steps-{total}-description"] = "Bước 3: Trả kết quả."
    # And the first fee deleted.
    data["fees-0-DELETE"] = "on"

    response = client.post(_change(draft), data)

    assert response.status_code == 302, [
        (i.formset.errors, i.formset.non_form_errors())
        for i in response.context["inline_admin_formsets"]
    ]
    draft.refresh_from_db()
    assert draft.name == "Đăng ký kết hôn"
    assert draft.search_name == "dang ki ket hon"
    assert draft.steps.count() == 3 and draft.fees.count() == 0
    assert draft.content_hash == content_hash(procedure_item(draft))
    actions = set(
        AuditEntry.objects.filter(actor_user_id=world["admin_a"].pk)
        .exclude(scope=AUDIT_REGISTER_SCOPE)  # the chains the edit opened
        .values_list("action", "via")
    )
    assert actions == {
        ("catalog.version.update", "admin"),
        ("catalog.version.step.add", "admin"),
        ("catalog.version.fee.delete", "admin"),
    }


def test_saving_an_unchanged_draft_writes_nothing(client, world):
    client.force_login(world["admin_a"])
    data = _post_data(client.get(_change(world["draft_a"])))
    before = _state()
    response = client.post(_change(world["draft_a"]), data)
    assert response.status_code == 302
    assert _state() == before


def test_a_component_template_upload_is_checked(client, world, vietnamese):
    draft = world["draft_a"]
    client.force_login(world["admin_a"])
    data = _post_data(client.get(_change(draft)))
    data["components-0-template"] = SimpleUploadedFile("mau.pdf", b"not a pdf")
    before = _state()
    response = client.post(_change(draft), data)
    assert response.status_code == 200
    errors = str(response.context["inline_admin_formsets"][2].formset.errors)
    assert "không phải" in errors
    assert _state() == before

    data["components-0-template"] = SimpleUploadedFile("mau.pdf", b"%PDF-1.7 mau don")
    assert client.post(_change(draft), data).status_code == 302
    component = draft.components.get(position=1)
    assert component.template.name.endswith(".pdf")
    assert AuditEntry.objects.filter(action="catalog.version.component.update").exists()


def test_editing_a_published_version_is_refused(client, world):
    client.force_login(world["province_admin"])
    data = _post_data(client.get(_change(world["draft_a"])))  # a full form, of the draft
    data["name"] = "Tên khác"
    before = _state()
    response = client.post(_change(world["published_a"]), data)
    assert response.status_code == 403
    assert _state() == before


def test_a_draft_published_meanwhile_is_not_saved(client, world, vietnamese):
    draft = world["draft_a"]
    client.force_login(world["admin_a"])
    data = _post_data(client.get(_change(draft)))
    ProcedureVersion.objects.filter(pk=draft.pk).update(
        status=VersionStatus.PUBLISHED,
        published_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    data["name"] = "Tên khác"
    before = _state()
    response = client.post(_change(draft), data)
    # No longer editable: the admin refuses the post outright.
    assert response.status_code == 403
    assert _state() == before


def test_agency_admin_cannot_edit_another_agencys_draft(client, world):
    client.force_login(world["province_admin"])
    data = _post_data(client.get(_change(world["draft_b"])))
    data["name"] = "Tên khác"
    client.force_login(world["admin_a"])
    before = _state()
    response = client.post(_change(world["draft_b"]), data)
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert _state() == before


# --- Publishing, new drafts, discarding --------------------------------------------------


def _action(client, action, versions):
    return client.post(
        VERSIONS,
        {"action": action, "_selected_action": [str(v.pk) for v in versions]},
        follow=True,
    )


def test_province_admin_publishes_with_the_action(client, world):
    old = world["published_a"]
    draft = ProcedureVersionFactory(
        procedure=old.procedure, complete=True, competent_agency=world["a"]
    )
    client.force_login(world["province_admin"])
    response = _action(client, "publish_versions", [draft])
    assert response.status_code == 200
    draft.refresh_from_db()
    old.refresh_from_db()
    assert (draft.status, old.status) == (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)
    assert draft.published_by == world["province_admin"]
    entry = AuditEntry.objects.get(action="catalog.version.publish")
    assert entry.via == "admin"


def test_publishing_an_incomplete_draft_shows_what_is_missing(client, world, vietnamese):
    incomplete = ProcedureVersionFactory(competent_agency=world["a"])
    client.force_login(world["province_admin"])
    before = _state()
    response = _action(client, "publish_versions", [incomplete])
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Còn thiếu" in text and "trình tự thực hiện" in text and "thời hạn giải quyết" in text
    assert _state() == before


def test_agency_admin_has_no_publish_action_nor_button(client, world):
    client.force_login(world["admin_a"])
    response = client.get(VERSIONS)
    assert (
        "publish_versions" not in response.context["action_form"].fields["action"].choices.__str__()
    )
    before = _state()
    _action(client, "publish_versions", [world["draft_a"]])
    response = client.post(
        reverse("admin:catalog_procedureversion_publish", args=[world["draft_a"].pk])
    )
    assert response.status_code == 403
    assert _state() == before


def test_publish_button(client, world):
    url = reverse("admin:catalog_procedureversion_publish", args=[world["draft_a"].pk])
    client.force_login(world["province_admin"])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    world["draft_a"].refresh_from_db()
    assert world["draft_a"].status == VersionStatus.PUBLISHED


def test_officers_are_kept_out(client, world):
    officer = MembershipFactory(leader=True, agency=world["a"], user=UserFactory(staff=True)).user
    client.force_login(officer)
    before = _state()
    assert client.get(VERSIONS).status_code == 403
    url = reverse("admin:catalog_procedureversion_publish", args=[world["draft_a"].pk])
    assert client.post(url).status_code in (302, 403, 404)
    assert _state() == before


def test_new_draft_button_and_action(client, world):
    published = world["published_a"]
    client.force_login(world["admin_a"])
    url = reverse("admin:catalog_procedureversion_new_draft", args=[published.pk])
    response = client.post(url)
    draft = published.procedure.versions.get(status=VersionStatus.DRAFT)
    assert response.status_code == 302 and response.url == _change(draft)
    assert draft.steps.count() == published.steps.count()
    # A second one is refused with a message; nothing changes.
    before = _state()
    response = _action(client, "create_drafts", [published])
    assert any("bản nháp" in str(m) or "draft" in str(m) for m in response.context["messages"])
    assert _state() == before


def test_discarding_a_draft_and_not_a_published_version(client, world):
    client.force_login(world["admin_a"])
    draft = world["draft_a"]
    delete = reverse("admin:catalog_procedureversion_delete", args=[draft.pk])
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert not ProcedureVersion.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="catalog.version.discard", via="admin").exists()

    before = _state()
    published = reverse("admin:catalog_procedureversion_delete", args=[world["published_a"].pk])
    assert client.post(published, {"post": "yes"}).status_code == 403
    assert _state() == before


def test_announced_but_not_yet_published_oldest_first(client, world):
    later = ProcedureVersionFactory(
        complete=True,
        competent_agency=world["a"],
        announcing_decision_number="2/QĐ-UBND",
        announcing_decision_date=datetime.date(2025, 5, 2),
    )
    older = ProcedureVersionFactory(
        complete=True,
        competent_agency=world["b"],
        announcing_decision_number="1/QĐ-UBND",
        announcing_decision_date=datetime.date(2024, 12, 1),
    )
    client.force_login(world["province_admin"])
    response = client.get(VERSIONS, {"announced": "pending"})
    assert list(response.context["cl"].result_list) == [older, later]
    client.force_login(world["admin_a"])
    response = client.get(VERSIONS, {"announced": "pending"})
    assert list(response.context["cl"].result_list) == [later]
    # The procedures' list links to it.
    assert "announced=pending" in client.get(PROCEDURES).content.decode()


# --- Procedures, sectors and fields ------------------------------------------------------


def test_adding_a_procedure_creates_its_first_draft(client, world):
    field = FieldFactory()
    client.force_login(world["admin_a"])
    data = {
        "local_code": "1.000001.000.00.00.T99",
        "national_code": "1.000001",
        "dvc_code": "",
        "name": "Cấp giấy phép thử nghiệm",
        "field": str(field.pk),
        "competent_agency": str(world["a"].pk),
    }
    response = client.post(PROCEDURE_ADD, data)
    procedure = Procedure.objects.get(local_code="1.000001.000.00.00.T99")
    draft = procedure.versions.get()
    assert response.status_code == 302 and response.url == _change(draft)
    assert (draft.number, draft.status, draft.competent_agency) == (1, "draft", world["a"])
    assert list(draft.receiving_agencies.all()) == [world["a"]]
    assert draft.search_name == "cap giai phep thu nghiem"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"catalog.procedure.create", "catalog.version.create_draft"} <= actions


def test_agency_admin_cannot_add_a_procedure_for_another_agency(client, world):
    client.force_login(world["admin_a"])
    before = (_state(), Procedure.objects.count())
    response = client.post(
        PROCEDURE_ADD,
        {
            "local_code": "T99.X",
            "name": "Thủ tục",
            "field": str(FieldFactory().pk),
            "competent_agency": str(world["b"].pk),
        },
    )
    assert response.status_code == 200
    assert "competent_agency" in response.context["adminform"].form.errors
    assert (_state(), Procedure.objects.count()) == before


def test_changing_a_procedures_codes(client, world):
    procedure = world["published_a"].procedure
    url = reverse("admin:catalog_procedure_change", args=[procedure.pk])
    client.force_login(world["admin_a"])
    response = client.get(url)
    assert response.status_code == 200
    assert [inline.formset.model for inline in response.context["inline_admin_formsets"]] == [
        ProcedureVersion
    ]
    data = _post_data(response)
    data.update({"national_code": "2.000002", "dvc_code": "2.000002.000.00.00.T99.01"})
    response = client.post(url, data)
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.national_code == "2.000002"
    assert AuditEntry.objects.filter(action="catalog.procedure.update", via="admin").exists()
    # Another agency's procedure reads only.
    other = reverse("admin:catalog_procedure_change", args=[world["draft_b"].procedure_id])
    data["national_code"] = "2.000003"
    response = client.post(other, data)
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert world["draft_b"].procedure.national_code == ""


def test_sectors_and_fields_are_edited_by_the_province(client, world):
    client.force_login(world["province_admin"])
    response = client.post(reverse("admin:catalog_sector_add"), {"code": "TP", "name": "Tư pháp"})
    assert response.status_code == 302
    sector = Sector.objects.get(code="TP")
    response = client.post(
        reverse("admin:catalog_field_change", args=[world["draft_a"].field_id]),
        {"code": world["draft_a"].field.code, "name": "Hộ tịch", "sector": str(sector.pk)},
    )
    assert response.status_code == 302
    world["draft_a"].refresh_from_db()
    assert "ho tich tu phap" in world["draft_a"].search_text
    assert AuditEntry.objects.filter(action="catalog.sector.create").exists()
    assert AuditEntry.objects.filter(action="catalog.field.update").exists()

    client.force_login(world["admin_a"])
    assert client.get(reverse("admin:catalog_sector_changelist")).status_code == 200
    before = Sector.objects.count()
    response = client.post(reverse("admin:catalog_sector_add"), {"code": "X", "name": "X"})
    assert response.status_code == 403
    assert Sector.objects.count() == before
    assert SectorFactory  # the factory is shared with the other catalogue tests


# --- Export and import -------------------------------------------------------------------


def test_export_actions(client, world):
    client.force_login(world["province_admin"])
    procedure = world["published_a"].procedure
    for action, content_type in [
        ("export_json", "application/json"),
        ("export_xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("export_bundle", "application/zip"),
    ]:
        response = client.post(PROCEDURES, {"action": action, "_selected_action": [procedure.pk]})
        assert response.status_code == 200, action
        assert response["Content-Type"].startswith(content_type)
        assert "attachment" in response["Content-Disposition"]
    response = client.post(
        PROCEDURES, {"action": "export_json", "_selected_action": [procedure.pk]}
    )
    document = json.loads(response.content)
    assert [item["local_code"] for item in document["procedures"]] == [procedure.local_code]


def test_import_page(client, world):
    client.force_login(world["admin_a"])
    assert client.get(IMPORT).status_code == 403
    assert "import/" not in client.get(PROCEDURES).content.decode()

    client.force_login(world["province_admin"])
    assert client.get(IMPORT).status_code == 200
    assert IMPORT in client.get(PROCEDURES).content.decode()
    exported = client.post(
        PROCEDURES,
        {"action": "export_json", "_selected_action": [world["published_a"].procedure_id]},
    ).content
    before = _state()
    response = client.post(IMPORT, {"file": SimpleUploadedFile("thu-tuc.json", exported)})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.unchanged == [world["published_a"].procedure.local_code]
    assert not report.errors
    assert _state() == before

    response = client.post(IMPORT, {"file": SimpleUploadedFile("thu-tuc.json", b"{not json")})
    assert response.context["report"].errors
    assert _state() == before


# --- The application form: checked when saved, previewed as the applicant sees it ----------

FORM = {
    "title": "Tờ khai thử",
    "sections": [
        {
            "title": "Người yêu cầu",
            "fields": [
                {"name": "ho_ten", "type": "text", "label": "Họ, chữ đệm và tên", "required": True},
                {"name": "to_khai", "type": "file", "label": "Tờ khai", "component": 1},
                {"name": "ban_sao", "type": "file", "label": "Bản sao", "component": 2},
            ],
        }
    ],
}


def test_a_bad_form_definition_is_refused_in_vietnamese_and_nothing_changes(
    client, world, vietnamese
):
    client.force_login(world["admin_a"])
    version = world["draft_a"]
    data = _post_data(client.get(_change(version)))
    bad = json.loads(json.dumps(FORM))
    bad["sections"][0]["fields"][0]["type"] = "slider"
    data["form"] = json.dumps(bad)
    before = _state()
    response = client.post(_change(version), data)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["form"])
    assert "“ho_ten”" in errors and "không có loại “slider”" in errors
    assert _state() == before
    version.refresh_from_db()
    assert version.form == {}


def test_a_good_form_definition_is_saved_audited_and_previewed(client, world, vietnamese):
    client.force_login(world["admin_a"])
    version = world["draft_a"]
    data = _post_data(client.get(_change(version)))
    data["form"] = json.dumps(FORM)
    audits = AuditEntry.objects.count()
    response = client.post(_change(version), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    version.refresh_from_db()
    assert version.form == FORM
    assert AuditEntry.objects.count() > audits
    assert version.content_hash == content_hash(procedure_item(version))

    preview = client.get(reverse("admin:catalog_procedureversion_form_preview", args=[version.pk]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Tờ khai thử" in html and "Họ, chữ đệm và tên" in html
    assert 'name="ho_ten"' in html and "Bản sao" in html


def test_preview_of_a_version_without_form_shows_the_generic_application(client, world, vietnamese):
    client.force_login(world["admin_a"])
    url = reverse("admin:catalog_procedureversion_form_preview", args=[world["draft_a"].pk])
    html = client.get(url).content.decode()
    assert "đơn đề nghị chung" in html and 'name="noi_dung"' in html
    # Out of scope: another agency's version is not shown.
    other = reverse("admin:catalog_procedureversion_form_preview", args=[world["draft_b"].pk])
    assert client.get(other).status_code == 404
