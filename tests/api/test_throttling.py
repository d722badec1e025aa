"""Per-client limits of the API: fixed windows counted in the cache."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from dichvucong.core import throttling  # the counter; the API's classes build on it
from tests.accounts.factories import UserFactory
from tests.agencies.factories import AgencyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/baseline/000.00.02.H30/"


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }


@pytest.fixture
def agency(db, bench_baseline):
    return AgencyFactory(with_desk=True, code="000.00.02.H30")


@pytest.fixture
def frozen_clock(monkeypatch):
    clock = {"now": 1_800_000_000.0}  # 15 s into a minute window
    clock["now"] += 15 - clock["now"] % 60
    monkeypatch.setattr(throttling.FixedWindowRateThrottle, "timer", lambda self: clock["now"])
    return clock


def test_an_anonymous_client_beyond_its_rate_gets_429_with_retry_after(
    client, agency, low_rates, frozen_clock, vietnamese
):
    statuses = [client.get(URL).status_code for _ in range(3)]
    refused = client.get(URL)

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert refused.json() == {
        "detail": "Quá nhiều yêu cầu. Vui lòng thử lại sau 45 giây.",
        "code": "throttled",
    }


def test_the_limit_is_per_client(client, agency, low_rates, frozen_clock):
    for _ in range(4):
        client.get(URL, REMOTE_ADDR="10.0.0.1")

    assert client.get(URL, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(URL, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_clients_of_unknown_address_share_one_limit(client, agency, low_rates, frozen_clock):
    # A socket without an address (a unix socket, a broken proxy) must not mean "no limit".
    statuses = [client.get(URL, REMOTE_ADDR="").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_the_next_window_starts_afresh(client, agency, low_rates, frozen_clock):
    for _ in range(4):
        client.get(URL)
    assert client.get(URL).status_code == 429

    frozen_clock["now"] += 45

    assert client.get(URL).status_code == 200


def test_behind_our_proxy_the_forwarded_client_counts(
    client, agency, low_rates, frozen_clock, settings
):
    settings.DVC_TRUSTED_PROXIES = ["10.0.0.0/24"]
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for _ in range(3):
        client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)

    assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    # A client cannot escape by claiming another address before the proxy's.
    spoofed = "198.51.100.1, 203.0.113.7"
    assert client.get(URL, HTTP_X_FORWARDED_FOR=spoofed, **proxy).status_code == 429
    assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 200


def test_a_client_reaching_the_portal_directly_cannot_rotate_its_forwarded_address(
    client, agency, low_rates, frozen_clock, settings
):
    settings.DVC_TRUSTED_PROXIES = ["10.0.0.0/24"]
    direct = {"REMOTE_ADDR": "198.51.100.20"}
    statuses = [
        client.get(URL, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", **direct).status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]  # one client, whatever the header says


def test_a_signed_in_user_has_the_user_rate(client, agency, low_rates, frozen_clock):
    client.force_login(UserFactory())

    statuses = [client.get(URL).status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]


@pytest.mark.parametrize("rate", ["120", "x/min", "120/fortnight", "/m"])
def test_a_malformed_rate_is_a_configuration_error(rate):
    with pytest.raises(ImproperlyConfigured):
        throttling.parse_rate(rate)


@pytest.mark.parametrize(
    ("rate", "parsed"), [("120/min", (120, 60)), ("5/s", (5, 1)), ("1000/hour", (1000, 3600))]
)
def test_rates_read_like_drf_rates(rate, parsed):
    assert throttling.parse_rate(rate) == parsed
