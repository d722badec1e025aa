"""Text of a PDF as the golden files hold it, and their comparison."""

import io
import os
from pathlib import Path

from pypdf import PdfReader

GOLDEN = Path(__file__).parent / "golden"
A5_POINTS = (419.53, 595.28)  # 148 by 210 mm
A4_LANDSCAPE_POINTS = (841.89, 595.28)


def pdf_pages(data: bytes) -> list:
    return list(PdfReader(io.BytesIO(data)).pages)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_pages(data))


def normalised(text: str) -> str:
    # Line breaks depend on the fonts installed; the words and their order must not.
    return " ".join(text.split())


def page_size(page) -> tuple[float, float]:
    box = page.mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def assert_matches_golden(text: str, name: str) -> None:
    """Compare with golden/<name>.txt; UPDATE_GOLDEN=1 rewrites the file (then read the diff)."""
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text.rstrip("\n") + "\n")
    assert normalised(text) == normalised(path.read_text())
