"""The electronic process of a version (issue 5, item 1): ordered steps edited only on a
draft, copied into new drafts, checked against the procedure's time on publishing, carried by
the exchange format, and shown on the procedure page and in the API."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dichvucong.agencies.worktime import DurationUnit
from dichvucong.catalog import services
from dichvucong.catalog.content import content_hash, item_normalize, procedure_item
from dichvucong.catalog.exporting import procedures_export_json, procedures_export_xlsx
from dichvucong.catalog.importing import procedures_import
from dichvucong.catalog.models import ProcedureVersion, ProcessRole, ProcessStep, VersionStatus
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory

from .factories import ProcedureVersionFactory, ProcessStepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_admin():
    return MembershipFactory(province_admin=True).user


def _draft(**time):
    """A complete draft whose one processing time is `time` (default 5 working days)."""
    version = ProcedureVersionFactory(complete=True)
    if time:
        version.time_options.update(**time)
    return version


def _process(version, *budgets):
    """Desk → specialist(s) → … with the given (duration, unit) budgets, in order."""
    for position, (duration, unit) in enumerate(budgets, start=1):
        ProcessStepFactory(version=version, position=position, duration=duration, unit=unit)


def test_steps_are_added_in_order_audited_and_change_the_hash(province_admin):
    version = _draft()
    before_hash = version.content_hash
    other = AgencyFactory(with_desk=True)

    desk = services.process_step_add(
        version=version,
        actor=province_admin,
        name="Tiếp nhận",
        at_receiving_agency=True,
        role=ProcessRole.ONE_STOP_OFFICER,
        duration=4,
        unit=DurationUnit.HOURS.value,
    )
    services.process_step_add(
        version=version,
        actor=province_admin,
        name="Thẩm định liên thông",
        agency=other,
        role=ProcessRole.SPECIALIST,
        duration=2,
        unit=DurationUnit.WORKING_DAYS.value,
        may_return=True,
    )
    services.process_step_update(process_step=desk, actor=province_admin, position=3)

    version.refresh_from_db()
    assert [step.name for step in version.process_steps.all()] == [
        "Thẩm định liên thông",
        "Tiếp nhận",
    ]
    assert AuditEntry.objects.filter(action="catalog.version.process_step.add").count() == 2
    assert AuditEntry.objects.filter(action="catalog.version.process_step.update").count() == 1
    assert version.content_hash != before_hash
    assert procedure_item(version)["version"]["process"][0]["agency"] == other.code


def test_a_step_is_at_the_receiving_agency_or_at_a_named_one(province_admin):
    version = _draft()
    with pytest.raises(Exception):  # noqa: B017 - the model's check (a ValidationError)
        services.process_step_add(
            version=version,
            actor=province_admin,
            name="Không rõ nơi",
            role=ProcessRole.LEADER,
            duration=1,
        )
    assert not ProcessStep.objects.exists()


def test_a_published_version_refuses_every_process_edit_and_nothing_changes(province_admin):
    version = ProcedureVersionFactory(published=True)
    step = ProcessStepFactory(version=version, position=1)
    entries = AuditEntry.objects.count()

    with pytest.raises(ServiceError):
        services.process_step_add(
            version=version,
            actor=province_admin,
            name="Thêm",
            at_receiving_agency=True,
            role=ProcessRole.LEADER,
            duration=1,
        )
    with pytest.raises(ServiceError):
        services.process_step_update(process_step=step, actor=province_admin, duration=9)
    with pytest.raises(ServiceError):
        services.process_step_delete(process_step=step, actor=province_admin)
    with pytest.raises(ServiceError):
        services.version_parts_replace(version=version, actor=province_admin, process_steps=[])

    step.refresh_from_db()
    assert step.duration == 1 and ProcessStep.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_a_new_draft_copies_the_process(province_admin):
    version = ProcedureVersionFactory(published=True)
    ProcessStepFactory(version=version, position=1, at_desk=True)
    ProcessStepFactory(version=version, position=2)

    draft = services.version_create_draft(procedure=version.procedure, actor=province_admin)

    copied = [(s.name, s.agency_id, s.role, s.duration) for s in draft.process_steps.all()]
    assert copied == [
        (s.name, s.agency_id, s.role, s.duration) for s in version.process_steps.all()
    ]


def test_publishing_refuses_budgets_beyond_a_working_day_time(province_admin):
    version = _draft()  # 5 working days = 40 working hours
    _process(version, (4, "hours"), (4, "working_days"), (1, "working_days"))  # 44 hours
    entries = AuditEntry.objects.count()

    with pytest.raises(ServiceError) as refused:
        services.version_publish(version=version, actor=province_admin)

    assert "44" in str(refused.value.message) and "40" in str(refused.value.message)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    assert AuditEntry.objects.count() == entries


def test_publishing_accepts_budgets_that_fit_exactly(province_admin):
    version = _draft()
    _process(version, (4, "hours"), (3, "working_days"), (1, "working_days"), (4, "hours"))

    published = services.version_publish(version=version, actor=province_admin)

    assert published.status == VersionStatus.PUBLISHED
    assert services.version_publish_warnings(published) == []


def test_publishing_refuses_calendar_budgets_in_a_working_time_procedure(province_admin):
    version = _draft()
    _process(version, (2, "days"))

    with pytest.raises(ServiceError):
        services.version_publish(version=version, actor=province_admin)
    assert ProcedureVersion.objects.get(pk=version.pk).status == VersionStatus.DRAFT


def test_a_same_day_procedure_has_one_working_day(province_admin):
    version = _draft(duration=0, same_day=True)
    _process(version, (8, "hours"), (1, "hours"))

    with pytest.raises(ServiceError):
        services.version_publish(version=version, actor=province_admin)


def test_calendar_day_procedures_publish_with_a_warning(province_admin):
    version = _draft(duration=15, unit=DurationUnit.DAYS.value)
    _process(version, (1, "working_days"), (14, "days"), (2, "working_days"))  # 17 days

    assert services.version_publish_warnings(version)
    published = services.version_publish(version=version, actor=province_admin)

    assert published.status == VersionStatus.PUBLISHED
    assert "17" in services.version_publish_warnings(published)[0]


def test_a_version_without_a_process_still_publishes(province_admin):
    version = _draft()
    assert services.version_publish(version=version, actor=province_admin).is_draft is False


def test_the_process_is_left_out_of_the_content_when_there_is_none():
    version = ProcedureVersionFactory(published=True)
    assert "process" not in procedure_item(version)["version"]


def test_the_process_reads_back_with_the_same_hash():
    version = ProcedureVersionFactory(published=True)
    ProcessStepFactory(version=version, position=1, at_desk=True)
    ProcessStepFactory(version=version, position=2, leader=True)
    services.version_refresh_derived(version)
    item = procedure_item(version)

    normalized, errors = item_normalize(json.loads(json.dumps(item)))

    assert errors == []
    assert content_hash(normalized.item) == content_hash(item) == version.content_hash
    assert item["version"]["process"][0]["agency"] is None


def test_import_refuses_an_unknown_agency_and_a_bad_role(province_admin):
    version = ProcedureVersionFactory(published=True)
    ProcessStepFactory(version=version, position=1)
    services.version_refresh_derived(version)
    exported = json.loads(procedures_export_json())

    for change, expected in (
        ({"role": "director"}, "director"),
        ({"agency": "999.99.99.H99"}, "999.99.99.H99"),
    ):
        document = json.loads(json.dumps(exported))
        document["procedures"][0]["version"]["process"][0].update(change)
        report = procedures_import(
            data=json.dumps(document).encode(), filename="p.json", actor=province_admin
        )
        assert not report.ok and expected in "\n".join(report.lines())
    assert ProcedureVersion.objects.filter(procedure=version.procedure).count() == 1


def test_json_and_xlsx_round_trips_keep_the_process(province_admin):
    version = ProcedureVersionFactory(published=True)
    ProcessStepFactory(version=version, position=1, at_desk=True)
    ProcessStepFactory(version=version, position=2)
    services.version_refresh_derived(version)
    exported = procedures_export_json()

    workbook = load_workbook(io.BytesIO(procedures_export_xlsx()))
    rows = list(workbook["Process"].iter_rows(values_only=True))
    assert rows[0][:3] == ("local_code", "position", "name") and len(rows) == 3

    for data, name in ((exported, "p.json"), (procedures_export_xlsx(), "p.xlsx")):
        report = procedures_import(data=data, filename=name, actor=province_admin)
        assert report.errors == [] and len(report.unchanged) == 1

    # A changed budget publishes a new version carrying the new process.
    document = json.loads(exported)
    document["procedures"][0]["version"]["process"][1]["duration"] = 2
    report = procedures_import(
        data=json.dumps(document).encode(), filename="p.json", actor=province_admin
    )
    assert report.errors == [] and len(report.updated) == 1
    current = ProcedureVersion.objects.get(
        procedure=version.procedure, status=VersionStatus.PUBLISHED
    )
    assert [step.duration for step in current.process_steps.all()] == [4, 2]
    assert current.process_steps.first().at_receiving_agency


def test_the_page_and_the_api_show_the_process(client):
    version = ProcedureVersionFactory(published=True)
    other = AgencyFactory(with_desk=True, name="Sở Tài nguyên và Môi trường thử nghiệm")
    ProcessStepFactory(version=version, position=1, at_desk=True)
    ProcessStepFactory(version=version, position=2, agency=other, name="Thẩm định liên thông")
    services.version_refresh_derived(version)

    code = version.procedure.local_code
    html = client.get(reverse("catalog:detail", args=[code])).content.decode()
    data = client.get(f"/api/v1/procedures/{code}/", HTTP_ACCEPT="application/json").json()

    assert "Quy trình xử lý" in html and "Thẩm định liên thông" in html
    assert other.name in html and "4 giờ làm việc" in html
    assert [step["name"] for step in data["process"]] == ["Tiếp nhận hồ sơ", "Thẩm định liên thông"]
    assert data["process"][0]["agency"] is None
    assert data["process"][1]["agency"] == {"code": other.code, "name": other.name}
    assert data["process"][1]["role"] == "specialist"


def _publish_in_admin(client, version):
    return client.post(
        reverse("admin:catalog_procedureversion_changelist"),
        {"action": "publish_versions", "_selected_action": [str(version.pk)]},
        follow=True,
    )


def test_the_admin_publishes_a_calendar_time_version_with_a_warning(client, province_admin):
    version = _draft(duration=15, unit=DurationUnit.DAYS.value)
    _process(version, (20, "days"))
    client.force_login(province_admin)

    response = _publish_in_admin(client, version)

    text = " ".join(str(message) for message in response.context["messages"])
    assert "vượt thời hạn giải quyết" in text and "20" in text
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED


def test_the_admin_refuses_a_working_time_version_over_budget(client, province_admin):
    version = _draft()
    _process(version, (6, "working_days"))
    client.force_login(province_admin)

    response = _publish_in_admin(client, version)

    text = " ".join(str(message) for message in response.context["messages"])
    assert "Chưa thể công bố" in text and "48 giờ làm việc" in text
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    # The inline (shown to roles holding the catalog.*_processstep permissions).
    client.force_login(UserFactory(superuser=True))
    page = client.get(reverse("admin:catalog_procedureversion_change", args=[version.pk]))
    assert "process_steps-TOTAL_FORMS" in page.content.decode()
