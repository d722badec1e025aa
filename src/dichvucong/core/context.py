"""Who is acting and from where, for the audit trail and the access log.

The request middleware sets it per request; management commands and tasks set it with
`acting_as`. A context variable, not a global: each request and each task has its own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None  # an accounts.User (possibly request.user, still lazy) or None
    ip: str | None = None
    via: str = "system"  # web, admin, api, command, task, system

    @property
    def account(self) -> Any:
        """The signed-in user, or None; resolved only when something is recorded."""
        user = self.user
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user


_current: ContextVar[Actor] = ContextVar("dvc_actor", default=Actor())  # noqa: B039 (frozen)


def current_actor() -> Actor:
    return _current.get()


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
