"""The public catalogue pages: search and filters, a procedure's page, its forms to download."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dichvucong.catalog.models import Component, Fee, OnlineLevel
from tests.accounts.factories import UserFactory
from tests.agencies.factories import AgencyFactory

from .factories import (
    ComponentFactory,
    FeeFactory,
    FieldFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    ProcessStepFactory,
    StepFactory,
    TimeOptionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

LIST = reverse("catalog:list")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def detail_url(version) -> str:
    return reverse("catalog:detail", args=[version.procedure.local_code])


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def result_names(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/thu-tuc/[^"]+/">([^<]+)</a></h3>', html)


# --- The catalogue page


def test_catalogue_page_in_vietnamese(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Thủ tục hành chính ·" in html
    assert "<h1>Thủ tục hành chính</h1>" in html
    assert 'aria-label="Đường dẫn"' in html and 'href="/">Trang chủ</a>' in html
    assert "13 thủ tục" in html
    for name in ("q", "sector", "field", "agency", "level", "online_level", "subject"):
        assert f'<label for="id_{name}">' in html  # every control has its label
    assert 'role="search"' in html
    # A result shows its field, level, online level with its kind, and competent agency.
    main = main_of(response)
    card = main[main.index("Đăng ký khai sinh</a>") :]
    card = card[: card.index("</li>")]
    assert "Hộ tịch" in card
    assert "Cấp xã" in card
    assert "Mức độ 4: dịch vụ công trực tuyến toàn trình" in card
    assert "UBND xã Hỏa Lựu" in card
    assert "Đăng ký khai sinh lưu động" not in html  # a draft


def test_search_box_ranks_results(client, catalogue):
    response = client.get(LIST, {"q": "dang ky khai sinh"})
    html = response.content.decode()
    names = result_names(html)
    assert names[0] == "Đăng ký khai sinh"
    assert names[1] == "Đăng ký khai sinh có yếu tố nước ngoài"
    assert "<title>Tìm “dang ky khai sinh” · Thủ tục hành chính ·" in html
    assert 'value="dang ky khai sinh"' in html


def test_filters_combine_with_the_search_box(client, catalogue):
    html = client.get(LIST, {"q": "khai sinh", "online_level": "3"}).content.decode()
    assert result_names(html) == [
        "Đăng ký lại khai sinh",
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
    ]
    html = client.get(LIST, {"agency": "T98.3", "subject": "organisations"}).content.decode()
    assert result_names(html) == ["Đăng ký thành lập doanh nghiệp tư nhân"]
    html = client.get(LIST, {"sector": "T99-TP", "level": "tinh"}).content.decode()
    assert result_names(html)[0].startswith("Cấp Phiếu lý lịch tư pháp")
    assert len(result_names(html)) == 1
    html = client.get(LIST, {"field": "T99-XD1"}).content.decode()
    assert result_names(html) == ["Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"]


def test_facets_show_counts(client, catalogue):
    html = client.get(LIST).content.decode()
    assert '<option value="T99-HT">Hộ tịch (7)</option>' in html
    assert '<option value="T99-TP">Tư pháp (9)</option>' in html
    assert '<option value="T98.3">Trung tâm Phục vụ hành chính công tỉnh</option>' in html


def test_an_unknown_filter_value_is_reported_and_ignored(client, catalogue):
    response = client.get(LIST, {"field": "no-such-field", "q": "khai tu"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in html
    assert result_names(html)[0] == "Đăng ký khai tử"


def test_no_result_gives_suggestions(client, catalogue):
    html = client.get(LIST, {"q": "thuế xuất nhập khẩu", "level": "tinh"}).content.decode()
    assert "Không tìm thấy thủ tục nào phù hợp" in html
    assert "dang ky khai sinh" in html  # how to type without diacritics
    # Drop the filters but keep the words.
    assert 'href="/thu-tuc/?q=thu%E1%BA%BF%20xu%E1%BA%A5t%20nh%E1%BA%ADp%20kh%E1%BA%A9u"' in html
    assert reverse("agencies:directory") in html


def test_pages(client):
    field = FieldFactory(name="Hộ tịch")
    agency = AgencyFactory(with_desk=True)
    for number in range(25):
        ProcedureVersionFactory(
            published=True,
            name=f"Thủ tục số {number:02d}",
            field=field,
            competent_agency=agency,
            receiving_agencies=[agency],
        )
    first = client.get(LIST, {"field": field.code}).content.decode()
    assert len(result_names(first)) == 20
    assert "Trang 1/2" in first
    assert f'href="?field={field.code}&amp;page=2"' in first
    second = client.get(LIST, {"field": field.code, "page": "2"}).content.decode()
    assert result_names(second) == [f"Thủ tục số {number}" for number in range(20, 25)]
    # A page beyond the last shows the last one.
    assert result_names(client.get(LIST, {"page": "99"}).content.decode())[0] == "Thủ tục số 20"


def test_htmx_refreshes_only_the_results(client, catalogue):
    response = client.get(LIST, {"q": "ket hon"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<section id="results"')
    assert result_names(html)[0] == "Đăng ký kết hôn"
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("count", [1, 20])
def test_catalogue_queries_do_not_grow_with_results(client, count, django_assert_num_queries):
    field = FieldFactory()
    agency = AgencyFactory(with_desk=True)
    for _number in range(count):
        ProcedureVersionFactory(
            published=True, field=field, competent_agency=agency, receiving_agencies=[agency]
        )
    # Facets (2), the count (1), the page (1).
    with django_assert_num_queries(4):
        response = client.get(LIST, {"q": "thu tuc"})
    assert len(result_names(response.content.decode())) == count
    with django_assert_num_queries(4):
        client.get(LIST)


# --- The procedure page


@pytest.fixture
def birth(db):
    """Đăng ký khai sinh as the demo publishes it: same-day, free, a template to download."""
    commune = AgencyFactory(
        commune=True,
        with_desk=True,
        code="T98.21",
        name="UBND xã Hỏa Lựu",
        desk_phone="0293 3 000 001",
        desk_email="hoaluu@example.test",
        desk_opening_hours="Sáng 07:00-11:30, chiều 13:30-17:00",
    )
    version = ProcedureVersionFactory(
        procedure=ProcedureFactory(national_code="1.001193", local_code="1.001193.000.00.00.T98"),
        name="Đăng ký khai sinh",
        field=FieldFactory(name="Hộ tịch"),
        competent_agency=commune,
        receiving_agencies=[commune],
        status="published",
        published_at=datetime.datetime(2025, 7, 1, 8, tzinfo=datetime.UTC),
        at_commune=True,
        for_citizens=True,
        channel_counter=True,
        channel_post=True,
        channel_online=True,
        online_level=OnlineLevel.FULL,
        legal_basis="Luật Hộ tịch số 60/2014/QH13\nNghị định số 123/2015/NĐ-CP\n",
        result_document="Giấy khai sinh",
        announcing_decision_number="1811/QĐ-UBND",
        announcing_decision_date=datetime.date(2019, 7, 1),
        retention_years=None,
        unverified=["fees"],
    )
    TimeOptionFactory(version=version, same_day_case=True, label="")
    TimeOptionFactory(
        version=version,
        position=1,
        label="Trường hợp cần xác minh",
        duration=3,
        unit="working_days",
    )
    FeeFactory(version=version, name="Lệ phí đăng ký khai sinh đúng hạn", amount=0)
    FeeFactory(
        version=version,
        position=1,
        name="Cấp bản sao trích lục",
        amount=8_000,
        unit=Fee.Unit.PER_COPY,
    )
    ComponentFactory(
        version=version,
        name="Tờ khai đăng ký khai sinh",
        with_template=True,
    )
    ComponentFactory(
        version=version,
        position=1,
        name="Giấy chứng sinh",
        paper_form=Component.PaperForm.COPY,
        count=2,
        mandatory=False,
    )
    StepFactory(version=version, description="Bước 1: Nộp hồ sơ.")
    StepFactory(version=version, position=1, description="Bước 2: Nhận Giấy khai sinh.")
    return version


def test_procedure_page_in_plain_vietnamese(client, birth):
    response = client.get(detail_url(birth))
    assert response.status_code == 200
    html = response.content.decode()
    main = main_of(response)
    assert "<title>Đăng ký khai sinh ·" in html
    assert '<h1 id="procedure-name">Đăng ký khai sinh</h1>' in main
    # Breadcrumbs: home, the catalogue, the field, the procedure.
    crumbs = main[main.index('class="breadcrumbs"') : main.index("</nav>")]
    assert re.findall(r">([^<>]+)</a></li>", crumbs) == [
        "Trang chủ",
        "Thủ tục hành chính",
        "Hộ tịch",
        "Đăng ký khai sinh",
    ]
    assert "Trong ngày (nếu nhận sau 15 giờ 00 thì trả kết quả ngày làm việc tiếp theo)" in main
    assert "Trường hợp cần xác minh: 3 ngày làm việc" in main
    assert "Miễn phí" in main and "8.000 đồng/bản" in main
    assert "Tờ khai đăng ký khai sinh" in main and "Bản sao" in main and "2 bản" in main
    assert "Không bắt buộc" in main
    assert main.index("Bước 1: Nộp hồ sơ.") < main.index("Bước 2: Nhận Giấy khai sinh.")
    assert "Qua dịch vụ bưu chính công ích" in main
    assert "<li>Luật Hộ tịch số 60/2014/QH13</li>" in main
    assert "<li>Nghị định số 123/2015/NĐ-CP</li>" in main
    assert "Giấy khai sinh" in main
    assert "Quyết định số 1811/QĐ-UBND ngày 01/07/2019" in main
    assert "ma_thu_tuc=1.001193" in main
    assert "Mức độ 4: dịch vụ công trực tuyến toàn trình" in main
    assert "Vĩnh viễn" in main
    # The receiving desk's contact.
    assert "UBND xã Hỏa Lựu" in main
    assert 'href="tel:02933000001"' in main
    assert 'href="mailto:hoaluu@example.test"' in main
    assert "Sáng 07:00-11:30" in main
    # Fees are marked unverified, and only they.
    assert "Thông tin chưa được kiểm chứng" in main
    fees = main[main.index('id="fees-heading"') :]
    assert "Thông tin chưa được kiểm chứng" in fees[: fees.index("</h2>")]
    steps = main[main.index('id="steps-heading"') :]
    assert "Thông tin chưa được kiểm chứng" not in steps[: steps.index("</h2>")]


def test_same_day_without_its_own_cutoff_follows_the_rule_set(client, birth):
    birth.time_options.filter(same_day=True).update(cutoff=None)
    html = client.get(detail_url(birth)).content.decode()
    assert "nếu nhận sau 15 giờ 00" in html  # the seeded rule sets say 15:00


def test_online_button_leads_to_the_start_page_through_login(client, birth):
    html = main_of(client.get(detail_url(birth)))
    start = reverse("web:dossier-start", args=[birth.procedure.local_code])
    assert f'href="{start}"' in html
    assert ">Nộp hồ sơ trực tuyến</a>" in html
    response = client.get(start)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("level", "button"),
    [(OnlineLevel.INFORMATION, False), (OnlineLevel.FORMS, False), (OnlineLevel.PARTIAL, True)],
)
def test_online_button_only_for_levels_3_and_4(client, level, button):
    version = ProcedureVersionFactory(published=True, online_level=level)
    html = main_of(client.get(detail_url(version)))
    assert (">Nộp hồ sơ trực tuyến</a>" in html) is button
    kind = "một phần" if button else "cung cấp thông tin"
    assert kind in html


def test_signed_in_applicant_gets_the_online_button(client, birth):
    client.force_login(UserFactory(applicant=True))
    html = main_of(client.get(detail_url(birth)))
    start = reverse("web:dossier-start", args=[birth.procedure.local_code])
    assert f'href="{start}">Nộp hồ sơ trực tuyến</a>' in html


def test_unknown_or_unpublished_code_is_404(client):
    assert client.get(reverse("catalog:detail", args=["9.999999.H30"])).status_code == 404
    draft = ProcedureVersionFactory(complete=True)
    assert client.get(detail_url(draft)).status_code == 404
    superseded = ProcedureVersionFactory(superseded=True)
    assert client.get(detail_url(superseded)).status_code == 404


def test_the_page_shows_the_published_version_not_the_draft(client, birth):
    ProcedureVersionFactory(procedure=birth.procedure, complete=True, name="Bản nháp mới")
    html = client.get(detail_url(birth)).content.decode()
    assert "Đăng ký khai sinh" in html and "Bản nháp mới" not in html


@pytest.mark.parametrize("count", [1, 20])
def test_procedure_page_queries_do_not_grow_with_parts(client, count, django_assert_num_queries):
    desks = [AgencyFactory(with_desk=True) for _number in range(count)]
    version = ProcedureVersionFactory(published=True, receiving_agencies=desks, with_parts=False)
    for position in range(count):
        TimeOptionFactory(version=version, position=position)
        FeeFactory(version=version, position=position)
        ComponentFactory(version=version, position=position, with_template=True)
        StepFactory(version=version, position=position)
        ProcessStepFactory(version=version, position=position)
    # The version with its joins (1), then times, fees, components, steps, process steps,
    # their agencies and desks (7).
    with django_assert_num_queries(8):
        response = client.get(detail_url(version))
    assert main_of(response).count("download>Tải mẫu") == count


def test_layout_fits_a_phone(client, birth, catalogue):
    """375 px: no fixed widths, no inline styles, every table scrolls inside its own box."""
    for response in (client.get(detail_url(birth)), client.get(LIST)):
        main = main_of(response)
        assert "style=" not in main
        assert not re.search(r"\bwidth=", main)
        tables = main.count("<table")
        assert main.count('<div class="table-wrap">\n    <table') == tables


# --- Forms to download


def test_template_download_streams_the_file(client, birth):
    component = birth.components.get(name="Tờ khai đăng ký khai sinh")
    url = reverse("catalog:template", args=[component.pk])
    assert url in client.get(detail_url(birth)).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04 mau to khai"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "to-khai" in response["Content-Disposition"]
    # The API names the same URL.
    assert reverse("catalog:component-template", kwargs={"component_id": component.pk}) == url


def test_template_of_a_draft_or_superseded_version_is_refused(client):
    for state in ({"complete": True}, {"superseded": True}):
        version = ProcedureVersionFactory(**state)
        component = ComponentFactory(version=version, with_template=True)
        response = client.get(reverse("catalog:template", args=[component.pk]))
        assert response.status_code == 404


def test_component_without_template_or_with_a_missing_file_is_404(client, birth):
    without = birth.components.get(name="Giấy chứng sinh")
    assert client.get(reverse("catalog:template", args=[without.pk])).status_code == 404
    component = ComponentFactory(version=birth, position=5)
    component.template.save("mat.docx", ContentFile(b"x"))
    component.template.storage.delete(component.template.name)
    assert client.get(reverse("catalog:template", args=[component.pk])).status_code == 404
    assert client.get(reverse("catalog:template", args=[999999])).status_code == 404


def test_an_unverified_name_and_fee_note_are_marked(client, birth):
    type(birth).objects.filter(pk=birth.pk).update(
        unverified=["name", "fee_note"], fee_note="Mức thu theo nghị quyết của HĐND tỉnh."
    )
    main = main_of(client.get(detail_url(birth)))
    assert "Tên thủ tục chưa được kiểm chứng với văn bản công bố." in main
    note = main[main.index("Mức thu theo nghị quyết") :]
    assert note[: note.index("</p>")].endswith("(Thông tin chưa được kiểm chứng)</em>")
