"""Side effects of transitions, registered by higher apps (documents, notifications).

The workflow may not import the apps above it, so they register handlers here from their
AppConfig.ready(). Handlers run after the transaction commits and take the dossier's id: they
must be safe to run twice (a task may be retried). A failing handler is logged and never undoes
the transition.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

logger = logging.getLogger(__name__)

Handler = Callable[[int, str], None]  # (dossier id, transition name)

_handlers: dict[str, list[Handler]] = defaultdict(list)


def on_transition(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler for the named transitions ("*" for all)."""

    def register(handler: Handler) -> Handler:
        for name in names:
            if handler not in _handlers[name]:
                _handlers[name].append(handler)
        return handler

    return register


def handlers_for(name: str) -> list[Handler]:
    return [*_handlers.get(name, []), *_handlers.get("*", [])]


def run_handlers(dossier_id: int, name: str) -> None:
    for handler in handlers_for(name):
        try:
            handler(dossier_id, name)
        except Exception:  # a side effect never undoes the committed transition
            logger.exception("Side effect %s of %s on dossier %s failed", handler, name, dossier_id)
