"""Processing services: steps, supplements with the clock paused, fees, results, return,
withdrawal and stop, the apology with a new date, and the on-time verdict stored at the finish."""

import datetime as dt

import pytest
import time_machine

from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from dichvucong.dossiers.constants import DossierStatus as S
from dichvucong.dossiers.constants import ResultDelivery
from dichvucong.dossiers.models import (
    Apology,
    Dossier,
    DossierHistory,
    DossierPause,
    DossierStep,
    ResultFile,
    SupplementRequest,
)
from dichvucong.workflow import processing as p
from dichvucong.workflow.applicant import dossier_resubmit
from dichvucong.workflow.engine import ActorNotAllowed, TransitionNotAllowed
from dichvucong.workflow.steps import open_step
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory, close_with_successor
from tests.clock import after_the_data
from tests.dossiers.factories import AttachmentFactory
from tests.workflow.world import local, pdf, world

# The world's data are fixed dates in 2026; what these tests do "now" comes after them.
pytestmark = after_the_data


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w(db):
    return world()


def _state(dossier):
    dossier.refresh_from_db()
    return (
        dossier.status,
        DossierHistory.objects.filter(dossier=dossier).count(),
        list(
            DossierStep.objects.filter(dossier=dossier).values_list(
                "id", "finished_at", "assignee_id"
            )
        ),
        SupplementRequest.objects.filter(dossier=dossier).count(),
        DossierPause.objects.filter(dossier=dossier).count(),
        ResultFile.objects.filter(dossier=dossier).count(),
        Apology.objects.filter(dossier=dossier).count(),
        AuditEntry.objects.count(),
    )


def _to_specialist(w, dossier, at=None):
    step = open_step(dossier)
    return p.step_forward(step=step, actor=w.desk_officer, at=at or local(2026, 3, 2, 9, 0))


def _to_leader(w, dossier, *, kind="grant", at=None):
    step = open_step(dossier)
    files = [p.ResultUpload("Giấy chứng nhận", pdf(), "123/GCN")] if kind == "grant" else []
    return p.result_propose(
        step=step,
        actor=w.specialist,
        kind=kind,
        summary="" if kind == "grant" else "Không đủ điều kiện theo Điều 5.",
        files=files,
        at=at or local(2026, 3, 3, 9, 0),
    )


# --- Receipt opens the first step --------------------------------------------------------


def test_receipt_opens_the_first_step_with_its_due_times(w):
    dossier = w.dossier(at=local(2026, 3, 2, 8, 0))

    step = open_step(dossier)
    assert (step.position, step.agency, step.role) == (0, w.desk, "one_stop_officer")
    assert step.assignee == w.desk_officer  # the receiving officer holds the desk step
    # 4 working hours from Mon 08:00: 3.5 h to 11:30, then 0.5 h after 13:30.
    assert step.due_at == local(2026, 3, 2, 14, 0)
    # One working day (8 h) earlier is before it opened: no due-soon period, warned when due.
    assert step.warn_at == step.due_at
    assert dossier.current_due_at == dossier.due_at
    assert dossier.warn_at < dossier.due_at


def test_forward_hands_on_and_the_first_forward_starts_processing(w):
    dossier = w.dossier()

    dossier = _to_specialist(w, dossier)

    assert dossier.status == S.PROCESSING
    step = open_step(dossier)
    assert (step.agency, step.role, step.handed_by, step.assignee) == (
        w.processing,
        "specialist",
        w.desk_officer,
        None,
    )
    first = DossierStep.objects.get(dossier=dossier, position=0)
    assert (first.outcome, first.finished_by) == ("forwarded", w.desk_officer)
    row = dossier.history.last()
    assert (row.transition, row.from_status, row.to_status, row.agency) == (
        "forward",
        S.RECEIVED,
        S.PROCESSING,
        w.desk,
    )


# --- Who may act -------------------------------------------------------------------------


