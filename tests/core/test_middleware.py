import pytest

from dichvucong.core.middleware import client_ip

PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # A client that reaches the portal directly: its header is its own claim, ignored.
        ("198.51.100.9", "6.6.6.6", "198.51.100.9"),
        ("198.51.100.9", "", "198.51.100.9"),
        # From our proxy: the address it appended; what the client claimed before it is not.
        (PROXY, "203.0.113.7", "203.0.113.7"),
        (PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        # Two of our proxies in a row: skip the inner one's address.
        (PROXY, "203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (PROXY, "", PROXY),  # a request of the proxy itself (a health check)
        (PROXY, "not-an-address", PROXY),
        ("::1", "2001:db8::7", "2001:db8::7"),
        # Dual-stack sockets map IPv4 peers: read as IPv4, for the proxy check too.
        ("::ffff:198.51.100.9", "6.6.6.6", "198.51.100.9"),
        ("::ffff:10.0.0.1", "203.0.113.7", "203.0.113.7"),
    ],
)
def test_client_address_trusts_forwarded_addresses_only_from_our_proxies(
    rf, settings, peer, forwarded, expected
):
    settings.DVC_TRUSTED_PROXIES = ["10.0.0.0/24", "::1/128"]
    request = rf.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_with_no_trusted_proxy_the_header_never_counts(rf, settings):
    settings.DVC_TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert client_ip(request) == "127.0.0.1"
