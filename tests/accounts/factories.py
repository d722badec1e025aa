"""Factories for accounts and memberships, with named states (traits).

UserFactory(applicant=True)            a verified individual applicant
UserFactory(organisation=True)         a verified organisation applicant
MembershipFactory(leader=True, expired=True)
"""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from dichvucong.accounts.models import Membership, User
from tests.agencies.factories import AgencyFactory

PASSWORD = "Mật-khẩu-thử-2019"  # passes the validators: long, not common, not numeric


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"nguoidung{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password = factory.django.Password(PASSWORD)

    class Params:
        applicant = factory.Trait(
            kind=User.Kind.INDIVIDUAL,
            id_number=factory.Sequence(lambda n: f"093{n:09d}"),
            phone="0912345678",
            address="Số 1 Trần Hưng Đạo, phường I, TP Vị Thanh",
        )
        organisation = factory.Trait(
            kind=User.Kind.ORGANISATION,
            full_name=factory.Sequence(lambda n: f"Công ty TNHH Thử {n}"),
            tax_code=factory.Sequence(lambda n: f"63{n:08d}"),
            phone="02933876999",
            address="Số 2 Trần Hưng Đạo, phường I, TP Vị Thanh",
        )
        superuser = factory.Trait(is_superuser=True, is_staff=True)
        staff = factory.Trait(is_staff=True)
        inactive = factory.Trait(is_active=False)

    @factory.post_generation
    def email_address(obj, create, extracted, **kwargs):
        # allauth's record of the address: verified unless the test says otherwise.
        if create:
            verified = kwargs.get("verified", True)
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=verified)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.SPECIALIST
    valid_from = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    valid_to = None

    class Params:
        one_stop_officer = factory.Trait(role=Membership.Role.ONE_STOP_OFFICER)
        specialist = factory.Trait(role=Membership.Role.SPECIALIST)
        leader = factory.Trait(role=Membership.Role.LEADER)
        agency_admin = factory.Trait(
            role=Membership.Role.AGENCY_ADMIN, user=factory.SubFactory(UserFactory, staff=True)
        )
        province_admin = factory.Trait(
            role=Membership.Role.PROVINCE_ADMIN, user=factory.SubFactory(UserFactory, staff=True)
        )
        expired = factory.Trait(
            valid_from=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=60)),
            valid_to=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
        )
        future = factory.Trait(
            valid_from=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1)),
        )