def _specialist_of_other_agency(w):
    return MembershipFactory(specialist=True, agency=AgencyFactory(with_desk=True)).user


def _leader_of_processing(w):
    return w.leader


def _desk_officer(w):
    return w.desk_officer


def _applicant(w):
    return UserFactory(applicant=True)


def _expired_specialist(w):
    return MembershipFactory(specialist=True, expired=True, agency=w.processing).user


@pytest.mark.parametrize(
    "who",
    [
        _specialist_of_other_agency,
        _leader_of_processing,
        _desk_officer,
        _applicant,
        _expired_specialist,
    ],
)
@pytest.mark.parametrize(
    "action",
    ["take", "forward", "send_back", "supplement", "fee", "propose"],
)
def test_a_specialist_step_refuses_anyone_but_its_specialists(w, who, action):
    dossier = _to_specialist(w, w.dossier())
    step = open_step(dossier)
    actor = who(w)
    before = _state(dossier)
    component = dossier.version.components.first()
    calls = {
        "take": lambda: p.step_take(step=step, actor=actor),
        "forward": lambda: p.step_forward(step=step, actor=actor),
        "send_back": lambda: p.step_send_back(step=step, actor=actor, note="Thiếu"),
        "supplement": lambda: p.step_request_supplement(
            step=step, actor=actor, components=[component], reason="Thiếu bản sao"
        ),
        "fee": lambda: p.step_require_fee(step=step, actor=actor, amount=50000),
        "propose": lambda: p.result_propose(
            step=step, actor=actor, kind="refusal", summary="Không đủ điều kiện."
        ),
    }

    with pytest.raises(ActorNotAllowed):
        calls[action]()

    assert _state(dossier) == before


def test_an_assigned_step_belongs_to_its_assignee(w):
    dossier = _to_specialist(w, w.dossier())
    colleague = MembershipFactory(specialist=True, agency=w.processing).user
    step = p.step_take(step=open_step(dossier), actor=w.specialist)
    before = _state(dossier)

    with pytest.raises(ActorNotAllowed):
        p.step_forward(step=step, actor=colleague)
    assert _state(dossier) == before


def test_a_leader_assigns_to_a_colleague_of_the_right_role_only(w):
    dossier = _to_specialist(w, w.dossier())
    step = open_step(dossier)
    colleague = MembershipFactory(specialist=True, agency=w.processing).user

    with pytest.raises(ServiceError):
        p.step_assign(step=step, actor=w.leader, assignee=w.desk_officer)
    with pytest.raises(ActorNotAllowed):
        p.step_assign(step=step, actor=w.specialist, assignee=colleague)
    assert open_step(dossier).assignee is None

    p.step_assign(step=step, actor=w.leader, assignee=colleague)

    assert open_step(dossier).assignee == colleague
    assert set(p.assignable_officers(step)) == {w.specialist, colleague}
    assert AuditEntry.objects.filter(action="dossier_step.assign").count() == 1


def test_a_stale_step_is_refused(w):
    dossier = w.dossier()
    step = open_step(dossier)
    _to_specialist(w, dossier)
    before = _state(dossier)

    with pytest.raises(ServiceError) as error:
        p.step_forward(step=step, actor=w.desk_officer)
    assert error.value.code == "stale_step"
    assert _state(dossier) == before


# --- Send back ---------------------------------------------------------------------------


def test_send_back_returns_to_the_previous_step_and_withdraws_a_proposal(w):
    dossier = _to_leader(w, _to_specialist(w, w.dossier()))
    leader_step = open_step(dossier)

    dossier = p.step_send_back(
        step=leader_step, actor=w.leader, note="Sai tên", at=local(2026, 3, 3, 10)
    )

    step = open_step(dossier)
    assert (step.role, step.assignee) == ("specialist", w.specialist)
    assert dossier.result_proposed_at is None and dossier.result_kind == ""
    assert not ResultFile.objects.filter(dossier=dossier, withdrawn_at__isnull=True).exists()
    assert dossier.history.last().transition == "send_back"


