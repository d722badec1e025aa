"""Fixtures for the whole suite.

Time is an input (decision 0008). A test about what happens "now" is marked `clock`: it runs
at `DEFAULT_NOW`, or at `DVC_TEST_NOW` when that is set, and must pass at any instant; the clock
sweep (`--clock-sweep`, scripts/clock-sweep.sh) runs it at each instant of tests/clock.py. A
test whose fixed data assume a later "now" says so with `@pytest.mark.now(moment)` and runs
there always. With `DVC_TEST_NOW` set, every other test travels there too: the whole suite at
one instant.
"""

import datetime as dt
import os

import pytest
import time_machine
from django.utils import translation

from tests.clock import DEFAULT_NOW, LOCAL, SWEEP


def sweep_now() -> dt.datetime | None:
    """The instant of `DVC_TEST_NOW` (ISO 8601, local time when it names no offset), or None."""
    raw = os.environ.get("DVC_TEST_NOW", "").strip()
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as error:
        raise pytest.UsageError(f"DVC_TEST_NOW={raw!r} is not an ISO 8601 time: {error}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL)


def pytest_report_header(config):
    moment = sweep_now()
    if config.getoption("clock_sweep"):
        return f"clock: the tests marked `clock` at {len(SWEEP)} instants (tests/clock.py)"
    return f"clock: DVC_TEST_NOW={moment.isoformat()}" if moment else None


def pytest_addoption(parser):
    parser.addoption(
        "--clock-sweep",
        action="store_true",
        help="run each test marked `clock` at every instant of tests/clock.py SWEEP",
    )


def pytest_generate_tests(metafunc):
    if metafunc.config.getoption("clock_sweep") and metafunc.definition.get_closest_marker("clock"):
        metafunc.parametrize("clock_instant", list(SWEEP.values()), ids=list(SWEEP))


@pytest.fixture
def clock_instant():
    """The sweep's instant for this run of a `clock` test (parametrized by --clock-sweep)."""
    return None


@pytest.fixture(autouse=True)
def _clock(request, clock_instant):
    """Travel to the instant of `@pytest.mark.now(moment)` (a test whose fixed data assume
    it), else to the sweep's instant (every test), else to DEFAULT_NOW (tests marked `clock`).

    The clock ticks from there (tick=True): code that measures durations still sees time pass.
    The instant is passed as UTC so time-machine leaves the process's TZ alone (Django set it).
    """
    pinned = request.node.get_closest_marker("now")
    moment = pinned.args[0] if pinned else (clock_instant or sweep_now())
    if moment is None and request.node.get_closest_marker("clock") is None:
        yield None
        return
    moment = moment or DEFAULT_NOW
    with time_machine.travel(moment.astimezone(dt.UTC), tick=True):
        yield moment


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _test_settings(settings, _media_root):
    # Uploaded and generated files go to a temporary folder, never to var/media.
    settings.MEDIA_ROOT = _media_root
    # Each test starts with an empty in-process cache: rate limits and cached reads never leak.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # With DATABASE_URL set (PostgreSQL in CI) the production settings apply; the test client
    # speaks plain HTTP and static files are not collected, so those two are relaxed here.
    # tests/web/test_settings.py checks the production values in a separate process.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Argon2 is deliberately slow; the one test about hashing restores the project's hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    # Transactional tests flush the tables, and content types come back with new ids: a cached
    # id from an earlier test would break the audit entries' foreign key.
    ContentType.objects.clear_cache()

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def vietnamese():
    """User-facing messages in Vietnamese, as the portal speaks by default."""
    with translation.override("vi"):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The trail's tables refuse TRUNCATE (core migration 0004), but transactional tests end by
    flushing every table with TRUNCATE: the test database lifts that one guard. The test that
    proves the refusal turns it back on inside its own transaction."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in TRAIL_TABLES:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate")


TRAIL_TABLES = ("core_auditentry", "core_auditchain", "core_accesslogentry")
