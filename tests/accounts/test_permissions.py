"""The permission matrix: who may do what to agency A's and agency B's objects.

Each actor below belongs to agency A unless its name says otherwise. The expected table is
written out in full: a change of rights must change this table.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from dichvucong.accounts.models import Membership
from dichvucong.accounts.permissions import ACTIONS, UnknownAction, can
from tests.agencies.factories import AgencyFactory

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "applicant",
    "other_applicant",
    "one_stop_officer",
    "specialist",
    "leader",
    "agency_admin",
    "officer_of_b",  # a one-stop officer, specialist and leader of agency B
    "province_admin",
    "superuser",
    "expired_leader",  # was leader and agency admin of A; both memberships have ended
]

# (on agency A's object, on agency B's object) for each action and actor.
#                     anon    appl    other   1stop   spec    leader  agadm   offB    prov    super   expired
EXPECTED = {
    "agency.manage":     [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 0), (0, 0), (1, 1), (1, 1), (0, 0)],
    "agency.view_admin": [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 0), (0, 0), (1, 1), (1, 1), (0, 0)],
    "calendar.manage":   [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 0), (0, 0), (1, 1), (1, 1), (0, 0)],
    "membership.manage": [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 0), (0, 0), (1, 1), (1, 1), (0, 0)],
    "procedure.draft":   [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 0), (0, 0), (1, 1), (1, 1), (0, 0)],
    "procedure.publish": [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 1), (1, 1), (0, 0)],
    "ruleset.manage":    [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 1), (1, 1), (0, 0)],
    "health.view_details": [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 1), (0, 0), (1, 1), (1, 1), (0, 0)],
    "profile.edit":      [(0, 0), (1, 0), (0, 1), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 1), (0, 0)],
    "dossier.receive":   [(0, 0), (0, 0), (0, 0), (1, 0), (0, 0), (0, 0), (0, 0), (0, 1), (0, 0), (1, 1), (0, 0)],
    "dossier.process":   [(0, 0), (0, 0), (0, 0), (0, 0), (1, 0), (1, 0), (0, 0), (0, 1), (0, 0), (1, 1), (0, 0)],
    "dossier.handle":    [(0, 0), (0, 0), (0, 0), (1, 0), (1, 0), (1, 0), (0, 0), (0, 1), (0, 0), (1, 1), (0, 0)],
    "dossier.approve":   [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 0), (0, 0), (0, 1), (0, 0), (1, 1), (0, 0)],
}  # fmt: skip


@pytest.fixture
def world():
    agency_a, agency_b = AgencyFactory(), AgencyFactory()
    applicant, other_applicant = UserFactory(applicant=True), UserFactory(applicant=True)

    def member(*roles, agency=agency_a, **traits):
        user = UserFactory()
        for role in roles:
            MembershipFactory(user=user, agency=agency, role=role, **traits)
        return user

    Role = Membership.Role
    actors = {
        "anonymous": AnonymousUser(),
        "applicant": applicant,
        "other_applicant": other_applicant,
        "one_stop_officer": member(Role.ONE_STOP_OFFICER),
        "specialist": member(Role.SPECIALIST),
        "leader": member(Role.LEADER),
        "agency_admin": member(Role.AGENCY_ADMIN),
        "officer_of_b": member(
            Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, agency=agency_b
        ),
        # A province admin's own agency does not limit their rights: here, agency B.
        "province_admin": member(Role.PROVINCE_ADMIN, agency=agency_b),
        "superuser": UserFactory(superuser=True),
        "expired_leader": member(Role.LEADER, Role.AGENCY_ADMIN, expired=True),
    }
    # The object each action is asked about, in agency A and in agency B (anything with an
    # agency_id, a dossier say). Who may see a dossier is dossiers.access (tests/dossiers).
    objects = {
        "profile.edit": (applicant, other_applicant),
        "dossier.receive": (
            SimpleNamespace(agency_id=agency_a.pk),
            SimpleNamespace(agency_id=agency_b.pk),
        ),
        "membership.manage": (
            Membership(agency=agency_a, role=Role.SPECIALIST),
            Membership(agency=agency_b, role=Role.SPECIALIST),
        ),
    }
    return SimpleNamespace(actors=actors, objects=objects, a=agency_a, b=agency_b)


def test_the_table_covers_every_action_and_actor():
    assert set(EXPECTED) == set(ACTIONS)
    assert all(len(row) == len(ACTORS) for row in EXPECTED.values())


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_permission_matrix(world, action):
    on_a, on_b = world.objects.get(action, (world.a, world.b))
    expected, actual = {}, {}
    for actor_name, (may_a, may_b) in zip(ACTORS, EXPECTED[action], strict=True):
        user = world.actors[actor_name]
        expected[actor_name] = (bool(may_a), bool(may_b))
        actual[actor_name] = (can(user, action, on_a), can(user, action, on_b))
    assert actual == expected


def test_only_the_province_makes_province_admins():
    agency = AgencyFactory()
    agency_admin = MembershipFactory(agency_admin=True, agency=agency).user
    province_admin = MembershipFactory(province_admin=True).user
    grant = Membership(agency=agency, role=Membership.Role.PROVINCE_ADMIN)
    assert not can(agency_admin, "membership.manage", grant)
    assert can(province_admin, "membership.manage", grant)


def test_without_an_object_admin_pages_open_to_administrators_only():
    agency_admin = MembershipFactory(agency_admin=True).user
    specialist = MembershipFactory(specialist=True).user
    province_admin = MembershipFactory(province_admin=True).user
    assert can(agency_admin, "membership.manage")
    assert can(agency_admin, "agency.view_admin")
    assert not can(agency_admin, "agency.manage")  # creating an agency is the province's
    assert not can(agency_admin, "calendar.manage")  # the province calendar
    assert can(province_admin, "agency.manage")
    assert not can(specialist, "membership.manage")
    assert can(specialist, "dossier.process")  # some agency's queue
    assert not can(specialist, "dossier.receive")
    # A new procedure has no agency yet: any administrator may start one; only the province
    # publishes.
    assert can(agency_admin, "procedure.draft")
    assert not can(specialist, "procedure.draft")
    assert not can(agency_admin, "procedure.publish")
    assert can(province_admin, "procedure.publish")


def test_a_future_membership_gives_no_right_yet_and_inactive_users_none():
    future = MembershipFactory(leader=True, future=True)
    assert not can(future.user, "dossier.approve", future.agency)
    held = MembershipFactory(leader=True)
    held.user.is_active = False
    assert not can(held.user, "dossier.approve", held.agency)


def test_unknown_action_raises():
    with pytest.raises(UnknownAction):
        can(AnonymousUser(), "dossier.delete_everything")


def test_rights_are_read_once_per_user_object(django_assert_num_queries):
    membership = MembershipFactory(leader=True)
    user = type(membership.user).objects.get(pk=membership.user_id)
    with django_assert_num_queries(1):
        for action in ["dossier.approve", "dossier.process", "dossier.handle", "agency.manage"]:
            can(user, action, membership.agency)
        user.agency_scope()


def test_agency_scope():
    agency_admin = MembershipFactory(agency_admin=True)
    MembershipFactory(user=agency_admin.user, agency_admin=True)  # admin of a second agency
    MembershipFactory(user=agency_admin.user, leader=True)  # a leader elsewhere: not scope
    MembershipFactory(user=agency_admin.user, agency_admin=True, expired=True)
    scope = agency_admin.user.agency_scope()
    assert scope == frozenset(
        agency_admin.user.memberships.filter(
            role="agency_admin", valid_to__isnull=True
        ).values_list("agency_id", flat=True)
    )
    assert len(scope) == 2
    assert MembershipFactory(province_admin=True).user.agency_scope() is None
    assert UserFactory(superuser=True).agency_scope() is None
    assert UserFactory(applicant=True).agency_scope() == frozenset()
    assert MembershipFactory(specialist=True).user.agency_scope() == frozenset()