def test_send_back_needs_a_step_that_allows_it(db):
    w = world(may_return=False)
    dossier = _to_specialist(w, w.dossier())
    before = _state(dossier)

    with pytest.raises(ServiceError) as error:
        p.step_send_back(step=open_step(dossier), actor=w.specialist, note="Trả lại")
    assert error.value.code == "no_return"
    assert _state(dossier) == before


# --- Supplements during processing: once per agency, the clock paused --------------------


def test_a_supplement_pauses_the_clock_and_resubmission_moves_the_due_times(w):
    dossier = _to_specialist(w, w.dossier(at=local(2026, 3, 2, 8, 0)))
    step = open_step(dossier)
    original_due, step_due = dossier.due_at, step.due_at
    component = dossier.version.components.first()

    dossier = p.step_request_supplement(
        step=step,
        actor=w.specialist,
        components=[component],
        reason="Bản sao chưa chứng thực",
        at=local(2026, 3, 3, 8, 0),
    )
    assert dossier.status == S.SUPPLEMENT_REQUESTED
    pause = DossierPause.objects.get(dossier=dossier)
    assert (pause.started_at, pause.ended_at) == (local(2026, 3, 3, 8, 0), None)

    # The applicant replaces the file a full working day later (Tue 08:00 → Wed 08:00: 8 h).
    AttachmentFactory(dossier=dossier, component=component)
    Dossier.objects.filter(pk=dossier.pk).update()
    with freeze(local(2026, 3, 4, 8, 0)):
        dossier = dossier_resubmit(dossier=dossier, actor=dossier.owner_account)

    assert dossier.status == S.PROCESSING
    pause.refresh_from_db()
    assert pause.ended_at == local(2026, 3, 4, 8, 0)
    step.refresh_from_db()
    assert step.finished_at is None  # back at the step that asked
    assert step.due_at == step_due + dt.timedelta(days=1)  # one working day later, same hour
    assert dossier.due_at == original_due  # the appointment never changes
    assert dossier.current_due_at == original_due + dt.timedelta(days=1)
    assert dossier.history.last().transition == "resubmit_processing"


def freeze(moment):
    return time_machine.travel(moment, tick=False)


def test_one_supplement_per_agency_and_a_second_only_as_an_exception(w):
    dossier = _to_specialist(w, w.dossier())
    component = dossier.version.components.first()
    step = open_step(dossier)
    p.step_request_supplement(
        step=step, actor=w.specialist, components=[component], reason="Thiếu giấy tờ"
    )
    AttachmentFactory(dossier=dossier, component=component)
    dossier = dossier_resubmit(dossier=dossier, actor=dossier.owner_account)
    before = _state(dossier)

    with pytest.raises(ServiceError) as error:
        p.step_request_supplement(
            step=open_step(dossier), actor=w.specialist, components=[component], reason="Lại"
        )
    assert error.value.code == "supplement_limit"
    assert _state(dossier) == before

    p.step_request_supplement(
        step=open_step(dossier),
        actor=w.specialist,
        components=[component],
        reason="Lại thiếu",
        exception_reason="Giấy tờ mới nộp bị mờ, không đọc được",
    )
    request = SupplementRequest.objects.filter(dossier=dossier).last()
    assert request.exception_reason == "Giấy tờ mới nộp bị mờ, không đọc được"


def test_a_supplement_request_asks_for_this_procedures_components_only(w):
    dossier = _to_specialist(w, w.dossier())
    foreign = world().version.components.first()
    before = _state(dossier)

    with pytest.raises(ServiceError):
        p.step_request_supplement(
            step=open_step(dossier), actor=w.specialist, components=[foreign], reason="Thiếu"
        )
    with pytest.raises(ServiceError):
        p.step_request_supplement(
            step=open_step(dossier), actor=w.specialist, components=[], reason="Thiếu"
        )
    assert _state(dossier) == before


