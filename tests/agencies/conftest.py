import pytest
from django.test import Client


@pytest.fixture
def https_client(settings):
    """A client as the public reaches the portal: over HTTPS, as the reverse proxy reports it."""
    return Client(HTTP_X_FORWARDED_PROTO="https")
