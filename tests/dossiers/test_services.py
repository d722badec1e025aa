import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.catalog.models import OnlineLevel
from dichvucong.core.constants import LEGAL_TIMEZONE
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from dichvucong.dossiers import access
from dichvucong.dossiers.constants import DossierStatus, ResultDelivery
from dichvucong.dossiers.models import Attachment, Dossier
from dichvucong.dossiers.services import (
    NotYourDossier,
    attachment_add,
    attachment_remove,
    display_name,
    dossier_answers_update,
    dossier_create_draft,
    dossier_delete_draft,
    dossier_result_delivery_set,
)
from tests.accounts.factories import UserFactory
from tests.agencies.factories import AgencyFactory, close_with_successor
from tests.catalog.factories import ProcedureVersionFactory
from tests.dossiers.factories import (
    PDF_BYTES,
    PNG_BYTES,
    AttachmentFactory,
    DossierFactory,
)

pytestmark = pytest.mark.django_db


def pdf(name="giay-to.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_create_draft_prefills_owner_and_submitter_from_the_profile():
    version = ProcedureVersionFactory(published=True)
    desk = version.receiving_agencies.get()
    applicant = UserFactory(applicant=True)

    dossier = dossier_create_draft(version=version, receiving_agency=desk, actor=applicant)

    assert dossier.status == DossierStatus.DRAFT
    assert dossier.owner_account == dossier.submitter_account == applicant
    assert dossier.owner_name == dossier.submitter_name == applicant.full_name
    assert dossier.owner_id_number == applicant.id_number
    assert dossier.answers["nguoi_de_nghi"] == applicant.full_name
    assert AuditEntry.objects.filter(action="dossier.create", object_pk=str(dossier.pk)).exists()


def test_create_draft_refuses_a_desk_that_does_not_receive_the_procedure(vietnamese):
    version = ProcedureVersionFactory(published=True)
    other = AgencyFactory(with_desk=True)

    with pytest.raises(ServiceError) as caught:
        dossier_create_draft(
            version=version, receiving_agency=other, actor=UserFactory(applicant=True)
        )

    assert "Bộ phận" in str(caught.value.message) or "không tiếp nhận" in str(caught.value)
    assert not Dossier.objects.exists()


def test_create_draft_refuses_a_desk_closed_by_a_merger_naming_its_successor(vietnamese):
    """R2: after 1/7/2025 a closed Hậu Giang desk takes no new dossier."""
    version = ProcedureVersionFactory(published=True)
    desk = version.receiving_agencies.get()
    successor = close_with_successor(desk, closing=dt.date(2025, 6, 30), code="H92.31")
    applicant = UserFactory(applicant=True)

    with time_machine.travel(dt.datetime(2025, 6, 30, 16, 0, tzinfo=LEGAL_TIMEZONE), tick=False):
        assert dossier_create_draft(version=version, receiving_agency=desk, actor=applicant)
    with (
        time_machine.travel(dt.datetime(2025, 7, 1, 7, 0, tzinfo=LEGAL_TIMEZONE), tick=False),
        pytest.raises(ServiceError) as refusal,
    ):
        dossier_create_draft(version=version, receiving_agency=desk, actor=applicant)

    assert (refusal.value.code, refusal.value.field) == ("agency_closed", "receiving_agency")
    assert f"cơ quan kế thừa {successor.name} (mã H92.31)" in str(refusal.value)
    assert Dossier.objects.count() == 1


def test_create_draft_refuses_a_procedure_not_offered_online():
    version = ProcedureVersionFactory(published=True, online_level=OnlineLevel.INFORMATION)

    with pytest.raises(ServiceError):
        dossier_create_draft(
            version=version,
            receiving_agency=version.receiving_agencies.get(),
            actor=UserFactory(applicant=True),
        )
    assert not Dossier.objects.exists()


def test_attachment_add_stores_a_random_name_with_the_checked_extension_and_the_hash():
    dossier = DossierFactory()
    component = dossier.version.components.first()

    attachment = attachment_add(
        dossier=dossier,
        component=component,
        upload=pdf("../../etc/giấy khai sinh.pdf"),
        actor=dossier.owner_account,
    )

    assert attachment.original_name == "giấy khai sinh.pdf"
    assert attachment.file.name.startswith(f"dossiers/{dossier.pk}/")
    assert attachment.file.name.endswith(".pdf")
    assert "khai" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    import hashlib

    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert default_storage.exists(attachment.file.name)
    assert AuditEntry.objects.filter(action="attachment.add").count() == 1


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        (".html", "tep.pdf"),
        ("hoso\u202eexe.pdf", "hosoexe.pdf"),
        ("hoso\u202efdp.exe", "hosofdp.pdf"),
    ],
)
def test_attachment_add_keeps_a_name_without_invisible_characters_and_with_the_contents_type(
    uploaded, kept
):
    dossier = DossierFactory()

    attachment = attachment_add(
        dossier=dossier,
        component=dossier.version.components.first(),
        upload=pdf(uploaded),
        actor=dossier.owner_account,
    )

    assert attachment.original_name == kept


