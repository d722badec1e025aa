"""The README's hand path at service level, on the demo data with the demo officers: a citizen
submits "Đăng ký khai sinh" at UBND xã Hỏa Lựu, the desk receives and hands it on, the specialist
proposes the result, the leader approves it, the desk returns it, the citizen rates the service."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from dichvucong.accounts.models import User
from dichvucong.agencies.models import Agency
from dichvucong.dossiers.constants import DossierStatus, ResultDelivery
from dichvucong.dossiers.services import attachment_add, dossier_create_draft
from dichvucong.feedback.models import Rating
from dichvucong.feedback.services import rating_submit
from dichvucong.workflow import processing
from dichvucong.workflow.applicant import dossier_submit
from dichvucong.workflow.intake import dossier_receive
from dichvucong.workflow.steps import open_step
from tests.dossiers.factories import PDF_BYTES


def _pdf(name="giay-to.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _demo(email):
    return User.objects.get(email=f"{email}@demo.haugiang.local")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# Submitted, received and handed on "now" (decision 0008); the demo takes a while to load, so
# the sweep leaves this journey out, as the browser's.
@pytest.mark.clock
@pytest.mark.journey
@pytest.mark.django_db
def test_a_demo_dossier_from_submission_to_returned_result_and_rating():
    call_command("load_demo", stdout=io.StringIO())
    desk = Agency.objects.get(code="000.03.21.H30")  # UBND xã Hỏa Lựu
    citizen = _demo("nguyenvanan")
    desk_officer, specialist, leader = (
        _demo("motcua.hoaluu"),
        _demo("chuyenvien.hoaluu"),
        _demo("lanhdao.hoaluu"),
    )
    version = desk.receives_for.get(status="published", name="Đăng ký khai sinh")

    dossier = dossier_create_draft(version=version, receiving_agency=desk, actor=citizen)
    attachment_add(dossier=dossier, component=None, upload=_pdf("to-khai.pdf"), actor=citizen)
    for component in version.components.filter(mandatory=True):
        attachment_add(dossier=dossier, component=component, upload=_pdf(), actor=citizen)
    dossier_submit(dossier=dossier, actor=citizen)
    dossier = dossier_receive(
        dossier=dossier, actor=desk_officer, time_option=version.time_options.first()
    )
    assert dossier.status == DossierStatus.RECEIVED

    # The desk hands the dossier to the commune's civil-status specialist.
    dossier = processing.step_forward(
        step=open_step(dossier), actor=desk_officer, note="Chuyển công chức tư pháp - hộ tịch"
    )
    assert dossier.status == DossierStatus.PROCESSING
    processing.step_take(step=open_step(dossier), actor=specialist)
    dossier = processing.result_propose(
        step=open_step(dossier),
        actor=specialist,
        kind="grant",
        summary="Đủ điều kiện đăng ký khai sinh.",
        files=[processing.ResultUpload("Giấy khai sinh (bản chính)", _pdf("giay-khai-sinh.pdf"))],
    )
    dossier = processing.result_approve(step=open_step(dossier), actor=leader)
    assert dossier.status == DossierStatus.RESOLVED
    assert dossier.result_delivery == ResultDelivery.DESK
    dossier = processing.result_return(
        dossier=dossier, actor=desk_officer, recipient=dossier.owner_name
    )

    assert dossier.status == DossierStatus.RETURNED
    assert dossier.on_time is True
    assert [row.transition for row in dossier.history.all()] == [
        "submit",
        "receive",
        "forward",
        "propose_result",
        "resolve",
        "return_result",
    ]
    assert dossier.result_files.filter(withdrawn_at__isnull=True).count() == 1

    rating_submit(
        dossier=dossier,
        convenience="very_satisfied",
        overall="satisfied",
        comment="Cán bộ hướng dẫn tận tình.",
        via="web",
        actor=citizen,
    )
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.convenience, rating.overall, rating.rated_by) == (
        "very_satisfied",
        "satisfied",
        citizen,
    )
