"""Reads of administrative units and agencies."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.core.errors import ServiceError
from dichvucong.core.text import collation_key, fold

from .models import AdministrativeUnit, Agency, Level

LEVEL_ORDER = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
_level_rank = Case(
    *(When(level=level, then=Value(rank)) for rank, level in enumerate(LEVEL_ORDER)),
    output_field=IntegerField(),
)


# --- Agencies


def agency_get_by_code(*, code: str) -> Agency:
    """The agency with this identifier, in force or not; raises Agency.DoesNotExist."""
    return Agency.objects.select_related("unit", "parent", "successor").get(code=code)


def agency_list_directory(
    *,
    at: datetime.date | None = None,
    query: str | None = None,
    level: Level | str | None = None,
) -> list[Agency]:
    """Agencies in force on `at` that have a one-stop desk, by level then name, in one query.

    The search matches the name, short name or code, ignoring case and diacritics. It runs in
    Python over the one result set: a province has a few hundred desks at most, and neither
    SQLite nor PostgreSQL (without the unaccent extension) folds Vietnamese diacritics.
    """
    agencies = Agency.objects.active(at).filter(receives_dossiers=True)
    if level:
        agencies = agencies.filter(level=level)
    agencies = agencies.select_related("unit").only(
        "code",
        "name",
        "short_name",
        "level",
        "unit__name",
        "desk_name",
        "desk_address",
        "desk_phone",
        "desk_email",
        "desk_opening_hours",
    )
    rows = list(agencies.annotate(level_rank=_level_rank))
    if query and (needle := fold(query)):
        rows = [
            agency
            for agency in rows
            if needle in fold(f"{agency.name} {agency.short_name} {agency.code}")
        ]
    rows.sort(key=lambda agency: (agency.level_rank, collation_key(agency.name)))
    return rows


def agency_resolve_current(*, code: str, at: datetime.date | None = None) -> Agency | None:
    """The agency that answers for `code` on `at`: itself if in force, else its successor's.

    Follows the successors of a closed agency (domain.md R2: new dossiers addressed to a closed
    agency are redirected or refused). None when the code is unknown, not yet in force, or closed
    with no successor in force.
    """
    at = at or timezone.localdate()
    agency = Agency.objects.select_related("successor").filter(code=code).first()
    return _follow_successors(agency, at)


def agency_in_force(agency: Agency, *, at: datetime.datetime | datetime.date | None = None) -> bool:
    """Whether `agency` exists on `at` (a moment, taken on its local date; now by default)."""
    return agency.is_active_on(_local_date(at))


class AgencyClosed(ServiceError):
    default_code = "agency_closed"


def agency_require_in_force(
    *,
    agency: Agency,
    at: datetime.datetime | datetime.date | None = None,
    field: str | None = None,
) -> None:
    """The one check that no new dossier is drafted at, received by or handed to an agency
    outside its validity (domain.md R2: after a merger, new dossiers use the successor's code).

    Raises AgencyClosed naming the successor in force, if there is one, so the officer or
    applicant knows where the dossier goes instead."""
    day = _local_date(at)
    if agency.is_active_on(day):
        return
    successor = _follow_successors(agency.successor, day) if agency.successor_id else None
    if day < agency.valid_from:
        message = _("%(agency)s only starts work on %(date)s.") % {
            "agency": agency.name,
            "date": agency.valid_from.strftime("%d/%m/%Y"),
        }
    elif successor is not None:
        message = _(
            "%(agency)s closed on %(date)s: new dossiers go to its successor, %(successor)s "
            "(code %(code)s)."
        ) % {
            "agency": agency.name,
            "date": agency.valid_to.strftime("%d/%m/%Y"),
            "successor": successor.name,
            "code": successor.code,
        }
    else:
        message = _("%(agency)s closed on %(date)s and has no successor in force.") % {
            "agency": agency.name,
            "date": agency.valid_to.strftime("%d/%m/%Y"),
        }
    raise AgencyClosed(message, field=field)


def _local_date(at: datetime.datetime | datetime.date | None) -> datetime.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime.datetime):
        return timezone.localdate(at)
    return at


def agency_scope_ids(*, user: Any) -> frozenset[int] | None:
    """The agencies a back-office user may administer: None for all of them.

    Duck-typed on `user.agency_scope()` (accounts, a higher layer, implements it): None means
    province-wide rights, a set of ids the agencies the user administers; their sub-agencies
    come with them. Without the method only a superuser sees anything.
    """
    if getattr(user, "is_superuser", False):
        return None
    scope_of = getattr(user, "agency_scope", None)
    if not callable(scope_of):
        return frozenset()
    scope = scope_of()
    if scope is None:
        return None
    return agency_descendant_ids(agency_ids=frozenset(scope))


def agency_descendant_ids(*, agency_ids: frozenset[int]) -> frozenset[int]:
    """The agencies and all their sub-agencies (one query per level of depth)."""
    found = set(agency_ids)
    frontier = set(agency_ids)
    while frontier:
        frontier = set(
            Agency.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found |= frontier
    return frozenset(found)


# --- Administrative units


def unit_children(
    *, unit: AdministrativeUnit, at: datetime.date | None = None
) -> QuerySet[AdministrativeUnit]:
    """The units directly under `unit` in force on `at`."""
    return AdministrativeUnit.objects.active(at).filter(parent=unit).order_by("code")


def unit_resolve_current(
    *, code: str, at: datetime.date | None = None
) -> AdministrativeUnit | None:
    """The unit that stands for `code` on `at`, following the successors of dissolved units."""
    at = at or timezone.localdate()
    unit = AdministrativeUnit.objects.select_related("successor").filter(code=code).first()
    return _follow_successors(unit, at)


def _follow_successors(node, at: datetime.date):
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        if node.is_active_on(at):
            return node
        if at < node.valid_from or node.successor_id is None:
            return None
        seen.add(node.pk)
        node = node.successor  # one query per further hop; chains are short
    return None  # a loop of successors (only possible by editing around the services)
