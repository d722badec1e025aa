"""The error services raise on bad input, shared by every app.

A service refuses with a `ServiceError` carrying a message the user can read (translatable,
with named placeholders already filled in) and, when one input is to blame, that field's name.
Interfaces turn it into their own shape: a form error (`form.add_error(err.field, err.message)`),
an admin message, or an API error body (`err.code`, `err.message`, `err.field`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext


class ServiceError(Exception):
    """A business rule refused the input; nothing was changed.

    `message` is user-facing: pass `gettext_lazy("... %(name)s ...") % {"name": ...}` or
    `gettext(...)`; `field` names the offending input (None: the request as a whole); `code`
    is a stable machine-readable identifier for the API (default: the class's `default_code`).
    """

    default_code = "invalid"

    def __init__(
        self, message: str | Promise, *, field: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code

    def __str__(self) -> str:
        return str(self.message)

    def as_validation_error(self) -> ValidationError:
        """The same refusal as a Django ValidationError, for forms and model validation."""
        if self.field:
            return ValidationError({self.field: ValidationError(self.message, code=self.code)})
        return ValidationError(self.message, code=self.code)


class NoRuleSetInForce(ServiceError):
    """No legal framework (rule set) covers the date: a configuration gap to fix in the admin."""

    default_code = "no_rule_set_in_force"


class TooLong(ServiceError):
    """A text longer than its column: refused with the limit, never cut."""

    default_code = "too_long"


def text_within_limit(value: str, *, model: type, field: str, input_name: str | None = None) -> str:
    """`value` unchanged when it fits `model.field` (its max_length and its verbose name are
    the one source of the limit and of the words), else TooLong naming both lengths.

    A service checks its inputs with this instead of cutting them (`value[:300]` would lose
    what the user wrote without a word)."""
    column = model._meta.get_field(field)
    if column.max_length is not None and len(value) > column.max_length:
        raise TooLong(
            gettext("“%(label)s” is too long: at most %(limit)s characters, this has %(length)s.")
            % {
                "label": capfirst(column.verbose_name),
                "limit": column.max_length,
                "length": len(value),
            },
            field=input_name or field,
        )
    return value
