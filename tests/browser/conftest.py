"""Browser tests: Playwright driving the machine's Chromium (Debian's package), never a downloaded one.

Where Chromium is missing the tests skip with the reason shown; under CI (CI=true) that is a failure,
since .ci/run installs Chromium.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 390, "height": 844}
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: browser tests cannot run in CI (see .ci/run)")
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def csp_violations(context) -> list[str]:
    """Console messages of every page of a browser context that report a Content Security Policy violation
    (Chromium logs each blocked script, style, image, connection or inline handler this way)."""
    violations = []
    context.on("console", lambda message: violations.append(message.text)
               if "Content Security Policy" in message.text else None)
    return violations


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
