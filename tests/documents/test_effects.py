"""The forms follow the transitions, after commit, through the Celery task (eager in tests)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from dichvucong.core.selectors import ruleset_in_force
from dichvucong.documents.models import GeneratedDocument
from dichvucong.workflow.engine import transition_apply
from tests.accounts.factories import MembershipFactory
from tests.dossiers.factories import DossierFactory


def _officer(dossier):
    return MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user


@pytest.mark.clock
@pytest.mark.django_db
def test_receiving_renders_the_receipt_after_commit(django_capture_on_commit_callbacks):
    dossier = DossierFactory(submitted=True)
    now = timezone.now()
    changes = {
        "code": f"{dossier.receiving_agency.code}-{timezone.localtime(now):%y%m%d}-0001",
        "received_at": now,
        "due_at": now + datetime.timedelta(days=5),
        "rule_set": ruleset_in_force(at=now),
        "processing_agency": dossier.version.competent_agency,
        "time_option": dossier.version.time_options.first(),
        "register_book": "2026",
        "register_line": 1,
    }

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition_apply(dossier=dossier, name="receive", actor=_officer(dossier), changes=changes)
    assert not GeneratedDocument.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()

    document = GeneratedDocument.objects.get(dossier=dossier)
    assert (document.kind, document.form_number) == ("receipt", "01")


@pytest.mark.django_db
def test_refusing_renders_form_03(django_capture_on_commit_callbacks):
    dossier = DossierFactory(submitted=True)

    with django_capture_on_commit_callbacks(execute=True):
        transition_apply(
            dossier=dossier,
            name="refuse",
            actor=_officer(dossier),
            changes={"refusal_reason": "Sai thẩm quyền."},
        )

    assert GeneratedDocument.objects.get(dossier=dossier).form_number == "03"


@pytest.mark.django_db
def test_a_failing_rendering_never_undoes_the_transition(
    monkeypatch, django_capture_on_commit_callbacks
):
    from dichvucong.documents import services

    def broken(*args, **kwargs):
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr(services, "html_to_pdf", broken)
    dossier = DossierFactory(submitted=True)

    with django_capture_on_commit_callbacks(execute=True):
        transition_apply(
            dossier=dossier,
            name="refuse",
            actor=_officer(dossier),
            changes={"refusal_reason": "Sai thẩm quyền."},
        )

    dossier.refresh_from_db()
    assert dossier.status == "refused"
    assert not GeneratedDocument.objects.exists()


@pytest.mark.django_db
def test_the_command_re_renders_a_document(capsys):
    dossier = DossierFactory(received=True)

    call_command("render_document", dossier.code, "receipt")

    document = GeneratedDocument.objects.get(dossier=dossier)
    assert document.sha256 in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_dossier():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("render_document", "000.00.00.H30-260101-9999", "receipt")
    assert not GeneratedDocument.objects.exists()
