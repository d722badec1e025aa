"""Writes to accounts and memberships. Each one is audited in the same transaction."""

from __future__ import annotations

import datetime
import re

from allauth.account.models import EmailAddress
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.core.audit import audit_change, snapshot
from dichvucong.core.errors import ServiceError

from . import permissions
from .models import (
    ID_NUMBER_MESSAGE,
    ID_NUMBER_PATTERN,
    PHONE_MESSAGE,
    PHONE_PATTERN,
    TAX_CODE_MESSAGE,
    TAX_CODE_PATTERN,
    Membership,
    User,
    normalize_phone,
)
from .selectors import user_identifier_taken

# What the audit trail records of an account: never the password hash.
USER_AUDIT_FIELDS = (
    "email",
    "full_name",
    "kind",
    "id_number",
    "tax_code",
    "phone",
    "address",
    "is_active",
    "is_staff",
    "is_superuser",
)
MEMBERSHIP_AUDIT_FIELDS = ("user", "agency", "role", "valid_from", "valid_to")

EMAIL_TAKEN_MESSAGE = _("A user is already registered with this email address.")
ID_NUMBER_TAKEN_MESSAGE = _(
    "An account with this personal ID number already exists. If it is yours, log in or reset "
    "your password."
)
TAX_CODE_TAKEN_MESSAGE = _(
    "An account with this tax code already exists. If it is yours, log in or reset your password."
)


# --- Applicants


def _clean_applicant_details(
    *, full_name: str, kind: str, id_number: str, tax_code: str, phone: str, address: str
) -> dict[str, str]:
    """The applicant's details, normalised; ServiceError naming the first bad field."""
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ServiceError(_("Enter your full name."), field="full_name")
    if kind not in User.Kind.values:
        raise ServiceError(_("Choose an applicant type."), field="kind")
    id_number = (id_number or "").strip()
    tax_code = (tax_code or "").strip()
    if kind == User.Kind.INDIVIDUAL:
        tax_code = ""  # an individual's account holds no tax code (DB constraint)
        if not id_number:
            raise ServiceError(_("Enter your personal ID number."), field="id_number")
        if not re.match(ID_NUMBER_PATTERN, id_number):
            raise ServiceError(ID_NUMBER_MESSAGE, field="id_number")
    else:
        id_number = ""
        if not tax_code:
            raise ServiceError(_("Enter the organisation's tax code."), field="tax_code")
        if not re.match(TAX_CODE_PATTERN, tax_code):
            raise ServiceError(TAX_CODE_MESSAGE, field="tax_code")
    phone = normalize_phone(phone)
    if not phone:
        raise ServiceError(_("Enter a phone number."), field="phone")
    if not re.match(PHONE_PATTERN, phone):
        raise ServiceError(PHONE_MESSAGE, field="phone")
    address = " ".join((address or "").split())
    if not address:
        raise ServiceError(_("Enter an address."), field="address")
    return {
        "full_name": full_name,
        "kind": kind,
        "id_number": id_number,
        "tax_code": tax_code,
        "phone": phone,
        "address": address,
    }


def _refuse_taken(details: dict[str, str], *, exclude_pk: int | None = None) -> None:
    taken = user_identifier_taken(
        id_number=details["id_number"], tax_code=details["tax_code"], exclude_pk=exclude_pk
    )
    if taken == "id_number":
        raise ServiceError(ID_NUMBER_TAKEN_MESSAGE, field="id_number", code="id_number_taken")
    if taken == "tax_code":
        raise ServiceError(TAX_CODE_TAKEN_MESSAGE, field="tax_code", code="tax_code_taken")


def user_register_applicant(
    *,
    email: str,
    password: str,
    full_name: str,
    kind: str,
    id_number: str = "",
    tax_code: str = "",
    phone: str,
    address: str,
) -> User:
    """Creates an applicant's account with its (unverified, primary) e-mail address.

    allauth then sends the confirmation e-mail; the account cannot log in before it is
    confirmed (ACCOUNT_EMAIL_VERIFICATION = "mandatory").
    """
    email = (email or "").strip().lower()
    if not email:
        raise ServiceError(_("Enter an e-mail address."), field="email")
    details = _clean_applicant_details(
        full_name=full_name,
        kind=kind,
        id_number=id_number,
        tax_code=tax_code,
        phone=phone,
        address=address,
    )
    user = User(email=email, **details)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages), field="password") from error
    if User.objects.filter(email__iexact=email).exists():
        raise ServiceError(EMAIL_TAKEN_MESSAGE, field="email", code="email_taken")
    _refuse_taken(details)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
            audit_change(
                action="user.register",
                instance=user,
                before=None,
                after=snapshot(user, USER_AUDIT_FIELDS),
            )
    except IntegrityError as error:
        # Two registrations raced past the checks above; the unique indexes decided.
        raise ServiceError(
            _("An account with this e-mail address, ID number or tax code already exists."),
            code="account_exists",
        ) from error
    return user


