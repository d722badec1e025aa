"""document_render: one current document per form, refusals that change nothing, the audit."""

import pytest

from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from dichvucong.documents.models import GeneratedDocument
from dichvucong.documents.services import document_render
from dichvucong.documents.tasks import render_document
from tests.documents.factories import golden_dossier
from tests.dossiers.factories import DossierFactory


@pytest.mark.django_db
def test_rendering_twice_keeps_one_document_and_one_audit_entry():
    dossier = golden_dossier()

    first = document_render(dossier_id=dossier.pk, kind="receipt")
    second = document_render(dossier_id=dossier.pk, kind="receipt")

    assert first.pk == second.pk and first.sha256 == second.sha256
    assert GeneratedDocument.objects.filter(dossier=dossier).count() == 1
    assert AuditEntry.objects.filter(action="document.render").count() == 1
    with first.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


@pytest.mark.django_db
def test_a_changed_dossier_replaces_the_file_and_removes_the_old_one(
    django_capture_on_commit_callbacks,
):
    dossier = golden_dossier()
    first = document_render(dossier_id=dossier.pk, kind="receipt")
    old_name = first.file.name
    storage = first.file.storage
    dossier.register_line = 16
    dossier.save(update_fields=["register_line"])

    with django_capture_on_commit_callbacks(execute=True):
        second = document_render(dossier_id=dossier.pk, kind="receipt")

    assert second.pk == first.pk and second.sha256 != first.sha256
    assert not storage.exists(old_name) and storage.exists(second.file.name)
    entries = AuditEntry.objects.filter(action="document.render")
    assert entries.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("traits", "kind", "code"),
    [
        ({"submitted": True}, "receipt", "not_received"),
        ({"submitted": True}, "supplement_request", "no_supplement_request"),
        ({"submitted": True}, "refusal", "not_refused"),
        ({"submitted": True}, "register", "kind"),
    ],
)
def test_a_form_that_does_not_apply_is_refused_and_nothing_is_stored(traits, kind, code):
    dossier = DossierFactory(**traits)

    with pytest.raises(ServiceError) as error:
        document_render(dossier_id=dossier.pk, kind=kind)

    assert error.value.code == code
    assert not GeneratedDocument.objects.exists()
    assert not AuditEntry.objects.filter(action="document.render").exists()


@pytest.mark.django_db
def test_the_task_is_safe_to_run_twice():
    dossier = golden_dossier(state="refused")

    first = render_document.delay(dossier.pk, "refusal").get()
    second = render_document.delay(dossier.pk, "refusal").get()

    assert first == second
    assert GeneratedDocument.objects.get().kind == "refusal"


@pytest.mark.django_db
def test_each_supplement_request_has_its_own_form_02():
    from django.utils import timezone

    from dichvucong.dossiers.models import SupplementRequest

    dossier = golden_dossier(state="supplement_requested")
    first = document_render(dossier_id=dossier.pk, kind="supplement_request")
    SupplementRequest.objects.create(
        dossier=dossier,
        stage=SupplementRequest.Stage.INTAKE,
        agency=dossier.receiving_agency,
        reason="Giấy chứng sinh bị mờ.",
        exception_reason="Bản quét lần trước không đọc được.",
        requested_at=timezone.now(),
    )

    second = document_render(dossier_id=dossier.pk, kind="supplement_request")

    assert second.pk != first.pk
    assert GeneratedDocument.objects.filter(kind="supplement_request").count() == 2
