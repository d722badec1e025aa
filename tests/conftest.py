import pytest
from django.utils import translation


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
