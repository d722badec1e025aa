"""The applicant's dossier page during and after processing: timeline, dates, what is asked,
the result, the rating; finished dossiers are read-only."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import SupplementRequest
from dichvucong.dossiers.tokens import rating_token
from dichvucong.feedback.constants import RatingVia, Satisfaction
from dichvucong.feedback.services import rating_submit
from dichvucong.workflow import processing
from dichvucong.workflow.steps import open_step
from tests.clock import after_the_data
from tests.dossiers.factories import PDF_BYTES
from tests.dossiers.processing_paths import (
    APOLOGY_REASON,
    INTERNAL_NOTE,
    RESULT_SUMMARY,
    SUPPLEMENT_REASON,
    officers,
    to_processing,
    to_result,
)
from tests.workflow.world import world

# The world's data are fixed dates in 2026; what these tests do "now" comes after them.
pytestmark = [pytest.mark.django_db, after_the_data]


def page(client, dossier):
    client.force_login(dossier.owner_account)
    response = client.get(reverse("web:dossier-detail", args=[dossier.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_timeline_shows_time_agency_and_status_but_no_officer_or_internal_note(
    client, vietnamese, django_assert_max_num_queries
):
    w = world()
    dossier = to_processing(w)
    client.force_login(dossier.owner_account)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("web:dossier-detail", args=[dossier.pk]))

    body = response.content.decode()
    assert "Diễn biến xử lý" in body
    assert "Được tiếp nhận" in body and "Đang xử lý" in body
    assert w.desk.name in body
    assert timezone.localtime(dossier.received_at).strftime("%H:%M %d/%m/%Y") in body
    assert INTERNAL_NOTE not in body
    for officer in officers(w):
        assert officer.full_name not in body and officer.email not in body


def test_the_new_date_and_the_apologys_reason_are_shown(client, vietnamese):
    w = world()
    dossier = to_processing(w)
    new_due = timezone.now() + dt.timedelta(days=40)
    processing.apology_issue(
        dossier=dossier, actor=w.leader, reason=APOLOGY_REASON, new_due_at=new_due
    )
    dossier.refresh_from_db()

    body = page(client, dossier)

    assert "Ngày hẹn trả mới" in body
    assert timezone.localtime(new_due).strftime("%H:%M %d/%m/%Y") in body
    assert f"<del>{timezone.localtime(dossier.due_at):%H:%M %d/%m/%Y}</del>" in body
    assert APOLOGY_REASON in body
    assert f"{w.processing.name} xin lỗi" in body


def test_the_fee_due_is_shown_with_how_to_pay(client, vietnamese):
    w = world()
    dossier = to_processing(w)
    processing.step_take(step=open_step(dossier), actor=w.specialist)
    dossier = processing.step_require_fee(
        step=open_step(dossier), actor=w.specialist, amount=150000
    )

    body = page(client, dossier)

    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    assert "150.000" in body
    assert "tại Bộ phận Một cửa" in body


def test_a_processing_supplement_is_asked_and_resubmitted_back_to_processing(client, vietnamese):
    w = world()
    dossier = to_result(w, supplement=True)
    request = SupplementRequest.objects.get(dossier=dossier)
    component = request.components.get()

    body = page(client, dossier)

    assert "Yêu cầu đối với ông/bà" in body
    assert SUPPLEMENT_REASON in body
    assert component.name in body
    assert f"{w.processing.name} đề nghị ông/bà bổ sung" in body
    assert reverse("web:dossier-files", args=[dossier.pk]) in body

    client.post(
        reverse("web:dossier-files", args=[dossier.pk]),
        {"component": component.pk, "upload": SimpleUploadedFile("ro.pdf", PDF_BYTES)},
    )
    response = client.post(reverse("web:dossier-resubmit", args=[dossier.pk]), follow=True)

    dossier.refresh_from_db()
    request.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert request.resolved_at is not None
    assert dossier.history.last().transition == "resubmit_processing"
    assert "Hồ sơ bổ sung của ông/bà đã được chuyển lại để tiếp tục giải quyết." in (
        response.content.decode()
    )


def test_the_result_is_shown_with_its_files_and_the_rating_invitation(client, vietnamese):
    w = world()
    dossier = to_result(w)
    result = dossier.result_files.get()

    body = page(client, dossier)

    assert dossier.status == DossierStatus.RESOLVED
    assert "Chấp thuận" in body
    assert RESULT_SUMMARY in body
    assert reverse("web:result-file", args=[result.pk]) in body
    assert "Giấy chứng nhận" in body
    rate = (
        f"{reverse('feedback:rate', kwargs={'code': dossier.code})}?t={rating_token(dossier.code)}"
    )
    assert f'class="button primary" href="{rate}"' in body
    # A resolved dossier can no longer be withdrawn.
    assert reverse("web:dossier-withdraw", args=[dossier.pk]) not in body


def test_no_result_files_before_the_result_is_approved(client):
    w = world()
    dossier = to_processing(w)
    processing.step_take(step=open_step(dossier), actor=w.specialist)
    dossier = processing.result_propose(
        step=open_step(dossier),
        actor=w.specialist,
        kind="grant",
        summary=RESULT_SUMMARY,
        files=[processing.ResultUpload("Giấy chứng nhận", SimpleUploadedFile("a.pdf", PDF_BYTES))],
    )

    body = page(client, dossier)

    assert reverse("web:result-file", args=[dossier.result_files.get().pk]) not in body
    assert RESULT_SUMMARY not in body


def test_a_given_rating_is_shown(client, vietnamese):
    w = world()
    dossier = to_result(w)
    rating_submit(
        dossier=dossier,
        convenience=Satisfaction.SATISFIED,
        overall=Satisfaction.VERY_SATISFIED,
        via=RatingVia.QR,
    )

    body = page(client, dossier)

    assert "Đánh giá của ông/bà" in body
    assert "Rất hài lòng" in body
    assert "?t=" not in body


def test_a_received_dossier_links_the_rating_quietly(client, vietnamese):
    w = world()
    dossier = w.dossier()

    body = page(client, dossier)

    assert reverse("feedback:rate", kwargs={"code": dossier.code}) in body
    assert 'class="button primary" href="/danh-gia/' not in body


def test_a_stopped_dossier_is_read_only(client, vietnamese):
    w = world()
    dossier = to_processing(w)
    processing.withdrawal_request(
        dossier=dossier, actor=dossier.owner_account, reason="Không cần nữa"
    )
    dossier = processing.dossier_stop(dossier=dossier, actor=w.leader, reason="Theo đề nghị rút")

    body = page(client, dossier)

    assert dossier.status == DossierStatus.STOPPED
    assert "Theo đề nghị rút" in body
    for name in ("web:dossier-withdraw", "web:dossier-files", "web:dossier-form"):
        assert reverse(name, args=[dossier.pk]) not in body
