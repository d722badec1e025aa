"""Row ids as they arrive in query strings and form fields: parsed once, never a 500."""

from __future__ import annotations

# A database integer key: SQLite cannot even bind a number outside this range (OverflowError).
ID_RANGE = range(-(2**63), 2**63)


def id_from_text(text: str | None) -> int | None:
    """The positive id `text` spells in ASCII digits, or None (int() would also take " 5",
    "+5" and other scripts' digits such as "²", which isdigit() accepts and int() refuses)."""
    if not text or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value in ID_RANGE else None
