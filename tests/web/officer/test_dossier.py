"""The officer's dossier page /can-bo/ho-so/<pk>/ and its actions: each one through the view
(the status or step changed, the message), refused to the wrong role or agency (403, nothing
changed), bad input kept on the page at its field; who sees the page; files; the access log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dichvucong.core.models import AccessLogEntry, AuditEntry
from dichvucong.dossiers.constants import DossierStatus, ResultDelivery
from dichvucong.dossiers.models import Apology, Dossier, DossierStep, ResultFile
from dichvucong.workflow import processing
from dichvucong.workflow.steps import open_step
from tests.accounts.factories import MembershipFactory
from tests.clock import after_the_data
from tests.dossiers.factories import AttachmentFactory, DossierHistoryFactory
from tests.workflow.world import pdf, world

from .conftest import action_url, at_specialist, dossier_url

# The world's data are fixed dates in 2026; what these tests do "now" comes after them.
pytestmark = after_the_data


def _state(dossier):
    dossier.refresh_from_db()
    step = open_step(dossier)
    return (
        dossier.status,
        dossier.history.count(),
        step and (step.pk, step.assignee_id),
        AuditEntry.objects.count(),
    )


def _post(client, dossier, action, data=None, **extra):
    return client.post(action_url(dossier, action), data or {}, **extra)


def _step_data(dossier, **data):
    return {"step": open_step(dossier).pk, **data}


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def _proposed(w, dossier):
    processing.step_take(step=open_step(dossier), actor=w.specialist)
    return processing.result_propose(
        step=open_step(dossier),
        actor=w.specialist,
        kind="grant",
        summary="",
        files=[processing.ResultUpload("Giấy chứng nhận", pdf())],
    )


# --- Seeing the page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_the_dossier_and_is_access_logged(client, w):
    dossier = at_specialist(w, owner_name="Trịnh Văn Chủ")
    attachment = AttachmentFactory(dossier=dossier)
    client.force_login(w.specialist)
    response = client.get(dossier_url(dossier))
    assert response.status_code == 200
    html = response.content.decode()
    assert dossier.code in html and "Trịnh Văn Chủ" in html
    # The file through the officers' download view, which checks their access.
    assert reverse("web:officer-attachment", args=[dossier.pk, attachment.pk]) in html
    assert [s.name for s in response.context["steps"]] == [
        "Tiếp nhận, chuyển hồ sơ",
        "Thẩm định hồ sơ",
    ]
    assert {"take", "forward", "propose"} <= response.context["actions"]
    assert AccessLogEntry.objects.filter(
        action="dossier.view_officer", object_pk=str(dossier.pk), actor_user_id=w.specialist.pk
    ).exists()


@pytest.mark.django_db
def test_who_sees_the_page(client, w):
    dossier = at_specialist(w)
    assert client.get(dossier_url(dossier)).status_code == 302
    client.force_login(dossier.owner_account)
    assert client.get(dossier_url(dossier)).status_code == 403  # not an officer
    client.force_login(MembershipFactory(leader=True).user)  # another agency's officer
    assert client.get(dossier_url(dossier)).status_code == 404
    for officer in (w.desk_officer, w.specialist, w.leader):
        client.force_login(officer)
        assert client.get(dossier_url(dossier)).status_code == 200


@pytest.mark.django_db
def test_another_agencys_officer_cannot_act_and_nothing_changes(client, w):
    dossier = at_specialist(w)
    before = _state(dossier)
    client.force_login(MembershipFactory(specialist=True).user)
    response = _post(client, dossier, "take", _step_data(dossier))
    assert response.status_code == 404
    assert _state(dossier) == before


@pytest.mark.django_db
def test_files_download_for_officers_who_see_the_dossier_logged(client):
    w = world(inter_agency=True)
    dossier = at_specialist(w)
    attachment = AttachmentFactory(dossier=dossier)
    url = reverse("web:officer-attachment", args=[dossier.pk, attachment.pk])
    # The partner agency sees the dossier once it reached its step.
    client.force_login(w.partner_specialist)
    assert client.get(url).status_code == 404
    processing.step_forward(step=open_step(dossier), actor=w.specialist)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(
        action="attachment.download_officer", object_pk=str(attachment.pk)
    ).exists()
    client.force_login(MembershipFactory(specialist=True).user)
    assert client.get(url).status_code == 404
    # Another dossier's file is not reachable through this dossier's address.
    other = AttachmentFactory(dossier=at_specialist(w))
    client.force_login(w.specialist)
    assert (
        client.get(reverse("web:officer-attachment", args=[dossier.pk, other.pk])).status_code
        == 404
    )


# --- Take and assign ------------------------------------------------------------------------


@pytest.mark.django_db
def test_take(client, w):
    dossier = at_specialist(w)
    client.force_login(w.desk_officer)  # sees the dossier, but the step is a specialist's
    before = _state(dossier)
    assert _post(client, dossier, "take", _step_data(dossier)).status_code == 403
    assert _state(dossier) == before
    client.force_login(w.specialist)
    response = _post(client, dossier, "take", _step_data(dossier))
    assert response.status_code == 302 and response.url == dossier_url(dossier)
    assert open_step(dossier).assignee == w.specialist
    assert _messages(response) == ["Bạn đã nhận xử lý hồ sơ này."]


@pytest.mark.django_db
def test_assign_is_a_leaders(client, w):
    colleague = MembershipFactory(specialist=True, agency=w.processing).user
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    before = _state(dossier)
    data = _step_data(dossier, assignee=colleague.pk)
    assert _post(client, dossier, "assign", data).status_code == 403
    assert _state(dossier) == before
    client.force_login(w.leader)
    page = client.get(dossier_url(dossier))
    choices = dict(page.context["forms"]["assign"].fields["assignee"].choices)
    assert set(choices) == {"", w.specialist.pk, colleague.pk}
    response = _post(client, dossier, "assign", data)
    assert response.status_code == 302
    assert open_step(dossier).assignee == colleague
    # Not one of the step's officers: refused at the field.
    response = _post(client, dossier, "assign", _step_data(dossier, assignee=w.desk_officer.pk))
    assert response.status_code == 400
    assert response.context["forms"]["assign"].errors["assignee"]


# --- Forward, send back, a stale page -------------------------------------------------------


@pytest.mark.django_db
def test_forward_with_a_note(client, w):
    dossier = at_specialist(w)
    client.force_login(w.leader)  # the leader does not hold the specialist step
    before = _state(dossier)
    data = _step_data(dossier, note="Đủ điều kiện, trình lãnh đạo.")
    assert _post(client, dossier, "forward", data).status_code == 403
    assert _state(dossier) == before
    client.force_login(w.specialist)
    response = _post(client, dossier, "forward", data)
    assert response.status_code == 302
    assert _messages(response) == ["Hồ sơ đã được chuyển sang bước tiếp theo."]
    step = open_step(dossier)
    assert step.name == "Phê duyệt kết quả"
    last = dossier.history.last()
    assert (last.transition, last.note) == ("forward", "Đủ điều kiện, trình lãnh đạo.")
    # The page showed the old step: the action is refused, nothing moves.
    before = _state(dossier)
    client.force_login(w.leader)
    response = _post(client, dossier, "forward", data)
    assert response.status_code == 400
    errors = response.context["forms"]["forward"].non_field_errors()  # "already handed on"
    assert errors and str(errors[0]) in response.content.decode()
    assert _state(dossier) == before


@pytest.mark.django_db
def test_send_back_needs_a_reason_kept_on_the_page(client, w, vietnamese):
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    before = _state(dossier)
    response = _post(client, dossier, "send_back", _step_data(dossier, note="   "))
    assert response.status_code == 400
    assert response.context["forms"]["send_back"].errors["note"]
    assert _state(dossier) == before
    response = _post(client, dossier, "send_back", _step_data(dossier, note="Thiếu chữ ký."))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert open_step(dossier).name == "Tiếp nhận, chuyển hồ sơ"
    assert dossier.history.last().transition == "send_back"


# --- Supplement and fee ---------------------------------------------------------------------


@pytest.mark.django_db
def test_supplement_request_keeps_the_entered_data_on_a_refusal(client, w):
    dossier = at_specialist(w)
    component = w.version.components.first()
    client.force_login(w.specialist)
    before = _state(dossier)
    reason = "Bản vẽ chưa có chữ ký của chủ đầu tư."
    response = _post(client, dossier, "supplement", _step_data(dossier, reason=reason))
    assert response.status_code == 400
    assert response.context["forms"]["supplement"].errors["components"]
    assert reason in response.content.decode()  # what was typed is still there
    assert _state(dossier) == before
    response = _post(
        client,
        dossier,
        "supplement",
        _step_data(dossier, reason=reason, components=[component.pk]),
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    (request,) = dossier.supplement_requests.all()
    assert list(request.components.all()) == [component]
    assert dossier.pauses.filter(ended_at__isnull=True).exists()


@pytest.mark.django_db
def test_fee_required_then_recorded_paid_at_the_desk(client, w):
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    response = _post(client, dossier, "fee", _step_data(dossier, amount="năm mươi nghìn"))
    assert response.status_code == 400
    assert response.context["forms"]["fee"].errors["amount"]
    assert "năm mươi nghìn" in response.content.decode()
    response = _post(client, dossier, "fee", _step_data(dossier, amount="50000"))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.fee_due_amount) == (DossierStatus.AWAITING_PAYMENT, 50000)

    # The specialist may not record the payment; the desk's one-stop officer does.
    before = _state(dossier)
    assert _post(client, dossier, "payment", {"receipt_number": "BL-1"}).status_code == 403
    assert _state(dossier) == before
    client.force_login(w.desk_officer)
    queue = client.get(reverse("web:desk-queue"))  # where the desk finds it
    assert queue.context["followups"] == [dossier]
    assert dossier_url(dossier) in queue.content.decode()
    assert "payment" in client.get(dossier_url(dossier)).context["actions"]
    response = _post(client, dossier, "payment", {"receipt_number": ""})
    assert response.status_code == 400
    assert response.context["forms"]["payment"].errors["receipt_number"]
    response = _post(client, dossier, "payment", {"receipt_number": "BL-0012345"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.fee_receipt_number) == (DossierStatus.PROCESSING, "BL-0012345")
    assert client.get(reverse("web:desk-queue")).context["followups"] == []


# --- The result: propose, approve, return ---------------------------------------------------


@pytest.mark.django_db
def test_propose_a_result_with_several_documents(client, w):
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    data = _step_data(dossier, kind="grant", summary="Cấp giấy phép.", title_1="", number_1="12")
    response = _post(client, dossier, "propose", {**data, "file_1": pdf()})
    assert response.status_code == 400
    assert response.context["forms"]["propose"].errors["title_1"]
    assert not ResultFile.objects.exists()
    response = _post(
        client,
        dossier,
        "propose",
        {
            **data,
            "title_1": "Giấy phép xây dựng",
            "file_1": pdf("giay-phep.pdf"),
            "title_2": "Bản vẽ được duyệt",
            "file_2": pdf("ban-ve.pdf"),
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.result_kind == "grant" and dossier.result_proposed_at
    assert sorted(ResultFile.objects.values_list("title", "result_code")) == [
        ("Bản vẽ được duyệt", ""),
        ("Giấy phép xây dựng", "12"),
    ]
    assert open_step(dossier).role == "leader"


@pytest.mark.django_db
def test_a_refusal_needs_its_reasons(client, w):
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    before = _state(dossier)
    response = _post(client, dossier, "propose", _step_data(dossier, kind="refusal"))
    assert response.status_code == 400
    assert response.context["forms"]["propose"].errors["summary"]
    assert _state(dossier) == before


@pytest.mark.django_db
def test_approve_then_return_at_the_desk(client, w):
    dossier = _proposed(w, at_specialist(w))
    client.force_login(w.specialist)
    before = _state(dossier)
    assert _post(client, dossier, "approve", _step_data(dossier)).status_code == 403
    assert _state(dossier) == before
    client.force_login(w.leader)
    response = _post(client, dossier, "approve", _step_data(dossier, note="Đồng ý."))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
    assert open_step(dossier).name == "Trả kết quả"

    before = _state(dossier)
    assert _post(client, dossier, "return", {"recipient": "Nguyễn Văn A"}).status_code == 403
    assert _state(dossier) == before
    client.force_login(w.desk_officer)
    response = _post(client, dossier, "return", {"recipient": ""})
    assert response.status_code == 400
    assert response.context["forms"]["return"].errors["recipient"]
    response = _post(client, dossier, "return", {"recipient": "Nguyễn Văn A"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_recipient) == (DossierStatus.RETURNED, "Nguyễn Văn A")
    assert open_step(dossier) is None
    # Finished: nothing more to do on the page.
    assert client.get(dossier_url(dossier)).context["actions"] == set()


@pytest.mark.django_db
def test_return_by_post_asks_for_the_tracking_number(client, w):
    dossier = _proposed(
        w,
        at_specialist(w, result_delivery=ResultDelivery.POST, delivery_address="Số 2 Lê Lợi"),
    )
    processing.result_approve(step=open_step(dossier), actor=w.leader)
    client.force_login(w.desk_officer)
    form = client.get(dossier_url(dossier)).context["forms"]["return"]
    assert list(form.fields) == ["tracking_number"]
    response = _post(client, dossier, "return", {"tracking_number": "EL123456789VN"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.return_tracking_number == "EL123456789VN"


# --- Stop and apology -----------------------------------------------------------------------


@pytest.mark.django_db
def test_stop_after_a_withdrawal_request_shows_the_reason(client, w):
    dossier = at_specialist(w)
    processing.withdrawal_request(
        dossier=dossier, actor=dossier.owner_account, reason="Tôi không còn nhu cầu."
    )
    client.force_login(w.specialist)
    before = _state(dossier)
    assert _post(client, dossier, "stop", {"reason": "Rút hồ sơ"}).status_code == 403
    assert _state(dossier) == before
    client.force_login(w.leader)
    page = client.get(dossier_url(dossier))
    assert "stop" in page.context["actions"]
    assert "Tôi không còn nhu cầu." in page.content.decode()
    response = _post(client, dossier, "stop", {"reason": ""})
    assert response.status_code == 400
    assert response.context["forms"]["stop"].errors["reason"]
    response = _post(client, dossier, "stop", {"reason": "Người nộp rút hồ sơ."})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.STOPPED


@pytest.mark.django_db
def test_apology_with_a_new_date(client, w):
    dossier = at_specialist(w)  # due in March 2026: its warning time has come
    client.force_login(w.specialist)
    later = timezone.localtime(timezone.now() + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    data = {"reason": "Cần xác minh thêm tại địa phương.", "new_due_at": later}
    assert _post(client, dossier, "apology", data).status_code == 403
    assert not Apology.objects.exists()
    client.force_login(w.leader)
    page = client.get(dossier_url(dossier))
    assert page.context["apology_due"] and "apology" in page.context["actions"]
    response = _post(client, dossier, "apology", {**data, "new_due_at": "2026-03-05T16:00"})
    assert response.status_code == 400
    assert response.context["forms"]["apology"].errors["new_due_at"]
    assert "Cần xác minh thêm tại địa phương." in response.content.decode()
    assert not Apology.objects.exists()
    response = _post(client, dossier, "apology", data)
    assert response.status_code == 302
    (apology,) = Apology.objects.all()
    dossier.refresh_from_db()
    assert dossier.extended_due_at == apology.new_due_at
    assert timezone.localtime(apology.new_due_at).strftime("%Y-%m-%dT%H:%M") == later
    assert dossier.due_at == apology.previous_due_at  # the appointment is kept


# --- Wrong action names and unknown dossiers --------------------------------------------------


@pytest.mark.django_db
def test_unknown_action_and_dossier_are_not_found(client, w):
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    assert _post(client, dossier, "delete", _step_data(dossier)).status_code == 404
    missing = Dossier(pk=dossier.pk + 1000)
    assert client.get(dossier_url(missing)).status_code == 404
    assert DossierStep.objects.filter(dossier=dossier).count() == 2


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_however_long_the_dossier(
    client, w, django_assert_num_queries
):
    dossier = at_specialist(w)
    AttachmentFactory(dossier=dossier)
    client.force_login(w.specialist)
    client.get(dossier_url(dossier))  # warm: the content types are cached by the first request

    with django_assert_num_queries(QUERIES_OF_THE_DOSSIER_PAGE):
        assert client.get(dossier_url(dossier)).status_code == 200

    for _ in range(4):
        AttachmentFactory(dossier=dossier)
        DossierHistoryFactory(dossier=dossier, agency=w.desk, to_status=dossier.status)
    with django_assert_num_queries(QUERIES_OF_THE_DOSSIER_PAGE):
        assert client.get(dossier_url(dossier)).status_code == 200


# Session, user, memberships; the dossier with its version and agencies; its open step and the
# process (for the actions); the access-log entry; then steps, history, supplement requests,
# attachments, results, apologies and documents, one query each whatever their number.
QUERIES_OF_THE_DOSSIER_PAGE = 16
