"""Forms of the applicant's pages: input shapes only; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.dossiers.constants import PartyKind, ResultDelivery


def _desk_label(agency: Agency) -> str:
    return f"{agency.desk_name} ({agency.name})" if agency.desk_name else agency.name


class DeskForm(forms.Form):
    receiving_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        widget=forms.RadioSelect,
        label=_("Where your dossier is received"),
        empty_label=None,
        error_messages={"required": _("Choose the desk that receives your dossier.")},
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["receiving_agency"]
        field.queryset = agencies
        field.label_from_instance = _desk_label


class OwnerForm(forms.Form):
    """The dossier owner (chủ hồ sơ) when it is not the signed-in applicant (Nộp thay)."""

    on_behalf = forms.BooleanField(
        label=_("I submit on behalf of another person or organisation"), required=False
    )
    owner_kind = forms.ChoiceField(
        label=_("Owner type"),
        choices=PartyKind.choices,
        initial=PartyKind.INDIVIDUAL,
        required=False,
    )
    owner_name = forms.CharField(label=_("Owner's name"), max_length=200, required=False)
    owner_id_number = forms.RegexField(
        label=_("Owner's personal ID number"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("A personal ID number has 12 digits.")},
    )
    owner_phone = forms.CharField(label=_("Owner's phone"), max_length=20, required=False)
    owner_address = forms.CharField(label=_("Owner's address"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        data["owner_kind"] = data.get("owner_kind") or PartyKind.INDIVIDUAL
        if data.get("on_behalf") and not data.get("owner_name"):
            self.add_error("owner_name", _("Enter the name of the person you submit for."))
        return data


class UploadForm(forms.Form):
    component = forms.CharField(widget=forms.HiddenInput)
    upload = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
        },
    )


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How do you want to receive the result?"),
        choices=ResultDelivery.choices,
        widget=forms.RadioSelect,
    )
    address = forms.CharField(
        label=_("Postal address for the result"),
        max_length=300,
        required=False,
        help_text=_("Only when you choose to receive it by post."),
    )

    def __init__(self, *args, full_online: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not full_online:
            self.fields["delivery"].choices = [
                choice for choice in ResultDelivery.choices if choice[0] != ResultDelivery.ONLINE
            ]


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the dossier?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you withdraw the dossier.")},
    )
