import importlib

import pytest
from django.urls import clear_url_caches


def _reload_urlconf() -> None:
    # The API's routes are read once, at import, from the setting: read them again.
    import dichvucong.api.urls
    import dichvucong.urls

    importlib.reload(dichvucong.api.urls)
    importlib.reload(dichvucong.urls)
    clear_url_caches()


@pytest.fixture
def bench_baseline(settings):
    """The benchmark's server: DVC_BENCH_BASELINE on, the baseline endpoint routed."""
    settings.DVC_BENCH_BASELINE = True
    _reload_urlconf()
    yield
    settings.DVC_BENCH_BASELINE = False
    _reload_urlconf()
