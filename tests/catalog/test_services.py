"""The catalogue's write services: each side effect with its audit entry, and each refusal
with the database unchanged."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.catalog import services
from dichvucong.catalog.backoffice import procedures_announced_unpublished
from dichvucong.catalog.content import content_hash, procedure_item, version_content
from dichvucong.catalog.models import (
    Component,
    Fee,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    Step,
    TimeOption,
    VersionStatus,
)
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory

from .factories import (
    ComponentFactory,
    FieldFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    SectorFactory,
    TimeOptionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def province_admin():
    return MembershipFactory(province_admin=True).user


@pytest.fixture
def agency():
    return AgencyFactory(with_desk=True)


@pytest.fixture
def agency_admin(agency):
    return MembershipFactory(agency_admin=True, agency=agency).user


def _state():
    """Everything a refused service must leave as it was."""
    versions = [
        (v.pk, v.status, v.name, v.content_hash, v.search_text, v.published_at)
        for v in ProcedureVersion.objects.order_by("pk")
    ]
    parts = [
        list(model.objects.order_by("pk").values()) for model in (TimeOption, Fee, Component, Step)
    ]
    return versions, parts, Procedure.objects.count(), AuditEntry.objects.count()


def _hash_of(version):
    version = ProcedureVersion.objects.get(pk=version.pk)
    return content_hash(procedure_item(version))


# --- Procedures --------------------------------------------------------------------------


def test_procedure_create_writes_and_audits(agency_admin):
    procedure = services.procedure_create(
        local_code="1.001193.000.00.00.T99", national_code="1.001193", actor=agency_admin
    )
    assert Procedure.objects.get(pk=procedure.pk).national_code == "1.001193"
    entry = AuditEntry.objects.get(action="catalog.procedure.create")
    assert (entry.scope, entry.object_pk, entry.actor_user_id) == (
        "province",
        str(procedure.pk),
        agency_admin.pk,
    )


def test_procedure_create_refuses_an_officer_and_a_malformed_code():
    officer = MembershipFactory(one_stop_officer=True).user
    before = _state()
    with pytest.raises(services.ActionNotAllowed):
        services.procedure_create(local_code="T99.1", actor=officer)
    with pytest.raises(ValidationError) as refusal:
        services.procedure_create(local_code="T99.1", national_code="1001193", actor=None)
    assert "national_code" in refusal.value.message_dict
    assert _state() == before


def test_procedure_update_changes_codes_and_refreshes_every_versions_derived_columns(
    province_admin,
):
    old = ProcedureVersionFactory(superseded=True)
    published = ProcedureVersionFactory(procedure=old.procedure, published=True)
    services.procedure_update(
        procedure=old.procedure, national_code="2.000001", actor=province_admin
    )
    for version in (old, published):
        version.refresh_from_db()
        assert "2 000001" in version.search_text
        assert version.content_hash == _hash_of(version)
    assert AuditEntry.objects.filter(action="catalog.procedure.update").count() == 1


def test_procedure_update_is_scoped_to_the_agency_admins_agencies(agency_admin):
    other = ProcedureVersionFactory(published=True)
    before = _state()
    with pytest.raises(services.ActionNotAllowed):
        services.procedure_update(procedure=other.procedure, dvc_code="X", actor=agency_admin)
    assert _state() == before


# --- Drafts ------------------------------------------------------------------------------


def test_first_draft_from_initial_values(agency, agency_admin):
    procedure = ProcedureFactory()
    field = FieldFactory()
    draft = services.version_create_draft(
        procedure=procedure,
        actor=agency_admin,
        initial={"name": "Đăng ký khai sinh", "field": field, "competent_agency": agency},
    )
    assert (draft.number, draft.status) == (1, VersionStatus.DRAFT)
    assert draft.search_name == "dang ki khai sinh"
    assert draft.content_hash == _hash_of(draft)
    entry = AuditEntry.objects.get(action="catalog.version.create_draft")
    assert entry.scope == agency.code
    assert entry.after["copied_from"] is None


def test_first_draft_needs_a_competent_agency(agency_admin):
    procedure = ProcedureFactory()
    before = _state()
    with pytest.raises(ServiceError) as refusal:
        services.version_create_draft(
            procedure=procedure,
            actor=agency_admin,
            initial={"name": "Đăng ký khai sinh", "field": FieldFactory()},
        )
    assert refusal.value.field == "competent_agency"
    assert _state() == before


def test_new_draft_copies_every_part_of_the_published_version(agency, agency_admin):
    second_desk = AgencyFactory(with_desk=True)
    published = ProcedureVersionFactory(
        published=True, announced=True, competent_agency=agency, receiving_agencies=[agency]
    )
    published.receiving_agencies.add(second_desk)
    ComponentFactory(version=published, position=3, with_template=True)
    TimeOptionFactory(version=published, position=2, same_day_case=True)
    services.version_refresh_derived(published)

    draft = services.version_create_draft(procedure=published.procedure, actor=agency_admin)

    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert draft.published_at is None and draft.published_by is None
    # The same content in the exchange format: every field, part, desk and template file.
    assert version_content(draft) == version_content(published)
    assert draft.content_hash == published.content_hash
    template_names = {c.template.name for c in draft.components.all() if c.template}
    assert template_names == {c.template.name for c in published.components.all() if c.template}
    # The published version's own parts are untouched.
    assert published.components.count() == 3
    entry = AuditEntry.objects.get(action="catalog.version.create_draft")
    assert entry.after["copied_from"] == published.number
    assert len(entry.after["components"]) == 3


def test_new_draft_from_an_older_version(province_admin):
    old = ProcedureVersionFactory(superseded=True, name="Tên cũ")
    ProcedureVersionFactory(procedure=old.procedure, published=True, name="Tên mới")
    draft = services.version_create_draft(
        procedure=old.procedure, from_version=old, actor=province_admin
    )
    assert (draft.number, draft.name) == (3, "Tên cũ")


def test_one_draft_at_a_time(province_admin, vietnamese):
    published = ProcedureVersionFactory(published=True)
    services.version_create_draft(procedure=published.procedure, actor=province_admin)
    before = _state()
    with pytest.raises(ServiceError) as refusal:
        services.version_create_draft(procedure=published.procedure, actor=province_admin)
    assert refusal.value.code == "draft_exists"
    assert "đã có một bản nháp" in str(refusal.value.message)
    assert _state() == before


def test_agency_admin_cannot_draft_another_agencys_procedure(agency_admin, agency):
    other = ProcedureVersionFactory(published=True)
    mine = ProcedureFactory()
    before = _state()
    with pytest.raises(services.ActionNotAllowed):
        services.version_create_draft(procedure=other.procedure, actor=agency_admin)
    with pytest.raises(PermissionDenied):  # the same refusal, as Django's 403
        services.version_create_draft(
            procedure=mine,
            actor=agency_admin,
            initial={"name": "X", "field": FieldFactory(), "competent_agency": AgencyFactory()},
        )
    # Nor take it over by naming their own agency in the copy.
    with pytest.raises(services.ActionNotAllowed):
        services.version_create_draft(
            procedure=other.procedure, actor=agency_admin, initial={"competent_agency": agency}
        )
    assert _state() == before


# --- Editing a draft ---------------------------------------------------------------------


def test_version_update_keeps_search_columns_and_hash_in_step(agency, agency_admin):
    sector = SectorFactory(name="Tư pháp")
    field = FieldFactory(name="Hộ tịch", sector=sector)
    draft = ProcedureVersionFactory(
        complete=True,
        competent_agency=agency,
        procedure=ProcedureFactory(local_code="1.001193.000.00.00.T99", national_code="1.001193"),
    )
    old_hash = draft.content_hash
    desk = AgencyFactory(with_desk=True)

    services.version_update(
        version=draft,
        actor=agency_admin,
        name="Đăng ký khai sinh",
        field=field,
        receiving_agencies=[agency, desk],
    )

    draft.refresh_from_db()
    assert draft.name == "Đăng ký khai sinh"
    assert draft.search_name == "dang ki khai sinh"
    assert draft.search_text == "dang ki khai sinh ho tich tu phap 1 001193 1 001193 000 00 00 t99"
    assert draft.content_hash != old_hash
    assert draft.content_hash == _hash_of(draft)
    assert set(draft.receiving_agencies.all()) == {agency, desk}
    entry = AuditEntry.objects.get(action="catalog.version.update")
    assert entry.scope == agency.code
    assert entry.before["name"] != entry.after["name"] == "Đăng ký khai sinh"
    assert sorted(entry.after["receiving_agencies"]) == sorted([agency.pk, desk.pk])


def test_version_update_with_nothing_changed_writes_nothing(agency, agency_admin):
    draft = ProcedureVersionFactory(complete=True, competent_agency=agency)
    before = _state()
    services.version_update(version=draft, actor=agency_admin, name=draft.name)
    assert _state() == before


def test_version_update_refuses_a_field_it_does_not_own():
    draft = ProcedureVersionFactory()
    with pytest.raises(ValueError):
        services.version_update(version=draft, actor=None, status=VersionStatus.PUBLISHED)


@pytest.mark.parametrize("state", ["published", "superseded"])
def test_a_frozen_version_cannot_be_edited(state, province_admin, vietnamese):
    version = ProcedureVersionFactory(**{state: True})
    before = _state()
    with pytest.raises(ServiceError) as refusal:
        services.version_update(version=version, actor=province_admin, name="Tên khác")
    assert refusal.value.code == "not_draft"
    assert str(refusal.value.message) == (
        "Không thể sửa một phiên bản đã công bố; hãy tạo bản nháp mới."
    )
    assert _state() == before


PART_CALLS = {
    "time_option": (
        TimeOption,
        services.time_option_add,
        services.time_option_update,
        services.time_option_delete,
        {"duration": 10, "label": "Trường hợp phải xác minh"},
    ),
    "fee": (
        Fee,
        services.fee_add,
        services.fee_update,
        services.fee_delete,
        {"amount": 8000, "name": "Phí thẩm định"},
    ),
    "component": (
        Component,
        services.component_add,
        services.component_update,
        services.component_delete,
        {"name": "Giấy chứng sinh", "count": 2},
    ),
    "step": (
        Step,
        services.step_add,
        services.step_update,
        services.step_delete,
        {"description": "Bước 3: Trả kết quả."},
    ),
}


@pytest.mark.parametrize("kind", sorted(PART_CALLS))
def test_parts_of_a_draft_are_added_changed_and_deleted(kind, agency, agency_admin):
    model, add, update, delete, values = PART_CALLS[kind]
    draft = ProcedureVersionFactory(complete=True, competent_agency=agency)
    hashes = [draft.content_hash]

    part = add(version=draft, actor=agency_admin, **values)
    others = model.objects.filter(version=draft).exclude(pk=part.pk)
    assert all(part.position > other.position for other in others)  # appended last
    draft.refresh_from_db()
    hashes.append(draft.content_hash)

    field_name = next(iter(values))
    changed = {"amount": 9000, "duration": 12}.get(field_name, "Đã sửa")
    update(**{kind: part, "actor": agency_admin, field_name: changed})
    part.refresh_from_db()
    assert getattr(part, field_name) == changed
    draft.refresh_from_db()
    hashes.append(draft.content_hash)

    delete(**{kind: part, "actor": agency_admin})
    assert not model.objects.filter(pk=part.pk).exists()
    draft.refresh_from_db()
    hashes.append(draft.content_hash)

    assert hashes[0] != hashes[1] != hashes[2] and hashes[3] == hashes[0]
    assert draft.content_hash == _hash_of(draft)
    actions = list(
        AuditEntry.objects.filter(action__startswith=f"catalog.version.{kind}.")
        .order_by("seq")
        .values_list("action", "scope")
    )
    assert actions == [
        (f"catalog.version.{kind}.add", agency.code),
        (f"catalog.version.{kind}.update", agency.code),
        (f"catalog.version.{kind}.delete", agency.code),
    ]


@pytest.mark.parametrize("kind", sorted(PART_CALLS))
def test_parts_of_a_published_version_cannot_be_edited(kind, province_admin):
    model, add, update, delete, values = PART_CALLS[kind]
    version = ProcedureVersionFactory(published=True)
    part = model.objects.filter(version=version).first()
    field_name, _value = next(iter(values.items()))
    before = _state()
    for call in (
        lambda: add(version=version, actor=province_admin, **values),
        lambda: update(**{kind: part, "actor": province_admin, field_name: values[field_name]}),
        lambda: delete(**{kind: part, "actor": province_admin}),
    ):
        with pytest.raises(ServiceError) as refusal:
            call()
        assert refusal.value.code == "not_draft"
    assert _state() == before


def test_part_values_are_validated(province_admin):
    draft = ProcedureVersionFactory(complete=True)
    before = _state()
    with pytest.raises(ValidationError):
        services.component_add(version=draft, actor=province_admin, name="Tờ khai", count=0)
    with pytest.raises(ValidationError):  # neither same-day nor longer than zero
        services.time_option_add(version=draft, actor=province_admin, duration=0)
    assert _state() == before


def test_agency_admin_cannot_edit_another_agencys_draft(agency_admin):
    draft = ProcedureVersionFactory(complete=True)
    step = draft.steps.first()
    before = _state()
    with pytest.raises(services.ActionNotAllowed):
        services.version_update(version=draft, actor=agency_admin, name="Tên khác")
    with pytest.raises(services.ActionNotAllowed):
        services.step_update(step=step, actor=agency_admin, description="Khác")
    assert _state() == before


def test_agency_admin_cannot_hand_a_draft_to_another_agency(agency, agency_admin):
    draft = ProcedureVersionFactory(complete=True, competent_agency=agency)
    before = _state()
    with pytest.raises(services.ActionNotAllowed):
        services.version_update(version=draft, actor=agency_admin, competent_agency=AgencyFactory())
    assert _state() == before


def test_parts_replace_writes_whole_lists_once(agency, agency_admin):
    draft = ProcedureVersionFactory(complete=True, competent_agency=agency)
    steps = [{"description": "Bước 1: Nộp."}, {"description": "Bước 2: Nhận."}]
    fees = [{"name": "Lệ phí", "amount": 0}]

    services.version_parts_replace(version=draft, actor=agency_admin, steps=steps, fees=fees)

    draft.refresh_from_db()
    assert [s.description for s in draft.steps.all()] == ["Bước 1: Nộp.", "Bước 2: Nhận."]
    assert [(f.name, f.amount, f.position) for f in draft.fees.all()] == [("Lệ phí", 0, 1)]
    assert draft.time_options.count() == 1  # not given: left alone
    assert draft.content_hash == _hash_of(draft)
    entry = AuditEntry.objects.get(action="catalog.version.parts_replace")
    assert set(entry.after) == {"steps", "fees"}

    # The same lists again change nothing, not even the rows' ids.
    before = _state()
    services.version_parts_replace(version=draft, actor=agency_admin, steps=steps, fees=fees)
    assert _state() == before


def test_parts_replace_refuses_a_bad_row_and_keeps_the_old_lists(province_admin):
    draft = ProcedureVersionFactory(complete=True)
    before = _state()
    with pytest.raises(ValidationError):
        services.version_parts_replace(
            version=draft,
            actor=province_admin,
            steps=[{"description": "Bước 1"}],
            components=[{"name": "Tờ khai", "count": 0}],
        )
    assert _state() == before


def test_component_template_is_checked_by_name_and_content(province_admin, vietnamese):
    draft = ProcedureVersionFactory(complete=True)
    good = SimpleUploadedFile("to-khai.docx", b"PK\x03\x04 rest of a zip")
    component = services.component_add(
        version=draft, actor=province_admin, name="Tờ khai", template=good
    )
    assert component.template.name.endswith(".docx")
    assert component.template.read().startswith(b"PK")

    before = _state()
    for upload, code in [
        (SimpleUploadedFile("to-khai.exe", b"MZ\x90\x00"), "template_type"),
        (SimpleUploadedFile("to-khai.pdf", b"<html>not a pdf</html>"), "template_content"),
    ]:
        with pytest.raises(ServiceError) as refusal:
            services.component_update(component=component, actor=province_admin, template=upload)
        assert refusal.value.field == "template"
        assert refusal.value.code == code
    assert _state() == before


def test_component_template_size_limit(province_admin, settings):
    settings.DVC_TEMPLATE_MAX_BYTES = 10
    draft = ProcedureVersionFactory(complete=True)
    with pytest.raises(ServiceError) as refusal:
        services.component_add(
            version=draft,
            actor=province_admin,
            name="Tờ khai",
            template=SimpleUploadedFile("mau.pdf", b"%PDF-1.7 " + b"x" * 20),
        )
    assert refusal.value.code == "template_size"


# --- Publishing --------------------------------------------------------------------------


def test_publish_supersedes_the_previous_version(province_admin):
    old = ProcedureVersionFactory(published=True)
    draft = services.version_create_draft(procedure=old.procedure, actor=province_admin)
    services.version_update(version=draft, actor=province_admin, name="Tên mới công bố")

    published = services.version_publish(version=draft, actor=province_admin)

    old.refresh_from_db()
    published.refresh_from_db()
    assert old.status == VersionStatus.SUPERSEDED
    assert published.status == VersionStatus.PUBLISHED
    assert published.published_by == province_admin
    assert published.published_at is not None
    assert published.content_hash == _hash_of(published)
    entries = list(
        AuditEntry.objects.filter(
            action__in=["catalog.version.supersede", "catalog.version.publish"]
        )
        .order_by("seq")
        .values_list("action", "object_pk")
    )
    assert entries == [
        ("catalog.version.supersede", str(old.pk)),
        ("catalog.version.publish", str(draft.pk)),
    ]
    publish = AuditEntry.objects.get(action="catalog.version.publish")
    assert (publish.before["status"], publish.after["status"]) == ("draft", "published")


def test_publish_refuses_an_incomplete_version_and_lists_every_missing_part(
    province_admin, vietnamese
):
    bare = ProcedureVersionFactory(
        name=" ",
        channel_counter=False,
        online_level=OnlineLevel.FULL,
        competent_agency=AgencyFactory(closed=True),
    )
    before = _state()
    with pytest.raises(ServiceError) as refusal:
        services.version_publish(version=bare, actor=province_admin)
    message = str(refusal.value.message)
    assert refusal.value.code == "incomplete"
    assert message.startswith("Chưa thể công bố phiên bản này. Còn thiếu:")
    for part in [
        "tên thủ tục",
        "trình tự thực hiện",
        "cách thức thực hiện",
        "thành phần hồ sơ",
        "thời hạn giải quyết",
        "đối tượng thực hiện",
        "cơ quan thực hiện",
        "cấp thực hiện",
        "cơ quan tiếp nhận hồ sơ",
        "mức độ 4",
    ]:
        assert part in message, part
    assert _state() == before


def test_publish_names_only_what_is_missing(province_admin, vietnamese):
    version = ProcedureVersionFactory(complete=True)
    version.time_options.all().delete()
    version.steps.all().delete()
    with pytest.raises(ServiceError) as refusal:
        services.version_publish(version=version, actor=province_admin)
    assert str(refusal.value.message) == (
        "Chưa thể công bố phiên bản này. Còn thiếu: trình tự thực hiện; thời hạn giải quyết."
    )


def test_a_complete_factory_version_has_nothing_missing():
    assert services.version_missing_parts(ProcedureVersionFactory(complete=True)) == []


@pytest.mark.parametrize("role", ["agency_admin", "one_stop_officer", "leader"])
def test_only_province_admins_publish(role):
    draft = ProcedureVersionFactory(complete=True)
    user = MembershipFactory(agency=draft.competent_agency, **{role: True}).user
    before = _state()
    with pytest.raises(services.ActionNotAllowed):
        services.version_publish(version=draft, actor=user)
    assert _state() == before


def test_a_superuser_publishes():
    draft = ProcedureVersionFactory(complete=True)
    services.version_publish(version=draft, actor=UserFactory(superuser=True))
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_publishing_twice_is_refused(province_admin):
    version = ProcedureVersionFactory(published=True)
    before = _state()
    with pytest.raises(ServiceError) as refusal:
        services.version_publish(version=version, actor=province_admin)
    assert refusal.value.code == "not_draft"
    assert _state() == before


# --- Discarding --------------------------------------------------------------------------


def test_discard_draft_deletes_it_with_its_parts_and_records_them(agency, agency_admin):
    draft = ProcedureVersionFactory(complete=True, competent_agency=agency)
    pk = draft.pk
    services.version_discard_draft(version=draft, actor=agency_admin)
    assert not ProcedureVersion.objects.filter(pk=pk).exists()
    assert not Step.objects.filter(version_id=pk).exists()
    entry = AuditEntry.objects.get(action="catalog.version.discard")
    assert (entry.object_pk, entry.scope, entry.after) == (str(pk), agency.code, None)
    assert len(entry.before["steps"]) == 2


def test_discard_refuses_a_published_version_and_another_agencys_draft(agency_admin):
    published = ProcedureVersionFactory(published=True)
    others = ProcedureVersionFactory(complete=True)
    before = _state()
    with pytest.raises(ServiceError):
        services.version_discard_draft(version=published, actor=None)
    with pytest.raises(services.ActionNotAllowed):
        services.version_discard_draft(version=others, actor=agency_admin)
    assert _state() == before


# --- Sectors and fields ------------------------------------------------------------------


def test_renaming_a_field_or_sector_refreshes_its_versions(province_admin):
    version = ProcedureVersionFactory(published=True)
    services.field_update(field=version.field, actor=province_admin, name="Chứng thực")
    version.refresh_from_db()
    assert "chung thuc" in version.search_text
    services.sector_update(sector=version.field.sector, actor=province_admin, name="Tư pháp")
    version.refresh_from_db()
    assert "tu phap" in version.search_text
    assert version.content_hash == _hash_of(version)
    assert AuditEntry.objects.filter(action="catalog.field.update").count() == 1
    assert AuditEntry.objects.filter(action="catalog.sector.update").count() == 1


def test_sectors_and_fields_are_the_provinces(agency_admin, province_admin):
    sector = services.sector_create(code="TP", name="Tư pháp", actor=province_admin)
    field = services.field_create(code="HT", name="Hộ tịch", sector=sector, actor=province_admin)
    assert AuditEntry.objects.filter(action__in=["catalog.sector.create", "catalog.field.create"])
    before = _state()
    with pytest.raises(services.ActionNotAllowed):
        services.field_update(field=field, actor=agency_admin, name="Khác")
    with pytest.raises(services.ActionNotAllowed):
        services.sector_create(code="X", name="X", actor=agency_admin)
    assert _state() == before


# --- Announced but not yet published -----------------------------------------------------


def test_announced_unpublished_oldest_decision_first():
    def draft(date, **kwargs):
        return ProcedureVersionFactory(
            complete=True,
            announcing_decision_number="1/QĐ-UBND",
            announcing_decision_date=date,
            **kwargs,
        )

    newer = draft(datetime.date(2025, 6, 1))
    oldest = draft(datetime.date(2024, 1, 15))
    middle = draft(datetime.date(2025, 2, 1))
    ProcedureVersionFactory(complete=True)  # a draft without a decision
    ProcedureVersionFactory(published=True, announced=True)  # already published
    # A draft made from the published version and not changed: nothing is pending.
    unchanged = ProcedureVersionFactory(published=True, announced=True)
    services.version_create_draft(procedure=unchanged.procedure, actor=None)
    # A changed one is pending.
    changed_source = ProcedureVersionFactory(published=True, announced=True)
    changed = services.version_create_draft(procedure=changed_source.procedure, actor=None)
    services.version_update(version=changed, actor=None, name="Tên theo quyết định mới")

    pending = list(procedures_announced_unpublished())
    assert pending == [oldest, middle, changed, newer]

    scoped = procedures_announced_unpublished(scope=frozenset({middle.competent_agency_id}))
    assert list(scoped) == [middle]
