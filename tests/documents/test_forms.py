"""Forms 01 to 03 as PDFs: their text against golden files, A5 pages, the rule set's form set."""

import datetime

import pytest

from dichvucong.documents.services import document_render
from tests.documents import golden_text
from tests.documents.factories import RECEIVED_2026, golden_dossier
from tests.documents.golden_text import A5_POINTS, assert_matches_golden, page_size


def pdf_text(document) -> tuple[str, list]:
    with document.file.open("rb") as handle:
        data = handle.read()
    return golden_text.pdf_text(data), golden_text.pdf_pages(data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "kind"),
    [
        ("received", "receipt"),
        ("supplement_requested", "supplement_request"),
        ("refused", "refusal"),
    ],
)
def test_form_text_matches_the_golden_file_on_one_a5_page(state, kind):
    dossier = golden_dossier(state=state)

    document = document_render(dossier_id=dossier.pk, kind=kind)

    text, pages = pdf_text(document)
    assert_matches_golden(text, kind)
    assert len(pages) == 1
    assert page_size(pages[0]) == A5_POINTS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received_at", "circular", "rule_set"),
    [
        (
            datetime.datetime(2025, 6, 30, 3, 0, tzinfo=datetime.UTC),
            "Thông tư 01/2018/TT-VPCP",
            "2018",
        ),
        (RECEIVED_2026, "Thông tư 03/2025/TT-VPCP", "2025"),
    ],
)
def test_the_dossier_prints_the_form_set_of_its_rule_set(received_at, circular, rule_set):
    dossier = golden_dossier(on=received_at)

    document = document_render(dossier_id=dossier.pk, kind="receipt")

    text, _pages = pdf_text(document)
    assert f"Mẫu số 01 (ban hành kèm theo {circular})" in text
    assert (document.rule_set.code, document.form_number) == (rule_set, "01")
    assert document.form_title == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"


@pytest.mark.django_db
def test_the_receipt_carries_the_lookup_and_rating_qr_codes():
    html = _html(golden_dossier())

    assert "Tra cứu hồ sơ" in html and "Đánh giá" in html
    assert html.count("<svg") == 2


def _html(dossier):
    from dichvucong.core.selectors import ruleset_form_get
    from dichvucong.documents.rendering import form_context, render_html

    form = ruleset_form_get(rule_set=dossier.rule_set, purpose="receipt")
    context = form_context(dossier=dossier, kind="receipt", form=form, supplement_request=None)
    return render_html(context, "receipt")


def test_the_lookup_url_of_the_qr_code():
    from dichvucong.documents.formatting import lookup_url

    assert lookup_url("000.03.21.H30-260213-0001") == (
        "https://dichvucong.haugiang.gov.vn/tra-cuu/?ma=000.03.21.H30-260213-0001"
    )
