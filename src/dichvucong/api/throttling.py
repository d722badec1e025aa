"""The public API's per-client limits (the counter itself is core.throttling's, shared with
the dossier lookup)."""

from __future__ import annotations

from dichvucong.core.throttling import FixedWindowRateThrottle


class AnonRateThrottle(FixedWindowRateThrottle):
    """Anonymous clients, by address (core.middleware.client_ip)."""

    scope = "anon"

    def client_key(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class UserRateThrottle(FixedWindowRateThrottle):
    """Signed-in users, by account."""

    scope = "user"

    def client_key(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return str(request.user.pk)
        return None
