from django.conf import settings
from django.utils import translation

from .context import Actor, acting_as


def client_ip(request) -> str | None:
    """The client's address as the outermost of our DVC_NUM_PROXIES proxies saw it.

    X-Forwarded-For is a list each proxy appends to; only the entries our own proxies added can
    be trusted (a client may send any value), so count from the right.
    """
    proxies = settings.DVC_NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
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
