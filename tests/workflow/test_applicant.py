import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dichvucong.catalog.formdefs import answers_to_json, form_for_version
from dichvucong.core.constants import LEGAL_TIMEZONE
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import DossierHistory, SupplementRequest
from dichvucong.dossiers.services import (
    attachment_add,
    attachment_remove,
    dossier_answers_update,
    dossier_create_draft,
)
from dichvucong.workflow.applicant import dossier_problems, dossier_resubmit, dossier_submit
from dichvucong.workflow.engine import ActorNotAllowed
from tests.accounts.factories import UserFactory
from tests.agencies.factories import close_with_successor
from tests.catalog.factories import ProcedureVersionFactory
from tests.dossiers.factories import PDF_BYTES, AttachmentFactory, DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf():
    return SimpleUploadedFile("ban-scan.pdf", PDF_BYTES)


def fill_form(dossier, actor, **overrides):
    """Validate the form as the page does and store its answers."""
    data = {
        "nguoi_de_nghi": actor.full_name,
        "so_dinh_danh": actor.id_number,
        "dia_chi": actor.address,
        "dien_thoai": actor.phone,
        "email": actor.email,
        "noi_dung": "Đề nghị cấp giấy chứng nhận.",
        **overrides,
    }
    form = form_for_version(dossier.version, data=data)
    assert form.is_valid(), form.errors
    return dossier_answers_update(dossier=dossier, actor=actor, answers=answers_to_json(form))


@pytest.mark.clock
def test_draft_to_submitted():
    version = ProcedureVersionFactory(published=True)
    applicant = UserFactory(applicant=True)
    dossier = dossier_create_draft(
        version=version, receiving_agency=version.receiving_agencies.get(), actor=applicant
    )
    dossier = fill_form(dossier, applicant)
    for component in version.components.filter(mandatory=True):
        attachment_add(dossier=dossier, component=component, upload=pdf(), actor=applicant)
    assert dossier_problems(dossier) == []

    submitted = dossier_submit(dossier=dossier, actor=applicant)

    assert submitted.status == DossierStatus.SUBMITTED
    assert submitted.submitted_at is not None
    row = DossierHistory.objects.get(dossier=dossier)
    assert (row.transition, row.from_status, row.to_status, row.actor) == (
        "submit",
        DossierStatus.DRAFT,
        DossierStatus.SUBMITTED,
        applicant,
    )
    assert AuditEntry.objects.filter(action="dossier.submit", object_pk=str(dossier.pk)).exists()


def test_submit_refuses_missing_files_and_changes_nothing(vietnamese):
    dossier = DossierFactory()
    applicant = dossier.owner_account
    dossier = fill_form(dossier, applicant)

    with pytest.raises(ServiceError) as caught:
        dossier_submit(dossier=dossier, actor=applicant)

    assert "Đính kèm" in str(caught.value)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and dossier.submitted_at is None
    assert not DossierHistory.objects.exists()
    assert not AuditEntry.objects.filter(action="dossier.submit").exists()


def test_submit_refuses_an_invalid_form():
    dossier = DossierFactory()
    applicant = dossier.owner_account
    for component in dossier.version.components.all():
        AttachmentFactory(dossier=dossier, component=component)
    # Answers stored with a bad ID number (as if the form had changed since).
    dossier.answers = {"nguoi_de_nghi": "A", "so_dinh_danh": "12", "noi_dung": "x"}
    dossier.save()

    with pytest.raises(ServiceError):
        dossier_submit(dossier=dossier, actor=applicant)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_a_draft_begun_before_its_desk_closed_cannot_be_submitted_there(vietnamese):
    version = ProcedureVersionFactory(published=True)
    applicant = UserFactory(applicant=True)
    desk = version.receiving_agencies.get()
    at = dt.datetime(2025, 6, 30, 10, 0, tzinfo=LEGAL_TIMEZONE)
    with time_machine.travel(at, tick=False):
        dossier = dossier_create_draft(version=version, receiving_agency=desk, actor=applicant)
        dossier = fill_form(dossier, applicant)
        for component in version.components.filter(mandatory=True):
            attachment_add(dossier=dossier, component=component, upload=pdf(), actor=applicant)
    successor = close_with_successor(desk, closing=dt.date(2025, 6, 30), code="H92.32")

    with (
        time_machine.travel(at + dt.timedelta(days=1), tick=False),
        pytest.raises(ServiceError) as refusal,
    ):
        dossier_submit(dossier=dossier, actor=applicant)

    assert refusal.value.code == "agency_closed"
    assert successor.name in str(refusal.value)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_submit_refuses_another_applicant():
    dossier = DossierFactory()
    with pytest.raises(ActorNotAllowed):
        dossier_submit(dossier=dossier, actor=UserFactory(applicant=True))
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


