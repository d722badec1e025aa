"""Accounts: applicants (citizens, organisations) and officers, and officers' roles per agency.

Rights never come from Django groups or model permissions: they come from active memberships
(`Membership`), read by the predicates in accounts/permissions.py.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# [0-9] rather than \d: Python's \d also matches non-ASCII digits. \A...\Z rather than ^...$:
# `$` also matches before a trailing newline. PostgreSQL and Python both read them the same.
ID_NUMBER_PATTERN = r"\A[0-9]{12}\Z"  # căn cước (citizen identity card), 12 digits
TAX_CODE_PATTERN = r"\A[0-9]{10}(-[0-9]{3})?\Z"  # 10 digits, or 13 for a branch: NNNNNNNNNN-NNN
# Mobile 0 + 9 digits; landline 02 + 9 digits (area code 2xx + 7 or 8 digits). Stored national.
PHONE_PATTERN = r"\A0(2[0-9]{9}|[1-9][0-9]{8})\Z"

ID_NUMBER_MESSAGE = _("The personal ID number must have exactly 12 digits.")
TAX_CODE_MESSAGE = _(
    "The tax code must have 10 digits, or 13 digits written NNNNNNNNNN-NNN for a branch."
)
PHONE_MESSAGE = _(
    "Enter a Vietnamese phone number: 0 followed by 9 digits (e.g. 0912345678), a landline "
    "with its area code (e.g. 0293 3876 543), or +84 followed by the number without its 0."
)


# Validators deconstruct into migrations; blank values are never validated (fields are optional).
validate_id_number = RegexValidator(ID_NUMBER_PATTERN, ID_NUMBER_MESSAGE)
validate_tax_code = RegexValidator(TAX_CODE_PATTERN, TAX_CODE_MESSAGE)
validate_phone = RegexValidator(PHONE_PATTERN, PHONE_MESSAGE)


def normalize_phone(value: str) -> str:
    """Spaces, dots, dashes and brackets out; +84/84 prefix to the national 0."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    return digits


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Log-in is case-insensitive, as the unique index on lower(email) is.
        return self.get(email__iexact=username)


class User(AbstractUser):
    """An account: an applicant (citizen or organisation) or an officer.

    The e-mail address is the login. Officers' rights come from their memberships. An
    individual identifies with a 12-digit ID number, an organisation with its tax code; each is
    unique among accounts when given, so one person or company cannot open two accounts.
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ORGANISATION = "organisation", _("Organisation")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    kind = models.CharField(
        _("applicant type"), max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL
    )
    id_number = models.CharField(
        _("personal ID number"),
        max_length=12,
        blank=True,
        validators=[validate_id_number],
        help_text=_("12 digits (citizen identity card)."),
    )
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        blank=True,
        validators=[validate_tax_code],
        help_text=_("10 digits, or NNNNNNNNNN-NNN for a branch."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=300, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message=_("A user is already registered with this email address."),
            ),
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="user_id_number_unique",
                violation_error_message=_(
                    "An account with this personal ID number already exists."
                ),
            ),
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="user_tax_code_unique",
                violation_error_message=_("An account with this tax code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(id_number="") | Q(id_number__regex=ID_NUMBER_PATTERN),
                name="user_id_number_format",
                violation_error_message=ID_NUMBER_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(tax_code="") | Q(tax_code__regex=TAX_CODE_PATTERN),
                name="user_tax_code_format",
                violation_error_message=TAX_CODE_MESSAGE,
            ),
            # An individual has no tax code of the account's own; an organisation no ID number.
            models.CheckConstraint(
                condition=(Q(kind="individual") & Q(tax_code=""))
                | (Q(kind="organisation") & Q(id_number="")),
                name="user_identifier_matches_kind",
                violation_error_message=_(
                    "An individual gives a personal ID number, an organisation a tax code."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email

    # --- Rights: read from active memberships, cached on this instance (request.user lives
    # for one request), so a page asking many questions queries the memberships once.

    def active_roles(self) -> frozenset[tuple[int, str]]:
        """(agency id, role) of the memberships in force now."""
        cached = getattr(self, "_dvc_active_roles", None)
        if cached is None:
            if self.pk is None or not self.is_active:
                cached = frozenset()
            else:
                cached = frozenset(
                    Membership.objects.active()
                    .filter(user_id=self.pk)
                    .values_list("agency_id", "role")
                )
            self._dvc_active_roles = cached
        return cached

    def forget_cached_rights(self) -> None:
        self.__dict__.pop("_dvc_active_roles", None)
        self.__dict__.pop("_dvc_model_permissions", None)

    @property
    def is_province_admin(self) -> bool:
        return any(role == Membership.Role.PROVINCE_ADMIN for _agency, role in self.active_roles())

    def agency_scope(self) -> frozenset[int] | None:
        """Which agencies this user administers: None means the whole province.

        None for a superuser or a province admin; else the ids of the agencies where the user
        is an agency admin now (empty: none). The agencies admin calls this by duck typing.
        """
        if not self.is_active:
            return frozenset()
        if self.is_superuser or self.is_province_admin:
            return None
        return frozenset(
            agency_id
            for agency_id, role in self.active_roles()
            if role == Membership.Role.AGENCY_ADMIN
        )


class MembershipQuerySet(models.QuerySet):
    def active(self, at: datetime.datetime | None = None):
        """Memberships in force at `at` (now by default): valid_from <= at < valid_to."""
        at = at or timezone.now()
        return self.filter(Q(valid_from__lte=at) & (Q(valid_to__isnull=True) | Q(valid_to__gt=at)))


class Membership(models.Model):
    """An officer's role in an agency for a period.

    Times, not dates: ending a membership takes the rights away at once, not at midnight.
    `valid_to` is the first instant the role is no longer held (null: open-ended).

    A province admin (Quản trị tỉnh: the IT department or the provincial office) is a
    membership with the role `province_admin` in the agency they work for; the role gives
    province-wide rights whatever that agency is, and keeps the grant dated and audited like
    any other.
    """

    class Role(models.TextChoices):
        ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
        SPECIALIST = "specialist", _("Specialist")
        LEADER = "leader", _("Leader")
        AGENCY_ADMIN = "agency_admin", _("Agency administrator")
        PROVINCE_ADMIN = "province_admin", _("Province administrator")

    # Roles that use the Django admin: the membership service gives them is_staff.
    ADMIN_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN})

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="memberships"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_to = models.DateTimeField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("The role ends at this moment; empty while it is held."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency", "user", "role", "-valid_from"]
        indexes = [models.Index(fields=["user", "valid_from"], name="membership_user_from_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="membership_valid_to_after_valid_from",
                violation_error_message=_("The end cannot be before the start."),
            ),
            # One open-ended grant per (user, agency, role); the service also refuses a grant
            # overlapping an already ended one.
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(valid_to__isnull=True),
                name="membership_one_open_per_user_agency_role",
                violation_error_message=_("This user already holds this role in this agency."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"

    def is_active_at(self, at: datetime.datetime) -> bool:
        return self.valid_from <= at and (self.valid_to is None or at < self.valid_to)
