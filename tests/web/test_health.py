import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_cache_broker_and_worker(client):
    response = client.get(reverse("web:healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    report = json.loads(response.content)
    assert report["ok"] is True
    assert set(report["checks"]) == {"database", "cache", "broker", "worker"}
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["worker"]["mode"] == "inline"


def test_healthz_says_503_and_why_when_the_cache_fails(client, monkeypatch):
    from dichvucong.web import health

    class UnreachableCache:
        def set(self, *args, **kwargs):
            raise ConnectionError("cache unreachable")

    monkeypatch.setattr(health, "cache", UnreachableCache())

    response = client.get(reverse("web:healthz"))

    assert response.status_code == 503
    report = json.loads(response.content)
    assert report["ok"] is False
    assert report["checks"]["cache"]["ok"] is False
    assert "cache unreachable" in report["checks"]["cache"]["error"]
    assert report["checks"]["database"]["ok"] is True


def test_healthz_reports_a_missing_worker_when_tasks_are_queued(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from dichvucong.web import health

    monkeypatch.setattr(health, "_broker", lambda: {"mode": "celery"})

    class NoReplies:
        def ping(self):
            return None

    from dichvucong.celery import app

    monkeypatch.setattr(app.control, "inspect", lambda timeout: NoReplies())

    response = client.get(reverse("web:healthz"))

    assert response.status_code == 503
    assert "no Celery worker answered" in json.loads(response.content)["checks"]["worker"]["error"]
