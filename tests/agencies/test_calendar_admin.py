"""The working calendars in the Django admin: edits are audited, refused input changes nothing,
and the cached calendars are rebuilt after a change."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from dichvucong.agencies import calendar_selectors, worktime
from dichvucong.agencies.calendar_admin import WorkCalendarAdmin
from dichvucong.agencies.models import CalendarDay, WorkCalendar
from dichvucong.core.models import AuditEntry
from tests.agencies.calendar_factories import WorkCalendarFactory

pytestmark = pytest.mark.django_db

DATE_ERROR = "Enter a real date as day/month/year, for example 02/09/2026."
WEEKEND_ERROR = (
    "Write the weekend as weekday numbers separated by commas, from 0 (Monday) "
    "to 6 (Sunday), for example 5,6."
)


def vietnamese(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="lich@example.test", password="x" * 12)


@pytest.fixture
def province():
    return WorkCalendar.objects.get(is_province=True)


def change_url(calendar):
    return reverse("admin:agencies_workcalendar_change", args=[calendar.pk])


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    return value


def form_data(response) -> dict:
    """The change form as the browser would post it back, inline rows included."""
    data: dict = {}

    def add(form):
        for name in form.fields:
            value = _value(form[name])
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value is not False:
                data[form.add_prefix(name)] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def extra_prefix(response) -> str:
    formset = response.context["inline_admin_formsets"][0].formset
    return f"{formset.prefix}-{formset.initial_form_count()}"


def test_the_calendar_pages_render(client, superuser, province):
    client.force_login(superuser)
    assert client.get(reverse("admin:agencies_workcalendar_changelist")).status_code == 200
    response = client.get(change_url(province))
    assert response.status_code == 200
    assert "Tết" in response.content.decode()


def test_adding_a_day_off_is_audited_and_rebuilds_the_cached_calendar(
    client, superuser, province, django_capture_on_commit_callbacks
):
    before = calendar_selectors.calendar_for(years=[2026])  # cached now
    assert worktime.is_working_day(before, date(2026, 3, 10))
    client.force_login(superuser)
    response = client.get(change_url(province))
    data = form_data(response)
    extra = extra_prefix(response)
    data.update({f"{extra}-date": "10/03/2026", f"{extra}-kind": "off", f"{extra}-name": "Bão lũ"})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(province), data)

    assert response.status_code == 302
    day = province.days.get(date=date(2026, 3, 10))
    assert (day.kind, day.source, day.name) == ("off", "manual", "Bão lũ")
    entry = AuditEntry.objects.get(action="agencies.calendarday.create")
    assert entry.scope == "province" and entry.after["date"] == "2026-03-10"
    after = calendar_selectors.calendar_for(years=[2026])
    assert not worktime.is_working_day(after, date(2026, 3, 10))


@pytest.mark.parametrize("typed", ["31/02/2026", "abc", "2026-13-01"])
def test_a_non_date_is_refused_in_vietnamese_and_nothing_changes(
    client, superuser, province, typed
):
    client.force_login(superuser)
    response = client.get(change_url(province))
    data = form_data(response)
    extra = extra_prefix(response)
    data.update({f"{extra}-date": typed, f"{extra}-kind": "off", f"{extra}-name": "Sai ngày"})
    days_before = list(CalendarDay.objects.values_list("pk", "date", "kind", "name", "source"))

    response = client.post(change_url(province), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    errors = [str(e) for form in formset.forms for e in form.errors.get("date", [])]
    assert errors == [vietnamese(DATE_ERROR)]
    assert vietnamese(DATE_ERROR) != DATE_ERROR  # translated, not the English source
    assert escape(errors[0]) in response.content.decode()
    assert (
        list(CalendarDay.objects.values_list("pk", "date", "kind", "name", "source")) == days_before
    )
    assert not AuditEntry.objects.exists()


def test_editing_an_official_day_makes_it_the_administrators(client, superuser, province):
    swapped = province.days.get(date=date(2026, 8, 22))
    client.force_login(superuser)
    response = client.get(change_url(province))
    data = form_data(response)
    formset = response.context["inline_admin_formsets"][0].formset
    index = next(i for i, form in enumerate(formset.forms) if form.instance.pk == swapped.pk)
    data[f"{formset.prefix}-{index}-name"] = "Làm bù (đã xác nhận)"

    response = client.post(change_url(province), data)

    assert response.status_code == 302
    swapped.refresh_from_db()
    assert (swapped.name, swapped.source, swapped.kind) == (
        "Làm bù (đã xác nhận)",
        "manual",
        "working",
    )
    entry = AuditEntry.objects.get(action="agencies.calendarday.change")
    assert entry.before["source"] == "official" and entry.after["source"] == "manual"
    # Untouched rows keep their source.
    assert province.days.get(date=date(2026, 8, 31)).source == "official"


@pytest.mark.parametrize("typed", ["abc", "7", "5;6"])
def test_a_bad_weekend_is_refused_and_nothing_changes(client, superuser, province, typed):
    client.force_login(superuser)
    data = form_data(client.get(change_url(province)))
    data["weekend_days"] = typed

    response = client.post(change_url(province), data)

    assert response.status_code == 200
    assert "weekend_days" in response.context["adminform"].form.errors
    assert response.context["adminform"].form.errors["weekend_days"] == [vietnamese(WEEKEND_ERROR)]
    assert vietnamese(WEEKEND_ERROR) != WEEKEND_ERROR
    province.refresh_from_db()
    assert province.weekend_days == "5,6"
    assert not AuditEntry.objects.exists()


def test_an_agency_calendar_is_audited_under_the_agencys_chain(client, superuser):
    own = WorkCalendarFactory()
    client.force_login(superuser)
    data = form_data(client.get(change_url(own)))
    data["weekend_days"] = " 6 "

    response = client.post(change_url(own), data)

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.weekend_days == "6"
    assert AuditEntry.objects.get(action="agencies.workcalendar.change").scope == own.agency.code


def test_the_province_calendar_cannot_be_deleted(client, superuser, province):
    client.force_login(superuser)
    url = reverse("admin:agencies_workcalendar_delete", args=[province.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:agencies_workcalendar_changelist"),
        {"action": "delete_selected", "_selected_action": [province.pk], "post": "yes"},
    )
    assert response.status_code == 403  # the bulk action asks has_delete_permission too
    assert WorkCalendar.objects.filter(pk=province.pk).exists()
    assert not AuditEntry.objects.exists()


# --- Scope: an agency admin edits their own calendar only


def _request(scope):
    request = RequestFactory().get("/admin/agencies/workcalendar/")
    request.user = SimpleNamespace(
        is_superuser=False,
        is_active=True,
        is_staff=True,
        has_perm=lambda perm, obj=None: True,
        agency_scope=lambda: scope,
    )
    return request


def test_an_agency_admin_reads_the_province_calendar_and_edits_their_own(province):
    own = WorkCalendarFactory()
    other = WorkCalendarFactory()
    calendar_admin = WorkCalendarAdmin(WorkCalendar, admin.site)
    request = _request(frozenset({own.agency_id}))

    assert set(calendar_admin.get_queryset(request)) == {province, own}
    assert calendar_admin.has_change_permission(request, own)
    assert not calendar_admin.has_change_permission(request, province)
    assert not calendar_admin.has_change_permission(request, other)
    assert not calendar_admin.has_delete_permission(request, province)
    assert calendar_admin.get_readonly_fields(request, own) == ["is_province"]
    inline = calendar_admin.get_inline_instances(request, own)[0]
    assert inline.has_change_permission(request, own)
    assert not inline.has_add_permission(request, province)


def test_a_province_admin_edits_every_calendar(province):
    own = WorkCalendarFactory()
    calendar_admin = WorkCalendarAdmin(WorkCalendar, admin.site)
    request = _request(None)
    assert calendar_admin.has_change_permission(request, province)
    assert calendar_admin.has_change_permission(request, own)
    assert not calendar_admin.has_delete_permission(request, province)
    assert calendar_admin.has_delete_permission(request, own)
