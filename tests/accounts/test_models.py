"""What the database itself refuses, whatever the code above it does."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from dichvucong.accounts.models import Membership, User, normalize_phone

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(**fields)


def test_email_is_unique_whatever_its_case():
    UserFactory(email="an@example.test")
    _refused(email="AN@example.test")


def test_id_number_and_tax_code_are_unique_when_given():
    UserFactory(applicant=True, id_number="093090001234")
    _refused(email="b@example.test", id_number="093090001234")
    UserFactory(organisation=True, tax_code="6300123456")
    _refused(email="c@example.test", kind="organisation", tax_code="6300123456")
    # Blank is not a value: officers have neither.
    User.objects.create(email="d@example.test")
    User.objects.create(email="e@example.test")


@pytest.mark.parametrize(
    "fields",
    [
        {"id_number": "12345"},
        {"id_number": "09309000123a"},
        {"kind": "organisation", "tax_code": "630012345"},
        {"kind": "organisation", "tax_code": "6300123456-01"},
        {"kind": "individual", "tax_code": "6300123456"},  # an individual's account has no tax code
        {"kind": "organisation", "id_number": "093090001234"},
    ],
)
def test_identifier_format_and_kind_are_checked(fields):
    _refused(email="x@example.test", **fields)


def test_membership_end_cannot_precede_its_start():
    membership = MembershipFactory()
    membership.valid_to = membership.valid_from - datetime.timedelta(seconds=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_one_open_membership_per_user_agency_and_role():
    held = MembershipFactory(leader=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=held.user, agency=held.agency, role="leader")
    # An ended one does not count; another role does not collide.
    Membership.objects.create(user=held.user, agency=held.agency, role="specialist")
    MembershipFactory(user=held.user, agency=held.agency, leader=True, expired=True)


@pytest.mark.clock
def test_active_memberships_follow_their_dates():
    now = timezone.now()
    current = MembershipFactory()
    ended = MembershipFactory(expired=True)
    future = MembershipFactory(future=True)
    active = set(Membership.objects.active())
    assert current in active
    assert ended not in active
    assert future not in active
    assert future in set(Membership.objects.active(now + datetime.timedelta(days=2)))
    assert ended in set(Membership.objects.active(now - datetime.timedelta(days=10)))


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("0912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("(0293) 3876-543", "02933876543"),
    ],
)
def test_phone_numbers_are_stored_in_national_form(raw, normalized):
    assert normalize_phone(raw) == normalized


def test_argon2_hashes_passwords_with_the_project_settings(settings):
    # The test suite swaps in a fast hasher (conftest); the project's first hasher is Argon2.
    from dichvucong import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory()
    user.set_password("Mật-khẩu-thử-2019")
    assert user.password.startswith("argon2$")
