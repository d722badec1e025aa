import functools
import ipaddress

from django.conf import settings
from django.utils import translation

from .context import Actor, acting_as


@functools.cache
def _networks(
    trusted: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d; read them as the IPv4 address,
    # or a proxy on 127.0.0.1 is not recognised and every client counts as the proxy.
    return getattr(address, "ipv4_mapped", None) or address


def client_ip(request) -> str | None:
    """The client's address: the one function the audit trail, the access log and every
    request limit (API, lookup, allauth's login and sign-up limits) ask.

    X-Forwarded-For counts only when the peer that connected is one of our proxies
    (DVC_TRUSTED_PROXIES): a client reaching the portal directly may send any value. Behind our
    proxies, the list is read from the right, skipping the proxies' own addresses: the first
    address that is not ours is the client (entries left of it are the client's own claim).
    """
    trusted = _networks(tuple(settings.DVC_TRUSTED_PROXIES))
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None

    def is_trusted(address) -> bool:
        return any(address in network for network in trusted)

    if not is_trusted(peer):
        return str(peer)
    client = peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            break  # not written by a proxy of ours: the last address we can vouch for stands
        client = address
        if not is_trusted(address):
            break
    return str(client)


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
