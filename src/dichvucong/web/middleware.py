"""Refusals of hostile requests before any view sees them (docs/decisions/0012).

- `RejectNulMiddleware`: 400 for a NUL character in the path, the query string, a cookie or a
  form field. No field of the portal takes one, and PostgreSQL refuses NUL in text, so one that
  reached a query was a server error on PostgreSQL and a silent oddity on SQLite.
- `BodySizeLimitMiddleware`: 413 before the body is read when its declared length exceeds the
  caller's cap (anonymous: a small one; signed in: a dossier's files; staff in the admin: the
  import bundle), 411 for a body of undeclared length. Django's own limits
  (DATA_UPLOAD_MAX_MEMORY_SIZE) bound only the form fields, not the files, so an anonymous
  200 MB upload was read in full into temporary files.

Both answer in JSON under /api/ (the API's {detail, code} shape) and with the error page
elsewhere.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

NUL = "\x00"
# What a request carries besides the files themselves: form fields and the multipart framing.
BODY_MARGIN_BYTES = 1024 * 1024
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refusal(request, *, status: int, code: str, title: str, message: str):
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=status)
    return render(
        request,
        "web/errors/refused.html",
        {"error_title": title, "error_text": message},
        status=status,
    )


def _nul_refusal(request):
    return _refusal(
        request,
        status=400,
        code="nul_character",
        title=_("The request could not be understood"),
        message=_("The request contains a NUL character, which no field of the portal accepts."),
    )


def _has_nul(items) -> bool:
    return any(NUL in key or NUL in value for key, value in items)


class RejectNulMiddleware:
    """400 for NUL in the path, query string or cookies (on the way in), or in a form field
    (process_view: after BodySizeLimitMiddleware has let the body in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            NUL in request.path
            or NUL in request.path_info
            or _has_nul(_flat(request.GET))
            or _has_nul(request.COOKIES.items())
        ):
            return _nul_refusal(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
            return None
        # Uploaded files' names need no check: Django's parser drops unprintable characters.
        if _has_nul(_flat(request.POST)):
            return _nul_refusal(request)
        return None


def _flat(multivalue):
    return [(key, value) for key, values in multivalue.lists() for value in values]


def body_cap(request) -> int:
    """The largest body this caller may send, in bytes."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return settings.DVC_MAX_BODY_BYTES_ANONYMOUS
    cap = settings.DVC_MAX_BODY_BYTES
    if user.is_staff and request.path_info.startswith("/admin/"):
        # The catalogue's import bundle and form templates are uploaded in the admin.
        largest = max(settings.DVC_IMPORT_MAX_BUNDLE_BYTES, settings.DVC_TEMPLATE_MAX_BYTES)
        cap = max(cap, largest + BODY_MARGIN_BYTES)
    return cap


class BodySizeLimitMiddleware:
    """413 before reading a body longer than the caller's cap; 411 for one of unknown length.

    After AuthenticationMiddleware (the cap depends on who asks) and before anything reads the
    body: CsrfViewMiddleware reads it in process_view, which runs after every __call__.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared:
            # Django reads no body without a length; say so rather than drop a chunked one.
            if request.META.get("HTTP_TRANSFER_ENCODING"):
                return _refusal(
                    request,
                    status=411,
                    code="length_required",
                    title=_("The request could not be understood"),
                    message=_("Send the length of the request's body (Content-Length)."),
                )
            return self.get_response(request)
        if not (declared.isascii() and declared.isdigit()):
            return _refusal(
                request,
                status=400,
                code="bad_length",
                title=_("The request could not be understood"),
                message=_("The request's Content-Length is not a number."),
            )
        if int(declared) <= settings.DVC_MAX_BODY_BYTES_ANONYMOUS:
            return self.get_response(request)  # anyone may send this much: no session read
        cap = body_cap(request)
        if int(declared) > cap:
            return _refusal(
                request,
                status=413,
                code="too_large",
                title=_("The request is too large"),
                message=_(
                    "The request is too large: at most %(size)s may be sent at once. Send fewer "
                    "or smaller files."
                )
                % {"size": filesizeformat(cap)},
            )
        return self.get_response(request)
