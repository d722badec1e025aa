"""The Django admin of accounts: scoped to the administrator's agencies, writes through the
services, Vietnamese labels."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dichvucong.accounts import services
from dichvucong.accounts.models import Membership, User
from dichvucong.core.models import AuditEntry
from tests.agencies.factories import AgencyFactory

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_membership_changelist")
USERS = reverse("admin:accounts_user_changelist")
ADD = reverse("admin:accounts_membership_add")


@pytest.fixture
def staffing():
    """Agency A with an agency admin and a specialist, agency B with a leader, an applicant."""
    agency_a, agency_b = AgencyFactory(), AgencyFactory()
    admin_a = UserFactory()
    services.membership_grant(user=admin_a, agency=agency_a, role=Membership.Role.AGENCY_ADMIN)
    specialist_a = MembershipFactory(agency=agency_a, specialist=True)
    leader_b = MembershipFactory(agency=agency_b, leader=True)
    province_admin = UserFactory()
    services.membership_grant(
        user=province_admin, agency=agency_b, role=Membership.Role.PROVINCE_ADMIN
    )
    return {
        "a": agency_a,
        "b": agency_b,
        "admin_a": User.objects.get(pk=admin_a.pk),
        "specialist_a": specialist_a,
        "leader_b": leader_b,
        "province_admin": User.objects.get(pk=province_admin.pk),
        "applicant": UserFactory(applicant=True),
    }


def _listed(response, model_admin_name="cl"):
    return set(response.context[model_admin_name].result_list)


def test_agency_admin_sees_only_their_agencys_memberships_and_officers(client, staffing):
    client.force_login(staffing["admin_a"])
    memberships = _listed(client.get(CHANGELIST))
    assert {m.agency_id for m in memberships} == {staffing["a"].pk}
    assert staffing["specialist_a"] in memberships

    users = _listed(client.get(USERS))
    assert users == {staffing["admin_a"], staffing["specialist_a"].user}

    # Another agency's membership and an applicant are out of reach, not just unlisted.
    other = reverse("admin:accounts_membership_change", args=[staffing["leader_b"].pk])
    assert client.get(other).status_code == 302  # "does not exist" redirect to the index
    applicant = reverse("admin:accounts_user_change", args=[staffing["applicant"].pk])
    assert client.get(applicant).status_code == 302


def test_province_admin_sees_everyone(client, staffing):
    client.force_login(staffing["province_admin"])
    assert len(_listed(client.get(CHANGELIST))) == Membership.objects.count()
    users = _listed(client.get(USERS))
    assert staffing["applicant"] in users
    assert len(users) == User.objects.count()


def test_officers_without_an_admin_role_do_not_get_in(client, staffing):
    specialist = staffing["specialist_a"].user
    assert not specialist.is_staff
    client.force_login(specialist)
    assert client.get(CHANGELIST).status_code == 302  # to the (portal) login
    specialist.is_staff = True  # even if someone ticked the box
    specialist.save()
    assert client.get(CHANGELIST).status_code == 403


def test_agency_admin_grants_a_role_in_their_agency_through_the_service(client, staffing):
    officer = staffing["specialist_a"].user
    client.force_login(staffing["admin_a"])
    page = client.get(ADD)
    assert "Quản trị tỉnh" not in page.content.decode()  # not offered
    assert list(page.context["adminform"].form.fields["agency"].queryset) == [staffing["a"]]

    response = client.post(
        ADD,
        {
            "user": officer.pk,
            "agency": staffing["a"].pk,
            "role": "leader",
            "valid_from_0": timezone.localdate().isoformat(),
            "valid_from_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    granted = Membership.objects.get(user=officer, role="leader")
    assert granted.agency == staffing["a"]
    entry = AuditEntry.objects.get(action="membership.grant", object_pk=str(granted.pk))
    assert entry.scope == staffing["a"].code
    assert entry.actor_user_id == staffing["admin_a"].pk
    assert entry.via == "admin"


@pytest.mark.parametrize("target", ["other_agency", "province_admin_role"])
def test_agency_admin_cannot_grant_outside_their_agency_nor_province_admin(
    client, staffing, target
):
    officer = staffing["specialist_a"].user
    agency, role = {
        "other_agency": (staffing["b"], "specialist"),
        "province_admin_role": (staffing["a"], "province_admin"),
    }[target]
    client.force_login(staffing["admin_a"])
    before = Membership.objects.count()
    response = client.post(
        ADD,
        {
            "user": officer.pk,
            "agency": agency.pk,
            "role": role,
            "valid_from_0": timezone.localdate().isoformat(),
            "valid_from_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Membership.objects.count() == before


def test_ending_a_membership_in_the_admin_goes_through_the_service(client, staffing):
    membership = staffing["specialist_a"]
    client.force_login(staffing["admin_a"])
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    end = timezone.localtime() + datetime.timedelta(minutes=1)
    response = client.post(
        url, {"valid_to_0": end.date().isoformat(), "valid_to_1": end.strftime("%H:%M:%S")}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.valid_to is not None
    assert AuditEntry.objects.filter(action="membership.end", object_pk=str(membership.pk)).exists()


@pytest.mark.clock
def test_end_now_action(client, staffing):
    membership = staffing["specialist_a"]
    client.force_login(staffing["admin_a"])
    client.post(CHANGELIST, {"action": "end_now", "_selected_action": [membership.pk]})
    membership.refresh_from_db()
    assert membership.valid_to is not None
    assert not membership.is_active_at(timezone.now())


def test_memberships_are_never_deleted(client, staffing):
    client.force_login(UserFactory(superuser=True))
    url = reverse("admin:accounts_membership_delete", args=[staffing["specialist_a"].pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=staffing["specialist_a"].pk).exists()


def test_agency_admin_adds_an_officer_with_a_role_in_one_go(client, staffing):
    client.force_login(staffing["admin_a"])
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Can.Bo.Moi@Example.test",
            "full_name": "Cán bộ Mới",
            "usable_password": "false",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-agency": staffing["a"].pk,
            "memberships-0-role": "one_stop_officer",
            "memberships-0-valid_from_0": timezone.localdate().isoformat(),
            "memberships-0-valid_from_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    officer = User.objects.get(email="can.bo.moi@example.test")
    assert not officer.has_usable_password()
    assert officer.memberships.get().role == "one_stop_officer"
    assert AuditEntry.objects.filter(
        action="accounts.user.create", object_pk=str(officer.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="membership.grant", scope=staffing["a"].code).exists()
    # The new officer is now one of the agency admin's.
    assert client.get(reverse("admin:accounts_user_change", args=[officer.pk])).status_code == 200


def test_agency_admin_cannot_change_identity_access_or_passwords(client, staffing):
    officer = staffing["specialist_a"].user
    client.force_login(staffing["admin_a"])
    page = client.get(reverse("admin:accounts_user_change", args=[officer.pk]))
    readonly = page.context["adminform"].readonly_fields
    assert {"email", "is_staff", "is_superuser", "is_active", "id_number"} <= set(readonly)
    password = reverse("admin:auth_user_password_change", args=[officer.pk])
    assert client.get(password).status_code == 403


def test_admin_is_in_vietnamese(client, staffing):
    client.force_login(staffing["province_admin"])
    text = client.get(CHANGELIST).content.decode()
    assert "vai trò tại cơ quan" in text.lower()
    assert "Cán bộ Một cửa" in client.get(ADD).content.decode()


def test_province_admin_cannot_take_over_a_superuser(client, staffing):
    superuser = UserFactory(superuser=True)
    client.force_login(staffing["province_admin"])
    change = reverse("admin:accounts_user_change", args=[superuser.pk])
    assert client.post(change, {"email": "attacker@example.test"}).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.get(password).status_code == 403
    superuser.refresh_from_db()
    assert superuser.email != "attacker@example.test"
    # Their own kind of account they may reset (the IT department's job).
    officer = staffing["specialist_a"].user
    officer_password = reverse("admin:auth_user_password_change", args=[officer.pk])
    assert client.get(officer_password).status_code == 200
