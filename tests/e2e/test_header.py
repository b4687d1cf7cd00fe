"""The portal header on a phone folds into a menu; on a desk it stays one line. Both languages."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import DealerFactory, dealer_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 800}


@pytest.fixture
def manager(db):
    # A long dealer name: the header used to stack it one word a line and overflow a phone.
    dealer = DealerFactory(
        code="TKY001", name_ja="東京モータース株式会社", name_en="Tokyo Motors Company Limited of Japan"
    )
    return dealer_user(dealer=dealer, role="manager", username="tky-manager")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_on_a_phone_the_menu_opens_and_every_control_is_reachable(
    browser, live_server, artifacts_dir, manager, language
):
    context = browser.new_context(viewport=PHONE, locale=language, timezone_id="Asia/Tokyo")
    page = context.new_page()
    sign_in(page, live_server.url, "tky-manager")
    page.goto(f"{live_server.url}/catalog/?maker=TOYOTA")

    assert _overflow(page) == 0
    expect(page.locator("[data-testid=menu-button]")).to_be_visible()
    expect(page.locator("[data-testid=logout]")).to_be_hidden()
    expect(page.locator("[data-testid=nav-catalog]")).to_be_hidden()

    page.click("[data-testid=menu-button]")
    for testid in ("nav-catalog", "who-org", "lang-ja", "lang-en", "logout"):
        locator = page.locator(f"[data-testid={testid}]")
        expect(locator).to_be_visible()
        box = locator.bounding_box()
        assert box["x"] >= 0, testid
        assert box["x"] + box["width"] <= PHONE["width"], testid
    assert _overflow(page) == 0
    page.screenshot(path=str(artifacts_dir / f"header-phone-open-{language}.png"))

    # The language switch from the menu keeps the page and its query.
    other = "en" if language == "ja" else "ja"
    page.click(f"[data-testid=lang-{other}]")
    expect(page).to_have_url(f"{live_server.url}/catalog/?maker=TOYOTA")
    expect(page.locator("html")).to_have_attribute("lang", other)
    context.close()


def test_on_a_desk_the_header_is_one_line_without_a_menu_button(browser, live_server, manager):
    context = browser.new_context(viewport=DESK, locale="en", timezone_id="Asia/Tokyo")
    page = context.new_page()
    sign_in(page, live_server.url, "tky-manager")
    page.goto(f"{live_server.url}/catalog/")

    expect(page.locator("[data-testid=menu-button]")).to_be_hidden()
    brand = page.locator(".brand").bounding_box()
    logout = page.locator("[data-testid=logout]").bounding_box()
    assert abs((brand["y"] + brand["height"] / 2) - (logout["y"] + logout["height"] / 2)) < 8
    assert _overflow(page) == 0
    context.close()


def test_the_first_tab_reaches_a_skip_link_that_moves_to_the_content(browser, live_server, manager):
    context = browser.new_context(viewport=DESK, locale="ja", timezone_id="Asia/Tokyo")
    page = context.new_page()
    sign_in(page, live_server.url, "tky-manager")
    page.goto(f"{live_server.url}/catalog/")
    page.keyboard.press("Tab")
    skip = page.locator("[data-testid=skip-link]")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("本文へ移動")
    expect(skip).to_be_in_viewport()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus ring is visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()


_CONTRAST = """
(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const style = getComputedStyle(element);
  const [a, b] = [luminance(rgb(style.color)), luminance(rgb(style.backgroundColor))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def test_recognition_badges_have_text_contrast_of_at_least_4_5_to_1(browser, live_server, manager):
    from catalog.demo import seed_catalog
    from core.demo import DemoResult

    seed_catalog(DemoResult())
    context = browser.new_context(viewport=DESK, locale="en", timezone_id="Asia/Tokyo")
    page = context.new_page()
    sign_in(page, live_server.url, "tky-manager")
    page.goto(f"{live_server.url}/catalog/")
    badges = page.locator(".recognition .badge")
    assert badges.count() >= 3
    kinds = set()
    for index in range(badges.count()):
        badge = badges.nth(index)
        kinds.add(badge.get_attribute("class"))
        assert badge.evaluate(_CONTRAST) >= 4.5, badge.get_attribute("class")
    assert {"badge ok", "badge warn"} <= kinds
    context.close()
