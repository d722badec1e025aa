"""Procedure versions' labels read through the cache; a draft's rename forgets its label."""

import pytest

from dichvucong.catalog import services
from dichvucong.catalog.labels import VERSION_LABELS
from tests.accounts.factories import MembershipFactory
from tests.agencies.factories import AgencyFactory

from .factories import ProcedureFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def test_labels_are_read_once_then_served_from_the_cache(django_assert_num_queries):
    version = ProcedureVersionFactory(
        published=True,
        name="Đăng ký khai sinh",
        procedure=ProcedureFactory(local_code="1.001193.000.00.00.H30"),
    )

    with django_assert_num_queries(1):
        cold = VERSION_LABELS.get([version.pk, None])
    with django_assert_num_queries(0):
        warm = VERSION_LABELS.get([version.pk])

    assert cold == warm == {version.pk: ("1.001193.000.00.00.H30", "Đăng ký khai sinh")}


def test_a_drafts_rename_is_forgotten():
    agency = AgencyFactory(with_desk=True)
    actor = MembershipFactory(agency_admin=True, agency=agency).user
    draft = ProcedureVersionFactory(competent_agency=agency, name="Đăng ký khai sinh")
    VERSION_LABELS.get([draft.pk])

    services.version_update(version=draft, actor=actor, name="Đăng ký khai sinh lưu động")

    assert VERSION_LABELS.get([draft.pk])[draft.pk][1] == "Đăng ký khai sinh lưu động"
