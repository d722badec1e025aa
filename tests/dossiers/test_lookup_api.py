"""GET /api/v1/dossiers/{code}/status/: the public status by code alone, a fixed whitelist."""

import datetime

import pytest
from django.utils import timezone

from dichvucong.api import throttling
from dichvucong.dossiers.api.serializers import PublicStatusSerializer
from dichvucong.dossiers.constants import DossierStatus
from tests.dossiers.factories import DossierFactory, DossierHistoryFactory

pytestmark = pytest.mark.django_db

TOP_KEYS = {
    "code",
    "procedure",
    "receiving_agency",
    "processing_agency",
    "status",
    "received_at",
    "due_at",
    "extended_due_at",
    "finished_at",
    "returned_at",
    "steps",
}


def url(code: str) -> str:
    return f"/api/v1/dossiers/{code}/status/"


def make_dossier_with_personal_data():
    """A received dossier whose people and history carry personal data the lookup must hide."""
    dossier = DossierFactory(
        received=True,
        owner_name="Nguyễn Thị Bí Mật",
        owner_id_number="093187654321",
        owner_phone="0912345678",
        owner_email="bimat@example.vn",
        owner_address="Số 9 hẻm Kín, ấp Ẩn Danh",
        submitter_name="Trần Văn Nộp Thay",
        submitter_id_number="093111222333",
        submitter_phone="0987654321",
        submitter_email="nopthay@example.vn",
        submitter_address="Số 7 đường Riêng Tư",
        delivery_address="Số 9 hẻm Kín, ấp Ẩn Danh",
        answers={"ho_ten": "Nguyễn Thị Bí Mật", "so_dinh_danh": "093187654321"},
    )
    submitted = DossierHistoryFactory(
        dossier=dossier,
        at=dossier.submitted_at,
        actor_label="Nguyễn Thị Bí Mật",
        note="Gọi cho chị Bí Mật qua số 0912345678",
    )
    DossierHistoryFactory(
        dossier=dossier,
        at=dossier.received_at,
        transition="receive",
        from_status=DossierStatus.SUBMITTED,
        to_status=DossierStatus.RECEIVED,
        actor=None,
        actor_label="Cán bộ Lê Văn Một Cửa",
        note="Đã kiểm tra CCCD 093187654321",
    )
    assert submitted.actor_id  # the applicant's account acted: its label is personal data
    return dossier


@pytest.fixture
def dossier():
    return make_dossier_with_personal_data()


PERSONAL = [
    "Bí Mật",
    "093187654321",
    "0912345678",
    "bimat@example.vn",
    "hẻm Kín",
    "Nộp Thay",
    "093111222333",
    "0987654321",
    "nopthay@example.vn",
    "Riêng Tư",
    "Lê Văn Một Cửa",
]


def test_a_received_dossier_answers_the_whitelisted_status(client, dossier, vietnamese):
    response = client.get(url(dossier.code))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    data = response.json()
    assert set(data) == TOP_KEYS
    assert data["code"] == dossier.code
    assert data["procedure"] == {
        "code": dossier.version.procedure.local_code,
        "name": dossier.version.name,
    }
    assert data["receiving_agency"] == {
        "code": dossier.receiving_agency.code,
        "name": dossier.receiving_agency.name,
    }
    assert data["processing_agency"] == {
        "code": dossier.processing_agency.code,
        "name": dossier.processing_agency.name,
    }
    assert data["status"] == {
        "code": "received",
        "label": "Đã tiếp nhận",
        "national_code": 2,
        "national_label": "Được tiếp nhận",
    }
    local = timezone.localtime(dossier.received_at)
    assert data["received_at"] == local.isoformat()
    assert data["received_at"].endswith("+07:00")
    assert data["due_at"] == timezone.localtime(dossier.due_at).isoformat()
    assert data["extended_due_at"] is data["finished_at"] is data["returned_at"] is None
    assert data["steps"] == [
        {
            "label": "Nộp trực tuyến",
            "at": timezone.localtime(dossier.submitted_at).isoformat(),
            "agency": dossier.receiving_agency.name,
            "national_code": 1,
            "national_label": "Mới đăng ký",
        },
        {
            "label": "Bộ phận một cửa tiếp nhận",
            "at": local.isoformat(),
            "agency": dossier.receiving_agency.name,
            "national_code": 2,
            "national_label": "Được tiếp nhận",
        },
    ]


def test_the_answer_holds_no_personal_data(client, dossier):
    body = client.get(url(dossier.code)).content.decode()

    for value in PERSONAL:
        assert value not in body
    assert "note" not in body and "actor" not in body


def test_the_declared_schema_has_exactly_the_keys_written(client, dossier):
    data = client.get(url(dossier.code)).json()
    declared = PublicStatusSerializer()

    assert set(declared.fields) == set(data)
    for name in ("procedure", "receiving_agency", "status"):
        assert set(declared.fields[name].fields) == set(data[name])
    assert set(declared.fields["steps"].child.fields) == set(data["steps"][0])


