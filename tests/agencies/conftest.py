import pytest
from django.test import Client
from django.utils import translation


@pytest.fixture
def vietnamese():
    """User-facing messages in Vietnamese, as the portal speaks by default."""
    with translation.override("vi"):
        yield


@pytest.fixture
def https_client(settings):
    """A client as the public reaches the portal, whatever mode the tests run in.

    Outside the embedded mode (DATABASE_URL set, as on PostgreSQL) the portal redirects plain
    HTTP to HTTPS and serves static files from collectstatic's manifest, which tests do not
    build: requests come over HTTPS as the reverse proxy reports it, and static URLs are plain.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return Client(HTTP_X_FORWARDED_PROTO="https")
