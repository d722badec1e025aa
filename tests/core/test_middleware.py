import pytest

from dichvucong.core.middleware import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy: the header is the client's own claim
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a spoofed entry before the real one
        (1, "203.0.113.7", "203.0.113.7"),
        (2, "203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_address_counts_our_proxies_from_the_right(
    rf, settings, proxies, forwarded, expected
):
    settings.DVC_NUM_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected
