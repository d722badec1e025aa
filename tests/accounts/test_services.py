import datetime

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from dichvucong.accounts import services
from dichvucong.accounts.models import Membership, User
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from tests.agencies.factories import AgencyFactory

from .factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

APPLICANT = {
    "email": "Tran.Binh@Example.test",
    "password": PASSWORD,
    "full_name": "  Trần   Văn Bình ",
    "kind": User.Kind.INDIVIDUAL,
    "id_number": "093090001111",
    "phone": "+84 912 345 678",
    "address": "Số 3 Nguyễn Trãi, phường III, TP Vị Thanh",
}


def test_register_applicant_creates_the_account_unverified_and_audits_it():
    user = services.user_register_applicant(**APPLICANT)

    user.refresh_from_db()
    assert user.email == "tran.binh@example.test"
    assert user.full_name == "Trần Văn Bình"
    assert user.phone == "0912345678"
    assert user.check_password(PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.primary, address.verified) == (user.email, True, False)
    entry = AuditEntry.objects.get(action="user.register")
    assert entry.object_pk == str(user.pk)
    assert entry.scope == "province"
    assert entry.after["id_number"] == "093090001111"
    assert "password" not in entry.after


def test_register_organisation_needs_a_tax_code_and_keeps_no_id_number():
    data = {**APPLICANT, "kind": User.Kind.ORGANISATION, "tax_code": "6300123456-001"}
    user = services.user_register_applicant(**data)
    assert (user.tax_code, user.id_number) == ("6300123456-001", "")

    data = {**APPLICANT, "email": "other@example.test", "kind": User.Kind.ORGANISATION}
    with pytest.raises(ServiceError) as refusal:
        services.user_register_applicant(**data)
    assert refusal.value.field == "tax_code"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id_number": "09309000111"}, "id_number"),  # 11 digits
        ({"id_number": "09309000111a"}, "id_number"),
        ({"id_number": ""}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+1 212 555 0100"}, "phone"),
        ({"full_name": "   "}, "full_name"),
        ({"address": ""}, "address"),
        ({"kind": "robot"}, "kind"),
        ({"password": "1234567890"}, "password"),  # numeric
        ({"password": "short"}, "password"),
        ({"email": ""}, "email"),
    ],
)
def test_register_refuses_bad_input_and_creates_nothing(change, field):
    with pytest.raises(ServiceError) as refusal:
        services.user_register_applicant(**{**APPLICANT, **change})
    assert refusal.value.field == field
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not AuditEntry.objects.exists()


def test_register_refuses_a_duplicate_email_in_any_case():
    UserFactory(email="tran.binh@example.test")
    with pytest.raises(ServiceError) as refusal:
        services.user_register_applicant(**APPLICANT)  # Tran.Binh@Example.test
    assert refusal.value.code == "email_taken"
    assert User.objects.count() == 1


def test_register_refuses_a_duplicate_id_number_or_tax_code():
    UserFactory(applicant=True, id_number=APPLICANT["id_number"])
    with pytest.raises(ServiceError) as refusal:
        services.user_register_applicant(**APPLICANT)
    assert refusal.value.field == "id_number"

    UserFactory(organisation=True, tax_code="6300123456")
    data = {**APPLICANT, "kind": User.Kind.ORGANISATION, "tax_code": "6300123456"}
    with pytest.raises(ServiceError) as refusal:
        services.user_register_applicant(**data)
    assert refusal.value.field == "tax_code"
    assert User.objects.count() == 2


def test_profile_update_saves_changed_fields_and_audits_before_and_after():
    user = UserFactory(applicant=True, phone="0912345678")
    services.user_profile_update(
        user=user,
        full_name=user.full_name,
        kind=user.kind,
        id_number=user.id_number,
        phone="0987 654 321",
        address="Số 9 Lê Lợi, phường V, TP Vị Thanh",
    )
    user.refresh_from_db()
    assert user.phone == "0987654321"
    entry = AuditEntry.objects.get(action="user.profile_update")
    assert (entry.before["phone"], entry.after["phone"]) == ("0912345678", "0987654321")


def test_profile_update_without_change_writes_no_audit_entry():
    user = UserFactory(applicant=True)
    services.user_profile_update(
        user=user,
        full_name=user.full_name,
        kind=user.kind,
        id_number=user.id_number,
        phone=user.phone,
        address=user.address,
    )
    assert not AuditEntry.objects.exists()


def test_profile_update_refuses_another_accounts_id_number():
    other = UserFactory(applicant=True)
    user = UserFactory(applicant=True)
    before = user.id_number
    with pytest.raises(ServiceError) as refusal:
        services.user_profile_update(
            user=user,
            full_name=user.full_name,
            kind=user.kind,
            id_number=other.id_number,
            phone=user.phone,
            address=user.address,
        )
    assert refusal.value.field == "id_number"
    user.refresh_from_db()
    assert user.id_number == before
    assert not AuditEntry.objects.exists()


# --- Memberships


@pytest.mark.clock
def test_grant_records_the_membership_in_the_agencys_chain():
    user, agency = UserFactory(), AgencyFactory(code="000.00.02.H30")
    membership = services.membership_grant(
        user=user, agency=agency, role=Membership.Role.SPECIALIST
    )
    assert membership.is_active_at(timezone.now())
    entry = AuditEntry.objects.get(action="membership.grant")
    assert entry.scope == "000.00.02.H30"
    assert entry.after["role"] == "specialist"
    user.refresh_from_db()
    assert not user.is_staff  # ordinary officers do not need the Django admin


