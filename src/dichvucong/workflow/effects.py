"""Side effects of transitions, registered by higher apps (documents, notifications).

The workflow may not import the apps above it, so they register handlers here from their
AppConfig.ready(). Handlers run after the transaction commits and take the dossier's id: they
must be safe to run twice (a task may be retried). A failing handler is logged and never undoes
the transition.

The registry is keyed by enums, never bare strings: a transition (`TransitionName`, tied to
the table by a test) or a deadline mark (`DeadlineEvent`). Registering anything else fails at
import, so a misspelt name cannot silently leave an e-mail unsent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from enum import StrEnum

from .transitions import TransitionName

logger = logging.getLogger(__name__)


class DeadlineEvent(StrEnum):
    """The deadline marks workflow.deadlines dispatches through this registry."""

    STEP_DUE_SOON = "step_due_soon"
    STEP_OVERDUE = "step_overdue"
    APOLOGY_PROMPT = "apology_prompt"
    DOSSIER_OVERDUE = "dossier_overdue"


EffectKey = TransitionName | DeadlineEvent
Handler = Callable[[int, str], None]  # (dossier id, transition or event name)

_handlers: dict[EffectKey, list[Handler]] = defaultdict(list)


def effect_key(name: str) -> EffectKey:
    """The transition or deadline mark called `name`; LookupError for anything else (a value
    of another app's enum that should mirror one of these, say)."""
    for kind in (TransitionName, DeadlineEvent):
        try:
            return kind(name)
        except ValueError:
            continue
    raise LookupError(f"No transition or deadline event is called {name!r}")


def on_transition(*keys: EffectKey) -> Callable[[Handler], Handler]:
    """Register a handler for these transitions or deadline marks."""
    for key in keys:
        if not isinstance(key, TransitionName | DeadlineEvent):
            raise TypeError(
                f"Register effects by TransitionName or DeadlineEvent, not {key!r} "
                "(workflow.effects.effect_key converts a checked name)"
            )

    def register(handler: Handler) -> Handler:
        for key in keys:
            if handler not in _handlers[key]:
                _handlers[key].append(handler)
        return handler

    return register


def handlers_for(name: str) -> list[Handler]:
    return list(_handlers.get(name, []))  # type: ignore[call-overload]  # StrEnum keys hash as str


def run_handlers(dossier_id: int, name: str) -> None:
    for handler in handlers_for(name):
        try:
            handler(dossier_id, name)
        except Exception:  # a side effect never undoes the committed transition
            logger.exception("Side effect %s of %s on dossier %s failed", handler, name, dossier_id)
