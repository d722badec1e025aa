"""Who may draft and publish procedures, as the predicates, the admin's model permissions and
the services under concurrency see it."""

import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, connections

from dichvucong.accounts.permissions import ROLE_MODEL_PERMISSIONS, can
from dichvucong.catalog import services
from dichvucong.catalog.models import ProcedureVersion, VersionStatus
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from tests.accounts.factories import MembershipFactory, UserFactory

from .factories import ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def test_every_role_permission_exists():
    # A typo in the table would silently grant nothing.
    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    for role, permissions in ROLE_MODEL_PERMISSIONS.items():
        assert permissions <= existing, (role, sorted(permissions - existing))


def test_roles_open_the_catalogue_admin():
    agency_admin = MembershipFactory(agency_admin=True).user
    province_admin = MembershipFactory(province_admin=True).user
    officer = MembershipFactory(leader=True, user=UserFactory(staff=True)).user
    for user in (agency_admin, province_admin):
        assert user.has_module_perms("catalog")
        assert user.has_perm("catalog.change_procedureversion")
        assert user.has_perm("catalog.add_step")
        assert user.has_perm("catalog.add_processstep")
        assert not user.has_perm("catalog.delete_procedure")
    assert province_admin.has_perm("catalog.change_sector")
    assert not agency_admin.has_perm("catalog.change_sector")
    assert agency_admin.has_perm("catalog.view_field")
    assert not officer.has_module_perms("catalog")


def test_draft_and_publish_on_real_versions():
    mine = ProcedureVersionFactory(complete=True)
    others = ProcedureVersionFactory(complete=True)
    agency_admin = MembershipFactory(agency_admin=True, agency=mine.competent_agency).user
    province_admin = MembershipFactory(province_admin=True, agency=others.competent_agency).user
    specialist = MembershipFactory(specialist=True, agency=mine.competent_agency).user

    assert can(agency_admin, "procedure.draft", mine.competent_agency)
    assert not can(agency_admin, "procedure.draft", others.competent_agency)
    assert not can(agency_admin, "procedure.publish", mine.competent_agency)
    assert can(province_admin, "procedure.draft", mine.competent_agency)
    assert can(province_admin, "procedure.publish", mine.competent_agency)
    assert not can(specialist, "procedure.draft", mine.competent_agency)
    assert not can(specialist, "procedure.publish", mine.competent_agency)


def test_an_ended_agency_admin_role_drafts_nothing():
    version = ProcedureVersionFactory(complete=True)
    former = MembershipFactory(agency_admin=True, expired=True, agency=version.competent_agency)
    with pytest.raises(services.ActionNotAllowed):
        services.version_update(version=version, actor=former.user, name="Tên khác")
    version.refresh_from_db()
    assert version.name != "Tên khác"


# --- Concurrency: the procedure's row lock ------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write transaction; row locks are what is under test",
)


def _race(calls):
    """Run the calls at the same moment, each on its own connection; return what each did."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # compared in the main thread
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_publishes_of_one_draft_do_not_both_succeed():
    old = ProcedureVersionFactory(published=True)
    draft = ProcedureVersionFactory(procedure=old.procedure, complete=True)
    admins = [MembershipFactory(province_admin=True).user for _ in range(2)]

    outcomes = _race(
        [lambda user=user: services.version_publish(version=draft, actor=user) for user in admins]
    )

    published = [o for o in outcomes if isinstance(o, ProcedureVersion)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(published) == 1 and len(refused) == 1, outcomes
    assert refused[0].code == "not_draft"
    statuses = dict(
        ProcedureVersion.objects.filter(procedure=old.procedure).values_list("pk", "status")
    )
    assert statuses == {old.pk: VersionStatus.SUPERSEDED, draft.pk: VersionStatus.PUBLISHED}
    assert AuditEntry.objects.filter(action="catalog.version.publish").count() == 1
    assert AuditEntry.objects.filter(action="catalog.version.supersede").count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_new_drafts_at_once_make_one():
    published = ProcedureVersionFactory(published=True)
    outcomes = _race(
        [
            lambda: services.version_create_draft(procedure=published.procedure, actor=None)
            for _ in range(3)
        ]
    )
    created = [o for o in outcomes if isinstance(o, ProcedureVersion)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(created) == 1 and len(refused) == 2, outcomes
    assert {o.code for o in refused} == {"draft_exists"}
    assert published.procedure.versions.filter(status=VersionStatus.DRAFT).count() == 1
