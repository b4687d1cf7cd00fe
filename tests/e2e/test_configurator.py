"""The configurator's build lives in the URL, and its rule errors say what to do.

At 1366 px and 390 px, in Japanese and English, with and without JavaScript: a reload, Back and
Forward (through the quote) and the language switch keep the build; the same URL opened by another
dealer's salesperson shows the same build; a broken rule names its options, marks them, offers the
fix and keeps the last valid price on screen, marked out of date; on a phone the total stays in view.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from catalog.demo import seed_catalog
from core.demo import DemoResult
from tests.e2e.conftest import click_nav, sign_in
from tests.factories import DealerFactory, dealer_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
SE = "CAMRY-26-SE"
TEXT = {
    "ja": {
        "requires": "JBLプレミアムオーディオには12.3インチ ナビゲーションが必要です。",
        "fix": "12.3インチ ナビゲーションを追加",
        "excluded": "ムーンルーフとは同時に選べません",
        "included": "ジャパン コンビニエンス パッケージに含まれます",
        "stale": "前回の有効な価格",
        "needed": "JBLプレミアムオーディオに必要です",
        "landed": "輸入諸掛込み価格",
    },
    "en": {
        "requires": "JBL premium audio requires 12.3-inch navigation.",
        "fix": "Add 12.3-inch navigation",
        "excluded": "Not available with Power moonroof",
        "included": "Included in Japan convenience package",
        "stale": "Last valid price (out of date)",
        "needed": "Needed by JBL premium audio",
        "landed": "Landed cost",
    },
}
OTHER = {"ja": "en", "en": "ja"}
YEN = re.compile(r"^¥\d{1,3}(,\d{3})+$")


@pytest.fixture
def salespeople(db):
    seed_catalog(DemoResult())
    tokyo = DealerFactory(code="TKY001", name_ja="東京モータース株式会社", name_en="Tokyo Motors Co., Ltd.")
    osaka = DealerFactory(code="OSK001", name_ja="なにわオート株式会社", name_en="Naniwa Auto Co., Ltd.")
    dealer_user(dealer=tokyo, role="sales", username="tky-sales")
    dealer_user(dealer=osaka, role="sales", username="osk-sales")


def _context(browser, live_server, *, viewport, language, javascript=True, username="tky-sales"):
    context = browser.new_context(
        viewport=viewport, locale=language, timezone_id="Asia/Tokyo", java_script_enabled=javascript
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server.url, username)
    return context, page, errors


def _settled(page) -> None:
    """Wait until htmx has answered and settled (its classes are set while a request is in flight),
    and the result's fade back has ended (so screenshots show the page as a person sees it)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-settling')"
        " && document.getAnimations().length === 0"
    )


def _tick(page, code: str) -> None:
    page.check(f"[data-testid=option-{code}] input")
    _settled(page)


def _checked(page) -> list[str]:
    """The options the form sends (an option a package includes is shown ticked but is not sent)."""
    return sorted(
        page.eval_on_selector_all(
            "[data-testid=configurator] input[name=options]:checked:not(:disabled)",
            "els => els.map(e => e.value)",
        )
    )


def _build_in_url(page) -> tuple[list[str], list[str]]:
    query = parse_qs(urlsplit(page.url).query)
    return query.get("color", []), sorted(query.get("options", []))


