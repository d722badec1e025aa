"""What /healthz reports: database, cache/broker and worker state.

Anyone gets "ok" (HTTP 200) or not (503), enough for a load balancer. The checks themselves
(database vendor, cache backend, worker names, timings, error texts) help an attacker more
than a passer-by: only an operator sees them — staff (accounts.permissions
"health.view_details") or a monitor presenting DVC_HEALTH_TOKEN as a bearer token.
"""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from dichvucong.accounts.permissions import can


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
        result = {"ok": True, **(detail or {})}
    except Exception as exc:  # a health check reports every failure instead of raising
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _cache() -> dict:
    key = "healthz:probe"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _worker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "inline"}
    from dichvucong.celery import app

    replies = app.control.inspect(timeout=1.0).ping() or {}
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return {"mode": "celery", "workers": sorted(replies)}


def _broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "inline"}
    from dichvucong.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {"mode": "celery"}


def health_report() -> dict:
    checks = {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "broker": _timed(_broker),
        "worker": _timed(_worker),
    }
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}


def health_details_allowed(request) -> bool:
    token = settings.DVC_HEALTH_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer":
        return hmac.compare_digest(presented.strip().encode(), token.encode())
    return can(request.user, "health.view_details")


def health_answer(report: dict, *, details: bool) -> dict:
    return report if details else {"ok": report["ok"]}
