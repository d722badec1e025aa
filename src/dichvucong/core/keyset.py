"""Keyset pagination: the one cursor of the portal's long lists.

A page is the rows after the last one shown, in the list's order of (a moment, the row's id):
the query starts at the cursor through the list's index and stops after one page, never
counting (the desk's queue, the officers' inbox, the violations). The cursor is opaque text
(URL-safe base64 of "<timestamp>_<id>"); a missing or mangled one is page 1, never an error.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.db.models import Q, QuerySet

Row = TypeVar("Row")


def cursor_encode(at: dt.datetime, pk: int) -> str:
    raw = f"{at.timestamp():.6f}_{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str | None) -> tuple[dt.datetime, int] | None:
    """The (moment, id) a cursor stands for; None for a missing or mangled one (page 1)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("_", 1)
        return dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC), int(pk)
    except (ValueError, OverflowError, OSError, binascii.Error, UnicodeDecodeError):
        return None


def keyset_after(
    queryset: QuerySet, *, cursor: str | None, field: str, descending: bool = False
) -> QuerySet:
    """The rows after the cursor in the order (`field`, id), ascending or descending.

    The inclusive bound on `field` lets the index range start at the cursor; the OR only
    breaks the tie on the id."""
    position = cursor_decode(cursor)
    if position is None:
        return queryset
    at, pk = position
    if descending:
        return queryset.filter(**{f"{field}__lte": at}).filter(
            Q(**{f"{field}__lt": at}) | Q(pk__lt=pk)
        )
    return queryset.filter(**{f"{field}__gte": at}).filter(Q(**{f"{field}__gt": at}) | Q(pk__gt=pk))


def keyset_page(
    rows: list[Row], limit: int, *, key: Callable[[Row], tuple[dt.datetime, int]]
) -> tuple[list[Row], str | None]:
    """The first `limit` of the `limit + 1` rows fetched, and the cursor of the next page (None
    on the last page); `key` gives a row's (moment, id) in the list's order."""
    page = rows[:limit]
    if len(rows) <= limit or not page:
        return page, None
    return page, cursor_encode(*key(page[-1]))