def test_no_forwarding_to_an_agency_closed_by_a_merger(db, vietnamese):
    with time_machine.travel(local(2026, 3, 2, 7, 0), tick=False) as clock:
        w = world(inter_agency=True)  # desk → specialist → partner agency → leader → desk
        successor = close_with_successor(w.partner, closing=dt.date(2026, 3, 4), code="T99.903")
        dossier = _to_specialist(w, w.dossier())  # Mon 2/3/2026, the partner still in force
        before = _state(dossier)

        clock.move_to(local(2026, 3, 5, 9, 0))
        with pytest.raises(ServiceError) as refusal:
            p.step_forward(step=open_step(dossier), actor=w.specialist, note="Đề nghị xác nhận")

        assert refusal.value.code == "agency_closed"
        assert f"{w.partner.name} đã chấm dứt hoạt động ngày 04/03/2026" in str(refusal.value)
        assert f"cơ quan kế thừa {successor.name} (mã T99.903)" in str(refusal.value)
        assert _state(dossier) == before

        # The day it closes, the same hand-off still goes through.
        clock.move_to(local(2026, 3, 4, 16, 0))
        dossier = p.step_forward(step=open_step(dossier), actor=w.specialist)
        assert open_step(dossier).agency == w.partner


def test_a_dossier_already_inside_a_closed_agency_goes_on_there(db, vietnamese):
    # Decision 0010: only new dossiers and hand-offs to another agency are refused; the
    # processing agency's own dossiers keep moving after it closes.
    with time_machine.travel(local(2026, 3, 2, 7, 0), tick=False) as clock:
        w = world()  # desk → specialist → leader (both of the processing agency) → desk
        close_with_successor(w.processing, closing=dt.date(2026, 3, 4), code="T99.904")
        dossier = _to_specialist(w, w.dossier())

        clock.move_to(local(2026, 3, 5, 9, 0))
        dossier = p.step_forward(step=open_step(dossier), actor=w.specialist)

        assert open_step(dossier).agency == w.processing
        assert dossier.history.latest("id").transition == "forward"


# --- Results, approval, return ------------------------------------------------------------


def test_a_grant_needs_its_documents_and_a_refusal_its_reasons(w):
    dossier = _to_specialist(w, w.dossier())
    before = _state(dossier)

    with pytest.raises(ServiceError):
        p.result_propose(step=open_step(dossier), actor=w.specialist, kind="grant", summary="")
    with pytest.raises(ServiceError):
        p.result_propose(step=open_step(dossier), actor=w.specialist, kind="refusal", summary=" ")
    with pytest.raises(ServiceError):
        p.result_propose(
            step=open_step(dossier),
            actor=w.specialist,
            kind="grant",
            summary="",
            files=[p.ResultUpload("Giấy", _not_a_pdf())],
        )
    assert _state(dossier) == before


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (lambda: p.ResultUpload("G" * 301, pdf()), "“Giấy tờ” quá dài: tối đa 300 ký tự, có 301"),
        (lambda: p.ResultUpload("Giấy", pdf(), "1" * 61), "tối đa 60 ký tự, có 61"),
    ],
)
def test_a_result_title_or_number_too_long_is_refused_not_cut(w, vietnamese, upload, words):
    dossier = _to_specialist(w, w.dossier())
    before = _state(dossier)

    with pytest.raises(ServiceError) as refusal:
        p.result_propose(
            step=open_step(dossier), actor=w.specialist, kind="grant", summary="", files=[upload()]
        )

    assert refusal.value.code == "too_long"
    assert words in str(refusal.value)
    assert _state(dossier) == before and not ResultFile.objects.exists()


def _not_a_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")


