"""The one text fold (core.text): search matching, the SQL twin on SQLite, Vietnamese order."""

import pytest
from django.db import connection

from dichvucong.core.text import collation_key, fold, strip_marks


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Đăng ký khai sinh", "dang ki khai sinh"),
        ("DANG KI KHAI SINH", "dang ki khai sinh"),
        ("  Đồng Tháp ", "dong thap"),
        ("Hoả", "hoa"),
        ("Hỏa", "hoa"),
        ("000.03.21.H30", "000 03 21 h30"),
        ("Lý lịch tư pháp (số 1)", "li lich tu phap so 1"),
        ("", ""),
    ],
)
def test_fold_matches_what_people_type(typed, folded):
    assert fold(typed) == folded


def test_strip_marks_keeps_case_and_punctuation():
    assert strip_marks("Sở Y tế, Đà Nẵng") == "So Y te, Da Nang"


def test_collation_key_orders_as_vietnamese_readers_expect():
    names = ["Ủy ban nhân dân tỉnh", "Sở Y tế", "Sở Tư pháp", "sở tư pháp"]
    assert sorted(names, key=collation_key) == [
        "Sở Tư pháp",
        "sở tư pháp",
        "Sở Y tế",
        "Ủy ban nhân dân tỉnh",
    ]


@pytest.mark.django_db
def test_dvc_fold_in_sql_is_fold():
    # SQLite: registered by CoreConfig.ready; PostgreSQL: catalog's migration 0002_search.
    with connection.cursor() as cursor:
        cursor.execute("SELECT dvc_fold(%s)", ["Nguyễn Thị Thúy"])
        (folded,) = cursor.fetchone()
    assert folded == fold("Nguyễn Thị Thúy") == "nguien thi thui"
