"""transition_apply: the extra fields, prepare under the lock, and side effects after commit."""

import pytest
from django.utils import timezone

from dichvucong.dossiers.constants import DossierStatus
from dichvucong.workflow import effects
from dichvucong.workflow.engine import ActorNotAllowed, TransitionNotAllowed, transition_apply
from tests.accounts.factories import MembershipFactory
from tests.agencies.factories import AgencyFactory
from tests.dossiers.factories import DossierFactory


@pytest.fixture
def handler_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(
        effects, "_handlers", {"refuse": [lambda pk, name: calls.append((pk, name))]}
    )
    return calls


@pytest.mark.django_db
def test_changes_and_prepare_are_written_with_the_status(
    handler_calls, django_capture_on_commit_callbacks
):
    dossier = DossierFactory(submitted=True)
    officer = MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user
    seen = []

    def prepare(locked):
        seen.append(locked.status)
        return {"intake_supplement_count": 0, "refusal_reason": "Sai thẩm quyền"}

    with django_capture_on_commit_callbacks(execute=True):
        transition_apply(
            dossier=dossier, name="refuse", actor=officer, changes={"copies": 3}, prepare=prepare
        )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.copies, dossier.refusal_reason) == (
        DossierStatus.REFUSED,
        3,
        "Sai thẩm quyền",
    )
    assert seen == [DossierStatus.SUBMITTED]
    assert handler_calls == [(dossier.pk, "refuse")]


@pytest.mark.django_db
def test_prepare_is_not_called_when_refused(handler_calls, django_capture_on_commit_callbacks):
    dossier = DossierFactory(submitted=True)
    stranger = MembershipFactory(one_stop_officer=True, agency=AgencyFactory(with_desk=True)).user
    called = []
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActorNotAllowed):
        transition_apply(
            dossier=dossier, name="refuse", actor=stranger, prepare=lambda d: called.append(d) or {}
        )
    assert called == [] and handler_calls == []


@pytest.mark.django_db
def test_a_failing_prepare_rolls_everything_back(handler_calls, django_capture_on_commit_callbacks):
    dossier = DossierFactory(submitted=True)
    officer = MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user

    def prepare(locked):
        raise TransitionNotAllowed("no")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionNotAllowed):
        transition_apply(dossier=dossier, name="refuse", actor=officer, prepare=prepare)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED and not dossier.history.exists()
    assert handler_calls == []


@pytest.mark.django_db
def test_a_failing_side_effect_never_undoes_the_transition(
    monkeypatch, django_capture_on_commit_callbacks
):
    def boom(pk, name):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(effects, "_handlers", {"refuse": [boom]})
    dossier = DossierFactory(submitted=True)
    officer = MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user
    with django_capture_on_commit_callbacks(execute=True):
        transition_apply(dossier=dossier, name="refuse", actor=officer, note="x", at=timezone.now())
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED
