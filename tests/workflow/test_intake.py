"""Intake services: receive, request a supplement (once, or by exception), refuse, and file a
paper or postal dossier in one transaction."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dichvucong.agencies.calendar_selectors import (
    due_at_for,
    receipt_time_for,
    working_hours_between_for,
)
from dichvucong.core.constants import LEGAL_TIMEZONE
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from dichvucong.dossiers.constants import Channel, DossierStatus, ResultDelivery
from dichvucong.dossiers.models import Attachment, CodeCounter, Dossier, SupplementRequest
from dichvucong.workflow.engine import ActorNotAllowed, TransitionNotAllowed
from dichvucong.workflow.intake import (
    dossier_file_at_desk,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
)
from tests.accounts.factories import MembershipFactory
from tests.agencies.factories import AgencyFactory, close_with_successor
from tests.catalog.factories import ComponentFactory, ProcedureVersionFactory, TimeOptionFactory
from tests.dossiers.factories import PDF_BYTES, DossierFactory


def local(*args):
    return dt.datetime(*args, tzinfo=LEGAL_TIMEZONE)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def desk(db):
    agency = AgencyFactory(code="000.03.21.T99", with_desk=True, commune=True)
    processing = AgencyFactory(code="000.00.02.T99", with_desk=True)
    version = ProcedureVersionFactory(
        published=True, competent_agency=processing, receiving_agencies=[agency]
    )
    officer = MembershipFactory(one_stop_officer=True, agency=agency).user
    return agency, processing, version, officer


def _snapshot(dossier):
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.code,
        dossier.history.count(),
        dossier.supplement_requests.count(),
        AuditEntry.objects.count(),
        CodeCounter.objects.count(),
    )


# --- receive


@pytest.mark.django_db
@pytest.mark.parametrize("closing", ["desk", "processing"])
def test_no_receipt_by_or_for_an_agency_closed_by_a_merger(desk, closing, vietnamese):
    agency, processing, version, _officer = desk
    closed = agency if closing == "desk" else processing
    successor = close_with_successor(closed, closing=dt.date(2026, 3, 2), code="T99.900")
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    before = _snapshot(dossier)

    with time_machine.travel(local(2026, 2, 2, 9, 0), tick=False) as clock:
        officer = MembershipFactory(one_stop_officer=True, agency=agency).user
        clock.move_to(local(2026, 3, 3, 9, 0))
        with pytest.raises(ServiceError) as refusal:
            dossier_receive(
                dossier=dossier, actor=officer, time_option=version.time_options.first()
            )

    assert refusal.value.code == "agency_closed"
    assert f"{closed.name} đã chấm dứt hoạt động ngày 02/03/2026" in str(refusal.value)
    assert f"{successor.name} (mã T99.900)" in str(refusal.value)
    assert _snapshot(dossier) == before


@pytest.mark.django_db
def test_a_receipt_on_the_closing_day_still_goes_through(desk):
    agency, _processing, version, _officer = desk
    close_with_successor(agency, closing=dt.date(2026, 3, 3), code="T99.901")
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)

    with time_machine.travel(local(2026, 2, 2, 9, 0), tick=False) as clock:
        officer = MembershipFactory(one_stop_officer=True, agency=agency).user
        clock.move_to(local(2026, 3, 3, 16, 0))
        dossier = dossier_receive(
            dossier=dossier, actor=officer, time_option=version.time_options.first()
        )

    assert dossier.status == DossierStatus.RECEIVED


@pytest.mark.django_db
def test_receive_out_of_hours_moves_to_next_session_and_sets_everything(desk):
    agency, processing, version, officer = desk
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    option = TimeOptionFactory(version=version, duration=3, unit="working_days", position=5)
    # Friday 6 February 2026, 18:10: the next session is Monday 9 February, 07:00.
    dossier = dossier_receive(
        dossier=dossier,
        actor=officer,
        time_option=option,
        fee_amount=50_000,
        fee_receipt_number="BL-0001",
        at=local(2026, 2, 6, 18, 10),
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.received_at == local(2026, 2, 9, 7, 0)
    assert dossier.code == "T99.21.03-260209-0001"
    assert (dossier.register_book, dossier.register_line) == ("2026", 1)
    assert dossier.rule_set.code == "2025"
    assert dossier.processing_agency == processing
    assert dossier.time_option == option
    assert dossier.due_at == local(2026, 2, 11, 17, 0)
    assert (dossier.fee_amount, dossier.fee_receipt_number) == (50_000, "BL-0001")
    assert dossier.fee_paid_at == local(2026, 2, 6, 18, 10)
    assert dossier.history.get().transition == "receive"
    entry = AuditEntry.objects.get(action="dossier.receive")
    assert entry.after["code"] == dossier.code and entry.scope == agency.code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fee_amount": -1, "fee_receipt_number": "X"}, "fee_amount"),
        ({"fee_amount": 10_000}, "fee_receipt_number"),
        ({"fee_amount": "mười"}, "fee_amount"),
        ({"fee_receipt_number": "BL-1"}, "fee_amount"),
    ],
)
def test_receive_refuses_bad_fee_with_nothing_changed(desk, kwargs, field):
    agency, _, version, officer = desk
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    before = _snapshot(dossier)
    with pytest.raises(ServiceError) as refusal:
        dossier_receive(
            dossier=dossier, actor=officer, time_option=version.time_options.first(), **kwargs
        )
    assert refusal.value.field == field
    assert _snapshot(dossier) == before


@pytest.mark.django_db
def test_receive_refuses_another_versions_time_option(desk):
    agency, _, version, officer = desk
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    before = _snapshot(dossier)
    with pytest.raises(ServiceError) as refusal:
        dossier_receive(dossier=dossier, actor=officer, time_option=TimeOptionFactory())
    assert refusal.value.field == "time_option"
    assert _snapshot(dossier) == before


@pytest.mark.django_db
def test_refused_receipt_consumes_no_number(desk):
    agency, _, version, _ = desk
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    stranger = MembershipFactory(one_stop_officer=True, agency=AgencyFactory(with_desk=True)).user
    before = _snapshot(dossier)
    with pytest.raises(ActorNotAllowed):
        dossier_receive(dossier=dossier, actor=stranger, time_option=version.time_options.first())
    assert _snapshot(dossier) == before


@pytest.mark.clock
@pytest.mark.django_db
@pytest.mark.parametrize("same_day", [False, True])
def test_receiving_now_gives_a_working_receipt_time_a_code_of_that_day_and_the_appointment(
    desk, same_day
):
    # Whatever the instant (the clock sweep): received at once inside a session, else at the
    # next session's start; the code carries that day; the appointment and its warning time
    # come from the calendar.
    agency, processing, version, officer = desk
    if same_day:
        option = TimeOptionFactory(version=version, same_day=True, duration=0, position=5)
    else:
        option = TimeOptionFactory(version=version, duration=2, unit="working_days", position=5)
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    now = timezone.now()
    dossier = dossier_receive(dossier=dossier, actor=officer, time_option=option)

    received = dossier.received_at
    # The clock ticks (tick=True): the receipt time of some moment between the two reads.
    earliest = receipt_time_for(agency=agency, submitted_at=now)
    assert earliest <= received <= receipt_time_for(agency=agency, submitted_at=timezone.now())
    local_received = received.astimezone(LEGAL_TIMEZONE)
    assert f"-{local_received:%y%m%d}-" in dossier.code
    assert dossier.due_at == due_at_for(
        agency=processing,
        received_at=received,
        duration=option.duration,
        unit=option.unit,
        same_day=same_day,
        cutoff=option.cutoff or dossier.rule_set.same_day_cutoff,
    )
    assert received < dossier.due_at
    left = working_hours_between_for(agency=processing, start=received, end=dossier.due_at)
    if left <= dt.timedelta(hours=8):
        # A working day or less (same-day, received before the cut-off): no apology prompt
        # before the appointment.
        assert dossier.warn_at == dossier.due_at
    else:  # e.g. same-day received after 15:00: due at the next working day's closing
        assert received < dossier.warn_at < dossier.due_at


@pytest.mark.django_db
def test_receive_twice_is_refused(desk):
    agency, _, version, officer = desk
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    option = version.time_options.first()
    dossier_receive(dossier=dossier, actor=officer, time_option=option)
    before = _snapshot(dossier)
    with pytest.raises(TransitionNotAllowed):
        dossier_receive(dossier=dossier, actor=officer, time_option=option)
    assert _snapshot(dossier) == before


# --- supplement


@pytest.mark.django_db
def test_supplement_once_then_only_by_exception(desk):
    agency, _, version, officer = desk
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    component = version.components.first()
    dossier_request_supplement(
        dossier=dossier, actor=officer, components=[component], reason="Bản scan mờ"
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert dossier.intake_supplement_count == 1
    request = dossier.supplement_requests.get()
    assert (request.stage, request.reason, list(request.components.all())) == (
        "intake",
        "Bản scan mờ",
        [component],
    )
    assert dossier.history.get().note == "Bản scan mờ"

    # The applicant resubmits (status set as the factory would: the applicant flow is elsewhere).
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SUBMITTED)
    before = _snapshot(dossier)
    with pytest.raises(ServiceError) as refusal:
        dossier_request_supplement(
            dossier=dossier, actor=officer, components=[component], reason="Còn thiếu"
        )
    assert refusal.value.code == "supplement_limit"
    assert _snapshot(dossier) == before

    dossier_request_supplement(
        dossier=dossier,
        actor=officer,
        components=[component],
        reason="Còn thiếu",
        exception_reason="Giấy tờ mới phát sinh theo văn bản hướng dẫn",
    )
    dossier.refresh_from_db()
    assert dossier.intake_supplement_count == 2
    assert SupplementRequest.objects.filter(dossier=dossier).last().exception_reason


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["no_reason", "no_component", "foreign_component"])
def test_supplement_refusals_change_nothing(desk, case):
    agency, _, version, officer = desk
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    components = {
        "no_reason": [version.components.first()],
        "no_component": [],
        "foreign_component": [ComponentFactory()],
    }[case]
    before = _snapshot(dossier)
    with pytest.raises(ServiceError):
        dossier_request_supplement(
            dossier=dossier,
            actor=officer,
            components=components,
            reason="  " if case == "no_reason" else "Thiếu",
        )
    assert _snapshot(dossier) == before


# --- refuse


@pytest.mark.django_db
def test_refuse_keeps_the_reason(desk):
    agency, _, version, officer = desk
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    dossier_refuse(dossier=dossier, actor=officer, reason="Không thuộc thẩm quyền")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED
    assert dossier.refusal_reason == "Không thuộc thẩm quyền"
    assert dossier.history.get().note == "Không thuộc thẩm quyền"


@pytest.mark.django_db
def test_refuse_needs_a_reason(desk):
    agency, _, version, officer = desk
    dossier = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    before = _snapshot(dossier)
    with pytest.raises(ServiceError) as refusal:
        dossier_refuse(dossier=dossier, actor=officer, reason=" ")
    assert refusal.value.field == "reason"
    assert _snapshot(dossier) == before


# --- paper and postal dossiers


def _pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _file(desk, **overrides):
    agency, _, version, officer = desk
    components = list(version.components.all())
    kwargs = {
        "version": version,
        "receiving_agency": agency,
        "actor": officer,
        "channel": Channel.COUNTER,
        "owner": {"name": "Nguyễn Văn Giấy", "id_number": "093012345678", "phone": "0912345678"},
        "files": {component.pk: [_pdf()] for component in components},
        "time_option": version.time_options.first(),
        "at": local(2026, 3, 3, 9, 0),
    }
    kwargs.update(overrides)
    return dossier_file_at_desk(**kwargs)


@pytest.mark.django_db
def test_paper_dossier_is_filed_scanned_and_received_at_once(desk):
    _agency, processing, version, officer = desk
    dossier = _file(
        desk,
        channel=Channel.POST,
        result_delivery=ResultDelivery.POST,
        delivery_address="Số 1 Trần Hưng Đạo",
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.channel == Channel.POST
    assert dossier.owner_account is None and dossier.submitter_name == "Nguyễn Văn Giấy"
    assert dossier.code == "T99.21.03-260303-0001"
    assert dossier.processing_agency == processing and dossier.due_at is not None
    attachments = list(dossier.attachments.all())
    assert len(attachments) == version.components.count()
    assert all(a.digitised and a.uploaded_by == officer for a in attachments)
    assert [row.transition for row in dossier.history.all()] == ["submit_at_desk", "receive"]
    assert AuditEntry.objects.filter(action="dossier.create_at_desk").exists()


@pytest.mark.django_db
def test_paper_dossier_shares_the_desks_sequence(desk):
    agency, _, version, officer = desk
    online = DossierFactory(version=version, receiving_agency=agency, submitted=True)
    dossier_receive(
        dossier=online,
        actor=officer,
        time_option=version.time_options.first(),
        at=local(2026, 3, 3, 8, 0),
    )
    assert _file(desk).code == "T99.21.03-260303-0002"


def _nothing_written():
    return (
        not Dossier.objects.exists()
        and not Attachment.objects.exists()
        and not CodeCounter.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="dossier.").exists()
    )


@pytest.mark.django_db
def test_a_failure_midway_leaves_no_half_written_dossier(desk, media_root):
    _agency, _, version, _officer = desk
    first, second = version.components.all()[:2]
    # The second component's scan is not an accepted file: the first was already stored.
    with pytest.raises(ServiceError) as refusal:
        _file(
            desk,
            files={first.pk: [_pdf()], second.pk: [SimpleUploadedFile("x.pdf", b"MZ not a pdf")]},
        )
    assert refusal.value.code == "bad_type"
    assert _nothing_written()


@pytest.mark.django_db
def test_a_failure_at_receipt_leaves_nothing(desk):
    _, _, _version, _ = desk
    with pytest.raises(ServiceError):
        _file(desk, time_option=TimeOptionFactory())
    assert _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"channel": Channel.ONLINE}, "channel"),
        ({"owner": {"name": " "}}, "required"),
        ({"files": {}}, "missing_component"),
        ({"result_delivery": ResultDelivery.POST}, "required"),
        # Too long: refused with the limit, never cut.
        ({"summary": "x" * 501}, "too_long"),
        ({"owner": {"name": "A" * 201}}, "too_long"),
        ({"submitter": {"name": "B", "address": "x" * 301}}, "too_long"),
        (
            {"result_delivery": ResultDelivery.POST, "delivery_address": "x" * 301},
            "too_long",
        ),
    ],
)
def test_paper_dossier_refusals(desk, override, code):
    with pytest.raises(ServiceError) as refusal:
        _file(desk, **override)
    assert refusal.value.code == code
    assert _nothing_written()


@pytest.mark.django_db
def test_no_paper_dossier_at_a_desk_closed_by_a_merger(desk, vietnamese):
    successor = close_with_successor(desk[0], closing=dt.date(2026, 3, 2), code="T99.902")
    with pytest.raises(ServiceError) as refusal:
        _file(desk)  # at 3/3/2026 09:00
    assert (refusal.value.code, refusal.value.field) == ("agency_closed", "receiving_agency")
    assert successor.name in str(refusal.value)
    assert _nothing_written()


@pytest.mark.django_db
def test_paper_dossier_needs_an_officer_of_the_desk(desk):
    stranger = MembershipFactory(one_stop_officer=True, agency=AgencyFactory(with_desk=True)).user
    with pytest.raises(ActorNotAllowed):
        _file(desk, actor=stranger)
    assert _nothing_written()


# --- the demo, from draft to received through the services


@pytest.mark.django_db
def test_a_demo_dossier_goes_from_draft_to_received():
    import io

    from django.core.management import call_command

    from dichvucong.accounts.models import User
    from dichvucong.agencies.models import Agency
    from dichvucong.dossiers.services import attachment_add, dossier_create_draft
    from dichvucong.workflow.applicant import dossier_submit

    call_command("load_demo", stdout=io.StringIO())
    desk = Agency.objects.get(code="000.03.21.H30")  # UBND xã Hỏa Lựu
    applicant = User.objects.get(email="nguyenvanan@demo.haugiang.local")
    officer = User.objects.get(email="motcua.hoaluu@demo.haugiang.local")
    version = desk.receives_for.get(status="published", name="Đăng ký khai tử")

    dossier = dossier_create_draft(version=version, receiving_agency=desk, actor=applicant)
    # The filled declaration attached instead of the online form (S13), then each component.
    attachment_add(dossier=dossier, component=None, upload=_pdf("to-khai.pdf"), actor=applicant)
    for component in version.components.filter(mandatory=True):
        attachment_add(dossier=dossier, component=component, upload=_pdf(), actor=applicant)
    dossier_submit(dossier=dossier, actor=applicant)
    dossier = dossier_receive(
        dossier=dossier, actor=officer, time_option=version.time_options.order_by("-duration")[0]
    )

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.rule_set.dossier_code_regex.match(dossier.code)
    assert dossier.code.startswith("H30.21.03-")  # the 2025 rule set: QĐ 20 order
    assert dossier.processing_agency == version.competent_agency
    assert dossier.due_at > dossier.received_at
    assert [row.transition for row in dossier.history.all()] == ["submit", "receive"]
