"""The rating page /danh-gia/<code>/: the applicant signed in, or the paper's holder with the
QR code's token; nobody else learns whether the dossier exists."""

import pytest
from django.urls import reverse

from dichvucong.core.models import AuditEntry
from dichvucong.dossiers.tokens import rating_token
from dichvucong.feedback.constants import RatingVia, Satisfaction
from dichvucong.feedback.models import Rating
from tests.accounts.factories import UserFactory
from tests.dossiers.factories import DossierFactory
from tests.dossiers.test_lookup_api import PERSONAL, make_dossier_with_personal_data

pytestmark = pytest.mark.django_db

ANSWER = {
    "convenience": Satisfaction.VERY_SATISFIED,
    "overall": Satisfaction.SATISFIED,
    "comment": "Cán bộ hướng dẫn tận tình.",
}


def url(dossier, token: str | None = None) -> str:
    path = reverse("feedback:rate", kwargs={"code": dossier.code})
    return f"{path}?t={token}" if token is not None else path


@pytest.fixture
def dossier():
    return make_dossier_with_personal_data()


def test_the_qr_holder_sees_the_form_without_personal_data(client, dossier, vietnamese):
    response = client.get(url(dossier, rating_token(dossier.code)))

    assert response.status_code == 200
    body = response.content.decode()
    assert dossier.code in body and dossier.version.name in body
    assert "Mức độ thuận tiện khi sử dụng dịch vụ" in body
    assert "Đánh giá tổng thể dịch vụ" in body
    assert body.count("<fieldset") == 2 and body.count("<legend>") == 2
    assert body.count('type="radio"') == 6
    assert "Rất hài lòng" in body and "Không hài lòng" in body
    for value in PERSONAL:
        assert value not in body
    assert dossier.receiving_agency.name not in body


def test_the_qr_holder_rates_once_and_sees_the_thanks(client, dossier, vietnamese):
    token = rating_token(dossier.code)

    response = client.post(url(dossier, token), ANSWER, follow=True)

    assert response.redirect_chain[-1][0] == url(dossier, token)
    body = response.content.decode()
    assert "Cảm ơn ông/bà đã đánh giá." in body
    assert "Hồ sơ đã được đánh giá" in body
    assert "Rất hài lòng" in body
    # The comment is shown back only to the applicant's account.
    assert ANSWER["comment"] not in body
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.via, rating.rated_by) == (RatingVia.QR, None)
    assert AuditEntry.objects.filter(action="feedback.rating.create").count() == 1


def test_a_second_rating_is_refused_and_nothing_changes(client, dossier, vietnamese):
    token = rating_token(dossier.code)
    client.post(url(dossier, token), ANSWER)
    first = Rating.objects.get()

    again = client.get(url(dossier, token))
    refused = client.post(
        url(dossier, token),
        {"convenience": "dissatisfied", "overall": "dissatisfied", "comment": "Khác"},
        follow=True,
    )

    assert "Hồ sơ đã được đánh giá" in again.content.decode()
    assert 'type="radio"' not in again.content.decode()
    assert "Hồ sơ này đã được đánh giá. Xin cảm ơn." in refused.content.decode()
    assert list(Rating.objects.values_list("pk", "overall", "comment")) == [
        (first.pk, Satisfaction.SATISFIED, ANSWER["comment"])
    ]
    assert AuditEntry.objects.filter(action="feedback.rating.create").count() == 1


@pytest.mark.parametrize("token", [None, "", "bad-token", "FOREIGN"])
def test_without_a_valid_token_the_page_is_not_found(client, dossier, token):
    if token == "FOREIGN":
        token = rating_token(DossierFactory(received=True).code)

    assert client.get(url(dossier, token)).status_code == 404
    assert client.post(url(dossier, token), ANSWER).status_code == 404
    assert not Rating.objects.exists()


@pytest.mark.parametrize("code", ["000.00.02.H30-250701-9999", "not-a-code"])
def test_an_unknown_or_malformed_code_is_not_found(client, code, db):
    response = client.get(f"/danh-gia/{code}/?t={rating_token(code)}")

    assert response.status_code == 404


def test_the_owner_rates_without_a_token(client, dossier, vietnamese):
    client.force_login(dossier.owner_account)

    assert client.get(url(dossier)).status_code == 200
    response = client.post(url(dossier), ANSWER, follow=True)

    rating = Rating.objects.get(dossier=dossier)
    assert (rating.via, rating.rated_by) == (RatingVia.WEB, dossier.owner_account)
    assert ANSWER["comment"] in response.content.decode()


def test_another_applicant_without_the_token_is_refused(client, dossier):
    client.force_login(UserFactory(applicant=True))

    assert client.get(url(dossier)).status_code == 404
    assert client.post(url(dossier), ANSWER).status_code == 404
    assert not Rating.objects.exists()


def test_a_dossier_not_yet_received_has_no_rating_page(client):
    draft = DossierFactory(submitted=True)
    client.force_login(draft.owner_account)

    # No code, so no address: the page is reached by the code alone.
    assert draft.code is None
    assert client.get("/danh-gia/000.00.02.H30-250701-0001/").status_code == 404


def test_a_missing_answer_is_shown_on_the_form(client, dossier, vietnamese):
    response = client.post(url(dossier, rating_token(dossier.code)), {"overall": "satisfied"})

    assert response.status_code == 400
    assert "Vui lòng chọn một trong ba mức đánh giá." in response.content.decode()
    assert not Rating.objects.exists()


def test_the_page_is_throttled_per_address(client, dossier, settings, monkeypatch):
    from tests.dossiers.test_lookup_api import lower_the_lookup_rate

    lower_the_lookup_rate(settings, monkeypatch)
    token = rating_token(dossier.code)
    statuses = [client.get(url(dossier, token)).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
