"""feedback.services.rating_submit and the selectors: one rating per received dossier."""

import datetime as dt

import pytest

from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from dichvucong.feedback.constants import RatingVia, Satisfaction
from dichvucong.feedback.models import Rating
from dichvucong.feedback.selectors import rating_counts, rating_for_dossier
from dichvucong.feedback.services import AlreadyRated, rating_submit
from tests.dossiers.factories import DossierFactory
from tests.workflow.world import local

pytestmark = pytest.mark.django_db

VERY, OK, BAD = Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.DISSATISFIED


def submit(dossier, **kwargs):
    kwargs.setdefault("convenience", VERY)
    kwargs.setdefault("overall", OK)
    kwargs.setdefault("via", RatingVia.WEB)
    kwargs.setdefault("actor", dossier.owner_account)
    return rating_submit(dossier=dossier, **kwargs)


def test_a_received_dossier_is_rated_once_and_audited():
    dossier = DossierFactory(received=True)

    rating = submit(dossier, comment="  Nhanh, chu đáo.  ")

    assert rating_for_dossier(dossier=dossier) == rating
    assert (rating.convenience, rating.overall, rating.comment) == (VERY, OK, "Nhanh, chu đáo.")
    assert rating.rated_by == dossier.owner_account
    assert rating.via == RatingVia.WEB
    assert rating.agency == dossier.processing_agency
    entry = AuditEntry.objects.get(action="feedback.rating.create")
    assert entry.scope == dossier.processing_agency.code
    assert entry.after["overall"] == OK


def test_a_second_rating_is_refused_and_the_first_kept(vietnamese):
    dossier = DossierFactory(received=True)
    first = submit(dossier)

    with pytest.raises(AlreadyRated) as refusal:
        submit(dossier, convenience=BAD, overall=BAD, via=RatingVia.QR, actor=None)

    assert "đã được đánh giá" in str(refusal.value.message)
    assert list(Rating.objects.values_list("pk", "overall")) == [(first.pk, OK)]
    assert AuditEntry.objects.filter(action="feedback.rating.create").count() == 1


def test_a_dossier_without_a_code_cannot_be_rated(vietnamese):
    dossier = DossierFactory(submitted=True)

    with pytest.raises(ServiceError) as refusal:
        submit(dossier)

    assert refusal.value.code == "not_received"
    assert "chưa được tiếp nhận" in str(refusal.value.message)
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"convenience": ""}, "convenience"),
        ({"overall": "rather_good"}, "overall"),
        ({"comment": "x" * 2001}, "comment"),
    ],
)
def test_bad_input_is_refused_with_its_field(changes, field):
    dossier = DossierFactory(received=True)

    with pytest.raises(ServiceError) as refusal:
        submit(dossier, **changes)

    assert refusal.value.field == field
    assert not Rating.objects.exists()


def test_the_paper_holder_rates_without_an_account():
    dossier = DossierFactory(received=True)

    rating = submit(dossier, via=RatingVia.QR, actor=None)

    assert rating.rated_by is None and rating.via == RatingVia.QR


def test_an_agencys_counts_per_level_in_one_query(django_assert_num_queries):
    first = DossierFactory(received=True)
    agency = first.processing_agency
    others = [DossierFactory(received=True, version=first.version) for _ in range(3)]
    elsewhere = DossierFactory(received=True)
    submit(first, convenience=VERY, overall=VERY, at=local(2026, 3, 1, 9, 0))
    submit(others[0], convenience=VERY, overall=OK, at=local(2026, 3, 2, 9, 0))
    submit(others[1], convenience=BAD, overall=OK, at=local(2026, 3, 3, 9, 0))
    submit(others[2], convenience=OK, overall=BAD, at=local(2026, 4, 1, 9, 0))
    submit(elsewhere, convenience=BAD, overall=BAD)

    with django_assert_num_queries(1):
        counts = rating_counts(agency=agency, until=local(2026, 4, 1, 0, 0))

    assert counts.total == 3
    assert counts.convenience == {VERY: 2, OK: 0, BAD: 1}
    assert counts.overall == {VERY: 1, OK: 2, BAD: 0}
    since = rating_counts(agency=agency, since=local(2026, 3, 2, 9, 0) + dt.timedelta(seconds=1))
    assert since.total == 2
