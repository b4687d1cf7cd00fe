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


def test_header_shows_the_dealer_and_role(page, live_server, login, artifacts_dir):
    from tests.factories import DealerFactory, dealer_user

    dealer = DealerFactory(code="TKY001", name_ja="東京モータース株式会社", name_en="Tokyo Motors Co., Ltd.")
    dealer_user(dealer=dealer, role="manager", username="tky-manager")

    login("tky-manager", DEFAULT_PASSWORD)

    expect(page.locator("[data-testid=who-org]")).to_have_text("東京モータース株式会社")
    expect(page.locator("[data-testid=who-role]")).to_have_text("マネージャー")
    page.click("[data-testid=lang-en]")
    expect(page.locator("[data-testid=who-org]")).to_have_text("Tokyo Motors Co., Ltd.")
    expect(page.locator("[data-testid=who-role]")).to_have_text("Manager")
    page.screenshot(path=str(artifacts_dir / "header-dealer-en.png"))


def test_header_shows_the_back_office_role(page, live_server, login):
    from tests.factories import StaffUserFactory

    StaffUserFactory(username="ops", groups=["operations"])

    login("ops", DEFAULT_PASSWORD)

    expect(page.locator("[data-testid=who-org]")).to_have_text("バックオフィス")
    expect(page.locator("[data-testid=who-role]")).to_have_text("業務")
