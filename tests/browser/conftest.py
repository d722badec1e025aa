"""Real-browser tests: Playwright for Python driving Debian's Chromium against the portal served
by pytest-django's live server (a free local port, on the test database: PostgreSQL in CI).

The browser is the machine's `/usr/bin/chromium` (installed by scripts/browser.sh, which
`make test` runs); Playwright never downloads one. With CI=true a missing browser fails the run
instead of skipping it. A failing test leaves a screenshot and the page's HTML in
var/browser-failures/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the live server and the test's own
# ORM calls are ordinary synchronous code, which Django would otherwise refuse next to a loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("DVC_CHROMIUM", "/usr/bin/chromium")
# As root in a container there is no user namespace for the sandbox; the closed network refuses
# Chromium's background connections (updates, sync, field trials), so they are switched off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
FAILURES = Path(__file__).resolve().parents[2] / "var" / "browser-failures"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (scripts/browser.sh installs it)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def _plain_http_while_starting():
    """Production settings (DATABASE_URL and DJANGO_SECRET_KEY set, as in CI) redirect every
    request to HTTPS, and the security middleware reads that once, when the live server builds
    its handler: the server must start with plain HTTP allowed."""
    from django.conf import settings

    saved = settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS
    settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS = False, 0
    return saved


@pytest.fixture(scope="session")
def live_server(_plain_http_while_starting, live_server):
    from django.conf import settings

    # The running server keeps what it read; the rest of the suite gets the settings back.
    settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS = _plain_http_while_starting
    return live_server


@pytest.fixture
def browser_settings(settings):
    # The live server speaks plain HTTP: production's HTTPS-only cookies would never come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.DEBUG = False
    return settings


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:150]


@pytest.fixture
def new_page(browser, live_server, browser_settings, request):
    """A factory of pages, each in its own context (own cookies: one person each), at a width."""
    contexts = []

    def make(*, width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            viewport={"width": width, "height": height},
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make

    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                stem = FAILURES / f"{_slug(request.node.nodeid)}-{index}-{number}"
                try:
                    page.screenshot(path=f"{stem}.png", full_page=True)
                    Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
                except Exception as error:  # a crashed page still lets the others be saved
                    Path(f"{stem}.txt").write_text(repr(error), encoding="utf-8")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def _seed_migration_rows() -> None:
    """Put back the rows the migrations seed (rule sets, the official calendar): an earlier
    transactional test flushed every table."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from dichvucong.core.models import RuleSet

    editor = SimpleNamespace(connection=connection)
    if not RuleSet.objects.exists():
        import_module("dichvucong.core.migrations.0002_seed_rule_sets").seed(apps, editor)
    calendar = import_module(
        "dichvucong.agencies.migrations.0002_province_calendar_official_holidays"
    )
    calendar.load_official_days(apps, editor)  # idempotent


@pytest.fixture
def demo(settings, tmp_path):
    """The demo province (load_demo: agencies, procedures, demo accounts); ~20 s, so the
    journeys that need it are few and long."""
    import io

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    _seed_migration_rows()
    call_command("load_demo", stdout=io.StringIO())
