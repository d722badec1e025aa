"""The catalogue's REST API: /api/v1/procedures/ and /api/v1/procedures/{code}/.

Uses the small real catalogue of tests/catalog/conftest.py (13 published procedures, a draft
and a superseded version that the public never sees).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from dichvucong.catalog.api.serializers import ProcedureListItemSerializer
from dichvucong.catalog.models import Component, Fee, VersionStatus

from .factories import (
    ComponentFactory,
    FeeFactory,
    FieldFactory,
    ProcedureVersionFactory,
    ProcessStepFactory,
    TimeOptionFactory,
)

LIST = "/api/v1/procedures/"

pytestmark = pytest.mark.django_db


def get_json(client, url, params=None, status=200):
    response = client.get(url, params or {}, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def codes(data) -> list[str]:
    return [item["code"] for item in data["results"]]


def names(data) -> list[str]:
    return [item["name"] for item in data["results"]]


# --- The list


def test_list_shows_published_procedures_only_with_their_summary(client, catalogue):
    data = get_json(client, LIST, {"page_size": 100})

    assert len(data["results"]) == len(catalogue.versions)
    assert catalogue.draft.name not in names(data)
    assert catalogue.superseded.name not in names(data)
    version = catalogue.versions["khai_sinh"]
    item = next(i for i in data["results"] if i["code"] == version.procedure.local_code)
    assert item == {
        "code": version.procedure.local_code,
        "national_code": "",
        "name": "Đăng ký khai sinh",
        "sector": {"code": "T99-TP", "name": "Tư pháp"},
        "field": {"code": "T99-HT", "name": "Hộ tịch"},
        "levels": ["xa"],
        "subjects": ["citizens"],
        "online_level": 4,
        "online_service_kind": "full",
        "competent_agency": {"code": "T98.1", "name": "UBND xã Hỏa Lựu"},
        "url": f"http://testserver/thu-tuc/{version.procedure.local_code}/",
    }


def test_the_written_out_list_item_is_what_the_declared_fields_give(catalogue):
    for version in catalogue.versions.values():
        fast = ProcedureListItemSerializer(version)
        generic = serializers.Serializer.to_representation(fast, version)
        assert fast.data == generic


@pytest.mark.parametrize("query", ["dang ky khai sinh", "Đăng ký khai sinh", "khai sinh"])
def test_query_finds_the_procedure_first_as_people_type_it(client, catalogue, query):
    data = get_json(client, LIST, {"q": query})

    assert names(data)[0] == "Đăng ký khai sinh"
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" not in names(data)


def test_query_tolerates_a_small_typo(client, catalogue):
    assert names(get_json(client, LIST, {"q": "dang ky khai sin"}))[0] == "Đăng ký khai sinh"


def test_a_query_that_matches_nothing_gives_an_empty_page(client, catalogue):
    data = get_json(client, LIST, {"q": "zzzz qqqq"})

    assert data == {"page": 1, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "T99-XD"}, {"xay_dung"}),
        ({"field": "T99-KD"}, {"ho_kinh_doanh", "doanh_nghiep"}),
        ({"level": "tinh"}, {"ly_lich", "doanh_nghiep"}),
        ({"online_level": "1"}, {"ho_kinh_doanh"}),
        ({"subject": "organisations"}, {"chung_thuc", "xay_dung", "ho_kinh_doanh", "doanh_nghiep"}),
        ({"agency": "T98.3"}, {"ly_lich", "doanh_nghiep"}),  # receives them at its desk
        ({"field": "T99-KD", "level": "tinh"}, {"doanh_nghiep"}),
        ({"q": "dang ky", "subject": "organisations"}, {"ho_kinh_doanh", "doanh_nghiep"}),
    ],
)
def test_each_filter_alone_and_combined(client, catalogue, params, expected):
    data = get_json(client, LIST, {**params, "page_size": 100})

    expected_codes = {catalogue.versions[key].procedure.local_code for key in expected}
    assert set(codes(data)) == expected_codes


def test_an_unknown_code_in_a_filter_finds_nothing(client, catalogue):
    assert get_json(client, LIST, {"field": "KHONG-CO"})["results"] == []


def test_pages_link_to_each_other_without_counting(client, catalogue):
    first = get_json(client, LIST, {"page_size": 5})
    second = get_json(client, LIST, {"page_size": 5, "page": 2})
    last = get_json(client, LIST, {"page_size": 5, "page": 3})
    beyond = get_json(client, LIST, {"page_size": 5, "page": 9})

    assert "count" not in first
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/procedures/?page=2&page_size=5"
    assert second["previous"] == "http://testserver/api/v1/procedures/?page_size=5"
    assert len(last["results"]) == 3 and last["next"] is None
    all_codes = codes(first) + codes(second) + codes(last)
    assert len(set(all_codes)) == len(catalogue.versions)
    assert beyond["results"] == [] and beyond["next"] is None


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"online_level": "7"}, "online_level"),
        ({"online_level": "cao"}, "online_level"),
        ({"level": "thon"}, "level"),
        ({"subject": "everyone"}, "subject"),
        ({"q": "x" * 201}, "q"),
        ({"agency": "A" * 36}, "agency"),
        ({"page": "0"}, "page"),
        ({"page": "hai"}, "page"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_parameters_are_refused_with_a_clear_message(
    client, catalogue, vietnamese, params, name
):
    data = get_json(client, LIST, params, status=400)

    assert data["code"] == "invalid"
    assert name in data["detail"]
    assert list(data["errors"]) == [name]
    assert data["errors"][name][0]


def test_bad_parameter_messages_are_vietnamese(client, catalogue, vietnamese):
    data = get_json(client, LIST, {"online_level": "7", "page": "0"}, status=400)

    assert data["detail"] == "Một số tham số không hợp lệ: online_level."
    assert data["errors"] == {"online_level": ["“7” không phải là giá trị hợp lệ."]}
    paging = get_json(client, LIST, {"page": "0"}, status=400)
    assert paging["errors"] == {"page": ["Nhập một số nguyên từ 1 đến 10000."]}


def test_the_list_is_read_only(client, catalogue, vietnamese):
    response = client.post(LIST, {}, content_type="application/json")

    assert response.status_code == 405
    assert response.json() == {
        "detail": "Phương thức “POST” không được phép.",
        "code": "method_not_allowed",
    }


# --- One procedure


def _full_version():
    version = ProcedureVersionFactory(
        published=True,
        announced=True,
        name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        legal_basis="Luật Xây dựng số 50/2014/QH13\n\nNghị định số 15/2021/NĐ-CP\n",
        unverified=["fees"],
        sources="Cơ sở dữ liệu quốc gia về TTHC",
    )
    TimeOptionFactory(version=version, position=5, label="Nhà ở trong đô thị", duration=15)
    FeeFactory(
        version=version, position=5, name="Phí thẩm định", amount=75_000, unit=Fee.Unit.PER_COPY
    )
    return version


def test_detail_shows_every_part_of_the_published_version(client):
    version = _full_version()
    procedure = version.procedure

    data = get_json(client, f"{LIST}{procedure.local_code}/")

    assert data["code"] == procedure.local_code
    assert data["name"] == version.name
    assert data["version"] == version.number
    assert data["levels"] == ["tinh"]
    assert data["subjects"] == ["citizens"]
    assert data["channels"] == ["counter", "online"]
    assert data["online_level"] == 3 and data["online_service_kind"] == "partial"
    assert data["time_options"] == [
        {"label": "", "duration": 5, "unit": "working_days", "same_day": False, "cutoff": None},
        {
            "label": "Nhà ở trong đô thị",
            "duration": 15,
            "unit": "working_days",
            "same_day": False,
            "cutoff": None,
        },
    ]
    assert data["fees"][1] == {
        "name": "Phí thẩm định",
        "amount": 75_000,
        "unit": "copy",
        "cap": None,
        "conditions": "",
    }
    assert [c["count"] for c in data["components"]] == [1, 2]
    assert data["components"][1]["paper_form"] == Component.PaperForm.COPY
    assert data["components"][0]["template_url"] is None
    assert data["steps"] == ["Bước 1: Nộp hồ sơ tại Bộ phận Một cửa.", "Bước 2: Nhận kết quả."]
    agency = version.competent_agency
    assert data["competent_agency"] == {"code": agency.code, "name": agency.name}
    assert data["receiving_agencies"] == [
        {
            "code": agency.code,
            "name": agency.name,
            "desk_name": agency.desk_name,
            "desk_address": agency.desk_address,
            "desk_phone": agency.desk_phone,
            "desk_email": agency.desk_email,
            "desk_opening_hours": agency.desk_opening_hours,
        }
    ]
    assert data["legal_basis"] == ["Luật Xây dựng số 50/2014/QH13", "Nghị định số 15/2021/NĐ-CP"]
    assert data["announcing_decision"] == {
        "number": version.announcing_decision_number,
        "date": "2025-03-01",
    }
    assert data["unverified"] == ["fees"]
    assert data["sources"] == "Cơ sở dữ liệu quốc gia về TTHC"
    assert data["retention_years"] is None
    assert data["url"] == f"http://testserver/thu-tuc/{procedure.local_code}/"


def test_detail_links_the_form_template_to_download(client):
    version = ProcedureVersionFactory(published=True)
    component = ComponentFactory(version=version, position=9, with_template=True)

    data = get_json(client, f"{LIST}{version.procedure.local_code}/")

    url = data["components"][-1]["template_url"]
    assert url.startswith("http://testserver/")
    assert str(component.pk) in url


def test_detail_shows_the_published_version_not_the_draft_beside_it(client):
    published = ProcedureVersionFactory(published=True, name="Tên đã công bố")
    ProcedureVersionFactory(procedure=published.procedure, complete=True, name="Tên dự thảo")

    data = get_json(client, f"{LIST}{published.procedure.local_code}/")

    assert data["name"] == "Tên đã công bố"


@pytest.mark.parametrize("state", ["unknown", "draft", "superseded"])
def test_detail_of_a_code_with_nothing_published_is_a_json_404(client, vietnamese, state):
    if state == "unknown":
        code = "KHONG.CO.MA"
    else:
        version = ProcedureVersionFactory(**{("complete" if state == "draft" else state): True})
        assert version.status != VersionStatus.PUBLISHED
        code = version.procedure.local_code

    data = get_json(client, f"{LIST}{code}/", status=404)

    assert data == {"detail": "Không tìm thấy.", "code": "not_found"}


# --- A fixed number of queries, whatever the number of results


def _queries(client, url, params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        data = get_json(client, url, params)
    return len(queries), data


@pytest.mark.parametrize("query", ["", "thu tuc"])
def test_the_list_runs_the_same_queries_for_1_and_20_results(client, query):
    field = FieldFactory()
    ProcedureVersionFactory(published=True, field=field, name="Thủ tục thử nghiệm đầu tiên")
    one, data = _queries(client, LIST, {"field": field.code, "q": query})
    assert len(data["results"]) == 1
    for number in range(24):
        ProcedureVersionFactory(published=True, field=field, name=f"Thủ tục thử nghiệm {number}")

    twenty, data = _queries(client, LIST, {"field": field.code, "q": query})

    assert len(data["results"]) == 20 and data["next"]
    assert one == twenty == 2  # the ranked ids, then the page's rows


def test_the_detail_runs_a_fixed_number_of_queries(client):
    small = ProcedureVersionFactory(published=True)
    large = _full_version()
    for position in range(10, 20):
        ComponentFactory(version=large, position=position)
    large.receiving_agencies.add(small.competent_agency)
    for version in (small, large):
        ProcessStepFactory(version=version, position=1)

    few, _ = _queries(client, f"{LIST}{small.procedure.local_code}/", {})
    many, data = _queries(client, f"{LIST}{large.procedure.local_code}/", {})

    assert len(data["components"]) == 12 and len(data["receiving_agencies"]) == 2
    assert few == many <= 8