@pytest.mark.clock
def test_grant_of_an_administrator_role_opens_the_admin_and_ending_it_closes_it():
    user, agency = UserFactory(), AgencyFactory()
    membership = services.membership_grant(
        user=user, agency=agency, role=Membership.Role.AGENCY_ADMIN
    )
    user.refresh_from_db()
    assert user.is_staff
    assert AuditEntry.objects.filter(action="user.staff_grant", object_pk=str(user.pk)).exists()

    services.membership_end(membership=membership)
    user.refresh_from_db()
    assert not user.is_staff
    membership.refresh_from_db()
    assert membership.valid_to is not None
    assert not membership.is_active_at(timezone.now())
    assert AuditEntry.objects.filter(action="membership.end", scope=agency.code).exists()
    assert AuditEntry.objects.filter(action="user.staff_revoke").exists()


def test_ending_one_admin_role_keeps_the_admin_open_while_another_is_held():
    user = UserFactory()
    first = services.membership_grant(
        user=user, agency=AgencyFactory(), role=Membership.Role.AGENCY_ADMIN
    )
    services.membership_grant(user=user, agency=AgencyFactory(), role=Membership.Role.AGENCY_ADMIN)
    services.membership_end(membership=first)
    user.refresh_from_db()
    assert user.is_staff


def test_grant_refuses_an_overlapping_membership_and_changes_nothing():
    held = MembershipFactory(leader=True)
    with pytest.raises(ServiceError) as refusal:
        services.membership_grant(user=held.user, agency=held.agency, role=Membership.Role.LEADER)
    assert refusal.value.code == "membership_overlap"
    assert Membership.objects.count() == 1
    assert not AuditEntry.objects.exists()


@pytest.mark.clock
def test_grant_after_an_ended_membership_is_allowed():
    ended = MembershipFactory(leader=True, expired=True)
    services.membership_grant(user=ended.user, agency=ended.agency, role=Membership.Role.LEADER)
    assert Membership.objects.active().filter(user=ended.user).count() == 1


@pytest.mark.clock
def test_grant_refuses_an_end_before_the_start():
    now = timezone.now()
    with pytest.raises(ServiceError) as refusal:
        services.membership_grant(
            user=UserFactory(),
            agency=AgencyFactory(),
            role=Membership.Role.LEADER,
            valid_from=now,
            valid_to=now - datetime.timedelta(hours=1),
        )
    assert refusal.value.field == "valid_to"
    assert not Membership.objects.exists()


def test_grant_refuses_a_closed_agency():
    with pytest.raises(ServiceError) as refusal:
        services.membership_grant(
            user=UserFactory(), agency=AgencyFactory(closed=True), role=Membership.Role.LEADER
        )
    assert refusal.value.field == "agency"
    assert not Membership.objects.exists()


def test_agency_admin_grants_in_their_agency_but_not_elsewhere_nor_province_admin():
    admin_membership = MembershipFactory(agency_admin=True)
    agency_admin, own = admin_membership.user, admin_membership.agency
    officer = UserFactory()

    services.membership_grant(
        user=officer, agency=own, role=Membership.Role.SPECIALIST, granted_by=agency_admin
    )
    for agency, role in [
        (AgencyFactory(), Membership.Role.SPECIALIST),
        (own, Membership.Role.PROVINCE_ADMIN),
    ]:
        with pytest.raises(ServiceError) as refusal:
            services.membership_grant(
                user=officer, agency=agency, role=role, granted_by=agency_admin
            )
        assert refusal.value.code == "permission_denied"
    assert Membership.objects.filter(user=officer).count() == 1


def test_end_refuses_twice_and_a_stranger():
    membership = MembershipFactory(specialist=True)
    stranger = MembershipFactory(agency_admin=True).user  # admin of another agency
    with pytest.raises(ServiceError) as refusal:
        services.membership_end(membership=membership, ended_by=stranger)
    assert refusal.value.code == "permission_denied"
    membership.refresh_from_db()
    assert membership.valid_to is None

    services.membership_end(membership=membership)
    with pytest.raises(ServiceError) as refusal:
        services.membership_end(membership=membership)
    assert refusal.value.code == "already_ended"
    assert AuditEntry.objects.filter(action="membership.end").count() == 1


def test_ending_a_role_takes_the_right_away_at_once():
    membership = MembershipFactory(one_stop_officer=True)
    user = membership.user
    assert user.active_roles() == {(membership.agency_id, "one_stop_officer")}
    services.membership_end(membership=membership)
    user = User.objects.get(pk=user.pk)
    assert user.active_roles() == frozenset()


def test_create_officer_with_a_verified_address_and_mark_verified():
    officer = services.user_create_officer(
        email="CanBo@Example.test", full_name="Lê Thị Hoa", password=PASSWORD, email_verified=True
    )
    assert officer.email == "canbo@example.test"
    assert EmailAddress.objects.get(user=officer).verified
    assert AuditEntry.objects.filter(action="user.create_officer").exists()

    applicant = services.user_register_applicant(**APPLICANT)
    services.user_email_mark_verified(user=applicant)
    services.user_email_mark_verified(user=applicant)  # twice: one entry
    assert EmailAddress.objects.get(user=applicant).verified
    assert AuditEntry.objects.filter(action="user.email_verified").count() == 1
