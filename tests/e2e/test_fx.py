"""The stale-rate banner and the admin's rate import in a real browser: phone and desk, ja and en."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.catalog import factories as f
from tests.clock import days_ago
from tests.factories import DEFAULT_PASSWORD, StaffUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 800}}
BANK_TABLE = (
    Path(__file__).resolve().parent.parent / "catalog" / "fixtures" / "fx" / "mufg_2026-12-01_sjis.csv"
)


@pytest.fixture
def operations(db):
    user = StaffUserFactory(username="ops", groups=["operations"])
    f.FxRateFactory(rate_date=days_ago(5), rate=Decimal("155.2300"))
    return user


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _signed_in(browser, live_server, size, language):
    context = browser.new_context(viewport=SIZES[size], locale=language, timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "ops")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("[data-testid=login-submit]")
    return context, page


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_operations_see_the_stale_rate_banner(
    browser, live_server, artifacts_dir, operations, size, language
):
    (artifacts_dir / "fx").mkdir(exist_ok=True)
    context, page = _signed_in(browser, live_server, size, language)
    page.goto(f"{live_server.url}/catalog/")

    banner = page.locator("[data-testid=notice-fx-stale]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(days_ago(5).isoformat())
    box = banner.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= SIZES[size]["width"]
    assert _overflow(page) == 0
    page.screenshot(path=str(artifacts_dir / "fx" / f"banner-{size}-{language}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_admin_import_previews_the_bank_table(
    browser, live_server, artifacts_dir, operations, size, language
):
    (artifacts_dir / "fx").mkdir(exist_ok=True)
    context, page = _signed_in(browser, live_server, size, language)
    page.goto(f"{live_server.url}/admin/catalog/fxrate/")
    page.click("[data-testid=fx-import-link]")
    page.screenshot(path=str(artifacts_dir / "fx" / f"import-form-{size}-{language}.png"), full_page=True)
    page.set_input_files("#id_file", str(BANK_TABLE))
    page.click("input[type=submit]")

    expect(page.locator("#import-counts")).to_contain_text("1")
    expect(page.locator("#import-diff")).to_contain_text("2026-12-01")
    expect(page.locator("#import-diff")).to_contain_text("155.2300")
    page.screenshot(path=str(artifacts_dir / "fx" / f"import-preview-{size}-{language}.png"), full_page=True)
    page.click("input[name=confirm]")
    expect(page.locator(".messagelist")).to_be_visible()
    context.close()
