"""The rating token printed in the QR of forms 01 to 03: whoever holds the paper may rate the
service once, without an account (a desk applicant often has none)."""

from __future__ import annotations

from django.core import signing

_SALT = "dichvucong.rating"


def rating_token(code: str) -> str:
    # Only the signature travels (the code is in the URL already): short enough for a QR.
    return signing.Signer(salt=_SALT).sign(code).rsplit(":", 1)[1]


def rating_token_valid(code: str, token: str) -> bool:
    try:
        signing.Signer(salt=_SALT).unsign(f"{code}:{token or ''}")
    except signing.BadSignature:
        return False
    return True
