"""The owner-name search of the desk queue and the inbox: folded, and served by an index."""

import pytest
from django.db import connection

from dichvucong.core.text import Fold, fold
from dichvucong.dossiers.models import Dossier

from .factories import DossierFactory

pytestmark = pytest.mark.django_db


def _by_folded_name(typed: str):
    # As the desk queue and the inbox search: both sides folded ("nguyen" → "nguien").
    return Dossier.objects.alias(owner_folded=Fold("owner_name")).filter(
        owner_folded__contains=fold(typed)
    )


def test_a_name_is_found_as_it_is_typed_without_diacritics():
    an = DossierFactory(owner_name="Nguyễn Văn An")
    DossierFactory(owner_name="Trần Thị Bích")

    assert list(_by_folded_name("nguyen van")) == [an]
    assert list(_by_folded_name("NGUYỄN  VĂN")) == [an]
    assert list(_by_folded_name("van binh")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index exists on PostgreSQL")
def test_the_search_can_use_the_folded_name_index():
    sql, params = _by_folded_name("nguyen van").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # The test table is tiny: forbid the sequential scan to see what the index can do.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "dossiers_owner_name_fold_trgm" in plan
