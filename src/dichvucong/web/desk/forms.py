"""Forms of the one-stop desk's pages: input shapes only; the rules live in workflow.intake."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.catalog.models import Component, TimeOption
from dichvucong.dossiers.constants import (
    FEE_MAX_VND,
    FEE_TOO_LARGE,
    Channel,
    PartyKind,
    ResultDelivery,
)
from dichvucong.web.fields import ModelMultipleChoiceField


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Owner's name, ID number or dossier code."),
    )
    version = forms.TypedChoiceField(
        label=_("Procedure"), required=False, coerce=int, empty_value=None
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    submitted_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("Submitted until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [("", _("All procedures"))] + [
            (version.pk, version.name) for version in versions
        ]


def _time_option_label(option: TimeOption) -> str:
    return str(option)


class ReceiveForm(forms.Form):
    time_option = forms.ModelChoiceField(
        queryset=TimeOption.objects.none(),
        label=_("Processing time"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the processing time.")},
    )
    fee_amount = forms.IntegerField(
        label=_("Fee paid at the desk (VND)"),
        required=False,
        min_value=0,
        max_value=FEE_MAX_VND,
        error_messages={"min_value": _("The fee cannot be negative."), "max_value": FEE_TOO_LARGE},
    )
    fee_receipt_number = forms.CharField(
        label=_("Fee receipt number"), required=False, max_length=50
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        options = version.time_options.all()
        field = self.fields["time_option"]
        field.queryset = options
        field.label_from_instance = _time_option_label
        if len(options) == 1:
            field.initial = options[0].pk


class SupplementForm(forms.Form):
    components = ModelMultipleChoiceField(
        queryset=Component.objects.none(),
        label=_("Components to add or fix"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one component to add or fix.")},
    )
    reason = forms.CharField(
        label=_("What to add or fix, and why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say what must be added or fixed and why.")},
    )
    exception = forms.BooleanField(
        label=_("A further request, as an exception"),
        required=False,
        help_text=_("Only when a supplement was already requested for this dossier."),
    )
    exception_reason = forms.CharField(
        label=_("Reason for the exception"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["components"].queryset = version.components.all()

    def clean(self):
        data = super().clean()
        if data.get("exception") and not (data.get("exception_reason") or "").strip():
            self.add_error("exception_reason", _("Give the reason for the exception."))
        if not data.get("exception"):
            data["exception_reason"] = ""
        return data


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give the reason for refusing the dossier.")},
    )


class StopForm(forms.Form):
    """Closing a dossier the applicant withdrew before receipt (the desk's stop)."""

    reason = forms.CharField(
        label=_("Reason for stopping"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class PaperStartForm(forms.Form):
    """Step 1 of a paper dossier: which desk and which procedure."""

    agency = forms.ModelChoiceField(queryset=None, label=_("Receiving desk"), empty_label=None)
    version = forms.ModelChoiceField(
        queryset=None,
        label=_("Procedure"),
        error_messages={"required": _("Choose the procedure.")},
    )

    def __init__(self, *args, agencies, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["version"].queryset = versions


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several scans of one component (Django's documented pattern for multiple uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class PaperDossierForm(forms.Form):
    """Step 2: the owner, the submitter, the scans per component, the receipt."""

    channel = forms.ChoiceField(
        label=_("How the dossier came"),
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)],
        widget=forms.RadioSelect,
        initial=Channel.COUNTER,
    )
    owner_kind = forms.ChoiceField(
        label=_("Owner type"), choices=PartyKind.choices, initial=PartyKind.INDIVIDUAL
    )
    owner_name = forms.CharField(
        label=_("Owner's name"),
        max_length=200,
        error_messages={"required": _("Enter the name of the dossier's owner.")},
    )
    owner_id_number = forms.RegexField(
        label=_("Owner's personal ID number"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("A personal ID number has 12 digits.")},
    )
    owner_tax_code = forms.RegexField(
        label=_("Owner's tax code"),
        regex=r"^\d{10}(-\d{3})?$",
        required=False,
        error_messages={"invalid": _("A tax code has 10 digits, or 10-3 digits.")},
    )
    owner_phone = forms.CharField(label=_("Owner's phone"), max_length=20, required=False)
    owner_email = forms.EmailField(label=_("Owner's e-mail"), required=False)
    owner_address = forms.CharField(label=_("Owner's address"), max_length=300, required=False)
    submitter_name = forms.CharField(
        label=_("Submitter's name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty when the owner files the dossier in person."),
    )
    submitter_id_number = forms.RegexField(
        label=_("Submitter's personal ID number"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("A personal ID number has 12 digits.")},
    )
    submitter_phone = forms.CharField(label=_("Submitter's phone"), max_length=20, required=False)
    summary = forms.CharField(
        label=_("Request"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    result_delivery = forms.ChoiceField(
        label=_("How the result is returned"),
        choices=[
            (ResultDelivery.DESK, ResultDelivery.DESK.label),
            (ResultDelivery.POST, ResultDelivery.POST.label),
        ],
        widget=forms.RadioSelect,
        initial=ResultDelivery.DESK,
    )
    delivery_address = forms.CharField(
        label=_("Postal address for the result"), max_length=300, required=False
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.components = list(version.components.all())
        for component in self.components:
            self.fields[f"component_{component.pk}"] = MultipleFileField(
                label=component.name,
                required=component.mandatory,
                error_messages={"required": _("Scan this required component.")},
            )
        receive = ReceiveForm(version=version)
        self.fields.update(receive.fields)

    def component_fields(self):
        return [self[f"component_{component.pk}"] for component in self.components]

    def files_by_component(self) -> dict[int, list]:
        return {
            component.pk: self.cleaned_data.get(f"component_{component.pk}") or []
            for component in self.components
            if self.cleaned_data.get(f"component_{component.pk}")
        }

    def party(self, prefix: str, names) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"{prefix}_{name}", "") for name in names}
