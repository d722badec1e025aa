"""The one formatter of amounts (core.money), in code and in templates."""

from django.template import Context, Template
from django.utils import translation

from dichvucong.core.money import amount_text, vnd


def test_amounts_in_vietnamese(vietnamese):
    assert amount_text(1_500_000) == "1.500.000"
    assert vnd(8_000) == "8.000 đồng"
    assert vnd(0) == "0 đồng"


def test_amounts_in_english():
    with translation.override("en"):
        assert vnd(1_500_000) == "1,500,000 VND"


def test_the_template_filters(vietnamese):
    template = Template("{% load money %}{{ fee|vnd }}|{{ fee|amount_text }}|{{ none|vnd }}")
    assert template.render(Context({"fee": 50_000, "none": None})) == "50.000 đồng|50.000|"