def user_profile_update(
    *,
    user: User,
    full_name: str,
    kind: str,
    id_number: str = "",
    tax_code: str = "",
    phone: str,
    address: str,
) -> User:
    """Changes an applicant's own details; records the change when there is one."""
    details = _clean_applicant_details(
        full_name=full_name,
        kind=kind,
        id_number=id_number,
        tax_code=tax_code,
        phone=phone,
        address=address,
    )
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            _refuse_taken(details, exclude_pk=locked.pk)
            changed = [name for name, value in details.items() if getattr(locked, name) != value]
            if not changed:
                return locked
            before = snapshot(locked, USER_AUDIT_FIELDS)
            for name in changed:
                setattr(locked, name, details[name])
            locked.save(update_fields=changed)
            audit_change(
                action="user.profile_update",
                instance=locked,
                before=before,
                after=snapshot(locked, USER_AUDIT_FIELDS),
            )
    except IntegrityError as error:
        raise ServiceError(
            _("Another account already uses this ID number or tax code."), code="account_exists"
        ) from error
    for name in changed:
        setattr(user, name, details[name])
    return locked


# --- Officers


def user_create_officer(
    *, email: str, full_name: str, password: str | None = None, email_verified: bool = False
) -> User:
    """Creates an officer's account (rights come later, from memberships).

    Without a password the account gets an unusable one: the officer chooses theirs through
    "forgot your password". With `email_verified` (the province vouches for the address, as in
    the demo) the first log-in needs no confirmation e-mail.
    """
    email = (email or "").strip().lower()
    full_name = " ".join((full_name or "").split())
    if not email:
        raise ServiceError(_("Enter an e-mail address."), field="email")
    if not full_name:
        raise ServiceError(_("Enter the officer's full name."), field="full_name")
    user = User(email=email, full_name=full_name)
    if password:
        try:
            password_validation.validate_password(password, user=user)
        except ValidationError as error:
            raise ServiceError(" ".join(error.messages), field="password") from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    if User.objects.filter(email__iexact=email).exists():
        raise ServiceError(EMAIL_TAKEN_MESSAGE, field="email", code="email_taken")
    try:
        with transaction.atomic():
            user.save()
            EmailAddress.objects.create(
                user=user, email=email, primary=True, verified=email_verified
            )
            audit_change(
                action="user.create_officer",
                instance=user,
                before=None,
                after=snapshot(user, USER_AUDIT_FIELDS),
            )
    except IntegrityError as error:
        raise ServiceError(EMAIL_TAKEN_MESSAGE, field="email", code="email_taken") from error
    return user


def user_email_mark_verified(*, user: User) -> None:
    """Marks the account's e-mail address verified without the confirmation link (the
    province vouches for it); recorded in the trail."""
    with transaction.atomic():
        address, _created = EmailAddress.objects.select_for_update().get_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": False}
        )
        if address.verified:
            return
        address.verified = True
        address.save(update_fields=["verified"])
        audit_change(
            action="user.email_verified",
            instance=user,
            before={"email": user.email, "verified": False},
            after={"email": user.email, "verified": True},
        )


def _set_staff(user: User, *, is_staff: bool) -> None:
    """Gives or takes the Django admin's door; audited as a change of the account."""
    if user.is_staff == is_staff:
        return
    before = snapshot(user, USER_AUDIT_FIELDS)
    user.is_staff = is_staff
    user.save(update_fields=["is_staff"])
    audit_change(
        action="user.staff_grant" if is_staff else "user.staff_revoke",
        instance=user,
        before=before,
        after=snapshot(user, USER_AUDIT_FIELDS),
    )


