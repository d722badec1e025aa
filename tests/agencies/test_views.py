import datetime
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dichvucong.agencies.admin import AdministrativeUnitAdmin, AgencyAdmin
from dichvucong.agencies.models import AdministrativeUnit, Agency
from dichvucong.core.models import AuditEntry

from .factories import AdministrativeUnitFactory, AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desks():
    province = AdministrativeUnitFactory(name="Hậu Giang")
    return SimpleNamespace(
        tu_phap=AgencyFactory(
            with_desk=True,
            unit=province,
            code="000.00.02.H30",
            name="Sở Tư pháp tỉnh Hậu Giang",
            desk_name="Quầy Sở Tư pháp",
            desk_phone="0293 3500 102",
            desk_email="motcua.stp@demo.haugiang.local",
        ),
        hoa_luu=AgencyFactory(
            commune=True, with_desk=True, code="000.03.21.H30", name="UBND xã Hỏa Lựu"
        ),
        no_desk=AgencyFactory(unit=province, name="Văn phòng không có quầy"),
        closed=AgencyFactory(
            with_desk=True,
            unit=province,
            name="Sở đã sáp nhập",
            valid_to=timezone.localdate() - datetime.timedelta(days=1),
        ),
    )


def test_directory_shows_desks_grouped_by_level(https_client, desks, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = https_client.get(reverse("agencies:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Danh bạ cơ quan</h1>" in html
    assert "Cơ quan cấp tỉnh" in html and "Cấp xã" in html
    assert "Cấp huyện" not in html  # no district desk in this fixture: no empty heading
    assert "Quầy Sở Tư pháp" in html
    assert 'href="tel:02933500102"' in html
    assert 'href="mailto:motcua.stp@demo.haugiang.local"' in html
    assert "Sáng 07:00-11:30" in html
    assert reverse("agencies:detail", args=["000.00.02.H30"]) in html
    assert html.index("Sở Tư pháp") < html.index("UBND xã Hỏa Lựu")
    assert "Văn phòng không có quầy" not in html
    assert "Sở đã sáp nhập" not in html
    assert '<label for="id_q">' in html


def test_directory_search_without_diacritics(https_client, desks):
    html = https_client.get(reverse("agencies:directory"), {"q": "hoa luu"}).content.decode()
    assert "UBND xã Hỏa Lựu" in html
    assert "Sở Tư pháp tỉnh" not in html
    assert "1 cơ quan" in html


def test_directory_filters_by_level(https_client, desks):
    html = https_client.get(reverse("agencies:directory"), {"level": "tinh"}).content.decode()
    assert "Sở Tư pháp tỉnh" in html and "UBND xã Hỏa Lựu" not in html


def test_directory_reports_an_unknown_level_and_lists_everything(https_client, desks):
    response = https_client.get(reverse("agencies:directory"), {"level": "bogus"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html
    assert "Sở Tư pháp tỉnh" in html and "UBND xã Hỏa Lựu" in html


def test_directory_says_when_nothing_matches(https_client, desks):
    html = https_client.get(reverse("agencies:directory"), {"q": "không tồn tại"}).content.decode()
    assert "Không có cơ quan nào" in html


def test_directory_in_english(https_client, desks):
    https_client.cookies["dvc_language"] = "en"
    html = https_client.get(reverse("agencies:directory")).content.decode()
    assert "<h1>Agency directory</h1>" in html


def test_detail_shows_the_desk(https_client, desks, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = https_client.get(reverse("agencies:detail", args=["000.00.02.H30"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Sở Tư pháp tỉnh Hậu Giang</h1>" in html
    assert 'href="tel:02933500102"' in html
    assert "000.00.02.H30" in html


def test_detail_of_an_unknown_code_is_404(https_client, desks):
    assert https_client.get(reverse("agencies:detail", args=["000.00.99.H30"])).status_code == 404


def test_detail_of_a_closed_agency_points_to_its_successor(https_client, desks):
    Agency.objects.filter(pk=desks.closed.pk).update(successor=desks.tu_phap)
    html = https_client.get(reverse("agencies:detail", args=[desks.closed.code])).content.decode()
    assert "đã ngừng hoạt động" in html
    assert reverse("agencies:detail", args=["000.00.02.H30"]) in html


# --- Admin scoping


def _request(user):
    request = RequestFactory().get("/admin/agencies/agency/")
    request.user = user
    return request


def _staff(**extra):
    return SimpleNamespace(
        is_superuser=False,
        is_active=True,
        is_staff=True,
        has_perm=lambda perm, obj=None: True,
        **extra,
    )


@pytest.fixture
def agency_admin():
    return AgencyAdmin(Agency, admin.site)


def test_admin_superuser_sees_every_agency(agency_admin, desks):
    request = _request(
        SimpleNamespace(is_superuser=True, is_active=True, is_staff=True, has_perm=lambda *a: True)
    )
    assert agency_admin.get_queryset(request).count() == Agency.objects.count()
    assert agency_admin.has_add_permission(request)
    assert agency_admin.get_readonly_fields(request) == ()


def test_admin_agency_admin_sees_and_edits_only_their_agency_desk(agency_admin, desks):
    request = _request(_staff(agency_scope=lambda: frozenset({desks.tu_phap.pk})))
    assert list(agency_admin.get_queryset(request)) == [desks.tu_phap]
    assert agency_admin.has_change_permission(request, desks.tu_phap)
    assert not agency_admin.has_change_permission(request, desks.hoa_luu)
    assert not agency_admin.has_view_permission(request, desks.hoa_luu)
    assert not agency_admin.has_add_permission(request)
    assert not agency_admin.has_delete_permission(request, desks.tu_phap)
    readonly = agency_admin.get_readonly_fields(request, desks.tu_phap)
    assert "code" in readonly and "successor" in readonly and "desk_phone" not in readonly


def test_admin_user_without_scope_sees_nothing(agency_admin, desks):
    request = _request(_staff())
    assert not agency_admin.get_queryset(request).exists()
    assert not agency_admin.has_change_permission(request, desks.tu_phap)
    unit_admin = AdministrativeUnitAdmin(AdministrativeUnit, admin.site)
    assert not unit_admin.get_queryset(request).exists()


def test_admin_province_admin_sees_everything_and_units(desks):
    request = _request(_staff(agency_scope=lambda: None))
    unit_admin = AdministrativeUnitAdmin(AdministrativeUnit, admin.site)
    assert unit_admin.get_queryset(request).count() == AdministrativeUnit.objects.count()
    assert unit_admin.has_change_permission(request)


def test_admin_agency_admin_reads_units_of_their_agency_only(desks):
    request = _request(_staff(agency_scope=lambda: frozenset({desks.hoa_luu.pk})))
    unit_admin = AdministrativeUnitAdmin(AdministrativeUnit, admin.site)
    assert list(unit_admin.get_queryset(request)) == [desks.hoa_luu.unit]
    assert not unit_admin.has_change_permission(request, desks.hoa_luu.unit)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="admin@example.test", password="x" * 12)


def test_admin_pages_render_and_changes_are_audited(https_client, superuser, desks):
    https_client.force_login(superuser)
    assert (
        https_client.get(reverse("admin:agencies_agency_changelist"), {"q": "Tư pháp"}).status_code
        == 200
    )
    assert (
        https_client.get(reverse("admin:agencies_administrativeunit_changelist")).status_code == 200
    )
    url = reverse("admin:agencies_agency_change", args=[desks.tu_phap.pk])
    form = https_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(desk_phone="0293 3999 111", receives_dossiers="on")
    response = https_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    desks.tu_phap.refresh_from_db()
    assert desks.tu_phap.desk_phone == "0293 3999 111"
    entry = AuditEntry.objects.get(action="agencies.agency.change")
    assert entry.scope == "000.00.02.H30" and entry.after["desk_phone"] == "0293 3999 111"


def test_admin_refuses_a_successor_that_is_itself(https_client, superuser, desks):
    https_client.force_login(superuser)
    url = reverse("admin:agencies_agency_change", args=[desks.tu_phap.pk])
    form = https_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(valid_to="30/06/2025", successor=desks.tu_phap.pk, receives_dossiers="on")
    response = https_client.post(url, data)
    assert response.status_code == 200
    assert "successor" in response.context["adminform"].form.errors
    desks.tu_phap.refresh_from_db()
    assert desks.tu_phap.successor is None
    assert not AuditEntry.objects.exists()