def test_attachment_add_judges_docx_and_png_by_content():
    dossier = DossierFactory()
    component = dossier.version.components.first()
    actor = dossier.owner_account

    word = attachment_add(
        dossier=dossier,
        component=component,
        upload=SimpleUploadedFile("don.bin", docx_bytes()),
        actor=actor,
    )
    image = attachment_add(
        dossier=dossier,
        component=component,
        upload=SimpleUploadedFile("anh", PNG_BYTES),
        actor=actor,
    )

    assert word.file.name.endswith(".docx") and word.original_name == "don.docx"
    assert image.file.name.endswith(".png") and image.content_type == "image/png"
    assert image.original_name == "anh.png"


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        # An executable renamed to look like a PDF.
        (
            SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
            "bad_type",
        ),
        (SimpleUploadedFile("ghi-chu.pdf", "chỉ là văn bản".encode()), "bad_type"),
        (SimpleUploadedFile("rong.pdf", b""), "empty"),
    ],
)
def test_attachment_add_refuses_and_changes_nothing(upload, code, vietnamese, media_root):
    dossier = DossierFactory()

    with pytest.raises(ServiceError) as caught:
        attachment_add(
            dossier=dossier,
            component=dossier.version.components.first(),
            upload=upload,
            actor=dossier.owner_account,
        )

    assert caught.value.code == code
    assert not Attachment.objects.exists()
    assert not AuditEntry.objects.filter(action="attachment.add").exists()
    assert not (media_root / "dossiers").exists() or not any((media_root / "dossiers").rglob("*"))


def test_attachment_add_refuses_a_file_over_the_limit(settings, vietnamese):
    settings.DVC_UPLOAD_MAX_FILE_BYTES = 100
    dossier = DossierFactory()

    with pytest.raises(ServiceError) as caught:
        attachment_add(
            dossier=dossier,
            component=dossier.version.components.first(),
            upload=pdf(data=PDF_BYTES + b"\x00" * 100),
            actor=dossier.owner_account,
        )

    assert caught.value.code == "too_large"
    assert "quá lớn" in str(caught.value)
    assert not Attachment.objects.exists()


def test_attachment_add_refuses_past_the_dossier_total(settings):
    settings.DVC_UPLOAD_MAX_DOSSIER_BYTES = len(PDF_BYTES) * 2
    dossier = DossierFactory()
    component = dossier.version.components.first()
    for _ in range(2):
        attachment_add(
            dossier=dossier, component=component, upload=pdf(), actor=dossier.owner_account
        )

    with pytest.raises(ServiceError) as caught:
        attachment_add(
            dossier=dossier, component=component, upload=pdf(), actor=dossier.owner_account
        )

    assert caught.value.code == "dossier_too_large"
    assert dossier.attachments.count() == 2


def test_attachment_add_refuses_too_many_files_for_a_component(settings):
    settings.DVC_UPLOAD_MAX_FILES_PER_COMPONENT = 2
    dossier = DossierFactory()
    first, second = dossier.version.components.all()[:2]
    for _ in range(2):
        attachment_add(dossier=dossier, component=first, upload=pdf(), actor=dossier.owner_account)

    with pytest.raises(ServiceError) as caught:
        attachment_add(dossier=dossier, component=first, upload=pdf(), actor=dossier.owner_account)
    assert caught.value.code == "too_many"
    # Another component still takes files.
    attachment_add(dossier=dossier, component=second, upload=pdf(), actor=dossier.owner_account)
    assert dossier.attachments.count() == 3


def test_attachment_add_refuses_another_applicant_and_a_submitted_dossier():
    draft = DossierFactory()
    with pytest.raises(NotYourDossier):
        attachment_add(
            dossier=draft,
            component=draft.version.components.first(),
            upload=pdf(),
            actor=UserFactory(applicant=True),
        )
    submitted = DossierFactory(submitted=True)
    with pytest.raises(ServiceError) as caught:
        attachment_add(
            dossier=submitted,
            component=submitted.version.components.first(),
            upload=pdf(),
            actor=submitted.owner_account,
        )
    assert caught.value.code == "not_editable"
    assert not Attachment.objects.exists()


def test_attachment_add_refuses_a_component_of_another_procedure():
    dossier = DossierFactory()
    foreign = ProcedureVersionFactory(published=True).components.first()
    with pytest.raises(ServiceError):
        attachment_add(
            dossier=dossier, component=foreign, upload=pdf(), actor=dossier.owner_account
        )
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("C:\\Users\\an\\Desktop\\cccd.pdf", "cccd.pdf"),
        ("../../../etc/passwd", "passwd"),
        ("/home/an/anh/y.png", "y.png"),
        ("", "tep"),
    ],
)
def test_display_name_strips_directories(uploaded, shown):
    assert display_name(uploaded) == shown


