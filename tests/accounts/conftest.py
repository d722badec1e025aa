import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _accounts_settings(settings):
    # The signup form of this app (the lead adds the same line to settings.py).
    settings.ACCOUNT_FORMS = {"signup": "dichvucong.accounts.forms.SignupForm"}
    # Argon2 is deliberately slow; tests that are not about hashing use a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Outside the embedded mode (DATABASE_URL set) plain-HTTP test requests would be redirected,
    # and pages would look for a collectstatic manifest that tests never build.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture
def vietnamese():
    """User-facing messages in Vietnamese, as the portal speaks by default."""
    with translation.override("vi"):
        yield
