"""Roles give the Django admin its model permissions; the admins' querysets narrow the rows."""

import pytest
from django.urls import reverse

from tests.accounts.factories import MembershipFactory
from tests.agencies.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_an_agency_admin_opens_the_agencies_admin_and_sees_only_their_agency(client):
    membership = MembershipFactory(agency_admin=True)
    other = AgencyFactory()
    client.force_login(membership.user)

    response = client.get(reverse("admin:agencies_agency_changelist"))

    assert response.status_code == 200
    listed = list(response.context["cl"].queryset)
    assert membership.agency in listed
    assert other not in listed
    assert client.get(reverse("admin:agencies_agency_add")).status_code == 403
    assert client.get(reverse("admin:core_ruleset_add")).status_code == 403


def test_a_province_admin_manages_rule_sets_and_reads_the_audit_trail(client):
    membership = MembershipFactory(province_admin=True)
    client.force_login(membership.user)

    assert client.get(reverse("admin:core_ruleset_changelist")).status_code == 200
    assert client.get(reverse("admin:agencies_agency_add")).status_code == 200
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 200


def test_an_officer_without_an_admin_role_gets_no_model_permission(django_user_model):
    membership = MembershipFactory(leader=True)
    user = membership.user
    user.is_staff = True  # even if someone ticked it by hand
    user.save(update_fields=["is_staff"])

    assert not user.has_perm("agencies.view_agency")
    assert not user.has_module_perms("agencies")


def test_an_ended_role_gives_nothing():
    membership = MembershipFactory(agency_admin=True, expired=True)

    assert not membership.user.has_perm("agencies.change_agency")
