"""The catalog on a 390 px phone: nothing wider than the screen; tables become labelled cards, and
the comparison scrolls inside its box with a cue. Both languages."""

import pytest
from playwright.sync_api import expect

from catalog.demo import seed_catalog
from core.demo import DemoResult
from tests.e2e.conftest import sign_in
from tests.factories import DealerFactory, dealer_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser, live_server, request):
    seed_catalog(DemoResult())
    dealer = DealerFactory(code="TKY001", name_ja="東京モータース株式会社", name_en="Tokyo Motors Co., Ltd.")
    dealer_user(dealer=dealer, role="sales", username="tky-sales")
    language = request.param
    context = browser.new_context(viewport=PHONE, locale=language, timezone_id="Asia/Tokyo")
    page = context.new_page()
    sign_in(page, live_server.url, "tky-sales")
    yield page, language
    context.close()


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("phone_page", ["ja", "en"], indirect=True)
def test_catalog_pages_fit_a_phone(phone_page, live_server, artifacts_dir):
    page, language = phone_page
    retail = "希望小売価格" if language == "ja" else "Suggested retail"

    page.goto(f"{live_server.url}/catalog/")
    assert _overflow(page) == 0
    row = page.locator("[data-testid=model-CAMRY]")
    expect(row.locator("[data-testid=retail-CAMRY]")).to_have_attribute("data-label", retail)
    # A card, not a squeezed table row: the price cell spans (nearly) the card's width.
    assert row.locator("[data-testid=retail-CAMRY]").bounding_box()["width"] > 300
    page.screenshot(path=str(artifacts_dir / f"catalog-phone-{language}.png"), full_page=True)

    page.goto(f"{live_server.url}/catalog/models/CAMRY/")
    assert _overflow(page) == 0
    trim = page.locator("[data-testid=trim-CAMRY-26-LE]")
    expect(trim.locator("[data-testid=retail-CAMRY-26-LE]")).to_have_attribute("data-label", retail)
    page.check("[data-testid=compare-CAMRY-26-LE]")
    page.check("[data-testid=compare-CAMRY-26-SE]")
    page.check("[data-testid=compare-CAMRY-26-XLE-AWD]")
    page.click("[data-testid=compare-submit]")

    expect(page.locator("[data-testid=compare-table]")).to_be_visible()
    assert _overflow(page) == 0  # the page does not scroll sideways; the table's box does
    expect(page.locator(".scroll-cue")).to_be_visible()
    box = page.locator(".table-scroll")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    page.screenshot(path=str(artifacts_dir / f"compare-phone-{language}.png"), full_page=True)
