"""Browser tests: a live server and Playwright driving Debian's chromium."""

import pytest


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "ja-JP",
        "timezone_id": "Asia/Tokyo",
        "viewport": {"width": 1280, "height": 800},
    }


@pytest.fixture
def login(page, live_server):
    """Log a user in through the real login form."""

    def do_login(username: str, password: str) -> None:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("[data-testid=login-submit]")

    return do_login


def click_nav(page, testid: str) -> None:
    """Follow a header link; on a phone the links are in the Menu, opened first."""
    button = page.locator("[data-testid=menu-button]")
    if button.is_visible():
        button.click()
    page.click(f"[data-testid={testid}]")


def sign_in(page, base_url: str, username: str) -> None:
    """Log `username` in through the real login form on `page` (any context, any viewport)."""
    from tests.factories import DEFAULT_PASSWORD

    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("[data-testid=login-submit]")
