"""Real-browser tests: Debian's Chromium driven by Playwright.

``playwright install`` cannot download browsers here, so the system's
``/usr/bin/chromium`` is used. Playwright's sync API runs an asyncio loop in
the test thread, which makes Django refuse ORM calls from it; the tests only
set up data before the browser acts, so the check is switched off here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("THIDUA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _media_url_for_live_server() -> Iterator[None]:
    """The live server wraps the app in Django's media-file handler, which
    cannot take ``MEDIA_URL = None`` (our settings: uploads are never served
    as files). Give it a prefix that nothing links to, for these tests only."""
    from django.test.utils import override_settings

    with override_settings(MEDIA_URL="/__no-media__/"):
        yield


@pytest.fixture(scope="session")
def live_server(_media_url_for_live_server: None, live_server):  # extends pytest-django's fixture
    return live_server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