def test_approval_resolves_stores_on_time_and_opens_the_desks_return_step(w):
    dossier = _to_leader(w, _to_specialist(w, w.dossier()))

    dossier = p.result_approve(step=open_step(dossier), actor=w.leader, at=local(2026, 3, 4, 9))

    assert dossier.status == S.RESOLVED
    assert dossier.finished_at == local(2026, 3, 4, 9)
    assert dossier.on_time is True
    step = open_step(dossier)
    assert (step.agency, step.role) == (w.desk, "one_stop_officer")


def test_only_a_leader_approves_and_only_a_proposal(w):
    dossier = _to_specialist(w, w.dossier())
    specialist_step = open_step(dossier)
    dossier = p.step_forward(step=specialist_step, actor=w.specialist)  # to the leader, no proposal
    before = _state(dossier)

    with pytest.raises(ServiceError) as error:
        p.result_approve(step=open_step(dossier), actor=w.leader)
    assert error.value.code == "no_proposal"
    with pytest.raises(ActorNotAllowed):
        p.result_approve(step=open_step(dossier), actor=w.specialist)
    assert _state(dossier) == before


@pytest.mark.parametrize(
    ("delivery", "kwargs", "missing"),
    [
        (ResultDelivery.DESK, {"recipient": "Nguyễn Văn An"}, {"recipient": " "}),
        (ResultDelivery.POST, {"tracking_number": "EE123456789VN"}, {"tracking_number": ""}),
    ],
)
def test_the_desk_returns_by_the_chosen_channel(db, delivery, kwargs, missing):
    w = world()
    address = "Ấp 1, xã Hỏa Lựu" if delivery == ResultDelivery.POST else ""
    dossier = w.dossier(result_delivery=delivery, delivery_address=address)
    dossier = _to_leader(w, _to_specialist(w, dossier))
    dossier = p.result_approve(step=open_step(dossier), actor=w.leader)
    before = _state(dossier)

    with pytest.raises(ServiceError):
        p.result_return(dossier=dossier, actor=w.desk_officer, **missing)
    with pytest.raises(ActorNotAllowed):
        p.result_return(dossier=dossier, actor=w.specialist, **kwargs)
    assert _state(dossier) == before

    if delivery == ResultDelivery.DESK:
        # Refused with the limit, not cut to it.
        with pytest.raises(ServiceError) as refusal:
            p.result_return(dossier=dossier, actor=w.desk_officer, recipient="A" * 201)
        assert refusal.value.code == "too_long" and refusal.value.field == "recipient"
        assert _state(dossier) == before

    dossier = p.result_return(dossier=dossier, actor=w.desk_officer, **kwargs)

    assert dossier.status == S.RETURNED
    assert dossier.returned_at is not None
    assert (dossier.return_recipient, dossier.return_tracking_number) == (
        kwargs.get("recipient", ""),
        kwargs.get("tracking_number", ""),
    )
    assert open_step(dossier) is None
    assert DossierStep.objects.filter(dossier=dossier).last().outcome == "returned"


def test_an_online_result_is_returned_at_approval(w):
    dossier = w.dossier(result_delivery=ResultDelivery.ONLINE)
    dossier = _to_leader(w, _to_specialist(w, dossier))

    dossier = p.result_approve(step=open_step(dossier), actor=w.leader)

    assert dossier.status == S.RETURNED
    assert open_step(dossier) is None
    assert list(dossier.history.values_list("transition", flat=True))[-2:] == [
        "resolve",
        "return_online",
    ]
    assert dossier.history.last().actor is None


def test_a_refusal_result_is_resolved_with_its_reasons(w):
    dossier = _to_leader(w, _to_specialist(w, w.dossier()), kind="refusal")

    dossier = p.result_approve(step=open_step(dossier), actor=w.leader)

    assert (dossier.status, dossier.result_kind) == (S.RESOLVED, "refusal")
    assert dossier.result_summary == "Không đủ điều kiện theo Điều 5."


