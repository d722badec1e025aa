"""Forms 01 to 03 as PDFs: their text against golden files, A5 pages, the rule set's form set."""

import datetime
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from dichvucong.documents.services import document_render
from tests.documents.factories import RECEIVED_2026, golden_dossier

GOLDEN = Path(__file__).parent / "golden"
A5_POINTS = (419.53, 595.28)  # 148 by 210 mm


def pdf_text(document) -> tuple[str, list]:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text, reader.pages


def normalised(text: str) -> str:
    # Line breaks depend on the fonts installed; the words and their order must not.
    return " ".join(text.split())


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
    golden = (GOLDEN / f"{kind}.txt").read_text()
    assert normalised(text) == normalised(golden)
    assert len(pages) == 1
    box = pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A5_POINTS


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
def test_the_rating_qr_code_appears_only_once_the_rating_page_exists(monkeypatch):
    from dichvucong.documents import formatting

    dossier = golden_dossier()
    html_without = _html(dossier)
    monkeypatch.setattr(formatting, "reverse", lambda name, kwargs: f"/danh-gia/{kwargs['code']}/")
    html_with = _html(dossier)

    assert "Tra cứu hồ sơ" in html_without and "Đánh giá" not in html_without
    assert "Đánh giá" in html_with
    assert html_with.count("<svg") == 2


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