def membership_grant_check(
    *,
    user: User,
    agency: Agency,
    role: str,
    valid_from: datetime.datetime,
    valid_to: datetime.datetime | None = None,
    granted_by: User | None = None,
) -> None:
    """Refuses (ServiceError) a grant that `membership_grant` would refuse; changes nothing.

    Forms call it to show the reason next to the field; the service calls it again under lock.
    """
    if role not in Membership.Role.values:
        raise ServiceError(_("Choose a role."), field="role")
    if valid_to is not None and valid_to < valid_from:
        raise ServiceError(_("The end cannot be before the start."), field="valid_to")
    if granted_by is not None and not permissions.can(
        granted_by, "membership.manage", Membership(agency=agency, role=role)
    ):
        raise ServiceError(
            _("You may not grant this role in this agency."),
            field="role" if role == Membership.Role.PROVINCE_ADMIN else "agency",
            code="permission_denied",
        )
    if not agency.is_active_on(timezone.localdate(valid_from)):
        raise ServiceError(
            _("%(agency)s is not in force on the start date.") % {"agency": agency.name},
            field="agency",
        )
    if user.pk is None:
        return
    overlapping = Membership.objects.filter(user_id=user.pk, agency=agency, role=role)
    overlapping = overlapping.exclude(valid_to__isnull=False, valid_to__lte=valid_from)
    if valid_to is not None:
        overlapping = overlapping.exclude(valid_from__gte=valid_to)
    if overlapping.exists():
        raise ServiceError(
            _("This user already holds this role in this agency during that period."),
            field="role",
            code="membership_overlap",
        )


def membership_grant(
    *,
    user: User,
    agency: Agency,
    role: str,
    valid_from: datetime.datetime | None = None,
    valid_to: datetime.datetime | None = None,
    granted_by: User | None = None,
) -> Membership:
    """Gives `user` a role in `agency` from `valid_from` (now) until `valid_to` (open-ended).

    Administrators' roles (agency admin, province admin) also open the Django admin
    (is_staff); ordinary officers work in the back office and never need it.
    `granted_by`, when given, must be allowed to manage this membership.
    """
    valid_from = valid_from or timezone.now()
    with transaction.atomic():
        # One grant at a time per user: the overlap check cannot race with another grant.
        locked_user = User.objects.select_for_update().get(pk=user.pk)
        membership_grant_check(
            user=locked_user,
            agency=agency,
            role=role,
            valid_from=valid_from,
            valid_to=valid_to,
            granted_by=granted_by,
        )
        membership = Membership.objects.create(
            user=locked_user, agency=agency, role=role, valid_from=valid_from, valid_to=valid_to
        )
        audit_change(
            action="membership.grant",
            instance=membership,
            before=None,
            after=snapshot(membership, MEMBERSHIP_AUDIT_FIELDS),
            scope=agency.code,
        )
        if role in Membership.ADMIN_ROLES:
            _set_staff(locked_user, is_staff=True)
    user.is_staff = locked_user.is_staff
    user.forget_cached_rights()
    return membership


def membership_end(
    *,
    membership: Membership,
    at: datetime.datetime | None = None,
    ended_by: User | None = None,
) -> Membership:
    """Ends a role at `at` (now): the rights go at that moment.

    When the user is left with no administrator role (held now or later) and is not a
    superuser, the Django admin closes to them (is_staff off).
    """
    at = at or timezone.now()
    if ended_by is not None and not permissions.can(ended_by, "membership.manage", membership):
        raise ServiceError(_("You may not end this membership."), code="permission_denied")
    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update()
            .select_related("agency", "user")
            .get(pk=membership.pk)
        )
        if locked.valid_to is not None and locked.valid_to <= at:
            raise ServiceError(
                _("This membership already ends on %(end)s.")
                % {"end": timezone.localtime(locked.valid_to).strftime("%d/%m/%Y %H:%M")},
                field="valid_to",
                code="already_ended",
            )
        before = snapshot(locked, MEMBERSHIP_AUDIT_FIELDS)
        # A role that has not started yet ends before it starts: an empty period.
        locked.valid_to = max(at, locked.valid_from)
        locked.save(update_fields=["valid_to"])
        audit_change(
            action="membership.end",
            instance=locked,
            before=before,
            after=snapshot(locked, MEMBERSHIP_AUDIT_FIELDS),
            scope=locked.agency.code,
        )
        user = locked.user
        if locked.role in Membership.ADMIN_ROLES and not user.is_superuser:
            still_admin = (
                Membership.objects.filter(user=user, role__in=Membership.ADMIN_ROLES)
                .exclude(valid_to__isnull=False, valid_to__lte=at)
                .exists()
            )
            if not still_admin:
                _set_staff(user, is_staff=False)
    membership.valid_to = locked.valid_to
    membership.user.forget_cached_rights()
    return locked
