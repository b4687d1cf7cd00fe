"""A person logs in, sees the home page in Japanese, switches to English, and logs out."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_log_in_see_home_switch_language(page, live_server, login, artifacts_dir):
    UserFactory(username="tanaka", first_name="Ichiro", last_name="Tanaka")

    login("tanaka", DEFAULT_PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("ようこそ")
    expect(page.locator("[data-testid=now]")).to_contain_text("JST")
    page.screenshot(path=str(artifacts_dir / "home-ja.png"), full_page=True)

    page.click("[data-testid=lang-en]")

    expect(page.locator("h1")).to_have_text("Welcome, Ichiro Tanaka")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=str(artifacts_dir / "home-en.png"), full_page=True)

    page.click("[data-testid=logout]")
    expect(page).to_have_url(re.compile(r"/login/$"))


def test_wrong_password_shows_an_error_and_stays_on_login(page, live_server, login):
    UserFactory(username="tanaka")

    login("tanaka", "not-the-password")

    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator("[role=alert]")).to_be_visible()


def test_pages_need_a_login(page, live_server):
    page.goto(f"{live_server.url}/")

    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
