"""The applicant's pages: start, form, files, delivery, review, submit; drafts; downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dichvucong.core.models import AccessLogEntry, AuditEntry
from dichvucong.dossiers.constants import DossierStatus, ResultDelivery
from dichvucong.dossiers.models import Attachment, Dossier, DossierHistory
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory
from tests.catalog.factories import ComponentFactory, ProcedureVersionFactory
from tests.dossiers.factories import PDF_BYTES, AttachmentFactory, DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def applicant(client):
    user = UserFactory(applicant=True, address="Ấp 1, Xã Thử Nghiệm Hòa, huyện Thử")
    client.force_login(user)
    return user


def test_procedure_page_links_to_the_start_page(client):
    version = ProcedureVersionFactory(published=True)
    page = client.get(reverse("catalog:detail", args=[version.procedure.local_code]))
    assert reverse("web:dossier-start", args=[version.procedure.local_code]) in page.text


def test_start_needs_login(client):
    version = ProcedureVersionFactory(published=True)
    url = reverse("web:dossier-start", args=[version.procedure.local_code])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_start_defaults_to_the_desk_of_the_applicants_commune(client, applicant):
    commune_desk = AgencyFactory(with_desk=True, commune=True, unit__name="Thử Nghiệm Hòa")
    other = AgencyFactory(with_desk=True)
    version = ProcedureVersionFactory(published=True, receiving_agencies=[other, commune_desk])

    page = client.get(reverse("web:dossier-start", args=[version.procedure.local_code]))

    assert page.context["form"].initial["receiving_agency"] == commune_desk.pk


@pytest.mark.clock
def test_the_whole_flow_from_the_procedure_page_to_submission(client, applicant, vietnamese):
    version = ProcedureVersionFactory(published=True)
    desk = version.receiving_agencies.get()

    response = client.post(
        reverse("web:dossier-start", args=[version.procedure.local_code]),
        {"receiving_agency": desk.pk},
    )
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("web:dossier-form", args=[dossier.pk])

    # The form comes prefilled from the profile.
    page = client.get(response["Location"])
    assert applicant.id_number in page.text

    # Errors are shown next to the field, in Vietnamese, and nothing is stored.
    bad = client.post(
        reverse("web:dossier-form", args=[dossier.pk]),
        {"nguoi_de_nghi": applicant.full_name, "so_dinh_danh": "12", "noi_dung": ""},
    )
    assert bad.status_code == 200
    assert "bắt buộc" in bad.text
    dossier.refresh_from_db()
    assert "noi_dung" not in dossier.answers

    response = client.post(
        reverse("web:dossier-form", args=[dossier.pk]),
        {
            "nguoi_de_nghi": applicant.full_name,
            "so_dinh_danh": applicant.id_number,
            "dia_chi": applicant.address,
            "dien_thoai": applicant.phone,
            "email": applicant.email,
            "noi_dung": "Đề nghị cấp giấy chứng nhận thử nghiệm.",
        },
    )
    assert response["Location"] == reverse("web:dossier-files", args=[dossier.pk])

    files_page = client.get(response["Location"])
    assert "không cần chứng thực" in files_page.text
    assert "<progress" in files_page.text and "web/upload.js" in files_page.text
    for component in version.components.all():
        client.post(
            reverse("web:dossier-files", args=[dossier.pk]),
            {
                "component": component.pk,
                "upload": SimpleUploadedFile(f"C:\\scan\\tp{component.pk}.pdf", PDF_BYTES),
            },
        )
    assert dossier.attachments.count() == version.components.count()
    assert {a.original_name for a in dossier.attachments.all()} == {
        f"tp{c.pk}.pdf" for c in version.components.all()
    }

    response = client.post(
        reverse("web:dossier-delivery", args=[dossier.pk]),
        {"delivery": ResultDelivery.POST, "address": "Số 5 Ngô Quyền, TP Vị Thanh"},
    )
    assert response["Location"] == reverse("web:dossier-review", args=[dossier.pk])

    review = client.get(response["Location"])
    for text in [
        applicant.full_name,
        "Đề nghị cấp giấy chứng nhận thử nghiệm.",
        "Số 5 Ngô Quyền, TP Vị Thanh",
        desk.name,
        *[f"tp{c.pk}.pdf" for c in version.components.all()],
    ]:
        assert text in review.text

    response = client.post(reverse("web:dossier-review", args=[dossier.pk]))
    assert response["Location"] == reverse("web:dossier-submitted", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    confirmation = client.get(response["Location"])
    assert "Hồ sơ của tôi" in confirmation.text
    assert "mã hồ sơ" in confirmation.text.lower()


def test_a_disguised_file_is_refused_with_a_vietnamese_message(client, applicant, vietnamese):
    dossier = DossierFactory(applicant=applicant)
    component = dossier.version.components.first()

    response = client.post(
        reverse("web:dossier-files", args=[dossier.pk]),
        {"component": component.pk, "upload": SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00")},
        follow=True,
    )

    assert "không được chấp nhận" in response.text or "không phải" in response.text
    assert not Attachment.objects.exists()


def test_the_upload_script_gets_the_page_to_go_to_and_the_message_waits_there(
    client, applicant, vietnamese
):
    dossier = DossierFactory(applicant=applicant)
    component = dossier.version.components.first()
    url = reverse("web:dossier-files", args=[dossier.pk])

    response = client.post(
        url,
        {"component": component.pk, "upload": SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00")},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )

    assert response.status_code == 204
    assert response["X-Location"] == url
    assert "không được chấp nhận" in client.get(url).text  # shown on the page it goes to


def test_an_upload_reaches_a_component_numbered_above_a_thousand(client, applicant, vietnamese):
    # Vietnamese formats group thousands with dots: a key rendered as "12.345" named no
    # component, and every upload failed once a province's catalogue passed 999 components.
    dossier = DossierFactory(applicant=applicant)
    component = ComponentFactory(id=12_345, version=dossier.version, position=9)
    url = reverse("web:dossier-files", args=[dossier.pk])

    page = client.get(url)
    assert 'name="component" value="12345"' in page.text
    response = client.post(
        url,
        {"component": "12345", "upload": SimpleUploadedFile("to-khai.pdf", PDF_BYTES)},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )

    assert response.status_code == 204
    assert Attachment.objects.get(dossier=dossier).component == component


def test_review_refuses_an_incomplete_dossier(client, applicant):
    dossier = DossierFactory(applicant=applicant)
    response = client.post(reverse("web:dossier-review", args=[dossier.pk]))
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert not DossierHistory.objects.exists()


def test_drafts_are_listed_resumable_and_deletable(client, applicant, django_assert_num_queries):
    drafts = DossierFactory.create_batch(3, applicant=applicant)
    DossierFactory(received=True, applicant=applicant)
    DossierFactory()  # someone else's

    # Session, user, the header's memberships, and one query for the whole list.
    with django_assert_num_queries(4):
        page = client.get(reverse("web:dossier-list"))

    assert len(page.context["dossiers"]) == 4
    assert "Bản nháp" in page.text or "Nháp" in page.text
    assert reverse("web:dossier-form", args=[drafts[0].pk]) in page.text

    client.post(reverse("web:dossier-delete", args=[drafts[0].pk]))
    assert not Dossier.objects.filter(pk=drafts[0].pk).exists()


def test_header_links_my_dossiers_for_signed_in_users(client, applicant):
    assert reverse("web:dossier-list") in client.get(reverse("web:home")).text
    client.logout()
    assert reverse("web:dossier-list") not in client.get(reverse("web:home")).text


def test_another_applicants_dossier_is_not_found_and_unchanged(client, applicant):
    other = DossierFactory()
    audit_before = AuditEntry.objects.count()
    assert client.get(reverse("web:dossier-detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("web:dossier-delete", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("web:dossier-files", args=[other.pk]),
        {
            "component": other.version.components.first().pk,
            "upload": SimpleUploadedFile("a.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 404
    assert Dossier.objects.filter(pk=other.pk).exists()
    assert not Attachment.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_supplement_page_shows_exactly_the_requested_components(client, applicant):
    from django.utils import timezone

    from dichvucong.dossiers.models import SupplementRequest

    dossier = DossierFactory(supplement_requested=True, applicant=applicant)
    first, second = dossier.version.components.all()[:2]
    request = SupplementRequest.objects.create(
        dossier=dossier,
        stage=SupplementRequest.Stage.INTAKE,
        agency=dossier.receiving_agency,
        reason="Bản scan mờ.",
        requested_at=timezone.now(),
    )
    request.components.set([first])

    detail = client.get(reverse("web:dossier-detail", args=[dossier.pk]))
    assert "Bản scan mờ." in detail.text
    files = client.get(reverse("web:dossier-files", args=[dossier.pk]))
    slots = {slot["component"]: slot["editable"] for slot in files.context["slots"]}
    assert slots == {first: True, second: False}


# --- Private files: who may download ----------------------------------------------------------


@pytest.fixture
def filed():
    attachment = AttachmentFactory(dossier=DossierFactory(submitted=True))
    return attachment


def _download(client, attachment):
    return client.get(reverse("web:attachment", args=[attachment.pk]))


def test_anonymous_is_sent_to_login(client, filed):
    response = _download(client, filed)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not AccessLogEntry.objects.exists()


def test_the_applicant_downloads_and_it_is_logged(client, filed):
    client.force_login(filed.dossier.owner_account)
    response = _download(client, filed)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert 'attachment; filename="ban-scan.pdf"' in response["Content-Disposition"]
    assert AccessLogEntry.objects.filter(
        action="attachment.download", object_pk=str(filed.pk)
    ).exists()


@pytest.mark.parametrize("who", ["other_applicant", "other_agency_officer"])
def test_others_get_404_and_nothing_is_logged(client, filed, who):
    if who == "other_applicant":
        user = UserFactory(applicant=True)
    else:
        user = MembershipFactory(one_stop_officer=True).user
    client.force_login(user)
    assert _download(client, filed).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_receiving_agencys_officer_downloads_and_it_is_logged(client, filed):
    officer = MembershipFactory(one_stop_officer=True, agency=filed.dossier.receiving_agency).user
    client.force_login(officer)
    assert _download(client, filed).status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.actor_user_id) == ("attachment.download", officer.pk)


def test_an_officer_cannot_see_a_draft(client):
    draft_file = AttachmentFactory()
    officer = MembershipFactory(
        one_stop_officer=True, agency=draft_file.dossier.receiving_agency
    ).user
    client.force_login(officer)
    assert _download(client, draft_file).status_code == 404


@pytest.mark.clock
def test_fix_the_requested_component_and_resubmit(client, applicant):
    from django.utils import timezone

    from dichvucong.dossiers.models import SupplementRequest

    dossier = DossierFactory(supplement_requested=True, applicant=applicant)
    first, second = dossier.version.components.all()[:2]
    old = AttachmentFactory(dossier=dossier, component=first)
    AttachmentFactory(dossier=dossier, component=second)
    request = SupplementRequest.objects.create(
        dossier=dossier,
        stage=SupplementRequest.Stage.INTAKE,
        agency=dossier.receiving_agency,
        reason="Bản scan mờ.",
        requested_at=timezone.now(),
    )
    request.components.set([first])
    files_url = reverse("web:dossier-files", args=[dossier.pk])

    # The other component cannot be changed.
    client.post(
        files_url, {"component": second.pk, "upload": SimpleUploadedFile("x.pdf", PDF_BYTES)}
    )
    assert dossier.attachments.filter(component=second).count() == 1

    client.post(reverse("web:dossier-file-remove", args=[dossier.pk, old.pk]))
    client.post(
        files_url, {"component": first.pk, "upload": SimpleUploadedFile("moi.pdf", PDF_BYTES)}
    )
    response = client.post(reverse("web:dossier-resubmit", args=[dossier.pk]))

    assert response["Location"] == reverse("web:dossier-detail", args=[dossier.pk])
    dossier.refresh_from_db()
    request.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert request.resolved_at is not None
    assert (
        dossier.attachments.get(component=first, replaced_at__isnull=True).original_name
        == "moi.pdf"
    )