def test_attachment_remove_deletes_from_a_draft():
    attachment = AttachmentFactory()
    name = attachment.file.name

    attachment_remove(attachment=attachment, actor=attachment.dossier.owner_account)

    assert not Attachment.objects.exists()
    assert AuditEntry.objects.filter(action="attachment.remove").exists()
    # The file goes after commit (pytest-django's test transaction never commits).
    assert name


def test_answers_update_stores_answers_and_another_owner():
    dossier = DossierFactory()
    applicant = dossier.owner_account

    dossier_answers_update(
        dossier=dossier,
        actor=applicant,
        answers={"noi_dung": "Cấp bản sao"},
        owner={"owner_name": "Trần Văn Bình", "owner_id_number": "093000000001"},
    )

    dossier.refresh_from_db()
    assert dossier.answers == {"noi_dung": "Cấp bản sao"}
    assert dossier.owner_name == "Trần Văn Bình"
    assert dossier.owner_account is None
    assert dossier.submitter_account == applicant
    # The submitter still sees the dossier: it is theirs as submitter.
    assert access.dossier_access(user=applicant, dossier=dossier).sees


def test_answers_update_refused_after_submission():
    dossier = DossierFactory(submitted=True)
    with pytest.raises(ServiceError):
        dossier_answers_update(dossier=dossier, actor=dossier.owner_account, answers={"a": 1})
    dossier.refresh_from_db()
    assert dossier.answers == {}


def test_result_delivery_by_post_needs_an_address(vietnamese):
    dossier = DossierFactory()
    with pytest.raises(ServiceError) as caught:
        dossier_result_delivery_set(
            dossier=dossier, actor=dossier.owner_account, delivery=ResultDelivery.POST
        )
    assert "địa chỉ" in str(caught.value)

    dossier_result_delivery_set(
        dossier=dossier,
        actor=dossier.owner_account,
        delivery=ResultDelivery.POST,
        address="Số 5 Ngô Quyền, phường V, TP Vị Thanh",
    )
    dossier.refresh_from_db()
    assert dossier.result_delivery == ResultDelivery.POST
    assert dossier.delivery_address.startswith("Số 5")


def test_a_delivery_address_too_long_is_refused_not_cut(vietnamese):
    dossier = DossierFactory()
    with pytest.raises(ServiceError) as caught:
        dossier_result_delivery_set(
            dossier=dossier,
            actor=dossier.owner_account,
            delivery=ResultDelivery.POST,
            address="x" * 301,
        )
    assert (caught.value.code, caught.value.field) == ("too_long", "address")
    assert "tối đa 300 ký tự, có 301" in str(caught.value)
    dossier.refresh_from_db()
    assert dossier.delivery_address == ""


def test_result_online_only_for_full_online_procedures():
    partial = DossierFactory()
    with pytest.raises(ServiceError):
        dossier_result_delivery_set(
            dossier=partial, actor=partial.owner_account, delivery=ResultDelivery.ONLINE
        )
    full = DossierFactory(version__online_level=OnlineLevel.FULL)
    dossier_result_delivery_set(
        dossier=full, actor=full.owner_account, delivery=ResultDelivery.ONLINE
    )
    full.refresh_from_db()
    assert full.result_delivery == ResultDelivery.ONLINE


def test_delete_draft_only():
    draft = AttachmentFactory().dossier
    dossier_delete_draft(dossier=draft, actor=draft.owner_account)
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="dossier.delete_draft").exists()

    submitted = DossierFactory(submitted=True)
    with pytest.raises(ServiceError):
        dossier_delete_draft(dossier=submitted, actor=submitted.owner_account)
    with pytest.raises(NotYourDossier):
        other = DossierFactory()
        dossier_delete_draft(dossier=other, actor=UserFactory(applicant=True))
    assert Dossier.objects.filter(pk__in=[submitted.pk, other.pk]).count() == 2


def test_a_desk_officer_attaches_scans_and_others_may_not():
    from tests.accounts.factories import MembershipFactory

    dossier = DossierFactory(owner_account=None, submitter_account=None)
    component = dossier.version.components.first()
    officer = MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user

    scan = attachment_add(
        dossier=dossier, component=component, upload=pdf(), actor=officer, digitised=True
    )
    assert scan.digitised and scan.uploaded_by == officer

    stranger = MembershipFactory(one_stop_officer=True).user
    with pytest.raises(NotYourDossier):
        attachment_add(
            dossier=dossier, component=component, upload=pdf(), actor=stranger, digitised=True
        )
    assert dossier.attachments.count() == 1


def test_a_filled_template_only_when_the_form_allows_it():
    dossier = DossierFactory()
    with pytest.raises(ServiceError) as caught:
        attachment_add(dossier=dossier, component=None, upload=pdf(), actor=dossier.owner_account)
    assert caught.value.code == "no_template"

    allowing = DossierFactory(
        version__form={
            "title": "Tờ khai",
            "allow_template_upload": True,
            "sections": [
                {"title": "A", "fields": [{"name": "ho_ten", "type": "text", "label": "Họ tên"}]}
            ],
        }
    )
    template = attachment_add(
        dossier=allowing, component=None, upload=pdf(), actor=allowing.owner_account
    )
    assert template.component is None
