"""Amounts in đồng, written one way everywhere: "8.000 đồng" (the catalogue's fees, a dossier's
fee, the application form's sums, the e-mails and the forms printed as PDF).

Digits are grouped by the active language's format (a dot between thousands in Vietnamese,
the default language; a comma in English); the unit goes through gettext.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext


def amount_text(amount: int) -> str:
    """1500000 → "1.500.000"."""
    return number_format(amount, force_grouping=True)


def vnd(amount: int) -> str:
    """1500000 → "1.500.000 đồng"."""
    return gettext("%(amount)s VND") % {"amount": amount_text(amount)}
