"""One language per page, seen in chromium: the English model page at 1366 px shows the whole
suggested-retail column and no Japanese; the Japanese pages print no English enum value and wrap
Japanese by phrase (クルーマックス is never split); the admin's price-list pages in both languages."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from catalog import models as m
from catalog.demo import seed_catalog
from core.demo import DemoResult
from tests.e2e.conftest import sign_in
from tests.factories import DealerFactory, UserFactory, dealer_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff01-\uff5e]")
ENUMS = (m.BodyType, m.RecognitionStatus, m.Powertrain, m.Drive, m.PlateClass)


def _labels(language: str) -> set[str]:
    with translation.override(language):
        return {str(label) for choices in ENUMS for label in choices.labels}


@pytest.fixture
def signed_in(browser, live_server):
    seed_catalog(DemoResult())
    dealer = DealerFactory(code="TKY001", name_ja="東京モータース株式会社", name_en="Tokyo Motors Co., Ltd.")
    dealer_user(dealer=dealer, role="sales", username="tky-sales")
    contexts = []

    def open_page(language: str, viewport: dict, username: str = "tky-sales"):
        context = browser.new_context(viewport=viewport, locale=language, timezone_id="Asia/Tokyo")
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server.url, username)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _main_text(page) -> str:
    return page.locator("main").inner_text()


def test_the_english_model_page_shows_the_retail_column_whole_and_no_japanese(
    signed_in, live_server, artifacts_dir
):
    page = signed_in("en", DESKTOP)

    for model in ("CAMRY", "TUNDRA", "HIGHLANDER"):
        page.goto(f"{live_server.url}/catalog/models/{model}/")
        box = page.locator(".trim-table").locator("xpath=..")
        assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), f"{model}: the trim table scrolls"
        visible = box.bounding_box()
        for cell in page.locator("[data-testid^=retail-]").all():
            edge = cell.bounding_box()
            assert edge["x"] + edge["width"] <= visible["x"] + visible["width"] + 0.5, model
            assert cell.evaluate("e => e.scrollWidth <= e.clientWidth"), f"{model}: a price is cut"
        assert CJK.findall(_main_text(page)) == [], model
        page.screenshot(path=str(artifacts_dir / f"model-{model.lower()}-1366-en.png"), full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_the_japanese_pages_print_no_english_enum_value(signed_in, live_server, artifacts_dir, viewport):
    page = signed_in("ja", viewport)
    english_only = _labels("en") - _labels("ja")

    for path in ("/catalog/", "/catalog/models/CAMRY/", "/catalog/models/TUNDRA/"):
        page.goto(f"{live_server.url}{path}")
        text = _main_text(page)
        printed = {
            label for label in english_only if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text)
        }
        assert printed == set(), path
        assert "Georgetown" not in text
    page.screenshot(path=str(artifacts_dir / f"model-tundra-{viewport['width']}-ja.png"), full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
@pytest.mark.parametrize("path", ["/catalog/models/TUNDRA/", "/catalog/trims/TUNDRA-26-LTD/configure/"])
def test_japanese_wraps_by_phrase_never_inside_a_word(signed_in, live_server, artifacts_dir, viewport, path):
    page = signed_in("ja", viewport)
    page.goto(f"{live_server.url}{path}")

    assert page.evaluate("getComputedStyle(document.querySelector('main')).wordBreak") == "auto-phrase"
    # Every occurrence of クルーマックス sits on one line: its first and last characters share a top.
    tops = page.evaluate(
        """() => {
          const word = 'クルーマックス', found = [];
          const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            let at = node.data.indexOf(word);
            while (at >= 0) {
              const first = document.createRange(), last = document.createRange();
              first.setStart(node, at); first.setEnd(node, at + 1);
              last.setStart(node, at + word.length - 1); last.setEnd(node, at + word.length);
              found.push([first.getBoundingClientRect().top, last.getBoundingClientRect().top]);
              at = node.data.indexOf(word, at + 1);
            }
          }
          return found;
        }"""
    )
    assert tops, "the Tundra page names the CrewMax trims"
    assert all(abs(first - last) < 2 for first, last in tops), tops
    name = path.strip("/").replace("/", "-")
    page.screenshot(path=str(artifacts_dir / f"{name}-{viewport['width']}-ja-phrases.png"), full_page=True)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_admin_price_list_pages(signed_in, live_server, artifacts_dir, language):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    page = signed_in(language, DESKTOP, "boss")
    published = (
        m.PriceList.objects.filter(status=m.PriceListStatus.PUBLISHED).order_by("-effective_from").first()
    )

    page.goto(f"{live_server.url}/admin/catalog/pricelist/")
    until = "まで" if language == "ja" else "until "
    expect(page.locator("#result_list")).to_contain_text(until)
    page.screenshot(path=str(artifacts_dir / f"admin-pricelists-{language}.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/catalog/pricelist/{published.pk}/change/")
    expect(page.locator("#content")).to_contain_text("¥")
    page.screenshot(path=str(artifacts_dir / f"admin-pricelist-{language}.png"), full_page=True)

    # Copy it into a draft, then preview an import of the draft's own export with one price changed.
    page.goto(f"{live_server.url}/admin/catalog/pricelist/")
    page.check(f"input[name=_selected_action][value='{published.pk}']")
    page.select_option("select[name=action]", "copy_to_draft")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text(f"{published.code}-DRAFT")
    draft = m.PriceList.objects.get(code=f"{published.code}-DRAFT")
    page.goto(f"{live_server.url}/admin/catalog/pricelist/{draft.pk}/change/")
    with page.expect_download() as download:
        page.click(f"a[href$='/{draft.pk}/export/']")
    exported = open(download.value.path(), "rb").read()  # noqa: SIM115 (a test reads a temp file)
    assert exported.startswith(b"\xef\xbb\xbf")
    text = exported.decode("utf-8-sig")
    first_fob = re.search(r"^trim_fob,[^,]*,[^,]*,(\d+\.\d\d),USD$", text, re.M).group(1)
    changed = text.replace(f",{first_fob},USD", f",{float(first_fob) + 100:.2f},USD", 1)
    upload = artifacts_dir / f"prices-{language}.csv"
    upload.write_bytes(changed.encode("cp932"))
    page.goto(f"{live_server.url}/admin/catalog/pricelist/{draft.pk}/import/")
    page.set_input_files("input[type=file]", str(upload))
    page.click("input[type=submit]")
    expect(page.locator("#import-diff")).to_contain_text("USD ")
    assert "trim_fob" not in page.locator("#import-diff").inner_text()
    page.screenshot(path=str(artifacts_dir / f"admin-import-preview-{language}.png"), full_page=True)
