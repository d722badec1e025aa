from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Level


class DirectoryFilterForm(forms.Form):
    """The directory's search box and level filter (GET)."""

    q = forms.CharField(
        label=_("Agency name or code"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    level = forms.ChoiceField(
        label=pgettext_lazy("administrative level", "Level"),
        choices=[("", pgettext_lazy("administrative level", "All levels")), *Level.choices],
        required=False,
    )
