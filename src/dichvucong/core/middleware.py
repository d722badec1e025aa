from django.conf import settings
from django.utils import translation

from .context import Actor, acting_as


def client_ip(request) -> str | None:
    # Behind the reverse proxy the client is the first address it forwards.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.SECURE_PROXY_SSL_HEADER:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the visitor chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a public portal of a
    Vietnamese province speaks Vietnamese first, whatever the browser says.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RequestContextMiddleware:
    """Makes the signed-in user and the client address available to the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        actor = Actor(
            # Still lazy: a public page that records nothing never loads the session's user.
            user=getattr(request, "user", None),
            ip=client_ip(request),
            via="admin" if request.path.startswith("/admin/") else "web",
        )
        with acting_as(actor):
            return self.get_response(request)
