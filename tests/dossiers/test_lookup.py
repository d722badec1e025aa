"""The public status lookup: the selector and the page /tra-cuu/."""

import pytest

from dichvucong.agencies.services import agency_update
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.selectors.public import (
    MalformedCode,
    PublicAgency,
    dossier_public_status,
)
from tests.dossiers.factories import DossierFactory
from tests.dossiers.test_lookup_api import (
    PERSONAL,
    lower_the_lookup_rate,
    make_dossier_with_personal_data,
)

pytestmark = pytest.mark.django_db

URL = "/tra-cuu/"


@pytest.fixture
def dossier():
    return make_dossier_with_personal_data()


@pytest.fixture
def low_lookup_rate(settings, monkeypatch):
    return lower_the_lookup_rate(settings, monkeypatch)


# --- The selector


def test_the_selector_returns_only_public_fields(dossier, django_assert_num_queries):
    # Cold: the dossier with its history, then the agency and procedure labels for the cache.
    with django_assert_num_queries(3):
        dossier_public_status(code=dossier.code)
    with django_assert_num_queries(1):
        found = dossier_public_status(code=dossier.code)

    assert found.code == dossier.code
    assert found.receiving_agency == PublicAgency(
        code=dossier.receiving_agency.code, name=dossier.receiving_agency.name
    )
    assert found.status == DossierStatus.RECEIVED
    assert found.national_code == 2
    assert [step.at for step in found.steps] == [dossier.submitted_at, dossier.received_at]
    assert not any(value in repr(found) for value in PERSONAL)


def test_the_selector_refuses_a_malformed_code_before_any_query(django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(MalformedCode) as refusal:
        dossier_public_status(code="000.00.02.H30-250701-1; DROP TABLE")

    assert refusal.value.code == "invalid_code"
    assert refusal.value.field == "ma"


def test_the_selector_returns_none_for_an_unknown_code(db):
    assert dossier_public_status(code="000.00.02.H30-250701-0001") is None


def test_a_dossier_without_history_rows_is_found_with_no_steps():
    dossier = DossierFactory(received=True)

    found = dossier_public_status(code=dossier.code)

    assert found.code == dossier.code and found.steps == ()


def test_a_dossier_without_a_processing_agency_shows_none():
    dossier = DossierFactory(received=True, processing_agency=None)

    assert dossier_public_status(code=dossier.code).processing_agency is None


# --- The page


def test_every_page_header_links_to_the_lookup(client, vietnamese):
    home = client.get("/").content.decode()

    assert f'href="{URL}"' in home
    assert "Tra cứu hồ sơ" in home


def test_the_page_without_a_code_shows_the_form(client, vietnamese):
    response = client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="ma"' in body
    assert "Tra cứu hồ sơ" in body
    assert "In trên giấy tiếp nhận" in body


def test_a_code_shows_the_status_without_personal_data(
    client, dossier, vietnamese, django_assert_max_num_queries
):
    client.get(URL, {"ma": dossier.code})  # the labels are cached by the first lookup
    with django_assert_max_num_queries(1):
        response = client.get(URL, {"ma": dossier.code})

    assert response.status_code == 200
    body = response.content.decode()
    assert dossier.code in body
    assert dossier.version.name in body
    assert dossier.receiving_agency.name in body
    assert "Đã tiếp nhận" in body
    assert "Được tiếp nhận" in body
    assert "Bộ phận một cửa tiếp nhận" in body
    for value in PERSONAL:
        assert value not in body
    assert "no-cache" in response["Cache-Control"]


def test_the_qr_code_address_with_a_lower_case_code_works(client, dossier):
    assert client.get(URL, {"ma": f"  {dossier.code.lower()} "}).status_code == 200


@pytest.mark.parametrize("code", ["", "abc", "000.00.02.H30-250701-1"])
def test_a_malformed_code_gets_a_clear_message_and_400(
    client, code, vietnamese, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(URL, {"ma": code})

    assert response.status_code == 400
    body = response.content.decode()
    assert "không phải là mã hồ sơ" in body
    assert 'aria-invalid="true"' in body


def test_an_unknown_code_is_404_with_a_message(client, vietnamese):
    response = client.get(URL, {"ma": "000.00.02.H30-250701-0001"})

    assert response.status_code == 404
    assert "Không có hồ sơ nào mang mã" in response.content.decode()


def test_the_page_is_throttled_per_client(client, dossier, low_lookup_rate, vietnamese):
    statuses = [client.get(URL, {"ma": dossier.code}).status_code for _ in range(3)]
    refused = client.get(URL, {"ma": dossier.code})

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert "Quá nhiều lần tra cứu" in refused.content.decode()
    assert dossier.version.name not in refused.content.decode()
    assert client.get(URL, {"ma": dossier.code}, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_page_and_the_api_share_one_budget(client, dossier, low_lookup_rate):
    client.get(URL, {"ma": dossier.code})
    client.get(f"/api/v1/dossiers/{dossier.code}/status/")
    client.get(URL, {"ma": dossier.code})

    assert client.get(f"/api/v1/dossiers/{dossier.code}/status/").status_code == 429


def test_the_form_alone_is_not_counted(client, low_lookup_rate):
    assert [client.get(URL).status_code for _ in range(5)] == [200] * 5


def test_a_renamed_agency_shows_its_new_name_at_once(dossier):
    dossier_public_status(code=dossier.code)  # its labels are now cached

    agency_update(agency=dossier.receiving_agency, data={"name": "UBND xã Mới Đổi Tên"})

    found = dossier_public_status(code=dossier.code)
    assert found.receiving_agency.name == "UBND xã Mới Đổi Tên"
    assert "UBND xã Mới Đổi Tên" in {step.agency for step in found.steps}
