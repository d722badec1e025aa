"""The ratings in the admin: read-only, for the province's administrators only."""

import pytest

from dichvucong.feedback.constants import RatingVia, Satisfaction
from dichvucong.feedback.services import rating_submit
from tests.accounts.factories import MembershipFactory
from tests.dossiers.factories import DossierFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/feedback/rating/"


@pytest.fixture
def rating():
    return rating_submit(
        dossier=DossierFactory(received=True),
        convenience=Satisfaction.SATISFIED,
        overall=Satisfaction.SATISFIED,
        via=RatingVia.QR,
    )


def staff(**role):
    user = MembershipFactory(**role).user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_a_province_admin_reads_the_ratings_but_changes_nothing(client, rating):
    client.force_login(staff(province_admin=True))

    assert rating.dossier.code in client.get(LIST).content.decode()
    detail = client.get(f"{LIST}{rating.pk}/change/")
    assert detail.status_code == 200
    assert 'name="overall"' not in detail.content.decode()
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}{rating.pk}/delete/", {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("role", ["agency_admin", "leader"])
def test_other_staff_do_not_see_them(client, rating, role):
    client.force_login(staff(**{role: True}))

    assert client.get(LIST).status_code == 403
