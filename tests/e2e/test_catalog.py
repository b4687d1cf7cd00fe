"""A dealer browses the catalog, compares trims, configures one live with htmx and prints the quote."""

import re

import pytest
from playwright.sync_api import expect

from catalog.demo import seed_catalog
from core.demo import DemoResult
from tests.factories import DEFAULT_PASSWORD, DealerFactory, dealer_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dealer_sales(db):
    seed_catalog(DemoResult())
    dealer = DealerFactory(code="TKY001", name_ja="東京モータース株式会社", name_en="Tokyo Motors Co., Ltd.")
    return dealer_user(dealer=dealer, role="sales", username="tky-sales")


def test_dealer_compares_configures_and_prints_a_quote(page, live_server, login, artifacts_dir, dealer_sales):
    console_errors: list[str] = []
    page.on(
        "console", lambda message: console_errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: console_errors.append(str(error)))

    login("tky-sales", DEFAULT_PASSWORD)
    page.click("[data-testid=nav-catalog]")

    expect(page).to_have_url(f"{live_server.url}/catalog/")
    expect(page.locator("[data-testid=recognition-CAMRY] .badge")).to_have_text("認定済み")
    expect(page.locator("[data-testid=recognition-TUNDRA]")).to_contain_text("認定取得前・条件付き")
    expect(page.locator("[data-testid=retail-CAMRY]")).to_have_text("¥6,580,000〜")
    page.screenshot(path=str(artifacts_dir / "catalog-list-ja.png"), full_page=True)

    page.get_by_role("link", name="カムリ").click()
    expect(page.locator("h1")).to_have_text("トヨタ カムリ")
    page.check("[data-testid=compare-CAMRY-26-LE]")
    page.check("[data-testid=compare-CAMRY-26-SE]")
    page.screenshot(path=str(artifacts_dir / "catalog-model-ja.png"), full_page=True)
    page.click("[data-testid=compare-submit]")

    expect(page.locator("[data-testid=compare-table]")).to_be_visible()
    expect(page.locator("[data-testid=compare-retail-CAMRY-26-SE]")).to_have_text("¥7,060,000")
    page.screenshot(path=str(artifacts_dir / "catalog-compare-ja.png"), full_page=True)

    page.go_back()
    page.click("[data-testid=configure-CAMRY-26-SE]")
    expect(page.locator("[data-testid=total]")).to_contain_text("¥")  # the first free colour is priced
    page.check("[data-testid=color-089] input")  # a paid colour, chosen by the salesperson
    expect(page).to_have_url(re.compile(r"/configure/\?color=089"))
    page.evaluate("window.stillTheSamePage = true")

    page.check("[data-testid=option-CAMRY-SUNROOF] input")
    # The moonroof excludes the cross bars: they are greyed out, saying why.
    expect(page.locator("[data-testid=option-CAMRY-CROSSBARS] input")).to_be_disabled()
    expect(page.locator("[data-testid=excluded-CAMRY-CROSSBARS]")).to_have_text(
        "ムーンルーフとは同時に選べません"
    )
    page.check("[data-testid=option-CAMRY-JBL] input")

    errors = page.locator("[data-testid=rule-errors]")
    expect(errors).to_contain_text("JBLプレミアムオーディオには12.3インチ ナビゲーションが必要です。")
    expect(errors).to_contain_text("(CAMRY-JBL / CAMRY-NAV12)")
    expect(page.locator("[data-testid=total]")).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage") is True, "the check reloaded the page"
    page.screenshot(path=str(artifacts_dir / "catalog-configure-error-ja.png"), full_page=True)

    page.uncheck("[data-testid=option-CAMRY-JBL] input")

    expect(page.locator("[data-testid=total]")).to_have_text(re.compile(r"^¥\d{1,3}(,\d{3})+$"))
    expect(page.locator("[data-testid=rule-errors]")).to_have_count(0)
    expect(page.locator("[data-testid=quote-rounding]")).to_contain_text("1,000円未満切捨て")
    assert page.evaluate("window.stillTheSamePage") is True
    total = page.locator("[data-testid=total]").inner_text()
    page.screenshot(path=str(artifacts_dir / "catalog-configure-ja.png"), full_page=True)

    page.click("[data-testid=quote-link]")

    expect(page).to_have_url(
        re.compile(r"/catalog/trims/CAMRY-26-SE/quote/\?color=089&options=CAMRY-SUNROOF$")
    )
    expect(page.locator("[data-testid=quote-total]")).to_have_text(total)
    expect(page.locator("[data-testid=quote-dealer]")).to_have_text("東京モータース株式会社 (TKY001)")
    expect(page.locator("[data-testid=quote-issued]")).to_contain_text("JST")
    page.screenshot(path=str(artifacts_dir / "catalog-quote-ja.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("[data-testid=print]")).to_be_hidden()
    page.screenshot(path=str(artifacts_dir / "catalog-quote-print-ja.png"), full_page=True)
    page.emulate_media(media="screen")

    page.click("[data-testid=lang-en]")
    expect(page.locator("[data-testid=quote-total]")).to_have_text(total)
    expect(page.locator("[data-testid=quote-dealer]")).to_have_text("Tokyo Motors Co., Ltd. (TKY001)")
    expect(page.locator("[data-testid=quote-rounding]")).to_contain_text("rounded down to the whole yen")
    page.screenshot(path=str(artifacts_dir / "catalog-quote-en.png"), full_page=True)

    page.click("[data-testid=nav-catalog]")
    expect(page.locator("[data-testid=recognition-CAMRY] .badge")).to_have_text("Recognised")
    expect(page.locator("[data-testid=retail-CAMRY]")).to_have_text("from ¥6,580,000")
    page.screenshot(path=str(artifacts_dir / "catalog-list-en.png"), full_page=True)

    page.goto(f"{live_server.url}/catalog/trims/TUNDRA-26-LTD/configure/")
    page.check("[data-testid=option-TD-TONNEAU] input")
    bedrack = page.locator("[data-testid=excluded-TD-BEDRACK]")
    expect(bedrack).to_have_text("Not available with Hard tonneau cover")
    expect(page.locator("[data-testid=approval-notice]")).to_contain_text("subject to approval")
    page.screenshot(path=str(artifacts_dir / "catalog-configure-en.png"), full_page=True)

    assert console_errors == [], "\n".join(console_errors)


def test_the_configurator_works_without_javascript(browser, live_server, artifacts_dir, dealer_sales):
    context = browser.new_context(java_script_enabled=False, locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "tky-sales")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("[data-testid=login-submit]")

    page.goto(f"{live_server.url}/catalog/trims/CAMRY-26-SE/configure/")
    page.check("[data-testid=option-CAMRY-SUNROOF] input")
    page.check("[data-testid=option-CAMRY-CROSSBARS] input")
    page.click("[data-testid=check-submit]")

    expect(page).to_have_url(re.compile(r"/catalog/trims/CAMRY-26-SE/configure/\?color=1J9&options="))
    expect(page.locator("[data-testid=rule-errors]")).to_contain_text("CAMRY-CROSSBARS")
    expect(page.locator("[data-testid=option-CAMRY-SUNROOF] input")).to_be_checked()

    page.uncheck("[data-testid=option-CAMRY-CROSSBARS] input")
    page.click("[data-testid=check-submit]")

    expect(page.locator("[data-testid=total]")).to_have_text(re.compile(r"^¥\d{1,3}(,\d{3})+$"))
    page.screenshot(path=str(artifacts_dir / "catalog-configure-nojs-ja.png"), full_page=True)
    context.close()
