import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    # Each test starts with an empty in-process cache: rate limits and cached reads never leak.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
