"""The public lookup's timeline over a dossier that went through processing: each step's time,
agency and national status, and still nothing personal (no officer, no note)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.clock import after_the_data
from tests.dossiers.processing_paths import (
    APOLOGY_REASON,
    INTERNAL_NOTE,
    OWNER,
    RESULT_SUMMARY,
    officers,
    to_result,
)
from tests.workflow.world import world

# The world's data are fixed dates in 2026; what these tests do "now" comes after them.
pytestmark = [pytest.mark.django_db, after_the_data]


@pytest.fixture
def resolved():
    w = world()
    dossier = to_result(w, apology_due=timezone.now() + dt.timedelta(days=30))
    return w, dossier


def personal_values(w, dossier):
    values = [*OWNER.values(), INTERNAL_NOTE, APOLOGY_REASON, RESULT_SUMMARY]
    for officer in officers(w):
        values += [officer.full_name, officer.email]
    return values


def test_the_api_timeline_has_time_agency_and_national_status_only(client, resolved, vietnamese):
    w, dossier = resolved

    data = client.get(f"/api/v1/dossiers/{dossier.code}/status/").json()

    steps = data["steps"]
    assert [set(step) for step in steps] == [
        {"label", "at", "agency", "national_code", "national_label"}
    ] * len(steps)
    assert [(step["label"], step["national_code"]) for step in steps] == [
        ("Bộ phận một cửa tiếp nhận", 2),
        ("Chuyển bước xử lý tiếp theo", 4),
        ("Xin lỗi và hẹn lại ngày trả kết quả", 4),
        ("Đề xuất kết quả, trình phê duyệt", 4),
        ("Đã giải quyết xong", 9),
    ]
    assert steps[0]["agency"] == w.desk.name
    assert steps[-1] == {
        "label": "Đã giải quyết xong",
        "at": timezone.localtime(dossier.finished_at).isoformat(),
        "agency": w.processing.name,
        "national_code": 9,
        "national_label": "Đã xử lý xong",
    }


def test_the_api_and_the_page_timeline_leak_no_personal_data(
    client, resolved, django_assert_max_num_queries
):
    w, dossier = resolved
    api = client.get(f"/api/v1/dossiers/{dossier.code}/status/").content.decode()
    with django_assert_max_num_queries(2):
        page = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()

    for value in personal_values(w, dossier):
        assert value not in api, value
        assert value not in page, value
    assert "note" not in api and "actor" not in api


def test_the_page_shows_the_national_status_of_each_step(client, resolved, vietnamese):
    _, dossier = resolved

    body = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()

    assert "Trạng thái (Cổng DVC quốc gia)" in body
    assert "4 \N{EN DASH} Đang xử lý" in body
    assert "9 \N{EN DASH} Đã xử lý xong" in body