def test_an_extended_finished_dossier_shows_its_dates(client, vietnamese):
    received = timezone.make_aware(datetime.datetime(2025, 7, 1, 8, 15))
    dossier = DossierFactory(
        received=True,
        received_at=received,
        status=DossierStatus.RETURNED,
        extended_due_at=received + datetime.timedelta(days=10),
        finished_at=received + datetime.timedelta(days=9),
        returned_at=received + datetime.timedelta(days=9, hours=2),
    )
    DossierHistoryFactory(
        dossier=dossier,
        at=dossier.returned_at,
        transition="a_future_transition",  # a transition this lookup has no label for
        from_status=DossierStatus.RESOLVED,
        to_status=DossierStatus.RETURNED,
        agency=None,
    )

    data = client.get(url(dossier.code)).json()

    assert data["status"]["national_code"] == 10
    assert data["status"]["national_label"] == "Đã trả kết quả"
    assert data["extended_due_at"] == "2025-07-11T08:15:00+07:00"
    assert data["finished_at"] == "2025-07-10T08:15:00+07:00"
    assert data["returned_at"] == "2025-07-10T10:15:00+07:00"
    assert data["steps"] == [
        {
            "label": "Đã trả kết quả",
            "at": "2025-07-10T10:15:00+07:00",
            "agency": None,
            "national_code": 10,
            "national_label": "Đã trả kết quả",
        }
    ]


def test_the_lookup_costs_one_query(client, dossier, django_assert_num_queries):
    for _ in range(3):
        DossierHistoryFactory(dossier=dossier)

    client.get(url(dossier.code))  # the agency and procedure labels are cached by the first

    with django_assert_num_queries(1):
        response = client.get(url(dossier.code))

    assert len(response.json()["steps"]) == 5


def test_a_lower_case_code_is_read_as_upper_case(client, dossier):
    assert client.get(url(dossier.code.lower())).status_code == 200


@pytest.mark.parametrize(
    "code",
    [
        "abc",
        "000.00.02.H30-250701",
        "000.00.02.H30-25071-0001",
        "000.00.02.H30-250701-001",
        "000.00.02.H30-250701-00000001",
        "000.00.02.H30_250701-0001",
        "' OR 1=1 --",
        "A" * 36 + "-250701-0001",
    ],
)
def test_a_malformed_code_is_refused_before_any_query(
    client, code, vietnamese, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(url(code))

    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid_code"
    assert "không phải là mã hồ sơ" in data["detail"]


def test_an_unknown_code_is_404(client, dossier, vietnamese):
    response = client.get(url("000.00.02.H30-250701-9999"))

    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy hồ sơ có mã này.", "code": "not_found"}


def test_a_dossier_not_yet_received_cannot_be_found(client):
    draft = DossierFactory(submitted=True)

    assert draft.code is None
    assert client.get(url(f"{draft.receiving_agency.code}-250701-0001")).status_code == 404


def lower_the_lookup_rate(settings, monkeypatch):
    """3 lookups a minute, and a clock frozen 15 s into a minute window."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "lookup": "3/min",
        },
    }
    clock = {"now": 1_800_000_000.0}
    clock["now"] += 15 - clock["now"] % 60  # 15 s into a minute window
    monkeypatch.setattr(throttling.FixedWindowRateThrottle, "timer", lambda self: clock["now"])
    return clock


@pytest.fixture
def low_lookup_rate(settings, monkeypatch):
    return lower_the_lookup_rate(settings, monkeypatch)


def test_lookups_beyond_the_rate_get_429_per_client(client, dossier, low_lookup_rate, vietnamese):
    statuses = [client.get(url(dossier.code), REMOTE_ADDR="10.0.0.1").status_code for _ in range(3)]
    refused = client.get(url(dossier.code), REMOTE_ADDR="10.0.0.1")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert refused.json()["code"] == "throttled"
    assert client.get(url(dossier.code), REMOTE_ADDR="10.0.0.2").status_code == 200


def test_malformed_and_unknown_codes_count_against_the_rate(client, dossier, low_lookup_rate):
    # Guessing codes costs the same as looking one up: the limit bounds enumeration.
    for code in ("abc", "000.00.02.H30-250701-9999", dossier.code):
        client.get(url(code))

    assert client.get(url(dossier.code)).status_code == 429


def test_the_schema_documents_the_lookup_with_examples():
    from pathlib import Path

    import yaml

    schema = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "docs/api/openapi.yaml").read_text()
    )
    operation = schema["paths"]["/api/v1/dossiers/{code}/status/"]["get"]

    assert set(operation["responses"]) == {"200", "400", "404", "429"}
    for response in operation["responses"].values():
        assert response["content"]["application/json"]["examples"]
    example = next(
        iter(operation["responses"]["200"]["content"]["application/json"]["examples"].values())
    )
    assert set(example["value"]) == TOP_KEYS
    assert operation["parameters"][0]["schema"]["pattern"]
