"""The one keyset cursor (core.keyset): opaque, round-trips, and page 1 for anything mangled;
the filter starts after the cursor in either order, ties broken by the id."""

import datetime as dt

import pytest

from dichvucong.core.constants import LEGAL_TIMEZONE
from dichvucong.core.keyset import cursor_decode, cursor_encode, keyset_after, keyset_page
from dichvucong.core.models import AuditChain

AT = dt.datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=LEGAL_TIMEZONE)


def test_a_cursor_round_trips_to_the_microsecond():
    cursor = cursor_encode(AT, 42)
    assert "_" not in cursor and "=" not in cursor  # opaque, URL-safe
    assert cursor_decode(cursor) == (AT, 42)


@pytest.mark.parametrize(
    "mangled", [None, "", "%%%", "bm9uc2Vuc2U", "MTIzXw", "OTk5OTk5OTk5OTk5OTk5OTk5XzE"]
)
def test_a_missing_or_mangled_cursor_is_page_one(mangled):
    assert cursor_decode(mangled) is None


def test_keyset_page_gives_the_next_cursor_only_when_more_rows_follow():
    def key(row):
        return AT, row

    assert keyset_page([1, 2, 3], 2, key=key) == ([1, 2], cursor_encode(AT, 2))
    assert keyset_page([1, 2], 2, key=key) == ([1, 2], None)
    assert keyset_page([], 2, key=key) == ([], None)


@pytest.mark.django_db
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_after_walks_every_row_once_with_ties(descending):
    # Three rows share a moment: the id breaks the tie, so none is skipped or repeated.
    moments = [AT, AT, AT, AT + dt.timedelta(hours=1), AT - dt.timedelta(hours=1)]
    for index, moment in enumerate(moments):
        AuditChain.objects.create(
            scope=f"T{index}", last_hash="0" * 64, head_mac="0" * 64, updated_at=moment
        )
    order = ("-updated_at", "-id") if descending else ("updated_at", "id")
    expected = list(AuditChain.objects.order_by(*order).values_list("pk", flat=True))

    seen, cursor = [], None
    while True:
        queryset = keyset_after(
            AuditChain.objects.all(), cursor=cursor, field="updated_at", descending=descending
        )
        rows, cursor = keyset_page(
            list(queryset.order_by(*order)[:3]), 2, key=lambda row: (row.updated_at, row.pk)
        )
        seen += [row.pk for row in rows]
        if cursor is None:
            break

    assert seen == expected
