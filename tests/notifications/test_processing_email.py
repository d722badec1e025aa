"""E-mails after the processing transitions (to the applicant) and the deadline marks (to the
officers and leaders): recipients, subject, key content, the delivery log, once per event."""

import datetime as dt

import pytest
from django.core import mail

from dichvucong.dossiers.constants import ResultDelivery
from dichvucong.dossiers.models import Dossier
from dichvucong.notifications import services
from dichvucong.notifications.effects import notify_applicant, notify_officers
from dichvucong.notifications.models import Delivery
from dichvucong.workflow import processing as p
from dichvucong.workflow.deadlines import deadlines_mark
from dichvucong.workflow.steps import open_step
from tests.accounts.factories import MembershipFactory
from tests.workflow.world import local, pdf, world

PUBLIC = "https://dichvucong.haugiang.gov.vn"


@pytest.fixture
def w(db):
    return world()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Runs an action with its after-commit side effects, and returns the new messages."""

    def call(action, *args, **kwargs):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            result = action(*args, **kwargs)
        call.result = result
        return mail.outbox[before:]

    return call


def _only(messages, to):
    [message] = [m for m in messages if m.to == [to]]
    return message


def _at_specialist(w, run, **kwargs):
    dossier = w.dossier(at=local(2026, 3, 2, 8, 0), **kwargs)
    run(p.step_forward, step=open_step(dossier), actor=w.desk_officer, at=local(2026, 3, 2, 9))
    return Dossier.objects.get(pk=dossier.pk)


def _at_leader(w, run, dossier):
    run(
        p.result_propose,
        step=open_step(dossier),
        actor=w.specialist,
        kind="grant",
        summary="",
        files=[p.ResultUpload("Giấy chứng nhận", pdf())],
        at=local(2026, 3, 3, 9),
    )
    return Dossier.objects.get(pk=dossier.pk)


def _rerun_sends_nothing(run, dossier, event, handler=notify_applicant):
    deliveries = Delivery.objects.filter(dossier=dossier, event=event).count()
    assert run(handler, dossier.pk, event) == []
    assert Delivery.objects.filter(dossier=dossier, event=event).count() == deliveries


def _delivery(dossier, event, recipient):
    delivery = Delivery.objects.get(dossier=dossier, event=event, recipient=recipient)
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    return delivery


# --- To the applicant ----------------------------------------------------------------------


def test_processing_supplement_says_what_to_add_and_links_the_dossier(w, run):
    dossier = _at_specialist(w, run)
    component = dossier.version.components.order_by("position").first()
    messages = run(
        p.step_request_supplement,
        step=open_step(dossier),
        actor=w.specialist,
        components=[component],
        reason="Bản sao chưa được chứng thực.",
    )

    message = _only(messages, dossier.owner_email)
    assert message.subject.startswith(f"Hồ sơ {dossier.code} cần bổ sung, hoàn thiện")
    assert component.name in message.body
    assert "Lý do: Bản sao chưa được chứng thực." in message.body
    assert "Thời gian giải quyết tạm dừng" in message.body
    assert f"{PUBLIC}/ho-so/{dossier.pk}/" in message.body
    delivery = _delivery(dossier, "request_supplement_processing", dossier.owner_email)
    assert delivery.reference.startswith("supplement:")
    _rerun_sends_nothing(run, dossier, "request_supplement_processing")


def test_a_required_fee_gives_the_amount_and_the_desk(w, run):
    dossier = _at_specialist(w, run)
    messages = run(p.step_require_fee, step=open_step(dossier), actor=w.specialist, amount=150000)

    message = _only(messages, dossier.owner_email)
    assert message.subject == f"Hồ sơ {dossier.code}: đề nghị nộp phí, lệ phí"
    assert "Số tiền: 150.000 đồng" in message.body
    assert f"Ông/Bà nộp tại {w.desk.desk_name or w.desk.name}" in message.body
    assert "đã được phê duyệt" not in message.body
    _delivery(dossier, "require_fee", dossier.owner_email)
    _rerun_sends_nothing(run, dossier, "require_fee")


def test_approval_pending_the_fee_then_payment_tells_the_result_is_ready(w, run):
    dossier = _at_specialist(w, run)
    dossier.fee_due_amount = 50000
    dossier.save(update_fields=["fee_due_amount"])  # required earlier, still unpaid
    dossier = _at_leader(w, run, dossier)

    messages = run(p.result_approve, step=open_step(dossier), actor=w.leader)
    message = _only(messages, dossier.owner_email)
    assert "Số tiền: 50.000 đồng" in message.body
    assert "Kết quả giải quyết đã được phê duyệt" in message.body
    _delivery(dossier, "approve_pending_fee", dossier.owner_email)

    messages = run(
        p.fee_record_payment,
        dossier=Dossier.objects.get(pk=dossier.pk),
        actor=w.desk_officer,
        receipt_number="BL-0001",
    )
    message = _only(messages, dossier.owner_email)
    assert message.subject == f"Hồ sơ {dossier.code} đã có kết quả giải quyết"
    assert "Mời Ông/Bà đến" in message.body  # the result goes back at the desk
    _delivery(dossier, "record_payment_resolve", dossier.owner_email)
    _rerun_sends_nothing(run, dossier, "record_payment_resolve")


def test_a_result_at_the_desk_then_returned(w, run):
    dossier = _at_leader(w, run, _at_specialist(w, run))

    message = _only(
        run(p.result_approve, step=open_step(dossier), actor=w.leader), dossier.owner_email
    )
    assert message.subject == f"Hồ sơ {dossier.code} đã có kết quả giải quyết"
    assert f"Mời Ông/Bà đến {w.desk.desk_name or w.desk.name}" in message.body
    _rerun_sends_nothing(run, dossier, "resolve")

    messages = run(
        p.result_return,
        dossier=Dossier.objects.get(pk=dossier.pk),
        actor=w.desk_officer,
        recipient="Nguyễn Văn A",
    )
    message = _only(messages, dossier.owner_email)
    assert message.subject == f"Hồ sơ {dossier.code}: đã trả kết quả"
    assert "Người nhận kết quả: Nguyễn Văn A" in message.body
    _delivery(dossier, "return_result", dossier.owner_email)
    _rerun_sends_nothing(run, dossier, "return_result")


def test_a_result_by_post_is_being_posted_then_has_its_tracking_number(w, run):
    dossier = _at_leader(
        w,
        run,
        _at_specialist(
            w, run, result_delivery=ResultDelivery.POST, delivery_address="Số 5, ấp 2, xã Tân Bình"
        ),
    )
    message = _only(
        run(p.result_approve, step=open_step(dossier), actor=w.leader), dossier.owner_email
    )
    assert (
        "đang được gửi qua dịch vụ bưu chính đến địa chỉ: Số 5, ấp 2, xã Tân Bình" in message.body
    )

    messages = run(
        p.result_return,
        dossier=Dossier.objects.get(pk=dossier.pk),
        actor=w.desk_officer,
        tracking_number="EB123456789VN",
    )
    assert "Số hiệu bưu gửi: EB123456789VN" in _only(messages, dossier.owner_email).body


def test_an_online_result_is_one_message_with_the_download_link(w, run):
    dossier = _at_leader(w, run, _at_specialist(w, run, result_delivery=ResultDelivery.ONLINE))

    messages = run(p.result_approve, step=open_step(dossier), actor=w.leader)

    message = _only(messages, dossier.owner_email)
    assert message.subject == f"Hồ sơ {dossier.code}: kết quả đã sẵn sàng để tải về"
    assert f"{PUBLIC}/ho-so/{dossier.pk}/" in message.body
    # "resolve" and "return_online" follow each other at once: one message, not two.
    assert not Delivery.objects.filter(dossier=dossier, event="resolve").exists()
    _delivery(dossier, "return_online", dossier.owner_email)
    _rerun_sends_nothing(run, dossier, "return_online")


def test_withdrawal_is_acknowledged_and_the_stop_gives_its_reason(w, run):
    dossier = _at_specialist(w, run)

    messages = run(
        p.withdrawal_request,
        dossier=dossier,
        actor=dossier.owner_account,
        reason="Nộp nhầm thủ tục",
    )
    message = _only(messages, dossier.owner_email)
    assert message.subject == f"Hồ sơ {dossier.code}: đã nhận yêu cầu rút hồ sơ"
    assert "Lý do rút hồ sơ: Nộp nhầm thủ tục" in message.body
    _rerun_sends_nothing(run, dossier, "request_withdrawal")

    messages = run(
        p.dossier_stop,
        dossier=Dossier.objects.get(pk=dossier.pk),
        actor=w.leader,
        reason="Công dân rút hồ sơ",
    )
    message = _only(messages, dossier.owner_email)
    assert message.subject == f"Hồ sơ {dossier.code}: dừng giải quyết"
    assert "Lý do: Công dân rút hồ sơ" in message.body
    _delivery(dossier, "stop", dossier.owner_email)
    _rerun_sends_nothing(run, dossier, "stop")


def test_the_apology_gives_the_reason_and_the_new_date(w, run):
    dossier = _at_specialist(w, run)

    messages = run(
        p.apology_issue,
        dossier=dossier,
        actor=w.leader,
        reason="Chờ kết quả xác minh của cơ quan phối hợp",
        new_due_at=local(2026, 3, 16, 8, 0),
        at=local(2026, 3, 6, 9, 0),
    )

    message = _only(messages, dossier.owner_email)
    assert message.subject == f"Hồ sơ {dossier.code}: thư xin lỗi và hẹn lại ngày trả kết quả"
    assert "chân thành xin lỗi" in message.body
    assert "Lý do: Chờ kết quả xác minh của cơ quan phối hợp" in message.body
    assert (
        "Thời gian hẹn trả kết quả mới: 08 giờ 00 phút, ngày 16 tháng 03 năm 2026" in message.body
    )
    assert "Ngày hẹn trước đây: 08 giờ 00 phút, ngày 09 tháng 03 năm 2026" in message.body
    delivery = _delivery(dossier, "apologise", dossier.owner_email)
    assert delivery.reference.startswith("apology:")
    _rerun_sends_nothing(run, dossier, "apologise")


def test_an_applicant_without_an_address_gets_no_delivery(w, run):
    dossier = _at_specialist(w, run, owner_email="", submitter_email="")
    assert run(p.step_require_fee, step=open_step(dossier), actor=w.specialist, amount=1000) == []
    assert not Delivery.objects.filter(dossier=dossier).exists()


# --- To the officers: the deadline marks -----------------------------------------------------


def _emails(messages):
    return sorted(m.to[0] for m in messages)


def test_an_unassigned_step_due_soon_goes_to_its_role_and_the_leaders(w, run):
    dossier = _at_specialist(w, run)
    colleague = MembershipFactory(specialist=True, agency=w.processing).user
    MembershipFactory(specialist=True, agency=w.desk)  # another agency's specialist: not told
    step = open_step(dossier)

    messages = run(deadlines_mark, now=step.warn_at)

    assert _emails(messages) == sorted([w.specialist.email, colleague.email, w.leader.email])
    message = _only(messages, w.specialist.email)
    assert message.subject.startswith(f"Sắp đến hạn xử lý hồ sơ {dossier.code}: {step.name}")
    assert "Hồ sơ chưa có người nhận xử lý." in message.body
    assert "Hạn xử lý bước: 09 giờ 00 phút, ngày 04 tháng 03 năm 2026" in message.body
    assert services.officer_page_url(dossier) in message.body
    assert services.officer_page_url(dossier).startswith(f"{PUBLIC}/can-bo/")
    delivery = _delivery(dossier, "step_due_soon", w.leader.email)
    assert delivery.reference == f"step:{step.pk}:{int(step.due_at.timestamp())}"
    _rerun_sends_nothing(run, dossier, "step_due_soon", notify_officers)


def test_an_assigned_overdue_step_goes_to_its_assignee_and_the_leaders(w, run):
    dossier = _at_specialist(w, run)
    MembershipFactory(specialist=True, agency=w.processing)  # a colleague: not told
    p.step_take(step=open_step(dossier), actor=w.specialist)
    step = open_step(dossier)

    messages = run(deadlines_mark, now=step.due_at + dt.timedelta(minutes=1))

    step_messages = [m for m in messages if "Quá hạn xử lý hồ sơ" in m.subject]
    assert _emails(step_messages) == sorted([w.specialist.email, w.leader.email])
    body = _only(step_messages, w.specialist.email).body
    assert "đã quá hạn xử lý" in body
    assert f"Người xử lý: {w.specialist.full_name}" in body
    assert run(deadlines_mark, now=step.due_at + dt.timedelta(minutes=20)) == []


def test_the_apology_prompt_and_the_overdue_dossier_go_to_the_processing_agencys_leaders(w, run):
    dossier = _at_specialist(w, run)
    other_leader = MembershipFactory(leader=True, agency=w.desk).user  # not the processing agency

    messages = run(deadlines_mark, now=dossier.warn_at)

    prompts = [m for m in messages if "xem xét văn bản xin lỗi" in m.subject]
    assert _emails(prompts) == [w.leader.email]
    body = prompts[0].body
    assert f"Hồ sơ sau của {w.processing.name}" in body
    assert "văn bản xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)" in body
    assert "Thời gian hẹn trả kết quả: 08 giờ 00 phút, ngày 09 tháng 03 năm 2026" in body
    _rerun_sends_nothing(run, dossier, "apology_prompt", notify_officers)

    messages = run(deadlines_mark, now=dossier.current_due_at + dt.timedelta(minutes=1))

    overdue = [m for m in messages if "đã quá hạn trả kết quả" in m.subject]
    assert _emails(overdue) == [w.leader.email]
    assert other_leader.email not in _emails(messages)
    assert "hồ sơ được ghi nhận là vi phạm" in overdue[0].body
    _delivery(dossier, "dossier_overdue", w.leader.email)
    _rerun_sends_nothing(run, dossier, "dossier_overdue", notify_officers)


def test_a_new_date_is_a_new_deadline_to_tell_about(w, run):
    dossier = _at_specialist(w, run)
    run(deadlines_mark, now=dossier.warn_at)
    run(
        p.apology_issue,
        dossier=dossier,
        actor=w.leader,
        reason="Quá tải",
        new_due_at=local(2026, 3, 16, 8, 0),
        at=local(2026, 3, 6, 9, 0),
    )

    messages = run(deadlines_mark, now=local(2026, 3, 13, 8, 0))

    prompts = [m for m in messages if "xem xét văn bản xin lỗi" in m.subject]
    assert _emails(prompts) == [w.leader.email]
    assert "ngày 16 tháng 03 năm 2026" in prompts[0].body
    assert Delivery.objects.filter(dossier=dossier, event="apology_prompt").count() == 2
