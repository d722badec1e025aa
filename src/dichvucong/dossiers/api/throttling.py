"""The public lookup's own per-client limit (DVC_LOOKUP_RATE), shared by the page and the API.

The lookup is the one public read keyed by a guessable identifier, so it is limited per client
address whether or not the client is signed in, with the fixed-window counter (core.throttling) in the
shared cache (one INCR per request, holds across web nodes).
"""

from __future__ import annotations

from dichvucong.core.throttling import FixedWindowRateThrottle


class LookupRateThrottle(FixedWindowRateThrottle):
    scope = "lookup"

    def client_key(self, request) -> str | None:
        return self.get_ident(request)