def _switch_language(page, language: str) -> None:
    click_nav(page, f"lang-{language}")
    expect(page.locator("html")).to_have_attribute("lang", language)


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize(
    ("viewport", "language"),
    [(DESK, "ja"), (DESK, "en"), (PHONE, "ja"), (PHONE, "en")],
    ids=["1366-ja", "1366-en", "390-ja", "390-en"],
)
def test_the_build_survives_reload_back_forward_and_the_language_switch(
    browser, live_server, artifacts_dir, salespeople, viewport, language
):
    text = TEXT[language]
    size = viewport["width"]
    context, page, console_errors = _context(browser, live_server, viewport=viewport, language=language)
    page.goto(f"{live_server.url}/catalog/trims/{SE}/configure/")

    # No paid colour is preselected: the first price is the base price (the first free colour).
    expect(page.locator("[data-testid=color-1J9] input")).to_be_checked()
    expect(page.locator("[data-testid=color-089] input")).not_to_be_checked()
    expect(page.locator("[data-testid=total]")).to_have_text(YEN)
    base = page.locator("[data-testid=total]").inner_text()
    expect(page.locator("[data-testid=sticky-amount]")).to_have_text(base)

    # A rule broken: names first, the option at fault marked, the fix offered, the price kept (stale).
    _tick(page, "CAMRY-JBL")
    errors = page.locator("[data-testid=rule-errors]")
    expect(errors.locator("[data-code=missing_required_option] .rule-message")).to_have_text(text["requires"])
    expect(page.locator("[data-testid=option-CAMRY-JBL]")).to_have_class(re.compile(r"\bat-fault\b"))
    expect(page.locator("[data-testid=option-CAMRY-JBL] input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-testid=needed-CAMRY-NAV12]")).to_have_text(text["needed"])
    expect(page.locator("[data-testid=total]")).to_have_count(0)
    expect(page.locator("[data-testid=stale-total]")).to_have_text(base)
    expect(page.locator("[data-testid=stale-price]")).to_contain_text(text["stale"])
    expect(page.locator("[data-testid=sticky-amount]")).to_have_text(base)
    expect(page.locator("[data-testid=sticky-total]")).to_contain_text(text["stale"])
    expect(page).to_have_url(re.compile(r"options=CAMRY-JBL&last_color=1J9"))
    page.screenshot(path=str(artifacts_dir / f"configurator-broken-{size}-{language}.png"), full_page=True)

    # Reload keeps the broken build and its stale price.
    page.reload()
    expect(page.locator("[data-testid=option-CAMRY-JBL] input")).to_be_checked()
    expect(page.locator("[data-testid=stale-total]")).to_have_text(base)

    # The fix, one click.
    page.locator("[data-testid=fix]", has_text=text["fix"]).click()
    _settled(page)
    expect(page.locator("[data-testid=rule-errors]")).to_have_count(0)
    expect(page.locator("[data-testid=option-CAMRY-NAV12] input")).to_be_checked()
    expect(page.locator("[data-testid=total]")).to_have_text(YEN)

    # A choice that excludes another greys it out, saying why; a package shows what it includes.
    _tick(page, "CAMRY-SUNROOF")
    expect(page.locator("[data-testid=option-CAMRY-CROSSBARS] input")).to_be_disabled()
    expect(page.locator("[data-testid=excluded-CAMRY-CROSSBARS]")).to_have_text(text["excluded"])
    _tick(page, "JP-CONVENIENCE")
    expect(page.locator("[data-testid=option-JP-ETC2] input")).to_be_disabled()
    expect(page.locator("[data-testid=option-JP-ETC2] input")).to_be_checked()
    expect(page.locator("[data-testid=included-JP-ETC2]")).to_have_text(text["included"])
    total = page.locator("[data-testid=total]").inner_text()
    build = ["CAMRY-JBL", "CAMRY-NAV12", "CAMRY-SUNROOF", "JP-CONVENIENCE"]
    assert _build_in_url(page) == (["1J9"], build)
    assert "last_" not in page.url  # a valid build's address is the build alone
    if viewport is PHONE:
        assert _overflow(page) == 0
    # The total stays in view while ticking (the breakdown is below the options on a phone, and
    # taller than the screen beside them on a desk): the sticky bar sits at the foot of the screen.
    page.locator("[data-testid=option-CAMRY-MUDGUARDS]").scroll_into_view_if_needed()
    bar = page.locator("[data-testid=sticky-total]").bounding_box()
    assert bar["y"] >= 0, bar
    assert bar["y"] + bar["height"] <= viewport["height"] + 1, bar
    expect(page.locator("[data-testid=sticky-amount]")).to_have_text(total)
    expect(page.locator("[data-testid=sticky-amount]")).to_be_in_viewport()
    page.screenshot(path=str(artifacts_dir / f"configurator-sticky-{size}-{language}.png"))
    page.screenshot(path=str(artifacts_dir / f"configurator-valid-{size}-{language}.png"), full_page=True)

    page.reload()
    assert _checked(page) == build
    expect(page.locator("[data-testid=total]")).to_have_text(total)

    # To the quote and Back: the build and its own price (not the default build's).
    page.click("[data-testid=quote-link]")
    expect(page.locator("[data-testid=quote-total]")).to_have_text(total)
    page.go_back()
    expect(page.locator("[data-testid=total]")).to_have_text(total)
    assert _build_in_url(page) == (["1J9"], build)
    assert _checked(page) == build
    expect(page.locator("[data-testid=total]")).to_have_text(total)
    page.go_forward()
    expect(page.locator("[data-testid=quote-total]")).to_have_text(total)
    page.go_back()

    # The language switch keeps the build.
    _switch_language(page, OTHER[language])
    assert _checked(page) == build
    expect(page.locator("[data-testid=total]")).to_have_text(total)
    expect(page.locator("[data-testid=option-JP-ETC2] input")).to_be_disabled()
    _switch_language(page, language)
    assert _checked(page) == build

    # The live region announces the total only, never the breakdown table.
    live = page.locator("[aria-live]")
    expect(live).to_have_count(1)
    expect(live).to_have_text(f"{text['landed']} {total}")
    assert console_errors == [], "\n".join(console_errors)
    context.close()


