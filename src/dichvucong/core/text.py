"""Folding Vietnamese text, as people type it: the one fold of the portal.

"Đăng ký khai sinh", "dang ky khai sinh" and "DANG KI KHAI SINH" fold to the same string:
lower case, no diacritics, đ → d, and y → i (ký/kí, lý/lí are one spelling). Punctuation becomes
a space. The catalogue stores folded copies of each version's text (search_name, search_text)
and folds the query the same way; the desk queue and the inbox search an owner's name through
`Fold`; the agencies' directory searches its desks with it. PostgreSQL's `dvc_fold(text)`
(unaccent through an immutable wrapper, created by catalog's migration 0002_search) gives the
same result in SQL and is tested against this function; on SQLite the function below is
registered as `dvc_fold` on every connection (CoreConfig.ready).

`collation_key` is for ordering, not matching: it keeps y and punctuation, so "Sở Tư pháp"
sorts before "Sở Y tế" as Vietnamese readers expect.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Func, TextField

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def strip_marks(text: str) -> str:
    """`text` without its diacritics, đ → d; case and punctuation kept."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold(text: str) -> str:
    """The search form of `text`: [0-9a-z] words separated by single spaces."""
    if not text:
        return ""
    lowered = strip_marks(text).lower().replace("y", "i")
    return _NOT_WORD.sub(" ", lowered).strip()


def collation_key(text: str) -> tuple[str, str]:
    """A sort key in Vietnamese reading order: letters first, then the accented form breaks
    ties (a byte-wise database order puts accented capitals after Z)."""
    return strip_marks(text).casefold().strip(), text


class Fold(Func):
    """`fold` in SQL: PostgreSQL's `dvc_fold`, the same Python function on SQLite. For searches
    over columns that keep no folded copy (a dossier's owner name among an agency's dossiers)."""

    function = "dvc_fold"
    output_field = TextField()


def connection_setup(sender, connection, **kwargs) -> None:
    """connection_created receiver: SQLite gets `dvc_fold` (PostgreSQL has it from catalog's
    migration 0002_search)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("dvc_fold", 1, fold, deterministic=True)
