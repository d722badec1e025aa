"""Reads of the API app itself (the apps' own reads live in their selectors)."""

from __future__ import annotations

from dichvucong.agencies.models import Agency

AGENCY_CONTACT_FIELDS = (
    "code",
    "name",
    "desk_name",
    "desk_address",
    "desk_phone",
    "desk_email",
    "desk_opening_hours",
)


def agency_contact_get(*, code: str) -> Agency:
    """One agency's public desk contact, by its unique identifier code: one indexed row.

    This is the benchmark's floor (bench/): the least work a read of the API can do.
    Raises Agency.DoesNotExist.
    """
    return Agency.objects.only(*AGENCY_CONTACT_FIELDS).get(code=code)
