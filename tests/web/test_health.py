import json

import pytest
from django.urls import reverse

from tests.accounts.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    client.force_login(MembershipFactory(agency_admin=True).user)
    return client


def test_healthz_reports_database_cache_broker_and_worker(operator):
    response = operator.get(reverse("web:healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    report = json.loads(response.content)
    assert report["ok"] is True
    assert set(report["checks"]) == {"database", "cache", "broker", "worker"}
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["worker"]["mode"] == "inline"


def test_healthz_says_503_and_why_when_the_cache_fails(operator, monkeypatch):
    from dichvucong.web import health

    class UnreachableCache:
        def set(self, *args, **kwargs):
            raise ConnectionError("cache unreachable")

    monkeypatch.setattr(health, "cache", UnreachableCache())

    response = operator.get(reverse("web:healthz"))

    assert response.status_code == 503
    report = json.loads(response.content)
    assert report["ok"] is False
    assert report["checks"]["cache"]["ok"] is False
    assert "cache unreachable" in report["checks"]["cache"]["error"]
    assert report["checks"]["database"]["ok"] is True


def test_healthz_reports_a_missing_worker_when_tasks_are_queued(operator, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from dichvucong.web import health

    monkeypatch.setattr(health, "_broker", lambda: {"mode": "celery"})

    class NoReplies:
        def ping(self):
            return None

    from dichvucong.celery import app

    monkeypatch.setattr(app.control, "inspect", lambda timeout: NoReplies())

    response = operator.get(reverse("web:healthz"))

    assert response.status_code == 503
    assert "no Celery worker answered" in json.loads(response.content)["checks"]["worker"]["error"]


def test_an_anonymous_caller_learns_ok_and_nothing_else(client):
    response = client.get(reverse("web:healthz"))

    assert response.status_code == 200
    assert json.loads(response.content) == {"ok": True}


def test_an_anonymous_caller_gets_503_without_the_reason(client, monkeypatch):
    from dichvucong.web import health

    monkeypatch.setattr(health, "_cache", lambda: 1 / 0)

    response = client.get(reverse("web:healthz"))

    assert response.status_code == 503
    assert json.loads(response.content) == {"ok": False}


@pytest.mark.parametrize(
    ("membership", "details"),
    [
        ({"province_admin": True}, True),
        ({"agency_admin": True}, True),
        ({"leader": True}, False),  # an officer, not one who runs the portal
        ({"agency_admin": True, "expired": True}, False),
    ],
)
def test_admins_see_the_details(client, membership, details):
    client.force_login(MembershipFactory(**membership).user)

    report = json.loads(client.get(reverse("web:healthz")).content)

    assert ("checks" in report) is details
    assert report["ok"] is True


@pytest.mark.parametrize(
    ("who", "details"), [({"applicant": True}, False), ({"superuser": True}, True)]
)
def test_an_applicant_does_not_see_the_details_and_a_superuser_does(client, who, details):
    client.force_login(UserFactory(**who))

    report = json.loads(client.get(reverse("web:healthz")).content)

    assert ("checks" in report) is details


def test_a_monitor_with_the_token_sees_the_details_and_a_wrong_token_does_not(client, settings):
    settings.DVC_HEALTH_TOKEN = "s3cret-monitor-token"

    good = client.get(reverse("web:healthz"), HTTP_AUTHORIZATION="Bearer s3cret-monitor-token")
    wrong = client.get(reverse("web:healthz"), HTTP_AUTHORIZATION="Bearer bi-mat")
    unset = client.get(reverse("web:healthz"), HTTP_AUTHORIZATION="Bearer ")

    assert set(json.loads(good.content)["checks"]) == {"database", "cache", "broker", "worker"}
    assert json.loads(wrong.content) == {"ok": True}
    assert json.loads(unset.content) == {"ok": True}


def test_without_a_configured_token_no_token_opens_the_details(client, settings):
    settings.DVC_HEALTH_TOKEN = ""

    response = client.get(reverse("web:healthz"), HTTP_AUTHORIZATION="Bearer ")

    assert json.loads(response.content) == {"ok": True}