# --- Fees (status 6) ---------------------------------------------------------------------


def test_a_fee_during_processing_then_back_to_work(w):
    dossier = _to_specialist(w, w.dossier())

    dossier = p.step_require_fee(step=open_step(dossier), actor=w.specialist, amount="150000")
    assert (dossier.status, dossier.fee_due_amount) == (S.AWAITING_PAYMENT, 150000)
    with pytest.raises(ActorNotAllowed):
        p.fee_record_payment(dossier=dossier, actor=w.specialist, receipt_number="BL-1")
    with pytest.raises(ServiceError):
        p.fee_record_payment(dossier=dossier, actor=w.desk_officer, receipt_number="")

    dossier = p.fee_record_payment(dossier=dossier, actor=w.desk_officer, receipt_number="BL-1")

    assert dossier.status == S.PROCESSING
    assert (dossier.fee_amount, dossier.fee_receipt_number, dossier.fee_due_amount) == (
        150000,
        "BL-1",
        None,
    )


def test_a_result_approved_with_the_fee_unpaid_waits_for_it_then_resolves(w):
    dossier = w.dossier(result_delivery=ResultDelivery.ONLINE)
    dossier = _to_specialist(w, dossier)
    dossier = p.step_require_fee(step=open_step(dossier), actor=w.specialist, amount=50000)
    dossier = p.fee_record_payment(dossier=dossier, actor=w.desk_officer, receipt_number="BL-1")
    # A second fee, required again before the result (e.g. a registration tax).
    dossier = p.step_require_fee(step=open_step(dossier), actor=w.specialist, amount=20000)
    assert dossier.status == S.AWAITING_PAYMENT

    dossier = p.fee_record_payment(dossier=dossier, actor=w.desk_officer, receipt_number="BL-2")
    assert dossier.fee_amount == 70000


def test_approve_pending_fee_then_payment_resolves_and_returns_online(w):
    dossier = _to_specialist(w, w.dossier(result_delivery=ResultDelivery.ONLINE))
    dossier = p.result_propose(
        step=open_step(dossier),
        actor=w.specialist,
        kind="grant",
        summary="",
        files=[p.ResultUpload("Giấy phép", pdf())],
        fee_due="30000",
        at=local(2026, 3, 3, 9),
    )
    assert dossier.fee_due_amount == 30000

    dossier = p.result_approve(step=open_step(dossier), actor=w.leader, at=local(2026, 3, 4, 9))
    assert dossier.status == S.AWAITING_PAYMENT and dossier.finished_at is None

    dossier = p.fee_record_payment(
        dossier=dossier, actor=w.desk_officer, receipt_number="BL-9", at=local(2026, 3, 5, 9)
    )

    assert dossier.status == S.RETURNED
    assert dossier.finished_at == local(2026, 3, 5, 9)
    transitions = list(dossier.history.values_list("transition", flat=True))
    assert transitions[-3:] == ["approve_pending_fee", "record_payment_resolve", "return_online"]


# --- Withdrawal and stop -----------------------------------------------------------------


def test_withdrawal_then_stop_by_a_leader(w):
    dossier = _to_specialist(w, w.dossier())
    other = UserFactory(applicant=True)
    with pytest.raises(ActorNotAllowed):
        p.withdrawal_request(dossier=dossier, actor=other, reason="Không cần nữa")

    dossier = p.withdrawal_request(
        dossier=dossier, actor=dossier.owner_account, reason="Không cần nữa"
    )
    assert dossier.status == S.WITHDRAWAL_REQUESTED
    before = _state(dossier)
    with pytest.raises(ActorNotAllowed):
        p.dossier_stop(dossier=dossier, actor=w.specialist, reason="Công dân rút hồ sơ")
    with pytest.raises(TransitionNotAllowed):
        p.step_forward(step=open_step(dossier), actor=w.specialist)
    assert _state(dossier) == before

    dossier = p.dossier_stop(
        dossier=dossier, actor=w.leader, reason="Công dân rút hồ sơ", at=local(2026, 3, 3, 9)
    )

    assert dossier.status == S.STOPPED
    assert dossier.stop_reason == "Công dân rút hồ sơ"
    assert dossier.finished_at == local(2026, 3, 3, 9)
    assert dossier.on_time is True
    assert open_step(dossier) is None


