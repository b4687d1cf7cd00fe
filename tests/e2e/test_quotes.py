"""A salesperson prints both quotes of a build, saves it for a customer, reopens and prints it again.

At 1366 px and 390 px, in Japanese and English: the internal landed-cost sheet is marked as such;
the customer estimate carries the customer's name, the statutory costs and the total; printed on
A4 the total is on the first page (checked in print media at A4's printable width, and the PDF is
kept); nothing is wider than a phone's screen.
"""

import re

import pytest
from playwright.sync_api import expect

from catalog.demo import seed_catalog
from core.demo import DemoResult
from importorders.models import SavedQuote
from tests.e2e.conftest import sign_in
from tests.factories import DealerFactory, dealer_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# A4 with the stylesheet's 15 mm margins, in CSS pixels (96 per inch): 180 x 267 mm.
A4_PRINTABLE = {"width": round(180 / 25.4 * 96), "height": round(267 / 25.4 * 96)}
BUILD = "trim=CAMRY-26-SE&color=089&options=JP-CONVENIENCE&options=CAMRY-NAV12"

WORDS = {
    "ja": {"internal": "社内用", "estimate": "お見積書", "tonnage": "自動車重量税", "dear": "田中 一郎 様"},
    "en": {
        "internal": "Internal use",
        "estimate": "Estimate",
        "tonnage": "Tonnage tax",
        "dear": "Dear 田中 一郎",
    },
}


@pytest.fixture
def sales(db):
    seed_catalog(DemoResult())
    dealer = DealerFactory(
        code="TKY001",
        name_ja="東京モータース株式会社",
        name_en="Tokyo Motors Co., Ltd.",
        address="東京都港区芝浦1-2-3",
        phone="03-1234-5678",
    )
    return dealer_user(dealer=dealer, role="sales", username="tky-sales")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _total_on_first_a4_page(page, selector: str) -> bool:
    """In print media at A4's printable width, the total's box ends within the first page's height."""
    size = page.viewport_size
    page.set_viewport_size(A4_PRINTABLE)
    page.emulate_media(media="print")
    box = page.locator(selector).bounding_box()
    scroll = page.evaluate("window.scrollY")
    page.emulate_media(media="screen")
    page.set_viewport_size(size)
    return box is not None and box["y"] + scroll + box["height"] <= A4_PRINTABLE["height"]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_both_printouts_saved_and_reopened(browser, live_server, artifacts_dir, sales, device, language):
    context = browser.new_context(viewport=VIEWPORTS[device], locale=language, timezone_id="Asia/Tokyo")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    words = WORDS[language]
    sign_in(page, live_server.url, "tky-sales")
    name = f"{device}-{language}"

    # The internal landed-cost sheet of the build, marked and with its total at the top.
    page.goto(
        f"{live_server.url}/catalog/trims/CAMRY-26-SE/quote/?color=089&options=JP-CONVENIENCE&options=CAMRY-NAV12"
    )
    expect(page.locator("[data-testid=internal-mark]")).to_have_text(words["internal"])
    expect(page.locator("[data-testid=quote-summary-total]")).to_have_text(re.compile(r"^¥\d{1,3}(,\d{3})+$"))
    assert _overflow(page) == 0
    assert _total_on_first_a4_page(page, "[data-testid=quote-summary-total]")
    page.screenshot(path=str(artifacts_dir / f"quote-internal-{name}.png"), full_page=True)

    # The customer estimate of the same build, for a customer named as typed.
    page.click("[data-testid=customer-estimate]")
    expect(page.locator("[data-testid=estimate-title]")).to_have_text(words["estimate"])
    page.fill("[data-testid=estimate-customer-input]", "田中 一郎")
    page.click("[data-testid=estimate-update]")
    expect(page.locator("[data-testid=estimate-customer]")).to_have_text(words["dear"])
    expect(page.locator("[data-testid=estimate-lines]")).to_contain_text(words["tonnage"])
    expect(page.locator("[data-testid=quote-dealer]")).to_contain_text("東京都港区芝浦1-2-3")
    total = page.locator("[data-testid=estimate-total]").inner_text()
    assert re.fullmatch(r"¥\d{1,3}(,\d{3})+", total)
    assert _overflow(page) == 0
    assert _total_on_first_a4_page(page, "[data-testid=estimate-total]")
    assert not SavedQuote.objects.exists()  # printed, not stored

    # Saved: a number, the same total; printable again from its page.
    page.click("[data-testid=save-quote]")
    expect(page.locator("[data-testid=quote-status]")).to_be_visible()
    number = page.locator("[data-testid=quote-number]").inner_text()
    assert re.fullmatch(r"Q-[A-Z0-9]{4}-[A-Z0-9]{4}", number)
    expect(page.locator("[data-testid=quote-estimate-total]")).to_have_text(total)
    assert _overflow(page) == 0
    page.screenshot(path=str(artifacts_dir / f"quote-saved-{name}.png"), full_page=True)

    page.click("[data-testid=print-estimate]")
    expect(page.locator("[data-testid=quote-number]")).to_have_text(number)
    expect(page.locator("[data-testid=estimate-total]")).to_have_text(total)
    page.screenshot(path=str(artifacts_dir / f"quote-estimate-{name}.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts_dir / f"quote-estimate-print-{name}.png"), full_page=True)
    page.emulate_media(media="screen")
    if device == "desktop":
        pdf = page.pdf(format="A4", print_background=True)
        (artifacts_dir / f"quote-estimate-{language}.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF")

    page.goto(f"{live_server.url}/quotes/{number}/internal/")
    expect(page.locator("[data-testid=internal-mark]")).to_have_text(words["internal"])
    assert _total_on_first_a4_page(page, "[data-testid=quote-summary-total]")
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts_dir / f"quote-internal-print-{name}.png"), full_page=True)
    page.emulate_media(media="screen")
    if device == "desktop":
        (artifacts_dir / f"quote-internal-{language}.pdf").write_bytes(page.pdf(format="A4"))

    # The list has it; the Tundra's undecided plate class shows as provisional.
    page.goto(f"{live_server.url}/quotes/")
    expect(page.locator(f"[data-testid=quote-row-{number}]")).to_be_visible()
    assert _overflow(page) == 0
    page.goto(f"{live_server.url}/quotes/estimate/?trim=TUNDRA-26-LTD&color=218")
    expect(page.locator("[data-testid=provisional-automobile_tax]")).to_be_visible()
    expect(page.locator("[data-testid=estimate-provisional]")).to_be_visible()
    assert errors == []
    context.close()
