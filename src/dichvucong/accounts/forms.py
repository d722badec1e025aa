"""Forms of the applicant's registration and profile.

The signup form extends allauth's (ACCOUNT_FORMS = {"signup": ...}): allauth keeps the e-mail,
password, rate-limit and confirmation work; this form adds the applicant's details and saves
through `services.user_register_applicant`.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal import flows
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from dichvucong.core.errors import ServiceError

from . import selectors, services
from .models import User, normalize_phone, validate_id_number, validate_phone, validate_tax_code
from .password_validation import PersonalDetailsSimilarityValidator

APPLICANT_FIELDS = ("full_name", "kind", "id_number", "tax_code", "phone", "address")


class ApplicantDetailsForm(forms.Form):
    """Who the applicant is: the same fields at registration and on the profile page."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("For an organisation: its registered name."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    kind = forms.ChoiceField(
        label=_("Applicant type"),
        choices=User.Kind.choices,
        initial=User.Kind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    id_number = forms.CharField(
        label=_("Personal ID number"),
        max_length=12,
        required=False,
        help_text=_("For an individual: the 12 digits of the citizen identity card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=14,
        required=False,
        help_text=_("For an organisation: 10 digits, or NNNNNNNNNN-NNN (13 digits) for a branch."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        help_text=_("For example 0912345678 or +84912345678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    # The account being edited (None at registration): its own identifier is not "taken".
    account_pk: int | None = None
    # Whether "this ID number / tax code has an account" is said on the form. Sign-up does not
    # say it (anyone could probe whose number is registered): it tells the owner instead.
    reveal_taken_identifier = True
    identifier_owner: User | None = None

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data.get("phone", ""))
        validate_phone(phone)
        return phone

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        id_number = (cleaned.get("id_number") or "").strip()
        tax_code = (cleaned.get("tax_code") or "").strip()
        if kind == User.Kind.INDIVIDUAL:
            cleaned["tax_code"] = ""
            self._check_identifier("id_number", id_number, validate_id_number)
        elif kind == User.Kind.ORGANISATION:
            cleaned["id_number"] = ""
            self._check_identifier("tax_code", tax_code, validate_tax_code)
        return cleaned

    def _check_identifier(self, name: str, value: str, validate) -> None:
        if not value:
            message = (
                _("Enter your personal ID number.")
                if name == "id_number"
                else _("Enter the organisation's tax code.")
            )
            self.add_error(name, message)
            return
        try:
            validate(value)
        except ValidationError as error:
            self.add_error(name, error)
            return
        taken = selectors.user_identifier_taken(**{name: value}, exclude_pk=self.account_pk)
        if taken and not self.reveal_taken_identifier:
            self.identifier_owner = selectors.user_find_by_identifier(**{name: value})
            self.cleaned_data[name] = value
        elif taken == "id_number":
            self.add_error(name, services.ID_NUMBER_TAKEN_MESSAGE)
        elif taken == "tax_code":
            self.add_error(name, services.TAX_CODE_TAKEN_MESSAGE)
        else:
            self.cleaned_data[name] = value

    def add_service_error(self, error: ServiceError) -> None:
        field = {"password": "password1"}.get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, error.message)


def _personal_details_validators() -> list:
    """The configured validators that compare a password with the person's details."""
    return [
        validator
        for validator in password_validation.get_default_password_validators()
        if isinstance(validator, PersonalDetailsSimilarityValidator)
    ]


class SignupForm(ApplicantDetailsForm, AllauthSignupForm):
    """Answers a taken e-mail, ID number or tax code exactly as a new one (decision 0013).

    allauth's enumeration prevention (ACCOUNT_PREVENT_ENUMERATION with mandatory verification)
    covers the e-mail: no second account, a "you already have an account" mail to that address,
    the usual "confirmation sent" page. A taken ID number or tax code goes the same way: its
    account's owner is told by e-mail, nothing is created, the page is the same.
    """

    field_order = ["email", *APPLICANT_FIELDS, "password1", "password2"]
    reveal_taken_identifier = False

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password and "password1" not in self.errors:
            # allauth checked the password against a user holding the e-mail only; the
            # validators that compare it with the name, ID number or phone need them all.
            candidate = User(
                email=cleaned.get("email") or "",
                **{name: cleaned.get(name) or "" for name in APPLICANT_FIELDS if name != "kind"},
            )
            try:
                # The others (length, common, numeric) allauth has run already.
                password_validation.validate_password(
                    password, candidate, password_validators=_personal_details_validators()
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def try_save(self, request):
        if self.account_already_exists or self.identifier_owner is not None:
            return None, self._answer_as_new(request)
        try:
            return self.save(request), None
        except ServiceError as error:
            # The checks raced with another registration, or the service refused what the
            # form let through: show the form again with the reason, nothing saved.
            self.add_service_error(error)
            return None, TemplateResponse(request, "account/signup.html", {"form": self})

    def _answer_as_new(self, request):
        email = self.cleaned_data["email"]
        # Hash the password as a registration does, so the answer takes as long.
        make_password(self.cleaned_data["password1"])
        owner = self.identifier_owner
        if owner is not None and owner.email.lower() != email.lower():
            get_adapter().send_identifier_already_registered_mail(owner)
        if self.account_already_exists:
            # allauth mails "you already have an account" to the address and answers
            # "confirmation sent", as for a new account.
            return flows.signup.prevent_enumeration(request, email=email)
        # The address is new but the ID number or tax code is not: the same page and message
        # as a new registration; the address itself gets no mail (there is no account to
        # confirm), a residue decision 0013 weighs.
        flows.email_verification.add_email_verification_sent_message(request, email, signup=True)
        return get_adapter().respond_email_verification_sent(request, None)

    def save(self, request) -> User:
        data = self.cleaned_data
        return services.user_register_applicant(
            email=data["email"],
            password=data["password1"],
            **{name: data[name] for name in APPLICANT_FIELDS},
        )


class ProfileForm(ApplicantDetailsForm):
    def __init__(self, *args, user: User, **kwargs) -> None:
        kwargs.setdefault("initial", {name: getattr(user, name) for name in APPLICANT_FIELDS})
        super().__init__(*args, **kwargs)
        self.account_pk = user.pk
