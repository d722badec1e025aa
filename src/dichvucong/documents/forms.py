"""The tracking register's parameters: agency, period, file format."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .register import MAX_PERIOD_DAYS

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class RegisterForm(forms.Form):
    """GET parameters agency, from, to and format; the agencies are those the user may print."""

    FORMATS = [("pdf", _("PDF (A4, to print)")), ("xlsx", _("Excel workbook (XLSX)"))]

    agency = forms.ModelChoiceField(
        queryset=None,
        label=_("Receiving agency"),
        error_messages={
            "required": _("Choose the agency whose register you want."),
            "invalid_choice": _("Choose one of the agencies in the list."),
        },
    )
    format = forms.ChoiceField(
        choices=FORMATS,
        initial="pdf",
        label=_("File"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose PDF or Excel."),
            "invalid_choice": _("Choose PDF or Excel."),
        },
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        # "from" and "to" are the URL's words, and Python keywords: declared here.
        for name, label in (("from", _("From (date received)")), ("to", _("To (inclusive)"))):
            self.fields[name] = forms.DateField(
                label=label,
                input_formats=DATE_FORMATS,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={
                    "required": _("Enter the date."),
                    "invalid": _("Enter a date such as 2026-03-31."),
                },
            )
        self.order_fields(["agency", "from", "to", "format"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date):
            if end < start:
                self.add_error("to", _("The end date is before the start date."))
            elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                self.add_error(
                    "to",
                    _("A register covers at most %(days)s days.") % {"days": MAX_PERIOD_DAYS},
                )
        return data
