"""Dossier codes and register lines, issued inside the receiving transaction.

`<agency identifier>-<YYMMDD>-<NNNN>` (domain.md §1.1, R1): the daily sequence is per receiving
agency and the register line (Sổ theo dõi hồ sơ) a yearly sequence per agency. Both come from
one atomic upsert on `dossiers.CodeCounter`, so concurrent receipts on any number of web nodes
never read the same value: the database serialises the increments on the counter row, and a
rolled-back receipt gives its number back. See docs/decisions/0005-dossier-code.md.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.core.constants import LEGAL_TIMEZONE, AgencyCodeOrder
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import RuleSet
from dichvucong.dossiers.models import CodeCounter

# QCVN 102: V1V2V3.Z1Z2.Y1Y2.MX1X2 — levels 4, 3, 2, 1 (the level-1 code last).
_QCVN102 = re.compile(r"\A([0-9]{3})\.([0-9]{2})\.([0-9]{2})\.([A-Z][0-9]{2})\Z")
# QĐ 20/2020: the level-1 code first, then the lower levels left to right.
_QD20 = re.compile(r"\A([A-Z][0-9A-Z]{2})((?:\.[0-9A-Z]+)*)\Z")
# Widths of levels 2, 3 and 4 in the QCVN 102 form.
_QCVN102_WIDTHS = (2, 2, 3)


def _not_convertible(code: str, order: str) -> ServiceError:
    return ServiceError(
        _(
            "The agency identifier %(code)s cannot be written in the %(order)s order that the "
            "rule set requires for dossier codes. A province administrator must correct it."
        )
        % {"code": code, "order": AgencyCodeOrder(order).label},
        code="agency_identifier_order",
    )


def agency_identifier_in_order(*, code: str, order: str) -> str:
    """The agency's identifier written in `order` (domain.md §6).

    QCVN 102 → QĐ 20: the levels are read from level 1 and unused ("00", "000") levels at the
    end are dropped: 000.03.21.H30 → H30.21.03, 000.00.02.H30 → H30.02, 000.00.00.H30 → H30.
    QĐ 20 → QCVN 102: the reverse, when every lower level is numeric and fits its width
    (H30.21.03 → 000.03.21.H30). Anything else cannot be converted and is refused.
    """
    if order == AgencyCodeOrder.QD20:
        if _QD20.match(code):
            return code
        match = _QCVN102.match(code)
        if not match:
            raise _not_convertible(code, order)
        level4, level3, level2, level1 = match.groups()
        lower = [level2, level3, level4]
        while lower and set(lower[-1]) == {"0"}:
            lower.pop()
        return ".".join([level1, *lower])
    if order == AgencyCodeOrder.QCVN102:
        if _QCVN102.match(code):
            return code
        match = _QD20.match(code)
        if not match:
            raise _not_convertible(code, order)
        level1 = match.group(1)
        lower = [part for part in match.group(2).split(".") if part]
        if len(lower) > len(_QCVN102_WIDTHS) or any(
            not part.isascii() or not part.isdigit() or len(part) != width
            for part, width in zip(lower, _QCVN102_WIDTHS, strict=False)
        ):
            raise _not_convertible(code, order)
        lower += ["0" * width for width in _QCVN102_WIDTHS[len(lower) :]]
        level2, level3, level4 = lower
        return f"{level4}.{level3}.{level2}.{level1}"
    raise ValueError(f"Unknown agency identifier order {order!r}")


def counter_next(*, agency_id: int, period: str) -> int:
    """Increment the agency's counter for `period` and return the new value, atomically.

    One statement (INSERT … ON CONFLICT DO UPDATE … RETURNING, PostgreSQL and SQLite ≥ 3.35):
    the conflicting row is locked by the update until the transaction ends, so a concurrent
    receipt waits and then reads the incremented value. Never read-then-write here.
    """
    table = connection.ops.quote_name(CodeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, period, value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, period) DO UPDATE SET value = {table}.value + 1 "
            "RETURNING value",
            [agency_id, period],
        )
        return cursor.fetchone()[0]


def code_issue(
    *, agency: Agency, rule_set: RuleSet, received_at: dt.datetime
) -> tuple[str, str, int]:
    """(dossier code, register book, register line) for a dossier received by `agency`.

    Call inside the receiving transaction: a rollback gives the numbers back. The day and the
    year are those of the local (Vietnamese) date of `received_at`.
    """
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError("code_issue() needs an aware datetime.")
    identifier = agency_identifier_in_order(
        code=agency.code, order=rule_set.dossier_code_agency_order
    )
    local_day = received_at.astimezone(LEGAL_TIMEZONE).date()
    sequence = counter_next(agency_id=agency.pk, period=f"{local_day:%y%m%d}")
    code = rule_set.dossier_code(
        agency_identifier=identifier, received_on=local_day, sequence=sequence
    )
    register_line = counter_next(agency_id=agency.pk, period=f"{local_day:%Y}")
    return code, f"{local_day:%Y}", register_line
