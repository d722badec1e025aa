"""Reads of accounts and memberships."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from .models import Membership, User


def membership_active_for(
    *, user: User, at: datetime.datetime | None = None
) -> QuerySet[Membership]:
    """The user's memberships in force at `at` (now by default), with their agencies."""
    return (
        Membership.objects.active(at)
        .filter(user_id=user.pk)
        .select_related("agency")
        .order_by("agency__code", "role")
    )


def membership_list_for_scope(*, scope: frozenset[int] | None) -> QuerySet[Membership]:
    """Every membership (current and past) an administrator with this scope may see.

    `scope` is `User.agency_scope()`: None for the whole province.
    """
    memberships = Membership.objects.select_related("user", "agency")
    if scope is None:
        return memberships
    return memberships.filter(agency_id__in=scope)


def user_list_for_scope(*, scope: frozenset[int] | None) -> QuerySet[User]:
    """The accounts an administrator with this scope may see.

    The whole province sees everyone; an agency admin sees the officers who hold a role in one of
    their agencies now, and no applicant.
    """
    if scope is None:
        return User.objects.all()
    officer_ids = Membership.objects.active().filter(agency_id__in=scope).values("user_id")
    return User.objects.filter(pk__in=officer_ids)


def user_find_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def user_identifier_taken(
    *, id_number: str = "", tax_code: str = "", exclude_pk: int | None = None
) -> str | None:
    """Which identifier field another account already uses ("id_number", "tax_code") or None."""
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if id_number and others.filter(id_number=id_number).exists():
        return "id_number"
    if tax_code and others.filter(tax_code=tax_code).exists():
        return "tax_code"
    return None


def user_find_by_identifier(*, id_number: str = "", tax_code: str = "") -> User | None:
    """The account holding this ID number or tax code (each unique), or None."""
    if id_number:
        return User.objects.filter(id_number=id_number).first()
    if tax_code:
        return User.objects.filter(tax_code=tax_code).first()
    return None
