"""Forms of the officers' pages: input shapes only; the rules live in workflow.processing,
whose refusals come back onto these forms at the field they name."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from dichvucong.catalog.models import Component, ProcessRole
from dichvucong.dossiers.constants import FEE_MAX_VND, FEE_TOO_LARGE, ResultKind
from dichvucong.dossiers.models import DossierStep
from dichvucong.web.fields import ModelMultipleChoiceField

RESULT_FILE_SLOTS = 3


class PlainSelect(forms.Select):
    """A <select> rendered in Python: Django's renderer runs a template per option, and the
    inbox (the officers' busiest page) lists dozens of procedures on every view."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), " selected" if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        return format_html(
            "<select{}>{}</select>",
            flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name})),
            options,
        )


class InboxFilterForm(forms.Form):
    """The inbox's GET form: which (agency, role) pair, whose steps, due, procedure, search."""

    pair = forms.ChoiceField(label=_("Inbox"), required=False, widget=PlainSelect)
    scope = forms.ChoiceField(
        label=_("Dossiers"),
        required=False,
        widget=PlainSelect,
        choices=[
            ("mine", _("Mine and unassigned")),
            ("unassigned", _("Unassigned only")),
        ],
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        widget=PlainSelect,
        choices=[("", _("Any time")), ("soon", _("Due soon")), ("overdue", _("Overdue"))],
    )
    procedure = forms.TypedChoiceField(
        label=_("Procedure"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("The start of a dossier code, or part of the owner's name."),
    )

    def __init__(self, *args, pairs, agency_names, procedures, may_see_all, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair"].choices = [
            (
                pair_value(agency_id, role),
                f"{agency_names.get(agency_id, agency_id)} · {ProcessRole(role).label}",
            )
            for agency_id, role in pairs
        ]
        if may_see_all:
            self.fields["scope"].choices = [
                *self.fields["scope"].choices,
                ("all", _("All of the agency's (to assign)")),
            ]
        self.fields["procedure"].choices = [("", _("All procedures")), *procedures]

    def selected_pair(self) -> tuple[int | None, str | None]:
        value = self.cleaned_data.get("pair") if self.is_bound and self.is_valid() else ""
        return pair_parse(value)


def pair_value(agency_id: int, role: str) -> str:
    return f"{agency_id}:{role}"


def pair_parse(value: str | None) -> tuple[int | None, str | None]:
    try:
        agency, role = (value or "").split(":", 1)
        return int(agency), role
    except ValueError:
        return None, None


class StepForm(forms.Form):
    """An action on the dossier's open step: the step the page showed, so that an action on a
    page gone stale (the dossier moved on meanwhile) is refused rather than misapplied. Any
    other id (another dossier's step, none at all) is refused the same way."""

    step = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, open_step: DossierStep | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_step = open_step

    def clean(self):
        data = super().clean()
        step = data.get("step")
        if step is not None and (self.open_step is None or step != self.open_step.pk):
            # A form error, not the field's: the step is a hidden input nobody can correct.
            raise forms.ValidationError(
                _("This step was already handed on. Reload the dossier to see where it is now."),
                code="stale_step",
            )
        return data


class TakeForm(StepForm):
    pass


class AssignForm(StepForm):
    assignee = forms.TypedChoiceField(
        label=_("Assign to"),
        coerce=int,
        error_messages={"required": _("Choose a colleague.")},
    )

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.officers = {officer.pk: officer for officer in officers}
        self.fields["assignee"].choices = [("", _("— choose —"))] + [
            (officer.pk, officer.full_name or officer.email) for officer in officers
        ]


class ForwardForm(StepForm):
    note = forms.CharField(
        label=_("Note for the next step"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SendBackForm(StepForm):
    note = forms.CharField(
        label=_("Why it is sent back"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SupplementForm(StepForm):
    components = ModelMultipleChoiceField(
        queryset=Component.objects.none(),
        label=_("Components to add or fix"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label=_("What to add or fix, and why"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    exception_reason = forms.CharField(
        label=_("Reason for an exception"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only when your agency already asked for a supplement on this dossier: the "
            "further request counts the dossier as late."
        ),
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["components"].queryset = version.components.order_by("position", "id")


class FeeForm(StepForm):
    amount = forms.IntegerField(
        label=_("Fee to pay (VND)"),
        required=False,
        max_value=FEE_MAX_VND,
        error_messages={"max_value": FEE_TOO_LARGE},
    )


class ProposeForm(StepForm):
    """The proposed result: a grant with its documents, or a refusal with its reasons. Up to
    RESULT_FILE_SLOTS documents, each with its title and optional number (numbered fields:
    simpler than a formset, and enough for a result)."""

    kind = forms.ChoiceField(
        label=_("Result"),
        choices=ResultKind.choices,
        widget=forms.RadioSelect,
        initial=ResultKind.GRANT,
    )
    summary = forms.CharField(
        label=_("Summary, or the reasons for a refusal"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    fee_due = forms.IntegerField(
        label=_("Fee payable on the result (VND)"),
        required=False,
        min_value=1,
        max_value=FEE_MAX_VND,
        error_messages={"max_value": FEE_TOO_LARGE},
        help_text=_(
            "Leave empty when nothing is due. Otherwise the approved result waits for the payment "
            "at the desk."
        ),
    )
    note = forms.CharField(label=_("Note for the leader"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, RESULT_FILE_SLOTS + 1):
            self.fields[f"title_{n}"] = forms.CharField(
                label=_("Document %(n)s: title") % {"n": n}, required=False, max_length=300
            )
            self.fields[f"number_{n}"] = forms.CharField(
                label=_("Document %(n)s: number") % {"n": n}, required=False, max_length=60
            )
            self.fields[f"file_{n}"] = forms.FileField(
                label=_("Document %(n)s: file") % {"n": n}, required=False
            )

    def clean(self):
        data = super().clean()
        for n in range(1, RESULT_FILE_SLOTS + 1):
            if data.get(f"file_{n}") and not (data.get(f"title_{n}") or "").strip():
                self.add_error(f"title_{n}", _("Name this document."))
        return data

    def uploads(self) -> list[tuple[str, object, str]]:
        """(title, file, number) of each slot with a file."""
        return [
            (
                self.cleaned_data.get(f"title_{n}", ""),
                self.cleaned_data[f"file_{n}"],
                self.cleaned_data.get(f"number_{n}", ""),
            )
            for n in range(1, RESULT_FILE_SLOTS + 1)
            if self.cleaned_data.get(f"file_{n}")
        ]

    def slots(self):
        return [
            (n, self[f"title_{n}"], self[f"number_{n}"], self[f"file_{n}"])
            for n in range(1, RESULT_FILE_SLOTS + 1)
        ]


class ApproveForm(StepForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class StopForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for stopping"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApologyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the delay"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    new_due_at = forms.DateTimeField(
        label=_("New date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"invalid": _("Enter a date and time, such as 31/12/2026 16:30.")},
    )


class PaymentForm(forms.Form):
    receipt_number = forms.CharField(label=_("Fee receipt number"), required=False, max_length=60)


class ReturnForm(forms.Form):
    recipient = forms.CharField(
        label=_("Collected by"),
        required=False,
        max_length=200,
        help_text=_("The name of the person who collected the result at the desk."),
    )
    tracking_number = forms.CharField(
        label=_("Postal tracking number"), required=False, max_length=80
    )

    def __init__(self, *args, delivery, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the channel the applicant chose is asked for.
        drop = "recipient" if delivery == "post" else "tracking_number"
        del self.fields[drop]
