"""Form fields of the desk's and officers' pages that refuse hostile input as a form error."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from dichvucong.core.ids import ID_RANGE


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, with ids beyond a database integer refused as invalid choices before
    the query that would fail on them."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # Django's own check refuses it
            if number not in ID_RANGE:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
