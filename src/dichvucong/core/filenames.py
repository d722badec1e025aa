"""The name of an uploaded file as the portal keeps and serves it.

A name is the uploader's words: shown on pages and sent back in Content-Disposition, never used
as a path (files are stored under random names). Two tricks make a name lie about the file:
invisible characters — a right-to-left override (U+202E) after "hoso" in "hoso?exe.pdf" makes a
screen show "hosofdp.exe" — and an extension that is not the content's (".html" on a PDF). So
every character of Unicode's "other" categories (controls, format characters — the bidi
overrides, isolates and marks among them —, surrogates, private use, unassigned) and the line
and paragraph separators go, and the extension is the one of the type the content was
detected as. (Line and paragraph separators and other spaces become plain spaces.)
"""

from __future__ import annotations

import os
import unicodedata

MAX_LENGTH = 255
FALLBACK_STEM = "tep"  # "file": for a name that had nothing visible left
# Extensions people write for the same type as the detected one (filetype says "jpg").
SAME_TYPE = {"jpg": {"jpg", "jpeg"}}


def _visible(text: str) -> str:
    kept = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isspace():  # a tab or line break between words stays a space between them
            kept.append(" ")
        elif unicodedata.category(ch)[0] != "C":
            kept.append(ch)
    return " ".join("".join(kept).split())


def clean_file_name(name: str, *, extension: str | None = None) -> str:
    """The uploaded `name` without directories and invisible characters, at most 255
    characters; with `extension` (the detected type's, without the dot), ending in it."""
    base = _visible(os.path.basename((name or "").replace("\\", "/")))
    stem, current = os.path.splitext(base)
    if not current and stem.startswith("."):  # ".html": an extension, no name
        stem, current = "", stem
    stem = stem.strip(" .")
    if extension is None:
        stem, suffix = (stem + current).strip(" ."), ""
    else:
        written = current[1:].lower()
        suffix = current if written in SAME_TYPE.get(extension, {extension}) else f".{extension}"
    stem = stem or FALLBACK_STEM
    return stem[: MAX_LENGTH - len(suffix)] + suffix
