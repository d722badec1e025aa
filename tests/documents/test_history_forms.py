"""Forms 04 and 05 (2025), the control slip and the tracking register in both form sets: their
text against golden files, their paper sizes."""

import datetime

import pytest

from dichvucong.documents.control_slip import control_slip_pdf
from dichvucong.documents.register import register_pdf
from dichvucong.documents.services import document_render
from tests.documents.factories import golden_processed, golden_world
from tests.documents.golden_text import (
    A4_LANDSCAPE_POINTS,
    A5_POINTS,
    assert_matches_golden,
    page_size,
    pdf_pages,
    pdf_text,
)
from tests.workflow.world import local

pytestmark = pytest.mark.django_db

# Mondays, 08:00 in Vietnam: under TT 01/2018, and under TT 03/2025.
ON = {"2018": local(2025, 6, 2, 8, 0), "2025": local(2026, 3, 2, 8, 0)}


def _stored_pdf(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize("rule_set", ["2018", "2025"])
def test_form_04_apology_on_one_a5_page(rule_set):
    dossier = golden_processed(golden_world(), on=ON[rule_set], finish="apology")

    document = document_render(dossier_id=dossier.pk, kind="apology")

    data = _stored_pdf(document)
    assert (document.rule_set.code, document.form_number) == (rule_set, "04")
    assert_matches_golden(pdf_text(data), f"apology_{rule_set}")
    pages = pdf_pages(data)
    assert len(pages) == 1 and page_size(pages[0]) == A5_POINTS


def test_form_05_stop_notice_of_the_2025_set():
    dossier = golden_processed(golden_world(), on=ON["2025"], finish="stopped")

    document = document_render(dossier_id=dossier.pk, kind="stop_notice")

    data = _stored_pdf(document)
    assert document.form_number == "05"
    assert_matches_golden(pdf_text(data), "stop_notice_2025")
    pages = pdf_pages(data)
    assert len(pages) == 1 and page_size(pages[0]) == A5_POINTS


@pytest.mark.parametrize(("rule_set", "number"), [("2018", "05"), ("2025", "06")])
def test_control_slip_on_a5(rule_set, number):
    dossier = golden_processed(golden_world(), on=ON[rule_set])

    data = control_slip_pdf(dossier=dossier)

    text = pdf_text(data)
    assert f"Mẫu số {number} (ban hành kèm theo" in text
    assert_matches_golden(text, f"control_slip_{rule_set}")
    assert {page_size(page) for page in pdf_pages(data)} == {A5_POINTS}


@pytest.mark.parametrize(("rule_set", "number"), [("2018", "06"), ("2025", "07")])
def test_register_on_a4_landscape(rule_set, number):
    w = golden_world()
    on = ON[rule_set]
    golden_processed(w, on=on, owner=0)
    golden_processed(w, on=on + datetime.timedelta(days=1), finish="apology", owner=1)
    golden_processed(w, on=on + datetime.timedelta(days=2), finish="stopped", owner=2)
    first_day = on.date().replace(day=1)

    data = register_pdf(agency=w.desk, date_from=first_day, date_to=first_day.replace(day=28))

    text = pdf_text(data)
    assert f"Mẫu số {number} (ban hành kèm theo" in text
    assert_matches_golden(text, f"register_{rule_set}")
    assert {page_size(page) for page in pdf_pages(data)} == {A4_LANDSCAPE_POINTS}


def test_a_second_apology_names_the_date_it_replaces():
    from dichvucong.core.selectors import ruleset_form_get
    from dichvucong.documents.rendering import form_context, render_html
    from dichvucong.workflow import processing

    w = golden_world()
    dossier = golden_processed(w, on=ON["2025"], finish="apology")
    first = dossier.apologies.get()
    second = processing.apology_issue(
        dossier=dossier,
        actor=w.leader,
        reason="Chưa có kết quả xác minh.",
        new_due_at=first.new_due_at + datetime.timedelta(days=2),
        at=first.new_due_at - datetime.timedelta(hours=1),
    )
    form = ruleset_form_get(rule_set=dossier.rule_set, purpose="apology")

    def html(apology):
        context = form_context(
            dossier=dossier, kind="apology", form=form, supplement_request=None, apology=apology
        )
        return render_html(context, "apology")

    assert "đã hẹn lại đến" not in html(first)
    assert "(đã hẹn lại đến 08 giờ 00 phút, ngày 12 tháng 03 năm 2026)" in html(second)