def test_no_withdrawal_after_a_result(w):
    dossier = _to_leader(w, _to_specialist(w, w.dossier()))
    dossier = p.result_approve(step=open_step(dossier), actor=w.leader)

    with pytest.raises(TransitionNotAllowed):
        p.withdrawal_request(dossier=dossier, actor=dossier.owner_account, reason="Rút")


def test_a_dossier_withdrawn_before_receipt_is_stopped_by_its_desk(db):
    from tests.dossiers.factories import DossierFactory

    w = world()
    dossier = DossierFactory(version=w.version, receiving_agency=w.desk, submitted=True)
    dossier = p.withdrawal_request(dossier=dossier, actor=dossier.owner_account, reason="Rút")
    with pytest.raises(ActorNotAllowed):
        p.dossier_stop(dossier=dossier, actor=w.leader, reason="Rút")

    dossier = p.dossier_stop(dossier=dossier, actor=w.desk_officer, reason="Công dân rút")

    assert dossier.status == S.STOPPED and dossier.on_time is None


# --- The apology with a new date ----------------------------------------------------------


def test_the_apology_keeps_the_appointment_and_stores_the_new_date(w):
    dossier = _to_specialist(w, w.dossier(at=local(2026, 3, 2, 8)))
    original = dossier.due_at
    new_date = original + dt.timedelta(days=7)
    with pytest.raises(ActorNotAllowed):
        p.apology_issue(
            dossier=dossier, actor=w.specialist, reason="Chờ xác minh", new_due_at=new_date
        )
    with pytest.raises(ServiceError):
        p.apology_issue(dossier=dossier, actor=w.leader, reason="Chờ xác minh", new_due_at=original)

    apology = p.apology_issue(
        dossier=dossier,
        actor=w.leader,
        reason="Chờ kết quả xác minh của cơ quan phối hợp",
        new_due_at=new_date,
        at=local(2026, 3, 6, 9),
    )

    dossier.refresh_from_db()
    assert dossier.due_at == original
    assert (dossier.extended_due_at, dossier.current_due_at) == (new_date, new_date)
    assert (apology.previous_due_at, apology.new_due_at) == (original, new_date)
    row = dossier.history.last()
    assert (row.transition, row.from_status, row.to_status) == (
        "apologise",
        S.PROCESSING,
        S.PROCESSING,
    )


def test_an_apology_never_makes_a_late_dossier_on_time(w):
    dossier = _to_leader(w, _to_specialist(w, w.dossier(at=local(2026, 3, 2, 8))))
    late = dossier.due_at + dt.timedelta(days=2)
    p.apology_issue(
        dossier=dossier,
        actor=w.leader,
        reason="Quá tải",
        new_due_at=dossier.due_at + dt.timedelta(days=5),
        at=dossier.due_at - dt.timedelta(hours=30),
    )

    dossier = p.result_approve(step=open_step(dossier), actor=w.leader, at=late)

    assert dossier.on_time is False


def test_finishing_on_the_due_minute_is_on_time(w):
    dossier = _to_leader(w, _to_specialist(w, w.dossier(at=local(2026, 3, 2, 8))))

    dossier = p.result_approve(step=open_step(dossier), actor=w.leader, at=dossier.due_at)

    assert dossier.on_time is True


