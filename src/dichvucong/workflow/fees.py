"""A fee typed by an officer (the desk's receipt, the specialist's fee, the proposed result's
fee due): one reading, one set of refusals."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from dichvucong.core.errors import ServiceError
from dichvucong.dossiers.constants import FEE_MAX_VND, fee_too_large_message


def fee_amount_parse(value: Any, *, field: str, allow_zero: bool = False) -> int:
    """The amount in đồng, or a ServiceError on `field`: not a whole number, negative, zero
    where a fee must be due, or above FEE_MAX_VND."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        raise ServiceError(
            _("The fee must be a whole number of đồng."), field=field, code="invalid"
        ) from None
    if amount < 0:
        raise ServiceError(_("The fee cannot be negative."), field=field, code="negative")
    if amount == 0 and not allow_zero:
        raise ServiceError(_("The fee must be more than zero."), field=field, code="invalid")
    if amount > FEE_MAX_VND:
        raise ServiceError(fee_too_large_message(), field=field, code="too_large")
    return amount
