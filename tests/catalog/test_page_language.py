"""Numbers people read and one language per page, on the catalog pages of the demo catalog.

English pages carry no Japanese text (the recognition number reads "No. US-0001"); Japanese pages
name plants in Japanese and print every enum in Japanese; rates read as percentages, products as
×, dates one way per language, and a free colour has no "USD 0.00 × rate" line.
"""

import re

import pytest
from django.utils import translation

from catalog import models as m
from catalog.demo import seed_catalog
from core.demo import DemoResult
from tests.clock import today

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff01-\uff5e]+")
PAGES = {
    "list": "/catalog/",
    "camry": "/catalog/models/CAMRY/",
    "tundra": "/catalog/models/TUNDRA/",
    "compare": "/catalog/compare/?trims=CAMRY-26-LE&trims=CAMRY-26-SE",
    "configure": "/catalog/trims/CAMRY-26-SE/configure/?color=089",
    "configure-tundra": "/catalog/trims/TUNDRA-26-SR5/configure/?color=218",
    "quote": "/catalog/trims/CAMRY-26-SE/quote/?color=089&options=CAMRY-NAV12",
    "quote-tundra": "/catalog/trims/TUNDRA-26-SR5/quote/?color=218",
}
ENUMS = (m.BodyType, m.RecognitionStatus, m.Powertrain, m.Drive, m.PlateClass)


def enum_labels(language: str) -> set[str]:
    with translation.override(language):
        return {str(label) for choices in ENUMS for label in choices.labels}


@pytest.fixture
def seeded(db):
    seed_catalog(DemoResult())


def words_of(client, user, url: str, language: str) -> str:
    """The visible text of the page's <main> in `language`, tags dropped and spaces collapsed."""
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    main = text[text.index("<main") : text.index("</main>")]
    main = re.sub(r"<script.*?</script>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize("page", PAGES)
def test_each_page_is_in_one_language_with_one_date_format(client, seeded, world, page):
    user = world.users["dealer_sales"]
    english = words_of(client, user, PAGES[page], "en")
    japanese = words_of(client, user, PAGES[page], "ja")

    assert CJK.findall(english) == []
    english_only = enum_labels("en") - enum_labels("ja")  # "SUV" reads the same in both
    assert {
        label for label in english_only if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", japanese)
    } == set()
    for town in ("Georgetown", "San Antonio", "Toyota Motor Manufacturing"):
        assert town not in japanese
    iso = re.compile(r"\b20\d\d-\d\d-\d\d\b")
    assert iso.findall(japanese) == []
    assert iso.findall(english) == []
    if page in ("list", "compare"):
        day = today()
        assert f"{day.year}年{day.month}月{day.day}日" in japanese
        assert f"{day.day} {day:%b} {day.year}" in english


def test_the_recognition_number_has_an_english_form(client, seeded, world):
    user = world.users["dealer_sales"]

    assert "No. US-0001 · 20 May 2026" in words_of(client, user, PAGES["camry"], "en")
    assert "認定第US-0001号 · 2026年5月20日" in words_of(client, user, PAGES["camry"], "ja")


def test_plants_are_named_in_the_page_language(client, seeded, world):
    user = world.users["dealer_sales"]

    assert "(ケンタッキー工場)" in words_of(client, user, PAGES["camry"], "ja")
    assert "(Toyota Motor Manufacturing Kentucky, Georgetown, KY)" in words_of(
        client, user, PAGES["camry"], "en"
    )


def test_enum_values_read_as_words_in_english(client, seeded, world):
    words = words_of(client, world.users["dealer_sales"], PAGES["camry"], "en")

    assert "Body type Sedan" in words
    assert "Hybrid Front-wheel drive" in words
    assert "Recognised" in words
    assert " sedan " not in words
    assert " hybrid " not in words


def test_the_approval_notice_is_in_one_language(client, seeded, world):
    user = world.users["dealer_sales"]

    english = words_of(client, user, PAGES["tundra"], "en")
    assert "Orders are accepted subject to approval: vehicles are delivered" in english
    assert "ご注文は認定取得前・条件付きで承ります" in words_of(client, user, PAGES["tundra"], "ja")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_rates_read_as_percentages_and_products_with_the_times_sign(client, seeded, world, language):
    words = words_of(client, world.users["dealer_sales"], PAGES["quote"], language)

    assert re.search(r"USD 32,155\.00 × 0\.5% → USD 160\.77 × \d+\.\d+", words)
    assert re.search(r"¥[\d,]+ × 10% ¥[\d,]+", words)  # import consumption tax
    assert re.search(r"¥[\d,]+ × 0% ¥0", words)  # import duty on cars
    assert " x " not in words
    assert "0.1000" not in words
    assert "0.00500" not in words
    assert re.search(r"(10%|0%)", words)


@pytest.mark.parametrize(("language", "no_charge"), [("ja", "無償"), ("en", "no charge")])
def test_a_free_colour_has_no_conversion_line(client, seeded, world, language, no_charge):
    # 218 Midnight Black Metallic costs USD 0.00 on the demo list.
    words = words_of(client, world.users["dealer_sales"], PAGES["quote-tundra"], language)

    assert "USD 0.00" not in words
    colour = (
        "ボディカラー ミッドナイトブラックメタリック"
        if language == "ja"
        else "Colour Midnight Black Metallic"
    )
    assert f"{colour} {no_charge} ¥0" in words


@pytest.mark.parametrize(
    ("language", "provisional"),
    [("ja", "暫定 ナンバー区分が未確定のため"), ("en", "provisional The plate class is not decided yet")],
)
@pytest.mark.parametrize("page", ["quote-tundra", "configure-tundra"])
def test_the_tundras_automobile_tax_is_provisional_while_its_plate_class_is_undecided(
    client, seeded, world, language, provisional, page
):
    words = words_of(client, world.users["dealer_sales"], PAGES[page], language)

    assert provisional in words


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_decided_plate_class_prints_no_provisional_mark(client, seeded, world, language):
    words = words_of(client, world.users["dealer_sales"], PAGES["quote"], language)

    assert "暫定" not in words
    assert "provisional" not in words