def test_two_supplement_requests_make_the_dossier_late(w):
    dossier = _to_specialist(w, w.dossier(at=local(2026, 3, 2, 8)))
    component = dossier.version.components.first()
    for reason, exception in (("Thiếu", ""), ("Lại thiếu", "Bản mới bị mờ")):
        p.step_request_supplement(
            step=open_step(dossier),
            actor=w.specialist,
            components=[component],
            reason=reason,
            exception_reason=exception,
        )
        AttachmentFactory(dossier=dossier, component=component)
        dossier = dossier_resubmit(dossier=dossier, actor=dossier.owner_account)
    dossier = _to_leader(w, dossier)

    dossier = p.result_approve(step=open_step(dossier), actor=w.leader, at=local(2026, 3, 3, 9))

    assert dossier.on_time is False


# --- Inter-agency (liên thông) from receipt to return --------------------------------------


def test_an_inter_agency_dossier_from_receipt_to_return(db):
    w = world(inter_agency=True)
    dossier = w.dossier(at=local(2026, 3, 2, 8))
    dossier = _to_specialist(w, dossier, at=local(2026, 3, 2, 9))
    p.step_take(step=open_step(dossier), actor=w.specialist)
    dossier = p.step_forward(
        step=open_step(dossier),
        actor=w.specialist,
        note="Đề nghị xác nhận",
        at=local(2026, 3, 3, 9),
    )
    partner_step = open_step(dossier)
    assert partner_step.agency == w.partner
    with pytest.raises(ActorNotAllowed):
        p.step_forward(step=partner_step, actor=w.specialist)
    dossier = p.result_propose(
        step=partner_step,
        actor=w.partner_specialist,
        kind="grant",
        summary="",
        files=[p.ResultUpload("Giấy chứng nhận", pdf())],
        at=local(2026, 3, 4, 9),
    )
    dossier = p.result_approve(step=open_step(dossier), actor=w.leader, at=local(2026, 3, 5, 9))
    dossier = p.result_return(
        dossier=dossier, actor=w.desk_officer, recipient="Nguyễn Văn An", at=local(2026, 3, 5, 10)
    )

    assert dossier.status == S.RETURNED and dossier.on_time is True
    assert list(dossier.history.values_list("transition", "agency")) == [
        ("receive", w.desk.pk),
        ("forward", w.desk.pk),
        ("forward", w.processing.pk),
        ("propose_result", w.partner.pk),
        ("resolve", w.processing.pk),
        ("return_result", w.desk.pk),
    ]
    steps = list(DossierStep.objects.filter(dossier=dossier).order_by("started_at", "id"))
    assert [(s.agency_id, s.outcome) for s in steps] == [
        (w.desk.pk, "forwarded"),
        (w.processing.pk, "forwarded"),
        (w.partner.pk, "forwarded"),
        (w.processing.pk, "resolved"),
        (w.desk.pk, "returned"),
    ]
    from dichvucong.dossiers import access

    assert access.dossier_access(user=w.partner_specialist, dossier=dossier).sees
    outsider = MembershipFactory(specialist=True, agency=AgencyFactory()).user
    assert not access.dossier_access(user=outsider, dossier=dossier).sees


def test_a_dossier_received_under_the_2018_rule_set(db):
    w = world()
    dossier = w.dossier(at=local(2025, 6, 30, 9, 0))

    assert dossier.rule_set.code == "2018"
    assert dossier.code.startswith(w.desk.code)


def test_a_dossier_withdrawn_right_after_receipt_is_stopped_by_the_processing_leader(w):
    dossier = w.dossier()  # still at the desk's first step
    dossier = p.withdrawal_request(dossier=dossier, actor=dossier.owner_account, reason="Rút")
    with pytest.raises(ActorNotAllowed):
        p.dossier_stop(dossier=dossier, actor=w.desk_officer, reason="Công dân rút hồ sơ")

    dossier = p.dossier_stop(dossier=dossier, actor=w.leader, reason="Công dân rút hồ sơ")

    assert dossier.status == S.STOPPED
    assert dossier.history.last().agency == w.processing
