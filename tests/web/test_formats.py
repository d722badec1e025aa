import datetime

from django import forms
from django.utils import translation


class DateForm(forms.Form):
    day = forms.DateField()


def test_vietnamese_forms_read_the_day_first():
    with translation.override("vi"):
        form = DateForm(data={"day": "02/09/2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2026, 9, 2)


def test_vietnamese_numbers_group_thousands_with_dots():
    from django.utils.formats import number_format

    with translation.override("vi"):
        assert number_format(200000, force_grouping=True) == "200.000"
