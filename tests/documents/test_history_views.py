"""The control slip and the tracking register over HTTP: who may read them, the access log,
the register's form page and its XLSX."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dichvucong.core.models import AccessLogEntry
from dichvucong.documents import control_slip, register
from dichvucong.documents.models import ControlSlip
from dichvucong.documents.register import register_lines
from dichvucong.workflow import processing
from dichvucong.workflow.steps import open_step
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory
from tests.clock import after_the_data
from tests.documents.golden_text import normalised, pdf_text
from tests.dossiers.factories import DossierFactory, DossierHistoryFactory
from tests.workflow.world import local, world

pytestmark = pytest.mark.django_db


# --- The control slip ---------------------------------------------------------------------


def _slip_url(dossier):
    return reverse("documents:control-slip", kwargs={"pk": dossier.pk})


def _received(**kwargs):
    dossier = DossierFactory(received=True, **kwargs)
    DossierHistoryFactory(
        dossier=dossier,
        at=dossier.received_at,
        transition="receive",
        to_status="received",
        actor=MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user,
    )
    return dossier


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("owner", True),
        ("desk_officer", True),
        ("specialist_of_processing_agency", True),
        ("officer_elsewhere", False),
        ("other_applicant", False),
    ],
)
def test_control_slip_permission_matrix(client, who, allowed):
    dossier = _received()
    user = {
        "owner": lambda: dossier.owner_account,
        "desk_officer": lambda: (
            MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user
        ),
        "specialist_of_processing_agency": lambda: (
            MembershipFactory(specialist=True, agency=dossier.processing_agency).user
        ),
        "officer_elsewhere": lambda: (
            MembershipFactory(one_stop_officer=True, agency=AgencyFactory(with_desk=True)).user
        ),
        "other_applicant": lambda: UserFactory(applicant=True),
    }[who]()
    client.force_login(user)

    response = client.get(_slip_url(dossier))

    entries = AccessLogEntry.objects.filter(action="document.control_slip")
    if allowed:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        entry = entries.get()
        assert (entry.actor_user_id, entry.object_pk) == (user.pk, str(dossier.pk))
    else:
        assert response.status_code == 404
        assert not entries.exists()


def test_control_slip_sends_anonymous_to_log_in_and_hides_unreceived_dossiers(client):
    dossier = _received()
    submitted = DossierFactory(submitted=True)

    anonymous = client.get(_slip_url(dossier))
    client.force_login(submitted.owner_account)
    not_received = client.get(_slip_url(submitted))

    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert not_received.status_code == 404
    assert not AccessLogEntry.objects.exists()


def _pdf(response) -> bytes:
    return b"".join(response.streaming_content)


@after_the_data  # the world's dossier is of March 2026; the hand-off happens now, after it
def test_control_slip_is_rendered_once_per_change_of_the_history(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    w = world()
    dossier = w.dossier()
    renders = []

    def counted(**kwargs):
        renders.append(kwargs["dossier"].pk)
        return render(**kwargs)

    render = control_slip.control_slip_pdf
    monkeypatch.setattr(control_slip, "control_slip_pdf", counted)
    client.force_login(dossier.owner_account)

    first, again = _pdf(client.get(_slip_url(dossier))), _pdf(client.get(_slip_url(dossier)))

    assert renders == [dossier.pk]  # the second reading served the stored file
    assert first == again
    stored = ControlSlip.objects.get(dossier=dossier)
    assert stored.history_id == dossier.history.latest("id").pk
    assert stored.file.read() == first

    processing.step_forward(step=open_step(dossier), actor=w.desk_officer, note="Chuyển xử lý")
    with django_capture_on_commit_callbacks(execute=True):
        after = _pdf(client.get(_slip_url(dossier)))
    once_more = _pdf(client.get(_slip_url(dossier)))

    assert renders == [dossier.pk, dossier.pk]
    assert after == once_more != first
    assert "Chuyển xử lý" in normalised(pdf_text(after))
    assert "Chuyển xử lý" not in normalised(pdf_text(first))
    renewed = ControlSlip.objects.get(dossier=dossier)
    assert renewed.history_id == dossier.history.latest("id").pk > stored.history_id
    assert not renewed.file.storage.exists(stored.file.name)  # the old copy is removed


def test_a_stored_slip_is_served_in_a_few_queries(client, django_assert_num_queries):
    dossier = _received()
    client.force_login(dossier.owner_account)
    client.get(_slip_url(dossier))

    # Session, user, the dossier, the reader's roles (the access check), the copy, the history
    # mark, the access log: no rendering, which reads the history, steps, forms and agencies
    # and writes the copy.
    with django_assert_num_queries(7):
        response = client.get(_slip_url(dossier))

    assert _pdf(response).startswith(b"%PDF-")


def test_a_slip_whose_file_is_gone_is_rendered_again(client):
    # Another reader's rendering removed it between finding and opening, or storage lost it.
    dossier = _received()
    client.force_login(dossier.owner_account)
    first = _pdf(client.get(_slip_url(dossier)))
    stored = ControlSlip.objects.get(dossier=dossier)
    stored.file.storage.delete(stored.file.name)

    response = client.get(_slip_url(dossier))

    assert response.status_code == 200
    assert _pdf(response) == first
    assert stored.file.storage.exists(ControlSlip.objects.get(dossier=dossier).file.name)


def test_rendering_a_slip_locks_its_copy_not_the_dossier():
    # Officers' transitions lock the dossier's row; a reader's rendering (≈0.4 s) must not
    # make them wait (SQLite has no row locks: the check is PostgreSQL's, in CI).
    dossier = _received()

    with CaptureQueriesContext(connection) as captured:
        control_slip.control_slip_store(dossier_id=dossier.pk)

    locks = [query["sql"] for query in captured.captured_queries if "FOR UPDATE" in query["sql"]]
    if connection.features.has_select_for_update:
        assert locks
        assert all('FROM "documents_controlslip"' in sql for sql in locks), locks


# --- The tracking register ----------------------------------------------------------------

REGISTER = "documents:register"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def _register_world():
    desk = AgencyFactory(with_desk=True, name="Ủy ban nhân dân xã Hỏa Lựu")
    lines = []
    for day, name in ((3, "Nguyễn Văn An"), (2, "Lê Thị Bảy"), (31, "Trương Công Chánh")):
        received = local(2026, 3, day, 9, 0)
        dossier = DossierFactory(
            received=True,
            receiving_agency=desk,
            received_at=received,
            owner_name=name,
            register_line=day,
            code=f"000.03.21.H30-2603{day:02d}-0001",
        )
        DossierHistoryFactory(
            dossier=dossier,
            at=received + datetime.timedelta(hours=2),
            transition="forward",
            to_status="processing",
        )
        DossierHistoryFactory(
            dossier=dossier,
            at=received + datetime.timedelta(days=1),
            transition="forward",
            to_status="processing",
        )
        lines.append(dossier)
    # Outside the period or of another agency: not in the register.
    DossierFactory(received=True, receiving_agency=desk, received_at=local(2026, 4, 1, 0, 0))
    DossierFactory(received=True, received_at=local(2026, 3, 10, 9, 0))
    officer = MembershipFactory(one_stop_officer=True, agency=desk).user
    return desk, officer, lines


def test_register_lines_in_one_query(django_assert_num_queries):
    desk, _officer, (an, bay, chanh) = _register_world()

    with django_assert_num_queries(1):
        lines = register_lines(
            agency=desk, date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31)
        )

    assert [line.code for line in lines] == [bay.code, an.code, chanh.code]
    assert [line.number for line in lines] == [2, 3, 31]
    # The date transferred is the first forward in the history.
    assert lines[0].transferred_at == bay.received_at + datetime.timedelta(hours=2)


def test_register_xlsx_reads_back_with_headings_and_one_row_per_dossier(client):
    desk, officer, (an, bay, chanh) = _register_world()
    client.force_login(officer)

    response = client.get(reverse(REGISTER), {"agency": desk.pk, **MARCH, "format": "xlsx"})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Mẫu số 07 (ban hành kèm theo Thông tư 03/2025/TT-VPCP)"
    header = rows.index(next(row for row in rows if row and row[0] == "STT"))
    assert rows[header][:4] == ("STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)")
    assert rows[header][-2:] == ("Ký nhận", "Ghi chú")
    body = rows[header + 1 :]
    assert [(row[0], row[1], row[4]) for row in body] == [
        (2, bay.code, "Lê Thị Bảy"),
        (3, an.code, "Nguyễn Văn An"),
        (31, chanh.code, "Trương Công Chánh"),
    ]
    assert body[0][8].date() == datetime.date(2026, 3, 2)  # received: a date cell
    assert body[0][10].date() == datetime.date(2026, 3, 2)  # first forward
    entry = AccessLogEntry.objects.get(action="document.register")
    assert (entry.actor_user_id, entry.object_pk) == (officer.pk, str(desk.pk))


def test_register_pdf_for_the_agency_leader(client):
    desk, _officer, _lines = _register_world()
    leader = MembershipFactory(leader=True, agency=desk).user

    client.force_login(leader)
    response = client.get(reverse(REGISTER), {"agency": desk.pk, **MARCH, "format": "pdf"})

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert AccessLogEntry.objects.filter(action="document.register").count() == 1


# The register lists owners' names and addresses: administrators manage configuration, not
# dossiers (decision 0009), so a province admin, an agency admin of the desk's own agency and
# the break-glass superuser are refused like anyone else without a desk or leader role there.
@pytest.mark.parametrize(
    "who",
    [
        "officer_elsewhere",
        "specialist_of_the_agency",
        "applicant",
        "province_admin",
        "agency_admin_of_the_agency",
        "superuser",
    ],
)
def test_register_refused_to_others(client, who):
    desk, _officer, _lines = _register_world()
    user = {
        "officer_elsewhere": lambda: (
            MembershipFactory(one_stop_officer=True, agency=AgencyFactory(with_desk=True)).user
        ),
        "specialist_of_the_agency": lambda: MembershipFactory(specialist=True, agency=desk).user,
        "applicant": lambda: UserFactory(applicant=True),
        "province_admin": lambda: MembershipFactory(province_admin=True).user,
        "agency_admin_of_the_agency": lambda: (
            MembershipFactory(agency_admin=True, agency=desk).user
        ),
        "superuser": lambda: UserFactory(superuser=True),
    }[who]()
    client.force_login(user)

    response = client.get(reverse(REGISTER), {"agency": desk.pk, **MARCH, "format": "xlsx"})

    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_register_sends_anonymous_to_log_in(client):
    response = client.get(reverse(REGISTER), {"agency": 1, **MARCH})

    assert response.status_code == 302 and "login" in response["Location"]


def test_register_without_parameters_shows_the_form_with_the_agencies(client):
    desk, officer, _lines = _register_world()
    client.force_login(officer)

    response = client.get(reverse(REGISTER))

    assert response.status_code == 200
    page = response.content.decode()
    assert desk.name in page and 'name="from"' in page and 'name="to"' in page
    assert "15/09/2025" in page
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, "Ngày kết thúc trước ngày bắt đầu."),
        ({"from": "2025-01-01", "to": "2026-01-02"}, "Sổ theo dõi chỉ lập cho tối đa 366 ngày."),
        ({"from": "31-03-2026", "to": "2026-03-31"}, "Nhập ngày theo dạng 2026-03-31."),
        ({"to": "2026-03-31"}, "Nhập ngày."),
    ],
)
def test_register_wrong_parameters_show_the_form_again_in_vietnamese(client, params, error):
    desk, officer, _lines = _register_world()
    client.force_login(officer)

    response = client.get(reverse(REGISTER), {"agency": desk.pk, "format": "pdf", **params})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert error in page
    assert f'value="{params["to"]}"' in page  # what was typed is kept
    assert not AccessLogEntry.objects.exists()


def test_a_register_spanning_15_september_2025_prints_the_2025_form(client):
    desk, officer, _lines = _register_world()
    client.force_login(officer)

    response = client.get(
        reverse(REGISTER),
        {"agency": desk.pk, "from": "2025-09-01", "to": "2025-09-30", "format": "xlsx"},
    )
    before = client.get(
        reverse(REGISTER),
        {"agency": desk.pk, "from": "2025-09-01", "to": "2025-09-14", "format": "xlsx"},
    )

    assert load_workbook(io.BytesIO(response.content)).active["A1"].value.startswith("Mẫu số 07")
    assert load_workbook(io.BytesIO(before.content)).active["A1"].value == (
        "Mẫu số 06 (ban hành kèm theo Thông tư 01/2018/TT-VPCP)"
    )


def test_the_stop_notice_of_a_2018_dossier_does_not_exist(client):
    from dichvucong.documents.models import GeneratedDocument

    dossier = DossierFactory(received=True, received_at=local(2025, 6, 2, 8, 0), status="stopped")
    client.force_login(dossier.owner_account)

    response = client.get(
        reverse(
            "documents:dossier-document-by-id", kwargs={"pk": dossier.pk, "kind": "stop_notice"}
        )
    )

    assert dossier.rule_set.code == "2018"
    assert response.status_code == 404
    assert not GeneratedDocument.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_a_register_too_long_for_one_request_is_refused_with_what_to_do(client, monkeypatch):
    # Built on the request: a period with more lines than one request builds in a web
    # worker's time is refused before any is built, with the way round it.
    monkeypatch.setitem(register.MAX_LINES, "pdf", 2)
    desk, officer, _lines = _register_world()  # three lines in March
    client.force_login(officer)

    refused = client.get(reverse(REGISTER), {"agency": desk.pk, **MARCH, "format": "pdf"})
    workbook = client.get(reverse(REGISTER), {"agency": desk.pk, **MARCH, "format": "xlsx"})

    assert refused.status_code == 200
    assert refused["Content-Type"].startswith("text/html")
    assert "Khoảng thời gian này có 3 hồ sơ" in refused.content.decode()
    assert "tải tệp XLSX" in refused.content.decode()
    assert workbook["Content-Type"] != refused["Content-Type"]
    # Only the workbook was handed out.
    assert AccessLogEntry.objects.filter(action="document.register").count() == 1
