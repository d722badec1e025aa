"""The rating form: input shapes only; feedback.services.rating_submit holds the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import COMMENT_MAX_LENGTH, Satisfaction

_REQUIRED = {"required": _("Choose one of the three answers.")}


class RatingForm(forms.Form):
    convenience = forms.ChoiceField(
        label=_("How convenient was it to use the service?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages=_REQUIRED,
    )
    overall = forms.ChoiceField(
        label=_("How do you rate the service overall?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages=_REQUIRED,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write personal information here."),
    )