@pytest.mark.parametrize(("viewport", "language"), [(DESK, "ja"), (PHONE, "en")], ids=["1366-ja", "390-en"])
def test_without_javascript_the_build_is_in_the_url_too(
    browser, live_server, artifacts_dir, salespeople, viewport, language
):
    text = TEXT[language]
    context, page, _ = _context(browser, live_server, viewport=viewport, language=language, javascript=False)
    page.goto(f"{live_server.url}/catalog/trims/{SE}/configure/")
    base = page.locator("[data-testid=total]").inner_text()
    assert YEN.match(base)

    page.check("[data-testid=option-CAMRY-SUNROOF] input")
    page.check("[data-testid=option-CAMRY-CROSSBARS] input")
    page.click("[data-testid=check-submit]")

    expect(page).to_have_url(re.compile(rf"/catalog/trims/{SE}/configure/\?color=1J9&options=CAMRY-SUNROOF"))
    expect(page.locator("[data-testid=rule-errors] [data-code=excluded_option]")).to_be_visible()
    expect(page.locator("[data-testid=option-CAMRY-SUNROOF]")).to_have_class(re.compile(r"\bat-fault\b"))
    expect(page.locator("[data-testid=option-CAMRY-CROSSBARS]")).to_have_class(re.compile(r"\bat-fault\b"))
    expect(page.locator("[data-testid=stale-total]")).to_have_text(base)
    broken_url = page.url
    page.screenshot(path=str(artifacts_dir / f"configurator-nojs-broken-{viewport['width']}-{language}.png"))

    # The language switch (a form post) comes back to the same broken build, not a blank 405.
    _switch_language(page, OTHER[language])
    assert page.url == broken_url
    expect(page.locator("[data-testid=option-CAMRY-CROSSBARS] input")).to_be_checked()
    expect(page.locator("[data-testid=stale-total]")).to_have_text(base)
    _switch_language(page, language)

    # A fix is a link: remove the cross bars.
    page.locator("[data-testid=fix]").first.click()
    expect(page.locator("[data-testid=rule-errors]")).to_have_count(0)
    expect(page.locator("[data-testid=total]")).to_have_text(YEN)
    total = page.locator("[data-testid=total]").inner_text()
    page.reload()
    expect(page.locator("[data-testid=total]")).to_have_text(total)
    page.click("[data-testid=quote-link]")
    expect(page.locator("[data-testid=quote-total]")).to_have_text(total)
    page.go_back()
    expect(page.locator("[data-testid=total]")).to_have_text(total)

    # JBL needs navigation: the fix adds it.
    page.check("[data-testid=option-CAMRY-JBL] input")
    page.click("[data-testid=check-submit]")
    page.locator("[data-testid=fix]", has_text=text["fix"]).click()
    expect(page.locator("[data-testid=option-CAMRY-NAV12] input")).to_be_checked()
    expect(page.locator("[data-testid=total]")).to_have_text(YEN)
    context.close()


def test_the_same_url_shows_the_same_build_to_another_dealers_salesperson(browser, live_server, salespeople):
    url = (
        f"{live_server.url}/catalog/trims/{SE}/configure/"
        "?color=089&options=CAMRY-NAV12&options=CAMRY-JBL&options=JP-CONVENIENCE"
    )
    seen = []
    for username in ("tky-sales", "osk-sales"):
        context, page, _ = _context(browser, live_server, viewport=DESK, language="ja", username=username)
        page.goto(url)
        seen.append((_checked(page), page.locator("[data-testid=total]").inner_text()))
        expect(page.locator("[data-testid=color-089] input")).to_be_checked()
        context.close()

    assert seen[0] == seen[1]
    assert seen[0][0] == ["CAMRY-JBL", "CAMRY-NAV12", "JP-CONVENIENCE"]
    assert YEN.match(seen[0][1])


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_comparison_keeps_its_trims_through_reload_and_the_language_switch(
    browser, live_server, salespeople, javascript
):
    context, page, _ = _context(browser, live_server, viewport=PHONE, language="ja", javascript=javascript)
    page.goto(f"{live_server.url}/catalog/models/CAMRY/")
    page.check("[data-testid=compare-CAMRY-26-LE]")
    page.check("[data-testid=compare-CAMRY-26-SE]")
    page.click("[data-testid=compare-submit]")
    url = f"{live_server.url}/catalog/compare/?trims=CAMRY-26-LE&trims=CAMRY-26-SE"
    expect(page).to_have_url(url)

    page.reload()
    expect(page.locator("[data-testid=compare-retail-CAMRY-26-SE]")).to_have_text("¥7,060,000")
    _switch_language(page, "en")
    expect(page).to_have_url(url)
    expect(page.locator("[data-testid=compare-retail-CAMRY-26-SE]")).to_have_text("¥7,060,000")
    page.go_back()
    expect(page.locator("[data-testid=compare-table]")).to_be_visible()
    context.close()
