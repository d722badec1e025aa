"""E-mails to applicants after each intake transition: content, retries, idempotency."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from dichvucong.core.selectors import ruleset_in_force
from dichvucong.dossiers.models import SupplementRequest
from dichvucong.notifications.effects import notify_applicant
from dichvucong.notifications.models import Delivery
from dichvucong.notifications.services import delivery_send
from dichvucong.workflow.engine import transition_apply
from tests.accounts.factories import MembershipFactory
from tests.dossiers.factories import DossierFactory


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def _officer(dossier):
    return MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user


def _receive(dossier):
    now = timezone.now()
    transition_apply(
        dossier=dossier,
        name="receive",
        actor=_officer(dossier),
        changes={
            "code": f"{dossier.receiving_agency.code}-{timezone.localtime(now):%y%m%d}-0007",
            "received_at": now,
            "due_at": now + datetime.timedelta(days=5),
            "rule_set": ruleset_in_force(at=now),
            "processing_agency": dossier.version.competent_agency,
            "time_option": dossier.version.time_options.first(),
            "register_book": "2026",
            "register_line": 7,
        },
    )


@pytest.mark.django_db
def test_submission_sends_a_vietnamese_acknowledgement(django_capture_on_commit_callbacks):
    dossier = DossierFactory()
    with django_capture_on_commit_callbacks(execute=True):
        transition_apply(
            dossier=dossier,
            name="submit",
            actor=dossier.owner_account,
            changes={"submitted_at": timezone.now()},
        )

    [message] = mail.outbox
    assert message.to == [dossier.owner_email]
    assert message.subject.startswith("Đã nhận hồ sơ nộp trực tuyến")
    assert "Bộ phận Một cửa sẽ kiểm tra hồ sơ" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    delivery = Delivery.objects.get()
    assert (delivery.event, delivery.status, delivery.attempts) == ("submit", "sent", 1)
    assert delivery.sent_at is not None


@pytest.mark.clock
@pytest.mark.django_db
def test_receipt_mail_has_the_code_the_appointment_and_the_pdf(
    django_capture_on_commit_callbacks,
):
    dossier = DossierFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        _receive(dossier)

    dossier.refresh_from_db()
    [message] = mail.outbox
    assert dossier.code in message.subject
    assert "đã được tiếp nhận" in message.body
    assert "Thời gian hẹn trả kết quả" in message.body
    assert f"https://dichvucong.haugiang.gov.vn/tra-cuu/?ma={dossier.code}" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"giay-tiep-nhan-{dossier.code}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_supplement_mail_says_what_to_fix_why_and_where(django_capture_on_commit_callbacks):
    dossier = DossierFactory(submitted=True)
    officer = _officer(dossier)
    component = dossier.version.components.order_by("position").first()

    def prepare(locked):
        request = SupplementRequest.objects.create(
            dossier=locked,
            stage=SupplementRequest.Stage.INTAKE,
            agency=locked.receiving_agency,
            reason="Tờ khai thiếu chữ ký.",
            requested_at=timezone.now(),
            requested_by=officer,
        )
        request.components.set([component])
        return {"intake_supplement_count": 1}

    with django_capture_on_commit_callbacks(execute=True):
        transition_apply(dossier=dossier, name="request_supplement", actor=officer, prepare=prepare)

    [message] = mail.outbox
    assert message.subject.startswith("Hồ sơ cần bổ sung, hoàn thiện")
    assert component.name in message.body
    assert "Lý do: Tờ khai thiếu chữ ký." in message.body
    assert f"https://dichvucong.haugiang.gov.vn/ho-so/{dossier.pk}/" in message.body


@pytest.mark.django_db
def test_refusal_mail_gives_the_reason(django_capture_on_commit_callbacks):
    dossier = DossierFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        transition_apply(
            dossier=dossier,
            name="refuse",
            actor=_officer(dossier),
            changes={"refusal_reason": "Hồ sơ không thuộc thẩm quyền."},
        )

    [message] = mail.outbox
    assert message.subject.startswith("Hồ sơ không được tiếp nhận")
    assert "Lý do: Hồ sơ không thuộc thẩm quyền." in message.body


@pytest.mark.django_db
def test_a_failing_mail_server_is_retried_and_logged_and_the_dossier_stays_received(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    dossier = DossierFactory(submitted=True)

    with django_capture_on_commit_callbacks(execute=True):
        _receive(dossier)

    dossier.refresh_from_db()
    assert dossier.status == "received"
    delivery = Delivery.objects.get()
    # The first attempt and five retries (inline: Celery is eager in tests).
    assert (delivery.status, delivery.attempts) == ("failed", 6)
    assert delivery.last_error.startswith("SMTPServerDisconnected")
    assert delivery.sent_at is None


@pytest.mark.django_db
def test_a_failure_before_the_last_attempt_leaves_the_delivery_queued(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    dossier = DossierFactory(submitted=True)
    [delivery] = _deliveries(dossier, "submit")

    with pytest.raises(smtplib.SMTPServerDisconnected):
        delivery_send(delivery_id=delivery.pk, final=False)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("queued", 1)


@pytest.mark.django_db
def test_no_e_mail_address_means_no_delivery(django_capture_on_commit_callbacks):
    dossier = DossierFactory(submitted=True, owner_email="", submitter_email="")
    with django_capture_on_commit_callbacks(execute=True):
        transition_apply(
            dossier=dossier,
            name="refuse",
            actor=_officer(dossier),
            changes={"refusal_reason": "Sai thẩm quyền."},
        )

    assert mail.outbox == []
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_owner_and_submitter_are_written_to_once_each(django_capture_on_commit_callbacks):
    dossier = DossierFactory(submitted=True, submitter_email="NguoiNop@Example.test")
    dossier.owner_email = "nguoinop@example.test"
    dossier.save(update_fields=["owner_email"])
    other = DossierFactory(submitted=True, submitter_email="nguoinop@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        notify_applicant(dossier.pk, "submit")
        other.owner_email = "chu@example.test"
        other.save(update_fields=["owner_email"])
        notify_applicant(other.pk, "submit")

    assert sorted(m.to[0] for m in mail.outbox) == [
        "chu@example.test",
        "nguoinop@example.test",
        "nguoinop@example.test",
    ]


@pytest.mark.django_db
def test_a_side_effect_run_twice_sends_one_message(django_capture_on_commit_callbacks):
    dossier = DossierFactory(submitted=True)

    with django_capture_on_commit_callbacks(execute=True):
        notify_applicant(dossier.pk, "submit")
        notify_applicant(dossier.pk, "submit")
    delivery = Delivery.objects.get()
    delivery_send(delivery_id=delivery.pk)

    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def _deliveries(dossier, event):
    from dichvucong.notifications.services import delivery_create_for_transition

    return delivery_create_for_transition(dossier_id=dossier.pk, event=event)
