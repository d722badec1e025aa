"""The baseline endpoint (the benchmark's floor) and the API's JSON answers to unknown paths."""

import pytest
import yaml

from tests.agencies.factories import AgencyFactory
from tests.api.test_schema import COMMITTED, generated_schema

pytestmark = pytest.mark.django_db

BASELINE_PATH = "/api/v1/baseline/{code}/"


def test_without_the_benchmark_setting_the_baseline_is_not_routed(client, settings, vietnamese):
    assert settings.DVC_BENCH_BASELINE is False
    AgencyFactory(with_desk=True, code="000.00.02.H30")

    response = client.get("/api/v1/baseline/000.00.02.H30/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy.", "code": "not_found"}


def test_without_the_benchmark_setting_the_baseline_is_not_in_the_schema(client):
    served = yaml.safe_load(client.get("/api/v1/schema/").content)

    assert BASELINE_PATH not in served["paths"]
    assert BASELINE_PATH not in yaml.safe_load(COMMITTED.read_text())["paths"]


def test_with_the_benchmark_setting_the_baseline_is_routed_and_in_the_schema(
    client, bench_baseline
):
    AgencyFactory(with_desk=True, code="000.00.02.H30")

    assert client.get("/api/v1/baseline/000.00.02.H30/").status_code == 200
    assert BASELINE_PATH in yaml.safe_load(client.get("/api/v1/schema/").content)["paths"]
    assert BASELINE_PATH in yaml.safe_load(generated_schema())["paths"]


def test_baseline_returns_the_desk_contact_from_one_query(
    client, bench_baseline, django_assert_num_queries
):
    agency = AgencyFactory(with_desk=True, code="000.00.02.H30", name="Sở Tư pháp")

    with django_assert_num_queries(1):
        response = client.get("/api/v1/baseline/000.00.02.H30/")

    assert response.status_code == 200
    assert response.json() == {
        "code": "000.00.02.H30",
        "name": "Sở Tư pháp",
        "desk_name": agency.desk_name,
        "desk_address": agency.desk_address,
        "desk_phone": agency.desk_phone,
        "desk_email": agency.desk_email,
        "desk_opening_hours": agency.desk_opening_hours,
    }


def test_baseline_of_an_unknown_code_is_a_json_404(client, bench_baseline, vietnamese):
    response = client.get("/api/v1/baseline/999.99.99.H30/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy.", "code": "not_found"}


def test_an_unknown_api_address_is_a_json_404(client, vietnamese):
    response = client.get("/api/v1/khong-co/gi/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Không tìm thấy.", "code": "not_found"}


def test_an_api_address_without_its_slash_is_redirected_to_it(client):
    response = client.get("/api/v1/procedures")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/procedures/"


def test_the_api_answers_json_even_to_a_browser(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/api/v1/baseline/999.99.99.H30/", HTTP_ACCEPT=browser)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
