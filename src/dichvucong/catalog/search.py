"""Folding Vietnamese text for search, as people type it.

"Đăng ký khai sinh", "dang ky khai sinh" and "DANG KI KHAI SINH" fold to the same string:
lower case, no diacritics, đ → d, and y → i (ký/kí, lý/lí are one spelling). Punctuation becomes
a space. The catalogue stores folded copies of each version's text (search_name, search_text)
and folds the query the same way, so both databases compare like with like; PostgreSQL's
`dvc_fold(text)` (unaccent through an immutable wrapper, migration of catalog) gives the same
result in SQL and is tested against this function.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Func, TextField

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    lowered = stripped.lower().replace("y", "i")
    return _NOT_WORD.sub(" ", lowered).strip()


class Fold(Func):
    """`fold` in SQL: PostgreSQL's `dvc_fold` (migration 0002 of catalog), the same Python
    function registered on each SQLite connection (catalog/trigram.py). For searches over
    columns that keep no folded copy (a dossier's owner name among an agency's dossiers)."""

    function = "dvc_fold"
    output_field = TextField()
