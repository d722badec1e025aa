"""Forms of the catalogue's admin. They validate input; the admin hands it to catalog.services,
which write and audit (the forms never save themselves)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.core.errors import ServiceError

from . import services
from .models import Component, Field, Procedure, ProcedureVersion, VersionStatus


def agencies_in_scope(scope: frozenset[int] | None):
    """Agencies in operation that the administrator may name as competent (None: all)."""
    agencies = Agency.objects.active().order_by("code")
    return agencies if scope is None else agencies.filter(pk__in=scope)


class ProcedureAddForm(forms.ModelForm):
    """A new procedure and its first draft version in one step (a version needs a name, a field
    and a competent agency from the start)."""

    name = forms.CharField(
        label=_("name"),
        max_length=500,
        help_text=_("Exactly as announced."),
        widget=forms.TextInput(attrs={"size": 80}),
    )
    field = forms.ModelChoiceField(
        label=_("field"), queryset=Field.objects.select_related("sector").order_by("code")
    )
    competent_agency = forms.ModelChoiceField(label=_("competent agency"), queryset=Agency.objects)

    class Meta:
        model = Procedure
        fields = ["local_code", "national_code", "dvc_code"]

    def __init__(self, *args, scope: frozenset[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competent_agency"].queryset = agencies_in_scope(scope)


class ProcedureChangeForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = ["national_code", "dvc_code"]


class VersionForm(forms.ModelForm):
    """A draft's own fields; refuses to save a version that stopped being a draft meanwhile."""

    class Meta:
        model = ProcedureVersion
        fields = sorted(services.VERSION_EDITABLE)

    def __init__(self, *args, scope: frozenset[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if "competent_agency" in self.fields:
            agencies = agencies_in_scope(scope)
            current = self.instance.competent_agency_id
            if current is not None:
                # The current agency stays selectable even if it has closed since.
                agencies = (agencies | Agency.objects.filter(pk=current)).distinct()
            self.fields["competent_agency"].queryset = agencies
        if "receiving_agencies" in self.fields:
            chosen = list(self.instance.receiving_agencies.all()) if self.instance.pk else []
            self.fields["receiving_agencies"].queryset = Agency.objects.filter(
                Q(receives_dossiers=True, pk__in=Agency.objects.active())
                | Q(pk__in=[agency.pk for agency in chosen])
            ).order_by("code")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            status = (
                ProcedureVersion.objects.filter(pk=self.instance.pk)
                .values_list("status", flat=True)
                .first()
            )
            if status != VersionStatus.DRAFT:
                raise forms.ValidationError(services.NOT_A_DRAFT, code="not_draft")
        return cleaned


class ComponentForm(forms.ModelForm):
    class Meta:
        model = Component
        fields = ["position", "name", "paper_form", "count", "mandatory", "template", "note"]
        widgets = {
            "name": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "note": forms.Textarea(attrs={"rows": 2, "cols": 30}),
        }

    def clean_template(self):
        template = self.cleaned_data.get("template")
        if template and "template" in self.changed_data:
            try:
                services.component_template_check(template)
            except ServiceError as error:
                raise forms.ValidationError(error.message, code=error.code) from None
        return template


class ProcedureImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A JSON file, an Excel workbook (.xlsx) or a bundle (.zip of the JSON with the "
            "form templates), in the format the export writes."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx,.zip"}),
    )