@pytest.fixture
def supplement_case():
    """A dossier with files for both components; the desk asks to fix the first one."""
    dossier = DossierFactory(supplement_requested=True)
    first, second = dossier.version.components.all()[:2]
    old_first = AttachmentFactory(dossier=dossier, component=first)
    AttachmentFactory(dossier=dossier, component=second)
    request = SupplementRequest.objects.create(
        dossier=dossier,
        stage=SupplementRequest.Stage.INTAKE,
        agency=dossier.receiving_agency,
        reason="Bản scan mờ, không đọc được.",
        requested_at=timezone.now(),
    )
    request.components.set([first])
    return dossier, first, second, old_first, request


@pytest.mark.clock
def test_resubmit_after_fixing_only_the_requested_component(supplement_case):
    dossier, first, _second, old_first, request = supplement_case
    applicant = dossier.owner_account

    attachment_remove(attachment=old_first, actor=applicant)
    attachment_add(dossier=dossier, component=first, upload=pdf(), actor=applicant)
    result = dossier_resubmit(dossier=dossier, actor=applicant)

    assert result.status == DossierStatus.SUBMITTED
    request.refresh_from_db()
    assert request.resolved_at is not None
    old_first.refresh_from_db()
    # The file first filed is kept, marked as replaced.
    assert old_first.replaced_at is not None
    assert DossierHistory.objects.filter(dossier=dossier, transition="resubmit").exists()


def test_resubmit_refuses_a_change_to_another_component(supplement_case):
    dossier, _first, second, _old, _request = supplement_case
    with pytest.raises(ServiceError) as caught:
        attachment_add(dossier=dossier, component=second, upload=pdf(), actor=dossier.owner_account)
    assert caught.value.code == "not_requested"
    assert dossier.attachments.count() == 2


def test_resubmit_refuses_without_a_new_file(supplement_case):
    dossier, _first, _second, _old, request = supplement_case

    with pytest.raises(ServiceError):
        dossier_resubmit(dossier=dossier, actor=dossier.owner_account)

    dossier.refresh_from_db()
    request.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert request.resolved_at is None
    assert not DossierHistory.objects.filter(transition="resubmit").exists()


def test_answers_cannot_change_during_a_supplement(supplement_case):
    dossier, *_ = supplement_case
    with pytest.raises(ServiceError):
        dossier_answers_update(dossier=dossier, actor=dossier.owner_account, answers={"x": 1})


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_a_required_yes_no_answer_makes_a_complete_dossier_and_shows_on_resume(answer):
    version = ProcedureVersionFactory(published=True)
    version.form = {
        "sections": [
            {
                "title": "Tờ khai",
                "fields": [
                    {"name": "ho_ten", "type": "text", "label": "Họ tên", "required": True},
                    {"name": "cap_ban_sao", "type": "yesno", "label": "Bản sao", "required": True},
                ],
            }
        ]
    }
    version.save(update_fields=["form"])
    applicant = UserFactory(applicant=True)
    dossier = dossier_create_draft(
        version=version, receiving_agency=version.receiving_agencies.get(), actor=applicant
    )
    form = form_for_version(version, data={"ho_ten": "Nguyễn Văn An", "cap_ban_sao": answer})
    assert form.is_valid(), form.errors
    dossier = dossier_answers_update(
        dossier=dossier, actor=applicant, answers=answers_to_json(form)
    )
    assert dossier.answers["cap_ban_sao"] is (answer == "yes")
    for component in version.components.filter(mandatory=True):
        attachment_add(dossier=dossier, component=component, upload=pdf(), actor=applicant)

    assert dossier_problems(dossier) == []
    resumed = form_for_version(version, initial=dossier.answers)
    assert resumed["cap_ban_sao"].value() == answer
