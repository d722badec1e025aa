"""Per-client request limits of the public API, counted in fixed windows in the shared cache.

DRF's SimpleRateThrottle keeps every request's timestamp in one cached list that each request
reads, rewrites and stores again: the work grows with the rate (a raised limit costs more per
request, not less) and two web nodes overwrite each other's lists. A counter per client and
window, increased atomically (INCR in Redis), costs the same whatever the limit and holds across
any number of nodes. A client may send up to twice the rate across a window boundary, which is
acceptable for a limit meant to keep one client from crowding out the others.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from .middleware import client_ip

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/min" → (120, 60); the period's first letter counts (s, m, h, d), as in DRF."""
    try:
        number, period = rate.split("/")
        return int(number), _PERIODS[period.strip()[0].lower()]
    except (ValueError, KeyError, IndexError) as exc:
        raise ImproperlyConfigured(
            f"Invalid API rate {rate!r}: write requests/period, e.g. 120/min."
        ) from exc


class FixedWindowRateThrottle(BaseThrottle):
    scope: str = ""
    timer = staticmethod(time.time)

    def __init__(self) -> None:
        # Read on each request, not at import: tests and settings changes take effect.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.limit, self.period = parse_rate(rate) if rate else (None, None)
        self.retry_after: float | None = None

    def client_key(self, request) -> str | None:
        raise NotImplementedError

    def get_ident(self, request) -> str | None:
        # The portal's one answer to "which address" (DRF's own reads NUM_PROXIES, and trusts
        # X-Forwarded-For from any peer). Clients whose address is unknown share one count:
        # None would mean "no limit" to allow_request.
        return client_ip(request) or "unknown"

    def allow_request(self, request, view) -> bool:
        if self.limit is None:
            return True
        client = self.client_key(request)
        if client is None:
            return True
        now = self.timer()
        window = int(now // self.period)
        key = f"api-throttle:{self.scope}:{client}:{window}"
        # One round trip in the common case: INCR; the first request of a window creates it.
        try:
            count = cache.incr(key)
        except ValueError:
            # Unless another worker created it between the two calls.
            count = 1 if cache.add(key, 1, timeout=self.period + 1) else cache.incr(key)
        if count > self.limit:
            self.retry_after = (window + 1) * self.period - now
            return False
        return True

    def wait(self) -> float | None:
        return self.retry_after
