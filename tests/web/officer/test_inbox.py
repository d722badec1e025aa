"""The officer's inbox page /can-bo/: who may open it, its rows and marks, filters, the next
page, htmx refresh, the leader's apology prompts and a query count that does not grow."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dichvucong.web.officer import views
from dichvucong.workflow import processing
from dichvucong.workflow.steps import open_step
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.clock import after_the_data

from .conftest import MONDAY, at_specialist

INBOX = reverse("web:officer-inbox")


@pytest.mark.django_db
def test_only_officers_open_the_inbox(client, w):
    assert client.get(INBOX).status_code == 302  # to the login page
    client.force_login(UserFactory(applicant=True))
    assert client.get(INBOX).status_code == 403
    client.force_login(MembershipFactory(agency_admin=True, agency=w.processing).user)
    assert client.get(INBOX).status_code == 403
    client.force_login(w.specialist)
    assert client.get(INBOX).status_code == 200


@pytest.mark.clock
@pytest.mark.django_db
def test_the_inbox_shows_the_rows_with_marks_in_words(client, w):
    # Received a month before now (whatever now is): long overdue.
    month_ago = timezone.now() - dt.timedelta(days=30)
    overdue = at_specialist(w, owner_name="Phan Văn Trễ", received=month_ago)
    fresh = at_specialist(w, owner_name="Lý Thị Mới", received=month_ago)
    processing.step_take(step=open_step(fresh), actor=w.specialist)
    # The fresh one handed on to the leader just now, with the one working day of that step:
    # no mark (a step with that little time has no due-soon period), at 07:20 as at 20:00.
    fresh = processing.step_forward(step=open_step(fresh), actor=w.specialist)
    client.force_login(w.specialist)
    response = client.get(INBOX)
    html = response.content.decode()
    (row,) = response.context["page"].rows
    assert row.dossier_id == overdue.pk and row.mark == "overdue"
    assert overdue.code in html and "Phan Văn Trễ" in html
    assert "Quá hạn" in html  # the mark is words, not a colour only
    assert reverse("web:officer-dossier", args=[overdue.pk]) in html
    due = timezone.localtime(open_step(overdue).due_at)  # printed in local time
    assert due.strftime("%H:%M %d/%m/%Y") in html
    # The leader's inbox holds the fresh one (the leader step), unmarked.
    client.force_login(w.leader)
    (row,) = client.get(INBOX).context["page"].rows
    assert (row.dossier_id, row.mark) == (fresh.pk, "")


@after_the_data  # the data's Monday 2/3/2026 has long passed
@pytest.mark.django_db
def test_filters_search_next_page_and_htmx(client, w, monkeypatch):
    first = at_specialist(w, owner_name="Đỗ Văn Một")
    second = at_specialist(w, owner_name="Đỗ Văn Hai", forwarded=MONDAY + dt.timedelta(hours=1))
    third = at_specialist(w, owner_name="Hà Thị Ba", forwarded=MONDAY + dt.timedelta(hours=2))
    client.force_login(w.specialist)

    def codes(response):
        return [row.code for row in response.context["page"].rows]

    assert codes(client.get(INBOX, {"q": "Đỗ Văn"})) == [first.code, second.code]
    assert codes(client.get(INBOX, {"q": third.code})) == [third.code]
    assert codes(client.get(INBOX, {"due": "overdue"})) == [first.code, second.code, third.code]
    assert codes(client.get(INBOX, {"due": "soon"})) == []
    assert codes(client.get(INBOX, {"procedure": w.version.procedure_id})) == [
        first.code,
        second.code,
        third.code,
    ]

    # A GET form without JavaScript: the next page link keeps the filters.
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    page_one = client.get(INBOX, {"due": "overdue"})
    assert codes(page_one) == [first.code, second.code]
    cursor = page_one.context["page"].next_cursor
    assert cursor and f"due=overdue&amp;sau={cursor}" in page_one.content.decode()
    page_two = client.get(INBOX, {"due": "overdue", "sau": cursor})
    assert codes(page_two) == [third.code]
    assert page_two.context["page"].next_cursor is None
    assert codes(client.get(INBOX, {"due": "soon", "sau": cursor})) == []

    partial = client.get(INBOX, {"q": "Hà"}, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="inbox-results">')
    assert "<html" not in html and third.code in html


@after_the_data  # the data's Monday 2/3/2026 has long passed
@pytest.mark.django_db
def test_the_role_switcher_and_the_leaders_all_scope(client, w):
    colleague = MembershipFactory(specialist=True, agency=w.processing).user
    taken = at_specialist(w)
    processing.step_take(step=open_step(taken), actor=colleague)
    client.force_login(w.leader)
    # A leader switches to the agency's specialist steps (not held: to assign them).
    pair = f"{w.processing.pk}:specialist"
    mine = client.get(INBOX, {"pair": pair})
    assert mine.context["page"].rows == []  # the colleague's step is not "mine"
    everyone = client.get(INBOX, {"pair": pair, "scope": "all"})
    assert [row.dossier_id for row in everyone.context["page"].rows] == [taken.pk]
    assert "all" in dict(everyone.context["form"].fields["scope"].choices)
    html = everyone.content.decode()
    assert f'<option value="{pair}" selected>' in html
    assert '<option value="all" selected>' in html
    # A specialist has no "all" to choose.
    client.force_login(colleague)
    form = client.get(INBOX, {"scope": "all"}).context["form"]
    assert "all" not in dict(form.fields["scope"].choices)


@after_the_data  # the data's Monday 2/3/2026 has long passed
@pytest.mark.django_db
def test_leaders_see_the_apology_prompts_and_the_violations_link(client, w):
    dossier = at_specialist(w)  # its warning time (March 2026) has long come
    client.force_login(w.leader)
    response = client.get(INBOX)
    assert list(response.context["prompts"]) == [dossier]
    html = response.content.decode()
    assert reverse("web:officer-violations") in html
    client.force_login(w.specialist)
    response = client.get(INBOX)
    assert list(response.context["prompts"]) == []
    assert reverse("web:officer-violations") not in response.content.decode()


@pytest.mark.django_db
def test_the_nav_links_the_inbox_for_officers_only(client, w):
    client.force_login(w.specialist)
    assert f'href="{INBOX}"' in client.get(reverse("web:home")).content.decode()
    client.force_login(UserFactory(applicant=True))
    assert f'href="{INBOX}"' not in client.get(reverse("web:home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 25])
def test_the_inbox_page_costs_the_same_queries_for_1_and_25_rows(
    client, w, rows, django_assert_num_queries
):
    for n in range(rows):
        at_specialist(w, forwarded=MONDAY + dt.timedelta(minutes=n))
    client.force_login(w.specialist)
    client.get(INBOX)  # warm the content types, the session and the agency labels
    # session, user, memberships, one page of steps (the agency names and the procedure filter
    # are cached since the first view; no apology prompts for a specialist: no query)
    with django_assert_num_queries(4):
        response = client.get(INBOX, {"q": "", "due": ""})
    assert len(response.context["page"].rows) == rows
