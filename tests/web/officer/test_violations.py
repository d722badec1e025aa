"""The violations page /can-bo/vi-pham/: leaders see their agencies', province admins all."""

import pytest
from django.urls import reverse

from dichvucong.workflow import processing
from tests.accounts.factories import MembershipFactory
from tests.clock import after_the_data
from tests.workflow.world import local, world

from .conftest import at_specialist

# The world's data are fixed dates in 2026; what these tests do "now" comes after them.
pytestmark = after_the_data


VIOLATIONS = reverse("web:officer-violations")


@pytest.mark.django_db
def test_leaders_see_their_agencies_violations(client, w):
    late = at_specialist(w)  # open, due in March 2026: overdue now
    apologised = at_specialist(w)
    processing.apology_issue(
        dossier=apologised,
        actor=w.leader,
        reason="Cần xác minh thêm.",
        new_due_at=local(2026, 3, 20, 16, 0),
        at=local(2026, 3, 6, 9, 0),  # before its due time: not a late apology
    )
    other = at_specialist(world())
    client.force_login(w.leader)
    response = client.get(VIOLATIONS)
    assert response.status_code == 200
    # Both are past their time now (the apology's new date passed too); not the other agency's.
    listed = {d.pk for d in response.context["page"].dossiers}
    assert listed == {late.pk, apologised.pk}
    html = response.content.decode()
    assert late.code in html and other.code not in html
    assert reverse("web:officer-dossier", args=[late.pk]) in html


@pytest.mark.django_db
def test_province_admins_see_all_agencies_without_personal_data(client, w):
    late = at_specialist(w, owner_name="Mai Thị Riêng")
    other = at_specialist(world())
    client.force_login(MembershipFactory(province_admin=True).user)
    response = client.get(VIOLATIONS)
    assert response.status_code == 200
    assert {late.pk, other.pk} <= {d.pk for d in response.context["page"].dossiers}
    assert "Mai Thị Riêng" not in response.content.decode()


@pytest.mark.django_db
def test_others_may_not_see_violations(client, w):
    client.force_login(w.specialist)
    assert client.get(VIOLATIONS).status_code == 403
    client.force_login(w.desk_officer)
    assert client.get(VIOLATIONS).status_code == 403
    client.logout()
    assert client.get(VIOLATIONS).status_code == 302


@pytest.mark.django_db
def test_the_violations_page_pages_by_cursor(client, w, monkeypatch):
    from dichvucong.web.officer import views

    dossiers = [at_specialist(w) for _ in range(3)]
    real = views.violations
    monkeypatch.setattr(views, "violations", lambda **kw: real(**{**kw, "limit": 2}))
    client.force_login(w.leader)
    first = client.get(VIOLATIONS)
    cursor = first.context["page"].next_cursor
    assert len(first.context["page"].dossiers) == 2 and cursor
    second = client.get(VIOLATIONS, {"sau": cursor})
    seen = [d.pk for d in first.context["page"].dossiers + second.context["page"].dossiers]
    assert sorted(seen) == sorted(d.pk for d in dossiers)
    assert second.context["page"].next_cursor is None
