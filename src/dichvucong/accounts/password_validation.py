"""A password must not be the person's own details (AUTH_PASSWORD_VALIDATORS).

Django's UserAttributeSimilarityValidator compares raw strings of username, first and last
name and e-mail: it sees neither this portal's `full_name`, ID number, tax code and phone, nor
that "Thử Nghiệm" and "thu nghiem" are one name as people type it. This one folds both sides
(lower case, no diacritics, đ → d) and keeps letters and digits only, then refuses a password
that contains a detail whole (for example "ThuNghiem2024"), is close to one (difflib ratio
≥ 0.7, Django's threshold: "Thu-Nghiem!" for "Thử Nghiệm"), or is the name's words in any
order with at most two other letters ("nghiem.thu.2024").
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _

from dichvucong.core.text import fold

USER_ATTRIBUTES = ("full_name", "email", "id_number", "tax_code", "phone")
MAX_SIMILARITY = 0.7
# A detail shorter than this (a two-letter name part) may appear inside a good password.
MIN_CONTAINED_LENGTH = 4

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", fold(text or ""))


def _forms_of(name: str, value: str) -> list[str]:
    """The compact forms of one detail a password could be made of."""
    forms = [_compact(value)]
    if name == "email":
        forms.append(_compact(value.partition("@")[0]))
    elif name == "phone" and value.startswith("0"):
        forms.append(_compact(value[1:]))  # the number without its trunk prefix, as after +84
    return [form for form in forms if form]


def _only_name_words(password: str, full_name: str) -> bool:
    """The password is the name's words (any order, any case), digits and at most two letters."""
    rest = password
    for word in sorted({_compact(word) for word in full_name.split()}, key=len, reverse=True):
        if word:
            rest = rest.replace(word, "")
    letters_left = re.sub(r"[0-9]", "", rest)
    return rest != password and len(letters_left) <= 2


def is_similar(password: str, detail: str) -> bool:
    """Both compact: the detail (long enough) inside the password, or the two close."""
    if len(detail) >= MIN_CONTAINED_LENGTH and detail in password:
        return True
    if password in detail and len(password) >= MIN_CONTAINED_LENGTH:
        return True
    return SequenceMatcher(a=password, b=detail).ratio() >= MAX_SIMILARITY


class PersonalDetailsSimilarityValidator:
    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        compact_password = _compact(password)
        if not compact_password:
            return
        for name in USER_ATTRIBUTES:
            value = getattr(user, name, "") or ""
            if not isinstance(value, str):
                continue
            similar = any(is_similar(compact_password, form) for form in _forms_of(name, value))
            if similar or (name == "full_name" and _only_name_words(compact_password, value)):
                raise ValidationError(
                    _("The password is too similar to your %(detail)s."),
                    code="password_too_similar",
                    params={"detail": _verbose_name(user, name)},
                )

    def get_help_text(self) -> str:
        return _(
            "Your password cannot contain or resemble your name, e-mail address, ID number, "
            "tax code or phone number."
        )


def _verbose_name(user, name: str) -> str:
    try:
        return str(user._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
