import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from dichvucong.agencies.models import Agency
from dichvucong.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_load_demo_prints_logins_that_work(client):
    output = _load()

    assert "motcua.hoaluu@demo.haugiang.local" in output
    assert "nguyenvanan@demo.haugiang.local" in output
    response = client.post(
        reverse("account_login"),
        {"login": "nguyenvanan@demo.haugiang.local", "password": "DemoDVC@2019"},
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_load_demo_is_recorded_in_the_audit_trail_as_a_command():
    _load()

    entry = AuditEntry.objects.filter(action__startswith="agency.").first()
    assert entry is not None
    assert entry.via == "command"


def test_if_empty_leaves_an_existing_database_alone():
    _load()
    agencies = Agency.objects.count()
    entries = AuditEntry.objects.count()

    output = _load("--if-empty")

    assert "not reloaded" in output
    assert "quantri.tinh@demo.haugiang.local" in output
    assert Agency.objects.count() == agencies
    assert AuditEntry.objects.count() == entries
