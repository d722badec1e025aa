"""The effects registry is keyed by names tied to data: the transition table and the deadline
marks. A misspelt name fails at registration instead of silently sending nothing."""

import pytest

from dichvucong.documents.effects import KIND_OF_TRANSITION
from dichvucong.notifications.constants import APPLICANT_EVENTS, OFFICER_EVENTS
from dichvucong.workflow import effects
from dichvucong.workflow.effects import DeadlineEvent, effect_key, on_transition
from dichvucong.workflow.transitions import TRANSITIONS, TransitionName


def test_every_transition_name_is_a_transition_and_every_transition_has_a_name():
    assert set(TransitionName) == set(TRANSITIONS)
    for name, transition in TRANSITIONS.items():
        assert isinstance(name, TransitionName)
        assert transition.name is name


def test_a_deadline_event_is_never_also_a_transition():
    assert not set(DeadlineEvent) & set(TransitionName)


def test_a_bare_string_cannot_be_registered():
    # "recieve" would have been a handler nobody ever calls.
    with pytest.raises(TypeError):
        on_transition("recieve")
    with pytest.raises(TypeError):
        on_transition("receive")  # even a right one: the enum is the only key


def test_an_unknown_name_has_no_key():
    with pytest.raises(LookupError):
        effect_key("recieve")
    assert effect_key("receive") is TransitionName.RECEIVE
    assert effect_key("step_overdue") is DeadlineEvent.STEP_OVERDUE


def test_the_apps_register_their_handlers_for_real_transitions_and_marks():
    # The notifications' events mirror the names they follow; the documents' forms too.
    assert {effect_key(event) for event in APPLICANT_EVENTS} <= set(TransitionName)
    assert {effect_key(event) for event in OFFICER_EVENTS} <= set(DeadlineEvent)
    assert set(KIND_OF_TRANSITION) <= set(TransitionName)
    registered = {key for key, handlers in effects._handlers.items() if handlers}
    assert registered >= {effect_key(event) for event in APPLICANT_EVENTS | OFFICER_EVENTS}
    assert registered >= {*KIND_OF_TRANSITION, TransitionName.STOP}


def test_a_handler_runs_for_its_key(monkeypatch):
    monkeypatch.setattr(effects, "_handlers", effects.defaultdict(list))
    calls = []

    @on_transition(TransitionName.REFUSE, DeadlineEvent.STEP_OVERDUE)
    def handler(dossier_id, name):
        calls.append((dossier_id, name))

    effects.run_handlers(7, "refuse")
    effects.run_handlers(8, TransitionName.RECEIVE)
    effects.run_handlers(9, DeadlineEvent.STEP_OVERDUE)

    assert calls == [(7, "refuse"), (9, "step_overdue")]
