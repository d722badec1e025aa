"""Writes of administrative units and agencies.

Each service validates with the model's own rules (`full_clean`: field validators, `clean()`,
constraints), raising Django's `ValidationError` per field, or refuses with `ServiceError` for a
rule of the service itself; then writes and records the change in the audit trail in the same
transaction. Nothing is written when anything is refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dichvucong.core.audit import audit_change, audited_create, audited_update, snapshot
from dichvucong.core.errors import ServiceError

from .labels import AGENCY_LABELS
from .models import AdministrativeUnit, Agency, Level

UNIT_AUDIT_SCOPE = "province"

# Closing goes through *_dissolve / agency_close (dates and successor checked together).
UNIT_UPDATABLE = frozenset({"code", "name", "level", "kind", "parent", "valid_from"})
AGENCY_UPDATABLE = frozenset(
    {
        "code",
        "name",
        "short_name",
        "level",
        "unit",
        "parent",
        "valid_from",
        "receives_dossiers",
        "desk_name",
        "desk_address",
        "desk_phone",
        "desk_email",
        "desk_opening_hours",
    }
)


def _check_fields(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        # A programming error, not user input: interfaces only pass fields they show.
        raise ValueError(f"Fields that cannot be changed here: {', '.join(unknown)}")


def _already_closed(instance: AdministrativeUnit | Agency) -> ServiceError:
    return ServiceError(
        _("“%(name)s” was already closed on %(date)s.")
        % {"name": instance.name, "date": instance.valid_to.strftime("%d/%m/%Y")},
        field="valid_to",
        code="already_closed",
    )


# --- Administrative units


def unit_create(
    *,
    code: str,
    name: str,
    level: Level | str,
    valid_from: datetime.date,
    parent: AdministrativeUnit | None = None,
    kind: str = "",
) -> AdministrativeUnit:
    unit = AdministrativeUnit(
        code=code, name=name, level=level, kind=kind, parent=parent, valid_from=valid_from
    )
    return audited_create(unit, action="unit.create", scope=UNIT_AUDIT_SCOPE)


def unit_update(*, unit: AdministrativeUnit, data: Mapping[str, Any]) -> AdministrativeUnit:
    _check_fields(data, UNIT_UPDATABLE)
    locked, _changed = audited_update(
        unit, data=dict(data), action="unit.update", scope=UNIT_AUDIT_SCOPE
    )
    return locked


def unit_dissolve(
    *,
    unit: AdministrativeUnit,
    valid_to: datetime.date,
    successor: AdministrativeUnit | None = None,
) -> AdministrativeUnit:
    """Close a unit on `valid_to` (its last day in force), naming the unit that takes over."""
    with transaction.atomic():
        locked = AdministrativeUnit.objects.select_for_update().get(pk=unit.pk)
        if locked.valid_to is not None:
            raise _already_closed(locked)
        before = snapshot(locked)
        locked.valid_to = valid_to
        locked.successor = successor
        locked.full_clean()
        locked.save(update_fields=["valid_to", "successor"])
        audit_change(
            action="unit.dissolve",
            instance=locked,
            before=before,
            after=snapshot(locked),
            scope=UNIT_AUDIT_SCOPE,
        )
    return locked


# --- Agencies


def agency_create(
    *,
    code: str,
    name: str,
    level: Level | str,
    unit: AdministrativeUnit,
    valid_from: datetime.date,
    parent: Agency | None = None,
    short_name: str = "",
    receives_dossiers: bool = False,
    desk_name: str = "",
    desk_address: str = "",
    desk_phone: str = "",
    desk_email: str = "",
    desk_opening_hours: str = "",
) -> Agency:
    agency = Agency(
        code=code,
        name=name,
        short_name=short_name,
        level=level,
        unit=unit,
        parent=parent,
        valid_from=valid_from,
        receives_dossiers=receives_dossiers,
        desk_name=desk_name,
        desk_address=desk_address,
        desk_phone=desk_phone,
        desk_email=desk_email,
        desk_opening_hours=desk_opening_hours,
    )
    return audited_create(agency, action="agency.create", scope=agency.code)


def agency_update(*, agency: Agency, data: Mapping[str, Any]) -> Agency:
    _check_fields(data, AGENCY_UPDATABLE)
    # Recorded in the chain of the code the agency was known by when the change was made.
    with transaction.atomic():
        locked, changed = audited_update(
            agency, data=dict(data), action="agency.update", scope=agency.code
        )
        if {"code", "name"} & set(changed):
            AGENCY_LABELS.forget([locked.pk])
    return locked


def agency_close(
    *, agency: Agency, valid_to: datetime.date, successor: Agency | None = None
) -> Agency:
    """Close an agency on `valid_to` (its last day in force).

    New dossiers addressed to it then go to `successor` (domain.md R2, QĐ 09/2025: on a merger
    the codes of the absorbed agencies are closed).
    """
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        if locked.valid_to is not None:
            raise _already_closed(locked)
        before = snapshot(locked)
        locked.valid_to = valid_to
        locked.successor = successor
        locked.full_clean()
        locked.save(update_fields=["valid_to", "successor"])
        audit_change(
            action="agency.close",
            instance=locked,
            before=before,
            after=snapshot(locked),
            scope=locked.code,
        )
    return locked
