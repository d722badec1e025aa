"""Forms 04 and 05 follow the apologise and stop transitions, after commit, once each."""

import datetime

import pytest

from dichvucong.core.models import AuditEntry
from dichvucong.documents.effects import enqueue_form, enqueue_stop_notice
from dichvucong.documents.models import DocumentKind, GeneratedDocument
from dichvucong.workflow import processing
from dichvucong.workflow.steps import open_step
from tests.documents.factories import golden_world
from tests.workflow.world import local

pytestmark = pytest.mark.django_db

ON_2025 = local(2026, 3, 2, 8, 0)
ON_2018 = local(2025, 6, 2, 8, 0)


def _handed_to_specialist(w, on):
    dossier = w.dossier(at=on)
    return processing.step_forward(
        step=open_step(dossier), actor=w.desk_officer, at=on + datetime.timedelta(hours=1)
    )


def _apologise(w, dossier, *, days: int):
    return processing.apology_issue(
        dossier=dossier,
        actor=w.leader,
        reason="Chờ kết quả xác minh.",
        new_due_at=dossier.due_at + datetime.timedelta(days=days),
        at=dossier.due_at - datetime.timedelta(hours=2),
    )


def test_each_apology_gets_its_form_04_after_commit_and_a_rerun_changes_nothing(
    django_capture_on_commit_callbacks,
):
    w = golden_world()
    dossier = _handed_to_specialist(w, ON_2025)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = _apologise(w, dossier, days=3)
    assert not GeneratedDocument.objects.filter(kind="apology").exists()  # only after commit
    for callback in callbacks:
        callback()
    document = GeneratedDocument.objects.get(kind="apology")
    assert (document.apology, document.form_number) == (first, "04")

    enqueue_form(dossier.pk, "apologise")  # the handler run twice (a retried task)
    assert GeneratedDocument.objects.filter(kind="apology").count() == 1
    renderings = AuditEntry.objects.filter(action="document.render", object_pk=str(document.pk))
    assert renderings.count() == 1

    dossier.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        second = _apologise(w, dossier, days=6)
    assert set(
        GeneratedDocument.objects.filter(kind="apology").values_list("apology", flat=True)
    ) == {
        first.pk,
        second.pk,
    }


def test_stopping_a_2025_dossier_renders_the_stop_notice_once(django_capture_on_commit_callbacks):
    w = golden_world()
    dossier = _handed_to_specialist(w, ON_2025)

    with django_capture_on_commit_callbacks(execute=True):
        processing.dossier_stop(dossier=dossier, actor=w.leader, reason="Không đủ điều kiện.")
    enqueue_stop_notice(dossier.pk, "stop")

    document = GeneratedDocument.objects.get(kind=DocumentKind.STOP_NOTICE)
    assert (document.dossier_id, document.rule_set.code, document.form_number) == (
        dossier.pk,
        "2025",
        "05",
    )
    assert (
        AuditEntry.objects.filter(action="document.render", object_pk=str(document.pk)).count() == 1
    )


def test_stopping_a_2018_dossier_renders_nothing_and_fails_nothing(
    django_capture_on_commit_callbacks, caplog
):
    w = golden_world()
    dossier = _handed_to_specialist(w, ON_2018)

    with django_capture_on_commit_callbacks(execute=True):
        stopped = processing.dossier_stop(
            dossier=dossier, actor=w.leader, reason="Không đủ điều kiện."
        )

    assert stopped.status == "stopped" and stopped.rule_set.code == "2018"
    assert not GeneratedDocument.objects.filter(kind=DocumentKind.STOP_NOTICE).exists()
    assert "failed" not in caplog.text  # no handler raised


def test_the_stop_handler_ignores_a_dossier_that_is_not_stopped():
    w = golden_world()
    dossier = _handed_to_specialist(w, ON_2025)

    enqueue_stop_notice(dossier.pk, "stop")

    assert not GeneratedDocument.objects.filter(kind=DocumentKind.STOP_NOTICE).exists()


def test_the_command_re_renders_the_latest_apology(capsys):
    from django.core.management import call_command

    w = golden_world()
    dossier = _handed_to_specialist(w, ON_2025)
    apology = _apologise(w, dossier, days=3)

    call_command("render_document", dossier.code, "apology")

    document = GeneratedDocument.objects.get(kind="apology")
    assert document.apology == apology
    assert document.sha256 in capsys.readouterr().out
