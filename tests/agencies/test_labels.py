"""Agencies' labels read through the cache, and forgotten by every change of code or name."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from dichvucong.agencies import services
from dichvucong.agencies.labels import AGENCY_LABELS

from .factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_labels_are_read_once_then_served_from_the_cache(django_assert_num_queries):
    first, second = AgencyFactory(code="000.00.02.H30"), AgencyFactory(code="000.03.21.H30")

    with django_assert_num_queries(1):
        cold = AGENCY_LABELS.get([first.pk, second.pk, first.pk, None])
    with django_assert_num_queries(0):
        warm = AGENCY_LABELS.get([second.pk, first.pk])

    assert (
        cold
        == warm
        == {
            first.pk: ("000.00.02.H30", first.name),
            second.pk: ("000.03.21.H30", second.name),
        }
    )


def test_an_unknown_id_is_left_out():
    assert AGENCY_LABELS.get([987654]) == {}


def test_a_renamed_agency_is_forgotten_at_once_and_after_commit(
    django_capture_on_commit_callbacks,
):
    agency = AgencyFactory(name="UBND xã Cũ")
    AGENCY_LABELS.get([agency.pk])

    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        services.agency_update(agency=agency, data={"name": "UBND xã Mới"})
        assert AGENCY_LABELS.get([agency.pk])[agency.pk][1] == "UBND xã Mới"
    # A reader between the change and its commit cached what it saw: the second forget goes.
    cache.set(f"agencies:label:{agency.pk}", (agency.code, "UBND xã Cũ"))
    for callback in after_commit:
        callback()

    assert AGENCY_LABELS.get([agency.pk])[agency.pk] == (agency.code, "UBND xã Mới")


def test_a_change_that_leaves_code_and_name_keeps_the_label(django_assert_num_queries):
    agency = AgencyFactory(with_desk=True)
    AGENCY_LABELS.get([agency.pk])

    services.agency_update(agency=agency, data={"desk_phone": "0293 3999 111"})

    with django_assert_num_queries(0):
        assert AGENCY_LABELS.get([agency.pk])[agency.pk] == (agency.code, agency.name)


def test_a_rename_in_the_admin_is_forgotten(https_client, django_user_model):
    superuser = django_user_model.objects.create_superuser(
        email="admin@example.test", password="x" * 12
    )
    agency = AgencyFactory(with_desk=True, name="Sở Tư pháp")
    AGENCY_LABELS.get([agency.pk])
    https_client.force_login(superuser)
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    form = https_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(name="Sở Tư pháp tỉnh Hậu Giang", receives_dossiers="on")

    response = https_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AGENCY_LABELS.get([agency.pk])[agency.pk][1] == "Sở Tư pháp tỉnh Hậu Giang"
