"""The one-stop desk's pages: the queue, a dossier, the three actions, the receipt page and
paper dossiers; who may see and do what (each denial leaves the database unchanged)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dichvucong.core.models import AccessLogEntry, AuditEntry
from dichvucong.dossiers.constants import Channel, DossierStatus
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.selectors import desk as desk_selectors
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory
from tests.catalog.factories import ProcedureVersionFactory
from tests.dossiers.factories import PDF_BYTES, AttachmentFactory, DossierFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def desk(db):
    agency = AgencyFactory(code="000.03.21.T99", with_desk=True, commune=True)
    version = ProcedureVersionFactory(published=True, competent_agency=agency)
    officer = MembershipFactory(one_stop_officer=True, agency=agency).user
    return agency, version, officer


def _submitted(version, hours_ago=2, **kwargs):
    return DossierFactory(
        version=version,
        status=DossierStatus.SUBMITTED,
        submitted_at=timezone.now() - dt.timedelta(hours=hours_ago),
        **kwargs,
    )


def _state(dossier):
    dossier.refresh_from_db()
    return (dossier.status, dossier.code, dossier.history.count(), AuditEntry.objects.count())


# --- queue


@pytest.mark.clock
@pytest.mark.django_db
def test_queue_lists_the_desks_submitted_dossiers_oldest_first(client, desk):
    _agency, version, officer = desk
    newer = _submitted(version, hours_ago=1, owner_name="Trần Thị Mới")
    older = _submitted(version, hours_ago=5, owner_name="Lê Văn Cũ")
    DossierFactory(version=version)  # a draft: not the desk's yet
    DossierFactory(version=version, received=True)  # already handled
    _submitted(ProcedureVersionFactory(published=True))  # another desk's
    client.force_login(officer)
    response = client.get(reverse("web:desk-queue"))
    assert response.status_code == 200
    assert list(response.context["page"].dossiers) == [older, newer]


@pytest.mark.django_db
def test_queue_filters_and_search(client, desk):
    agency, version, officer = desk
    other_version = ProcedureVersionFactory(
        published=True, competent_agency=agency, receiving_agencies=[agency]
    )
    online = _submitted(version, owner_name="Nguyễn Văn Tìm", owner_id_number="093000000001")
    post = _submitted(other_version, channel=Channel.POST, owner_name="Phạm Thị Thư")
    received = DossierFactory(version=version, received=True)
    client.force_login(officer)

    def listed(**params):
        return list(client.get(reverse("web:desk-queue"), params).context["page"].dossiers)

    assert listed(channel=Channel.POST) == [post]
    assert listed(version=other_version.pk) == [post]
    assert listed(q="văn tìm") == [online]
    assert listed(q="nguyen van tim") == [online]  # typed without diacritics
    assert listed(q="pham thi") == [post]
    assert listed(q="093000000001") == [online]
    assert listed(q=received.code) == [received]
    today = timezone.localdate()
    assert len(listed(submitted_from=today - dt.timedelta(days=1), submitted_to=today)) == 2
    assert listed(submitted_to=today - dt.timedelta(days=2)) == []


@pytest.mark.django_db
def test_queue_pages_by_keyset(client, desk, monkeypatch):
    _, version, officer = desk
    monkeypatch.setattr(desk_selectors, "QUEUE_PAGE_SIZE", 2)
    dossiers = [_submitted(version, hours_ago=h) for h in (5, 4, 3)]
    client.force_login(officer)
    first = client.get(reverse("web:desk-queue"))
    assert list(first.context["page"].dossiers) == dossiers[:2]
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("web:desk-queue"), {"sau": cursor})
    assert list(second.context["page"].dossiers) == dossiers[2:]
    assert second.context["page"].next_cursor is None


@pytest.mark.django_db
def test_queue_query_count_does_not_grow_with_rows(client, desk, django_assert_num_queries):
    _, version, officer = desk
    client.force_login(officer)
    _submitted(version)
    client.get(reverse("web:desk-queue"))  # warm the content types and the session
    # session, user, memberships, the procedure filter, one page of the queue, the dossiers
    # waiting on the desk otherwise (withdrawn before receipt, awaiting the fee)
    with django_assert_num_queries(6):
        client.get(reverse("web:desk-queue"))
    for _ in range(5):
        _submitted(version)
    with django_assert_num_queries(6):
        client.get(reverse("web:desk-queue"))


# --- permission matrix


def _actors(dossier):
    return {
        "anonymous": None,
        "applicant": dossier.owner_account,
        "other_applicant": UserFactory(applicant=True),
        "other_agency_officer": MembershipFactory(
            one_stop_officer=True, agency=AgencyFactory(with_desk=True)
        ).user,
        "specialist_of_the_agency": MembershipFactory(
            specialist=True, agency=dossier.receiving_agency
        ).user,
    }


DENIED = {
    "anonymous": 302,
    "applicant": 403,
    "other_applicant": 403,
    "other_agency_officer": 404,
    "specialist_of_the_agency": 403,
}


def _requests(dossier):
    component = dossier.version.components.first()
    return {
        "view": ("get", reverse("web:desk-dossier", args=[dossier.pk]), {}),
        "receive": (
            "post",
            reverse("web:desk-receive", args=[dossier.pk]),
            {"time_option": dossier.version.time_options.first().pk},
        ),
        "supplement": (
            "post",
            reverse("web:desk-supplement", args=[dossier.pk]),
            {"components": [component.pk], "reason": "Thiếu"},
        ),
        "refuse": ("post", reverse("web:desk-refuse", args=[dossier.pk]), {"reason": "Sai"}),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(DENIED))
@pytest.mark.parametrize("action", ["view", "receive", "supplement", "refuse"])
def test_denied_and_nothing_changed(client, desk, who, action):
    _, version, _ = desk
    dossier = _submitted(version)
    actor = _actors(dossier)[who]
    if actor is not None:
        client.force_login(actor)
    method, url, data = _requests(dossier)[action]
    before = _state(dossier)
    logged = AccessLogEntry.objects.count()
    response = getattr(client, method)(url, data)
    assert response.status_code == DENIED[who]
    assert _state(dossier) == before
    assert AccessLogEntry.objects.count() == logged


@pytest.mark.django_db
def test_officer_of_another_agency_cannot_download(client, desk):
    _, version, _ = desk
    attachment = AttachmentFactory(dossier=_submitted(version))
    client.force_login(_actors(attachment.dossier)["other_agency_officer"])
    assert client.get(reverse("web:attachment", args=[attachment.pk])).status_code == 404


@pytest.mark.django_db
def test_the_right_officer_sees_the_dossier_and_the_view_is_logged(client, desk):
    _, version, officer = desk
    dossier = _submitted(version, owner_name="Võ Thị Hồ Sơ")
    attachment = AttachmentFactory(dossier=dossier)
    client.force_login(officer)
    response = client.get(reverse("web:desk-dossier", args=[dossier.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Võ Thị Hồ Sơ" in body
    assert reverse("web:attachment", args=[attachment.pk]) in body
    entry = AccessLogEntry.objects.get(action="dossier.view_desk")
    assert (entry.object_pk, entry.actor_user_id) == (str(dossier.pk), officer.pk)
    download = client.get(reverse("web:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES


# --- actions


@pytest.mark.clock
@pytest.mark.django_db
def test_receive_through_the_page(client, desk, vietnamese):
    _agency, version, officer = desk
    dossier = _submitted(version)
    client.force_login(officer)
    response = client.post(
        reverse("web:desk-receive", args=[dossier.pk]),
        {
            "time_option": version.time_options.first().pk,
            "fee_amount": "50000",
            "fee_receipt_number": "BL-01",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:desk-received", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED and dossier.fee_amount == 50_000
    page = client.get(response["Location"])
    assert dossier.code in page.content.decode()
    assert f"/{dossier.code}/receipt.pdf" in page.content.decode()


@pytest.mark.django_db
def test_receive_refusal_is_shown_and_changes_nothing(client, desk, vietnamese):
    _, version, officer = desk
    dossier = _submitted(version)
    client.force_login(officer)
    before = _state(dossier)
    response = client.post(
        reverse("web:desk-receive", args=[dossier.pk]),
        {"time_option": version.time_options.first().pk, "fee_amount": "10000"},
    )
    assert response.status_code == 400
    assert "biên lai" in response.content.decode().lower()
    assert _state(dossier) == before


@pytest.mark.clock
@pytest.mark.django_db
def test_supplement_twice_needs_the_exception(client, desk, vietnamese):
    _, version, officer = desk
    dossier = _submitted(version, intake_supplement_count=1)
    component = version.components.first()
    client.force_login(officer)
    url = reverse("web:desk-supplement", args=[dossier.pk])
    before = _state(dossier)
    refused = client.post(url, {"components": [component.pk], "reason": "Thiếu bản sao"})
    assert refused.status_code == 400
    assert "ngoại lệ" in refused.content.decode()
    assert _state(dossier) == before
    no_reason = client.post(url, {"components": [component.pk], "reason": "x", "exception": "on"})
    assert no_reason.status_code == 400
    assert _state(dossier) == before
    accepted = client.post(
        url,
        {
            "components": [component.pk],
            "reason": "Thiếu bản sao",
            "exception": "on",
            "exception_reason": "Quy định mới",
        },
    )
    assert accepted.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert dossier.supplement_requests.get().exception_reason == "Quy định mới"


@pytest.mark.clock
@pytest.mark.django_db
def test_refuse_through_the_page(client, desk):
    _, version, officer = desk
    dossier = _submitted(version)
    client.force_login(officer)
    assert (
        client.post(reverse("web:desk-refuse", args=[dossier.pk]), {"reason": ""}).status_code
        == 400
    )
    response = client.post(
        reverse("web:desk-refuse", args=[dossier.pk]), {"reason": "Không thuộc thẩm quyền"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.refusal_reason) == (
        DossierStatus.REFUSED,
        "Không thuộc thẩm quyền",
    )


# --- paper dossiers


@pytest.mark.clock
@pytest.mark.django_db
def test_paper_dossier_through_the_pages(client, desk):
    agency, version, officer = desk
    client.force_login(officer)
    start = client.get(
        reverse("web:desk-paper-start"), {"agency": agency.pk, "version": version.pk}
    )
    assert start.status_code == 302
    url = reverse("web:desk-paper-file", args=[agency.pk, version.pk])
    assert start["Location"] == url
    assert client.get(url).status_code == 200
    data = {
        "channel": Channel.COUNTER,
        "owner_kind": "individual",
        "owner_name": "Đặng Văn Giấy",
        "owner_id_number": "093099999999",
        "result_delivery": "desk",
        "time_option": version.time_options.first().pk,
    }
    for component in version.components.all():
        data[f"component_{component.pk}"] = [
            SimpleUploadedFile("trang-1.pdf", PDF_BYTES),
            SimpleUploadedFile("trang-2.pdf", PDF_BYTES),
        ]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(owner_name="Đặng Văn Giấy")
    assert response["Location"] == reverse("web:desk-received", args=[dossier.pk])
    assert dossier.status == DossierStatus.RECEIVED and dossier.channel == Channel.COUNTER
    assert dossier.attachments.count() == 2 * version.components.count()
    assert all(dossier.attachments.values_list("digitised", flat=True))


@pytest.mark.django_db
def test_paper_dossier_with_a_missing_scan_is_refused(client, desk):
    agency, version, officer = desk
    client.force_login(officer)
    response = client.post(
        reverse("web:desk-paper-file", args=[agency.pk, version.pk]),
        {
            "channel": Channel.POST,
            "owner_kind": "individual",
            "owner_name": "Đặng Văn Thiếu",
            "result_delivery": "desk",
            "time_option": version.time_options.first().pk,
        },
    )
    assert response.status_code == 400
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_paper_dossier_at_another_desk_is_not_found(client, desk):
    _, version, officer = desk
    other = AgencyFactory(with_desk=True)
    client.force_login(officer)
    url = reverse("web:desk-paper-file", args=[other.pk, version.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_nav_shows_the_desk_to_officers_only(client, desk, vietnamese):
    _, _version, officer = desk
    client.force_login(officer)
    assert reverse("web:desk-queue") in client.get(reverse("web:home")).content.decode()
    client.force_login(UserFactory(applicant=True))
    assert reverse("web:desk-queue") not in client.get(reverse("web:home")).content.decode()


# --- a dossier withdrawn before receipt


def _withdrawn(version):
    from dichvucong.workflow.processing import withdrawal_request

    dossier = _submitted(version, owner_name="Võ Văn Rút")
    return withdrawal_request(
        dossier=dossier, actor=dossier.owner_account, reason="Tôi nộp nhầm thủ tục."
    )


@pytest.mark.clock
@pytest.mark.django_db
def test_a_dossier_withdrawn_before_receipt_is_listed_and_closed_by_the_desk(client, desk):
    _agency, version, officer = desk
    dossier = _withdrawn(version)
    client.force_login(officer)
    queue = client.get(reverse("web:desk-queue"))
    assert queue.context["followups"] == [dossier]
    assert "Tôi nộp nhầm thủ tục." in queue.content.decode()
    page = client.get(reverse("web:desk-dossier", args=[dossier.pk]))
    assert page.context["can_stop"] and not page.context["can_act"]

    empty = client.post(reverse("web:desk-stop", args=[dossier.pk]), {"reason": " "})
    assert empty.status_code == 400
    assert empty.context["stop_form"].errors["reason"]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWAL_REQUESTED

    response = client.post(
        reverse("web:desk-stop", args=[dossier.pk]), {"reason": "Người nộp rút hồ sơ."}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.STOPPED
    assert dossier.stop_reason == "Người nộp rút hồ sơ."
    assert dossier.history.last().transition == "stop"
    assert client.get(reverse("web:desk-queue")).context["followups"] == []


@pytest.mark.django_db
def test_only_the_desks_one_stop_officer_closes_a_withdrawn_dossier(client, desk):
    _agency, version, officer = desk
    dossier = _withdrawn(version)
    before = _state(dossier)
    # Another desk does not find it; a received dossier is the leader's to stop, not the desk's.
    other_desk = MembershipFactory(one_stop_officer=True, agency=AgencyFactory(with_desk=True))
    client.force_login(other_desk.user)
    response = client.post(reverse("web:desk-stop", args=[dossier.pk]), {"reason": "Dừng."})
    assert response.status_code == 404
    assert _state(dossier) == before
    received = DossierFactory(version=version, received=True)
    client.force_login(officer)
    response = client.post(reverse("web:desk-stop", args=[received.pk]), {"reason": "Dừng."})
    assert response.status_code == 403
    received.refresh_from_db()
    assert received.status == DossierStatus.RECEIVED
