"""Browser journeys: Playwright drives Debian's Chromium against a live Daphne server.

One Chromium serves every browser test; each test gets a fresh context (cookies, storage).
Playwright's sync API keeps an event loop running in this thread, which Django's ORM takes
for an async context: the flag that allows it is set only while a browser test runs, and
Chromium is shut once the browser tests are over, so the tests after them run untouched.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from .live_server import LiveDaphne

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
TIMEOUT_MS = 15_000  # generous: the suite shares two cores with whatever else runs


class ChromiumSession:
    """Start Playwright and Chromium on first use; stop them when the browser tests are done."""

    def __init__(self):
        self._playwright = None
        self._browser = None

    @property
    def browser(self):
        if self._browser is None:
            from playwright.sync_api import expect, sync_playwright

            expect.set_options(timeout=TIMEOUT_MS)
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        return self._browser

    def stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None


chromium_key = pytest.StashKey[ChromiumSession]()
call_failed_key = pytest.StashKey[bool]()


def _is_browser_test(item) -> bool:
    return item is not None and item.get_closest_marker("browser") is not None


def _uses_shared_chromium(item) -> bool:
    """Tests outside this directory start their own Playwright, which cannot run beside this one."""
    return item is not None and "live_daphne" in getattr(item, "fixturenames", ())


def pytest_configure(config):
    config.stash[chromium_key] = ChromiumSession()


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if _is_browser_test(item):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not _is_browser_test(item):
        return (yield)
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        return (yield)
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous
        if not _uses_shared_chromium(nextitem):
            item.config.stash[chromium_key].stop()


def pytest_unconfigure(config):
    config.stash[chromium_key].stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[call_failed_key] = report.failed
    return report


@pytest.fixture(scope="session")
def live_daphne(django_db_setup):
    """Daphne serving helpdesk.asgi:application against the test database, at http://localhost:PORT."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # the artefacts describe this run only
    server = LiveDaphne(log_path=ARTIFACTS / f"daphne{os.environ.get('PYTEST_XDIST_WORKER', '')}.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(request, live_daphne):
    """A page in a fresh browser context whose relative URLs go to the live server."""
    context = request.config.stash[chromium_key].browser.new_context(base_url=live_daphne.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    if request.node.stash.get(call_failed_key, False):
        _save(page, "FAILED-" + request.node.name)
    context.close()


def _save(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "-", name).strip("-") + ".png")
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture
def screenshot(page):
    """Save the page as test-artifacts/screenshots/NAME.png and return the path."""
    return lambda name: _save(page, name)
