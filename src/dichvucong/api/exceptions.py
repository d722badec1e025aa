"""One shape for every error the API returns: {"detail": message, "code": code[, "errors": {...}]}.

`detail` is a sentence a person can read (Vietnamese by default); `code` is stable for programs;
`errors` maps each rejected parameter to its messages.
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback


def _messages(detail) -> list[str] | dict:
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        flat: list[str] = []
        for item in detail:
            nested = _messages(item)
            flat.extend(nested if isinstance(nested, list) else [str(nested)])
        return flat
    return [str(detail)]


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a programming error: Django's 500 handling and logging take over

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header

    if isinstance(exc, exceptions.ValidationError):
        errors = _messages(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        data = {
            "detail": _("Some parameters are not valid: %(names)s.")
            % {"names": ", ".join(sorted(errors))},
            "code": "invalid",
            "errors": errors,
        }
    elif isinstance(exc, exceptions.Throttled):
        seconds = max(1, math.ceil(exc.wait or 1))
        headers["Retry-After"] = str(seconds)
        data = {
            "detail": ngettext(
                "Too many requests. Try again in %(seconds)d second.",
                "Too many requests. Try again in %(seconds)d seconds.",
                seconds,
            )
            % {"seconds": seconds},
            "code": "throttled",
        }
    else:
        codes = exc.get_codes()
        data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else exc.default_code,
        }

    set_rollback()
    return Response(data, status=exc.status_code, headers=headers)
