"""The catalog pages of the dealer portal: who may see them, what they show, and what they cost."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog import models as m
from catalog.demo import fiscal_half_code, fiscal_half_start, seed_catalog
from catalog.selectors import portal
from core import errors
from core.clock import JST
from core.demo import DemoResult
from tests.catalog import factories as f
from tests.catalog.midnight import crossing_midnight, today_changes_after_first_reading
from tests.clock import days_ago, days_ahead, today
from tests.queries import assert_constant_queries, assert_query_count

pytestmark = pytest.mark.django_db

CAMRY_SE = "CAMRY-26-SE"
PAGES = {
    "list": "/catalog/",
    "model": "/catalog/models/CAMRY/",
    "compare": f"/catalog/compare/?trims=CAMRY-26-LE&trims={CAMRY_SE}",
    "configure": f"/catalog/trims/{CAMRY_SE}/configure/",
    "quote": f"/catalog/trims/{CAMRY_SE}/quote/?color=089&options=CAMRY-NAV12",
}
# Pages of one Camry row: hidden from dealers when the model is withdrawn from sale.
CAMRY_PAGES = {name: url for name, url in PAGES.items() if name != "list"}


def current_toyota_list() -> str:
    """The code of the demo's Toyota list of the current fiscal half-year."""
    return f"TOYOTA-{fiscal_half_code(fiscal_half_start(today()))}"


@pytest.fixture
def seeded(db):
    """The demo catalog: Toyota (Camry recognised, Tundra under review), Honda (Passport not submitted)."""
    seed_catalog(DemoResult())


def page_client(client, user, language="ja"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def day_ja(day: dt.date) -> str:
    """A date as Japanese pages print it (core.formatting): 2026年12月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def day_en(day: dt.date) -> str:
    """A date as English pages print it (core.formatting): 1 Dec 2026."""
    return f"{day.day} {day:%b} {day.year}"


def text_of(response) -> str:
    return response.content.decode()


def main_of(response) -> str:
    """The page's <main>, without the header (which carries a fresh CSRF token per response)."""
    text = text_of(response)
    return text[text.index("<main") : text.index("</main>")]


# --- who may see the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_anonymous_is_sent_to_the_login_page(client, seeded, page):
    response = client.get(PAGES[page])

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next={PAGES[page].split('?')[0]}")


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_a_user_without_dealer_or_role_gets_404(client, seeded, user, page):
    response = page_client(client, user).get(PAGES[page])

    assert response.status_code == 404
    assert "見つかりません" in text_of(response)


@pytest.mark.parametrize(
    "caller", ["dealer_sales", "dealer_manager", "other_dealer", "operations", "compliance"]
)
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_dealers_and_the_back_office_see_every_page(client, seeded, world, caller, page):
    response = page_client(client, world.users[caller]).get(PAGES[page])

    assert response.status_code == 200


def test_the_check_endpoint_needs_a_login_and_the_catalog(client, seeded, user):
    url = f"/catalog/trims/{CAMRY_SE}/configure/check/"

    assert client.post(url, {"color": "089"}).status_code == 302
    assert page_client(client, user).post(url, {"color": "089"}, HTTP_HX_REQUEST="true").status_code == 404


@pytest.mark.parametrize("page", CAMRY_PAGES, ids=str)
def test_an_inactive_model_is_404_for_a_dealer_and_200_for_operations(client, seeded, world, page):
    m.VehicleModel.objects.filter(code="CAMRY").update(active=False)

    dealer = page_client(client, world.users["dealer_sales"]).get(CAMRY_PAGES[page])
    operations = page_client(client, world.users["operations"]).get(CAMRY_PAGES[page])

    assert dealer.status_code == (400 if page == "compare" else 404)  # compare: "no trim CAMRY-26-LE"
    assert operations.status_code == 200
    if page in {"configure", "quote"}:  # the back office sees why it cannot be ordered
        assert "グレード CAMRY-26-SE は注文できません。" in text_of(operations)


def test_an_inactive_model_leaves_the_dealer_catalog_and_its_check_endpoint(client, seeded, world):
    m.VehicleModel.objects.filter(code="CAMRY").update(active=False)
    dealer = page_client(client, world.users["dealer_sales"])

    assert 'data-testid="model-CAMRY"' not in text_of(dealer.get("/catalog/"))
    assert 'data-testid="model-TUNDRA"' in text_of(dealer.get("/catalog/"))
    check = dealer.post(
        f"/catalog/trims/{CAMRY_SE}/configure/check/", {"color": "089"}, HTTP_HX_REQUEST="true"
    )
    assert check.status_code == 404


def test_the_header_links_to_the_catalog_only_for_those_who_see_it(client, seeded, world, user):
    dealer_home = page_client(client, world.users["dealer_sales"]).get("/")
    assert 'data-testid="nav-catalog"' in text_of(dealer_home)
    assert ">カタログ</a>" in text_of(dealer_home)

    client.logout()
    plain_home = page_client(client, user).get("/")
    assert 'data-testid="nav-catalog"' not in text_of(plain_home)


# --- the catalog --------------------------------------------------------------------------------


def test_catalog_groups_models_by_maker_with_badges_and_prices_in_japanese(client, seeded, world):
    text = text_of(page_client(client, world.users["dealer_sales"]).get("/catalog/"))

    assert text.index('data-testid="maker-HONDA"') < text.index('data-testid="model-PASSPORT"')
    assert text.index('data-testid="maker-TOYOTA"') < text.index('data-testid="model-CAMRY"')
    camry = text[text.index('data-testid="model-CAMRY"') : text.index('data-testid="model-HIGHLANDER"')]
    assert "カムリ" in camry
    assert "セダン" in camry
    assert "ケンタッキー工場" in camry
    assert "2026, 2027" in camry
    assert '<td data-label="グレード数" class="num">4</td>' in camry
    assert "¥6,580,000〜" in camry  # the LE, the cheapest of four trims on this half-year's list
    assert '<span class="badge ok">認定済み</span>' in camry
    assert "認定第US-0001号 · 2026年5月20日" in camry
    tundra = text[text.index('data-testid="model-TUNDRA"') :]
    assert '<span class="badge warn">審査中</span>' in tundra
    assert '<span class="badge conditional">認定取得前・条件付き</span>' in tundra
    passport = text[text.index('data-testid="model-PASSPORT"') : text.index('data-testid="maker-TOYOTA"')]
    assert '<span class="badge warn">未申請</span>' in passport
    assert "認定取得前・条件付き" in passport


def test_catalog_in_english_shows_the_same_yen_format(client, seeded, world):
    text = text_of(page_client(client, world.users["dealer_sales"], "en").get("/catalog/"))

    assert "from ¥6,580,000" in text
    assert '<span class="badge ok">Recognised</span>' in text
    assert '<span class="badge conditional">Subject to approval</span>' in text


def test_catalog_shows_a_withdrawn_model_as_withdrawn_and_a_model_without_prices(client, seeded, world):
    m.VehicleModel.objects.filter(code="TUNDRA").update(recognition_status=m.RecognitionStatus.WITHDRAWN)
    m.TrimPrice.objects.filter(trim__model_year__vehicle_model__code="PASSPORT").delete()

    text = text_of(page_client(client, world.users["dealer_sales"]).get("/catalog/"))

    tundra = text[text.index('data-testid="model-TUNDRA"') :]
    tundra = tundra[: tundra.index("</tr>")]
    assert '<span class="badge danger">取消</span>' in tundra
    assert "受注できません" in tundra
    assert "認定取得前" not in tundra
    passport = text[text.index('data-testid="model-PASSPORT"') : text.index('data-testid="maker-TOYOTA"')]
    assert "価格未設定" in passport


def test_catalog_uses_the_price_list_in_effect_today(client, seeded, world):
    # Last half-year's list (USD 400 less, same retail) has ended; make today's retail differ.
    m.TrimPrice.objects.filter(price_list__code=current_toyota_list(), trim__code="CAMRY-26-LE").update(
        suggested_retail_jpy=Decimal(5_123_456)
    )

    text = text_of(page_client(client, world.users["dealer_sales"]).get("/catalog/"))

    assert "¥5,123,456〜" in text
    assert "¥6,580,000〜" not in text


def _priced_maker():
    maker = f.MakerFactory(code="TOYOTA")
    price_list = f.PriceListFactory(maker=maker)  # in effect since a month ago
    return maker, price_list


def _add_priced_models(maker, price_list, count):
    for _ in range(count):
        model = f.VehicleModelFactory(maker=maker)
        year = f.ModelYearFactory(vehicle_model=model)
        for retail in (6_000_000, 7_000_000):
            trim = f.TrimFactory(model_year=year)
            f.TrimPriceFactory(price_list=price_list, trim=trim, suggested_retail_jpy=Decimal(retail))


# session, user, the caller's membership; models, model years, trims, price lists in effect, prices;
# the header's unread notification count
CATALOG_QUERIES = 9


def test_catalog_runs_the_same_queries_for_one_model_or_many(client, world):
    maker, price_list = _priced_maker()
    dealer = page_client(client, world.users["dealer_sales"])
    dealer.get("/catalog/")  # the session and caller are warm like on any later page

    assert_constant_queries(
        lambda: dealer.get("/catalog/"),
        lambda n: _add_priced_models(maker, price_list, n),
        expected=CATALOG_QUERIES,
        few=1,
        many=12,
    )
    assert text_of(dealer.get("/catalog/")).count("¥6,000,000〜") == 12


# session, user, the caller's membership; model, model years, trims, price lists in effect, prices;
# the header's unread notification count
MODEL_QUERIES = 9


def test_model_page_runs_the_same_queries_for_one_trim_or_many(client, world):
    maker, price_list = _priced_maker()
    model = f.VehicleModelFactory(maker=maker, code="CAMRY")
    year = f.ModelYearFactory(vehicle_model=model)
    dealer = page_client(client, world.users["dealer_sales"])
    dealer.get("/catalog/models/CAMRY/")  # warm: the session, and the FX freshness of this catalog version

    def add_trims(n):
        for _ in range(n):
            trim = f.TrimFactory(model_year=year, plate_class="")
            f.TrimPriceFactory(price_list=price_list, trim=trim, suggested_retail_jpy=Decimal(6_543_210))

    assert_constant_queries(
        lambda: dealer.get("/catalog/models/CAMRY/"), add_trims, expected=MODEL_QUERIES, few=1, many=12
    )
    text = text_of(dealer.get("/catalog/models/CAMRY/"))
    assert text.count("¥6,543,210") == 12
    assert text.count("未定") == 12


# --- the model page -----------------------------------------------------------------------------


def test_model_page_lists_trims_with_specs_prices_and_links(client, seeded, world):
    text = text_of(page_client(client, world.users["dealer_sales"]).get("/catalog/models/CAMRY/"))

    le = text[text.index('data-testid="trim-CAMRY-26-LE"') : text.index(f'data-testid="trim-{CAMRY_SE}"')]
    assert "ハイブリッド" in le
    assert "前輪駆動" in le
    assert "4,915 \N{MULTIPLICATION SIGN} 1,839 \N{MULTIPLICATION SIGN} 1,445" in le
    assert "1,542 kg" in le
    assert "2,487 cc" in le
    assert "普通乗用\N{FULLWIDTH LEFT PARENTHESIS}3ナンバー\N{FULLWIDTH RIGHT PARENTHESIS}" in le
    assert "USD 28,400.00" in le
    assert "¥6,580,000" in le
    assert 'name="trims" value="CAMRY-26-LE"' in le
    assert 'href="/catalog/trims/CAMRY-26-LE/configure/"' in le
    current = fiscal_half_start(today())
    assert f"TOYOTA-{fiscal_half_code(current)} ({day_ja(current)}から)" in text


def test_model_page_says_undecided_for_an_empty_plate_class_and_warns_before_recognition(
    client, seeded, world
):
    text = text_of(page_client(client, world.users["dealer_sales"]).get("/catalog/models/TUNDRA/"))

    assert text.count('<span class="badge warn">未定</span>') == 3
    assert 'data-testid="approval-notice"' in text
    assert "認定取得前・条件付き" in text


def test_model_page_for_an_unknown_code_is_404(client, seeded, world):
    response = page_client(client, world.users["dealer_sales"]).get("/catalog/models/NOPE/")

    assert response.status_code == 404


def test_every_catalog_404_is_the_sites_one_404_page(client, seeded, world, user):
    dealer = page_client(client, world.users["dealer_sales"])
    missing_url = main_of(dealer.get("/catalog/no-such-page/"))
    unknown_model = dealer.get("/catalog/models/NOPE/")
    unknown_trim = dealer.get("/catalog/trims/NOPE/configure/")
    m.Trim.objects.filter(code="CAMRY-26-LE").update(active=False)
    hidden_trim = dealer.get("/catalog/trims/CAMRY-26-LE/quote/")
    client.logout()
    no_catalog = page_client(client, user).get("/catalog/")

    for response in (unknown_model, unknown_trim, hidden_trim, no_catalog):
        assert response.status_code == 404
        assert main_of(response) == missing_url
    assert "見つかりません" in missing_url


@pytest.mark.parametrize(
    ("error", "status", "heading"),
    [
        (errors.PermissionDenied, 403, "Your role may not do this"),
        (errors.ValidationFailed, 400, "Please check your request"),
        (errors.Conflict, 409, "Not possible in the current state"),
        (errors.Unprocessable, 422, "This request cannot be processed"),
    ],
    ids=["403", "400", "409", "422"],
)
def test_catalog_pages_answer_application_errors_with_cores_pages(
    client, seeded, world, monkeypatch, error, status, heading
):
    def refuse(**kwargs):
        raise error()

    monkeypatch.setattr(portal, "model_for_caller", refuse)

    response = page_client(client, world.users["dealer_sales"], "en").get("/catalog/models/CAMRY/")

    assert response.status_code == status
    assert f'data-testid="error-page" data-status="{status}"' in text_of(response)
    assert f"<h1>{heading}</h1>" in text_of(response)
    assert f'<p data-testid="error-message">{error.default_message}</p>' in text_of(response)


# --- comparison ---------------------------------------------------------------------------------


def test_compare_shows_two_trims_side_by_side(client, seeded, world):
    response = page_client(client, world.users["dealer_sales"]).get(PAGES["compare"])

    text = text_of(response)
    assert response.status_code == 200
    assert 'data-testid="compare-retail-CAMRY-26-LE">¥6,580,000<' in text
    assert f'data-testid="compare-retail-{CAMRY_SE}">¥7,060,000<' in text
    assert "USD 30,800.00" in text
    assert text.index("CAMRY-26-LE</span></th>") < text.index(f"{CAMRY_SE}</span></th>")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "比較するグレードを2件以上選んでください。"),
        ("?trims=CAMRY-26-LE", "比較するグレードを2件以上選んでください。"),
        ("?trims=CAMRY-26-LE&trims=CAMRY-26-LE", "比較するグレードを2件以上選んでください。"),
        (
            "?trims=CAMRY-26-LE&trims=CAMRY-26-SE&trims=CAMRY-26-XLE-AWD&trims=CAMRY-26-XSE-AWD&trims=TUNDRA-26-SR5",
            "一度に比較できるグレードは4件までです。",
        ),
        ("?trims=CAMRY-26-LE&trims=NOPE", "グレード NOPE はカタログにありません。"),
        ("?trims=CAMRY-26-LE&trims=" + "X" * 300, "コードは40文字以内です。"),
    ],
    ids=["none", "one", "one-twice", "five", "unknown", "too-long"],
)
def test_compare_explains_a_bad_request(client, seeded, world, query, message):
    response = page_client(client, world.users["dealer_sales"]).get(f"/catalog/compare/{query}")

    assert response.status_code == 400
    assert message in text_of(response)
    assert 'data-testid="compare-table"' not in text_of(response)


def test_compare_answers_a_trim_the_dealer_may_not_see_like_an_unknown_one(client, seeded, world):
    m.Trim.objects.filter(code="CAMRY-26-LE").update(active=False)
    dealer = page_client(client, world.users["dealer_sales"])

    hidden = dealer.get(f"/catalog/compare/?trims={CAMRY_SE}&trims=CAMRY-26-LE")
    missing = dealer.get(f"/catalog/compare/?trims={CAMRY_SE}&trims=CAMRY-26-XX")

    assert hidden.status_code == missing.status_code == 400
    assert "グレード CAMRY-26-LE はカタログにありません。" in text_of(hidden)
    assert main_of(hidden).replace("CAMRY-26-LE", "CAMRY-26-XX") == main_of(missing)


# --- configurator, check endpoint and quote on the worked example (docs/catalog.md) --------------


# The worked example of docs/catalog.md is priced on 2026-11-24, after the environmental levy ended
# (2026-03-31): its figures hold on that day, whatever day the suite runs on.
WORKED_EXAMPLE_AT = dt.datetime(2026, 11, 24, 12, 0, tzinfo=JST)


@pytest.fixture
def priced_today(camry, clock):
    """The Camry world on the worked example's day, with its USD/JPY rate (152.34) dated that day."""
    clock.set(WORKED_EXAMPLE_AT)
    m.FxRate.objects.update_or_create(
        rate_date=today(),
        base_currency="USD",
        quote_currency="JPY",
        defaults={"rate": Decimal("152.3400"), "source": "MUFG TTM"},
    )
    return camry


XSE = "CAMRY-26-XSE"
WORKED_EXAMPLE = {"color": "089", "options": ["PKG-NAV", "MUDGUARD"]}


def test_configurator_offers_colours_as_svg_swatches_and_grouped_options(client, priced_today, world):
    m.Color.objects.filter(code="089").update(hex="#F2F2EE")
    m.Option.objects.filter(code="MUDGUARD").update(installation=m.Installation.PORT)

    response = page_client(client, world.users["dealer_sales"]).get(f"/catalog/trims/{XSE}/configure/")

    text = text_of(response)
    assert response.status_code == 200
    assert 'fill="#F2F2EE"' in text
    assert "style=" not in text
    assert "<script>" not in text
    # The first colour at no extra cost (218), never the paid 089: the first price is the base price.
    assert 'value="218" checked' in text
    assert 'value="089" checked' not in text
    assert 'value="3U5"' not in text  # another trim's colour
    assert 'value="LE-CLOTH"' not in text  # another trim's option
    packages = text[text.index('data-testid="group-package"') : text.index('data-testid="group-factory"')]
    assert 'value="PKG-NAV"' in packages
    assert "USD 1,200.00" in packages
    assert "含まれるオプション: オプションDASHCAM" in packages
    factory = text[text.index('data-testid="group-factory"') : text.index('data-testid="group-port"')]
    assert "同時に選べないオプション: オプションRACK" in factory  # ROOF excludes RACK
    # The build is the query string: the form is a GET of the configurator itself (without
    # JavaScript), and htmx asks the check address for the same build.
    assert 'method="get" action="/catalog/trims/CAMRY-26-XSE/configure/"' in text
    assert 'hx-get="/catalog/trims/CAMRY-26-XSE/configure/check/"' in text
    assert 'hx-trigger="change, submit"' in text
    assert 'name="csrfmiddlewaretoken"' not in main_of(response)  # a GET form carries no token


def test_check_with_htmx_returns_the_breakdown_partial(client, priced_today, world):
    response = page_client(client, world.users["dealer_sales"]).post(
        f"/catalog/trims/{XSE}/configure/check/", WORKED_EXAMPLE, HTTP_HX_REQUEST="true"
    )

    text = text_of(response)
    assert response.status_code == 200
    assert "<html" not in text
    assert 'data-testid="total">¥5,562,324<' in text
    for amount in ("¥4,326,456", "¥69,314", "¥182,808", "¥22,851", "¥4,601,429", "¥281,829", "¥23,006"):
        assert amount in text
    assert "¥4,906,264" in text  # CIF
    assert "¥490,600" in text  # consumption tax
    assert "¥15,460" in text  # recycling deposit
    assert "1 USD = ¥152.34" in text
    assert f"TOYOTA-2026 ({day_ja(priced_today.price_list.effective_from)}から)" in text
    assert "1,000円未満切捨て" in text
    assert (
        'href="/catalog/trims/CAMRY-26-XSE/quote/?color=089&amp;options=PKG-NAV&amp;options=MUDGUARD"' in text
    )
    assert 'data-testid="approval-notice"' not in text  # recognised


def test_check_names_both_options_of_an_excluded_pair(client, priced_today, world):
    response = page_client(client, world.users["dealer_sales"]).post(
        f"/catalog/trims/{XSE}/configure/check/",
        {"color": "089", "options": ["ROOF", "RACK", "RAILS"]},
        HTTP_HX_REQUEST="true",
    )

    text = text_of(response)
    assert response.status_code == 200
    assert 'data-testid="rule-errors"' in text
    # Names first, the codes after them
    assert '<span class="rule-message">オプションROOFとオプションRACKは同時に選べません。</span>' in text
    assert '<span class="rule-codes">(ROOF / RACK)</span>' in text
    assert 'data-testid="total"' not in text
    assert 'data-testid="quote-link"' not in text


def test_check_without_javascript_redirects_to_the_configurator_address_of_the_build(
    client, priced_today, world
):
    dealer = page_client(client, world.users["dealer_sales"])
    response = dealer.post(f"/catalog/trims/{XSE}/configure/check/", WORKED_EXAMPLE)

    assert response.status_code == 303
    build = "color=089&options=PKG-NAV&options=MUDGUARD"
    assert response["Location"] == f"/catalog/trims/{XSE}/configure/?{build}"
    response = dealer.get(response["Location"])
    text = text_of(response)
    assert response.status_code == 200
    assert "<html" in text
    assert 'data-testid="configurator"' in text
    assert 'value="PKG-NAV" checked' in text
    assert 'value="MUDGUARD" checked' in text
    assert 'value="ROOF" checked' not in text
    assert 'data-testid="total">¥5,562,324<' in text


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"color": "089", "options": ["NOPE"]}, "オプション NOPE はありません。"),
        (
            {"color": "089", "options": ["LE-CLOTH"]},
            "オプションLE-CLOTHはこのグレードには設定がありません。",
        ),
        (
            {"color": "089", "options": ["BEDLINER"]},
            "オプションBEDLINERはこのグレードには設定がありません。",
        ),
        ({"color": "3U5"}, "カラー3U5はこのグレードには設定がありません。"),
        ({"color": ""}, "ボディカラーを選んでください。"),
        ({"color": "089", "options": ["MUDGUARD", "MUDGUARD"]}, "オプションMUDGUARDが重複しています。"),
        ({"color": "089", "options": [f"O{n}" for n in range(51)]}, "50件以内で指定してください。"),
        ({"color": "C" * 41}, "40 文字以下でなければなりません"),
        ({"color": "089", "options": ["<script>alert(1)</script>"]}, "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ],
    ids=[
        "unknown",
        "other-trim",
        "other-model",
        "colour-not-offered",
        "no-colour",
        "twice",
        "many",
        "long",
        "html",
    ],
)
def test_check_explains_tampered_input(client, priced_today, world, posted, message):
    response = page_client(client, world.users["dealer_sales"]).post(
        f"/catalog/trims/{XSE}/configure/check/", posted, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert message in text_of(response)
    assert "<script>alert" not in text_of(response)


def test_check_explains_a_missing_exchange_rate_instead_of_failing(client, priced_today, world):
    m.FxRate.objects.all().delete()

    response = page_client(client, world.users["dealer_sales"]).post(
        f"/catalog/trims/{XSE}/configure/check/", WORKED_EXAMPLE, HTTP_HX_REQUEST="true"
    )

    text = text_of(response)
    assert response.status_code == 200
    assert 'data-testid="quote-failure"' in text
    assert "為替レート" in text


def test_check_explains_a_missing_price_list(client, priced_today, world):
    m.PriceList.objects.update(status=m.PriceListStatus.DRAFT)

    response = page_client(client, world.users["dealer_sales"], "en").post(
        f"/catalog/trims/{XSE}/configure/check/", WORKED_EXAMPLE, HTTP_HX_REQUEST="true"
    )

    assert "No published price list covers this model on that date." in text_of(response)


def test_check_flags_a_model_not_yet_recognised_as_subject_to_approval(client, priced_today, world):
    m.VehicleModel.objects.filter(code="CAMRY").update(
        recognition_status=m.RecognitionStatus.UNDER_REVIEW, recognition_number="", recognised_on=None
    )

    text = text_of(
        page_client(client, world.users["dealer_sales"]).post(
            f"/catalog/trims/{XSE}/configure/check/", WORKED_EXAMPLE, HTTP_HX_REQUEST="true"
        )
    )

    assert 'data-testid="total">¥5,562,324<' in text
    assert 'data-testid="approval-notice"' in text


def test_configure_and_check_of_a_trim_not_offered_to_dealers_are_404(client, priced_today, world):
    m.Trim.objects.filter(code=XSE).update(active=False)
    dealer = page_client(client, world.users["dealer_sales"])

    assert dealer.get(f"/catalog/trims/{XSE}/configure/").status_code == 404
    assert dealer.post(f"/catalog/trims/{XSE}/configure/check/", WORKED_EXAMPLE).status_code == 404
    assert dealer.get(f"/catalog/trims/{XSE}/quote/?color=089").status_code == 404


def test_the_check_address_opened_as_a_page_redirects_to_the_configurator_never_a_blank_405(
    client, priced_today, world
):
    dealer = page_client(client, world.users["dealer_sales"])

    response = dealer.get(f"/catalog/trims/{XSE}/configure/check/?color=089&options=ROOF")
    bare = dealer.get(f"/catalog/trims/{XSE}/configure/check/")

    assert response.status_code == 303
    assert response["Location"] == f"/catalog/trims/{XSE}/configure/?color=089&options=ROOF"
    assert bare.status_code == 303
    assert bare["Location"] == f"/catalog/trims/{XSE}/configure/"


QUOTE_QUERY = "?color=089&options=PKG-NAV&options=MUDGUARD"


def test_quote_page_prints_everything_a_dealer_needs(client, priced_today, world):
    response = page_client(client, world.users["dealer_manager"]).get(
        f"/catalog/trims/{XSE}/quote/{QUOTE_QUERY}"
    )

    text = text_of(response)
    assert response.status_code == 200
    assert 'data-testid="quote-dealer">東京モータース (TKY001)<' in text
    assert f"{today():%Y-%m-%d}" in text
    assert " JST</time>" in text
    assert "オプションPKG-NAV (PKG-NAV)" in text
    assert "オプションDASHCAM (DASHCAM) — パッケージに含む" in text
    assert 'data-testid="quote-total">¥5,562,324<' in text
    assert "1 USD = ¥152.34" in text
    assert f"TOYOTA-2026 ({day_ja(priced_today.price_list.effective_from)}から)" in text
    assert "<td>CT-10</td>" in text
    assert "<td>10%</td>" not in text  # rates sit in a numeric cell
    assert '<td class="num">10%</td>' in text
    assert "2019年10月1日から" in text
    assert "国税通則法第118条・第119条" in text
    assert 'data-print data-testid="print"' in text


def test_quote_page_for_the_back_office_has_no_dealer_line(client, priced_today, world):
    text = text_of(
        page_client(client, world.users["operations"], "en").get(f"/catalog/trims/{XSE}/quote/{QUOTE_QUERY}")
    )

    assert 'data-testid="quote-dealer"' not in text
    assert 'data-testid="quote-total">¥5,562,324<' in text
    assert "USD amounts converted to yen are rounded down" in text


def test_quote_page_lists_the_broken_rules_of_an_invalid_build(client, priced_today, world):
    response = page_client(client, world.users["dealer_sales"]).get(
        f"/catalog/trims/{XSE}/quote/?color=089&options=ROOF&options=RACK"
    )

    assert response.status_code == 200
    assert "オプションROOFとオプションRACKは同時に選べません。" in text_of(response)
    assert "オプションRACKにはオプションRAILSが必要です。" in text_of(response)
    assert 'data-testid="quote-total"' not in text_of(response)


def test_quote_page_explains_a_missing_tax_rule(client, priced_today, world):
    m.TaxRule.objects.filter(code="CT-10").delete()

    response = page_client(client, world.users["dealer_sales"]).get(
        f"/catalog/trims/{XSE}/quote/{QUOTE_QUERY}"
    )

    assert response.status_code == 200
    assert 'data-testid="quote-failure"' in text_of(response)
    assert "見積に必要な税のルールがその日付にありません。" in text_of(response)


def test_quote_page_costs_the_same_queries_with_one_option_or_many(client, priced_today, world):
    dealer = page_client(client, world.users["dealer_sales"])
    dealer.get(f"/catalog/trims/{XSE}/quote/?color=089")
    few = "?color=089&options=MUDGUARD"
    many = "?color=089&options=MUDGUARD&options=PKG-NAV&options=RACK&options=RAILS"

    with assert_query_count(QUOTE_QUERIES):
        assert dealer.get(f"/catalog/trims/{XSE}/quote/{few}").status_code == 200
    with assert_query_count(QUOTE_QUERIES):
        assert dealer.get(f"/catalog/trims/{XSE}/quote/{many}").status_code == 200


# session, user, the caller's membership; the trim; the engine's four (loaded once: the quote is
# handed them); of the quote's other ten (price list, FX, trim, option and colour prices, logistics,
# tax rules, recycling deposit, fees, automobile tax) only the option prices of these options: the
# rest were kept under the catalog stamp by the first page (catalog.selectors.kept); and the header's
# unread notification count. It was 19 before the pricing reads were kept, 22 before the engine's
# data was handed to the quote.
QUOTE_QUERIES = 10
# the configurator's (trim, engine's four, price lists in effect, option and colour prices) instead
# of the trim: the check redraws the choices, whose states follow the build
# (21 and 22 before the quote's pricing reads were kept under the catalog stamp: the warm-up request
# keeps all but the option prices of the options chosen now.)
CHECK_QUERIES = 12
CONFIGURE_QUERIES = 14
FEW_OPTIONS = ["MUDGUARD"]
MANY_OPTIONS = ["MUDGUARD", "PKG-NAV", "RACK", "RAILS"]


@pytest.mark.parametrize("options", [FEW_OPTIONS, MANY_OPTIONS], ids=["one-option", "four-options"])
def test_the_htmx_check_loads_the_engine_data_once(client, priced_today, world, options):
    dealer = page_client(client, world.users["dealer_sales"])
    url = f"/catalog/trims/{XSE}/configure/check/"
    dealer.post(url, {"color": "089"}, HTTP_HX_REQUEST="true")  # the session is warm like on any later check

    with assert_query_count(CHECK_QUERIES):
        response = dealer.post(url, {"color": "089", "options": options}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'data-testid="total">' in text_of(response)
    assert 'data-testid="rule-errors"' not in text_of(response)


@pytest.mark.parametrize("options", [FEW_OPTIONS, MANY_OPTIONS], ids=["one-option", "four-options"])
def test_the_configurator_page_loads_the_engine_data_once(client, priced_today, world, options):
    dealer = page_client(client, world.users["dealer_sales"])
    dealer.get(f"/catalog/trims/{XSE}/configure/")
    query = "&".join(f"options={code}" for code in options)

    with assert_query_count(CONFIGURE_QUERIES):
        response = dealer.get(f"/catalog/trims/{XSE}/configure/?color=089&{query}")

    assert response.status_code == 200
    assert 'data-testid="total">' in text_of(response)


def test_a_refused_build_is_checked_without_pricing_queries(client, priced_today, world):
    dealer = page_client(client, world.users["dealer_sales"])
    url = f"/catalog/trims/{XSE}/configure/check/"
    dealer.post(url, {"color": "089"}, HTTP_HX_REQUEST="true")

    # session, user, membership; the configurator's eight: nothing is priced
    with assert_query_count(11):
        response = dealer.post(url, {"color": "089", "options": ["ROOF", "RACK"]}, HTTP_HX_REQUEST="true")

    assert 'data-testid="rule-errors"' in text_of(response)


# --- one reading of "today" per request ---------------------------------------------------------


def _price_lists_changing_at_midnight(camry):
    """TOYOTA-2026 ends tonight; from tomorrow TOYOTA-NEXT prices only the XSE (PKG-NAV at USD 1,300)."""
    m.PriceList.objects.filter(pk=camry.price_list.pk).update(
        effective_from=days_ago(30), effective_to=days_ahead(1)
    )
    following = f.PriceListFactory(code="TOYOTA-NEXT", maker=camry.maker, effective_from=days_ahead(1))
    f.TrimPriceFactory(price_list=following, trim=camry.trim, fob_usd=Decimal("29999.00"))
    f.OptionPriceFactory(price_list=following, option=camry.options["PKG-NAV"], fob_usd=Decimal("1300.00"))


def test_the_configurator_prices_and_quotes_on_one_date_at_midnight(client, priced_today, world, monkeypatch):
    # The date in Japan changes during the request: the configurator's prices and the quote beside
    # them must both be tonight's (the old code priced the quote by a second reading: tomorrow,
    # where the list has no colour price, so the page said the build could not be priced).
    _price_lists_changing_at_midnight(priced_today)
    dealer = page_client(client, world.users["dealer_sales"], "en")
    tonight = today()

    with today_changes_after_first_reading(monkeypatch, tonight) as readings:
        text = text_of(dealer.get(f"/catalog/trims/{XSE}/configure/?color=089&options=PKG-NAV"))

    assert readings == [tonight]
    package = text[text.index('data-testid="option-PKG-NAV"') :]
    assert "+USD 1,200.00" in package[: package.index("</label>")]
    assert f"Landed cost on {day_en(tonight)}" in text
    assert 'data-testid="quote-failure"' not in text
    assert '<tr data-line="option:PKG-NAV">' in text
    line = text[text.index('<tr data-line="option:PKG-NAV">') :]
    assert "USD 1,200.00" in line[: line.index("</tr>")]


def test_the_check_prices_on_the_one_reading_of_today(client, priced_today, world, monkeypatch):
    _price_lists_changing_at_midnight(priced_today)
    dealer = page_client(client, world.users["dealer_sales"], "en")
    tonight = today()

    with today_changes_after_first_reading(monkeypatch, tonight) as readings:
        text = text_of(
            dealer.post(f"/catalog/trims/{XSE}/configure/check/", WORKED_EXAMPLE, HTTP_HX_REQUEST="true")
        )

    assert readings == [tonight]
    assert f"Landed cost on {day_en(tonight)}" in text
    assert 'data-testid="total">¥5,562,324<' in text


def test_a_quote_printed_at_midnight_is_issued_and_priced_on_the_same_day(client, priced_today, world):
    # Every reading of this clock is one second later: 23:59:59 tonight, then 00:00:00 tomorrow.
    _price_lists_changing_at_midnight(priced_today)
    dealer = page_client(client, world.users["dealer_sales"], "en")
    tonight = today()

    with crossing_midnight(tonight):
        text = text_of(dealer.get(f"/catalog/trims/{XSE}/quote/{QUOTE_QUERY}"))

    assert f"{day_en(tonight)} 23:59 JST</time>" in text
    assert f"<dt>Prices on</dt><dd>{day_en(tonight)}</dd>" in text
    assert 'data-testid="quote-total">¥5,562,324<' in text


# --- one rule for "subject to approval" (catalog.selectors.recognition) -------------------------


@pytest.mark.parametrize(
    ("status", "subject"),
    [
        (m.RecognitionStatus.RECOGNISED, False),
        (m.RecognitionStatus.UNDER_REVIEW, True),
        (m.RecognitionStatus.NOT_SUBMITTED, True),
        (m.RecognitionStatus.WITHDRAWN, False),
    ],
    ids=str,
)
def test_the_api_the_pages_and_the_configurator_agree_on_subject_to_approval(
    client, priced_today, world, status, subject
):
    recognised = status == m.RecognitionStatus.RECOGNISED
    m.VehicleModel.objects.filter(code="CAMRY").update(
        recognition_status=status,
        recognition_number="US-REC-0001" if recognised else "",
        recognised_on=dt.date(2026, 6, 1) if recognised else None,
    )
    api = world.client("dealer_sales")
    pages = page_client(client, world.users["dealer_sales"], "en")
    notice = 'data-testid="approval-notice"'

    models = api.get("/api/v1/catalog/models/").json()["results"]
    trims = api.get("/api/v1/catalog/trims/?model=CAMRY").json()["results"]
    detail = api.get(f"/api/v1/catalog/trims/{XSE}/").json()
    quote = api.post("/api/v1/catalog/quote/", {"trim": XSE, **WORKED_EXAMPLE}, format="json")
    catalog = text_of(pages.get("/catalog/"))
    camry_row = catalog[catalog.index('data-testid="model-CAMRY"') :]
    camry_row = camry_row[: camry_row.index("</tr>")]
    check = text_of(
        pages.post(f"/catalog/trims/{XSE}/configure/check/", WORKED_EXAMPLE, HTTP_HX_REQUEST="true")
    )
    answers = {
        "api model": next(r for r in models if r["code"] == "CAMRY")["recognition"]["subject_to_approval"],
        "api trim list": next(r for r in trims if r["code"] == XSE)["model"]["subject_to_approval"],
        "api trim detail": detail["model"]["subject_to_approval"],
        "api quote": quote.json().get("subject_to_approval"),
        "catalog badge": "Subject to approval" in camry_row,
        "model page notice": notice in text_of(pages.get("/catalog/models/CAMRY/")),
        "configurator badge": "Subject to approval" in text_of(pages.get(f"/catalog/trims/{XSE}/configure/")),
        "configurator notice": notice in text_of(pages.get(f"/catalog/trims/{XSE}/configure/{QUOTE_QUERY}")),
        "check notice": notice in check,
        "quote page notice": notice in text_of(pages.get(f"/catalog/trims/{XSE}/quote/{QUOTE_QUERY}")),
    }

    if status == m.RecognitionStatus.WITHDRAWN:  # refused, not flagged: no quote to carry the flag
        assert quote.status_code == 400
        assert [d["code"] for d in quote.json()["error"]["details"]] == ["model_withdrawn"]
        assert '<li data-code="model_withdrawn">' in check
        assert answers == {**dict.fromkeys(answers, False), "api quote": None}
        assert "Cannot be ordered" in camry_row
    else:
        assert quote.status_code == 200
        assert answers == dict.fromkeys(answers, subject)


# --- the build in the URL; rule errors a salesperson can act on (issue 13) ----------------------


def test_the_htmx_check_answers_the_choices_the_result_and_the_live_total(client, priced_today, world):
    response = page_client(client, world.users["dealer_sales"]).get(
        f"/catalog/trims/{XSE}/configure/check/",
        {"color": "089", "options": ["PKG-NAV", "MUDGUARD"]},
        HTTP_HX_REQUEST="true",
    )

    text = text_of(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"  # a fragment is never shown as a page by Back
    assert "<html" not in text
    # The address the script puts in the address bar: the build alone, since it is valid.
    assert (
        f'data-build-url="/catalog/trims/{XSE}/configure/?color=089&amp;options=PKG-NAV&amp;options=MUDGUARD"'
        in text
    )
    # The live region's text, out of band: the total, never the table.
    live = text[text.index('<p id="sticky-total-live" hx-swap-oob="innerHTML">') :]
    assert 'data-testid="sticky-amount">¥5,562,324<' in live
    assert "<table" not in live
    assert "aria-live" not in text  # the live region stays on the page; the swap fills it


def test_the_configurator_page_has_one_live_region_and_it_holds_the_total(client, priced_today, world):
    text = text_of(
        page_client(client, world.users["dealer_sales"], "en").get(
            f"/catalog/trims/{XSE}/configure/{QUOTE_QUERY}"
        )
    )

    assert text.count("aria-live") == 1
    live = text[text.index('aria-live="polite"') : text.index("</p>", text.index('aria-live="polite"'))]
    assert "Landed cost" in live
    assert "¥5,562,324" in live
    assert "<table" not in live


def test_a_broken_build_names_its_options_marks_them_and_offers_fixes(client, priced_today, world):
    text = main_of(
        page_client(client, world.users["dealer_sales"]).get(
            f"/catalog/trims/{XSE}/configure/?color=089&options=RACK"
        )
    )

    assert '<span class="rule-message">オプションRACKにはオプションRAILSが必要です。</span>' in text
    assert '<span class="rule-codes">(RACK / RAILS)</span>' in text
    rack = text[text.index('data-testid="option-RACK"') - 40 :][:900]
    assert "at-fault" in rack
    assert 'aria-invalid="true"' in rack
    rails = text[text.index('data-testid="option-RAILS"') - 40 :][:900]
    assert "needed" in rails
    assert "オプションRACKに必要です" in rails
    # One-click fixes, first the one that completes the build; each is the configurator's address.
    add = f'href="/catalog/trims/{XSE}/configure/?color=089&amp;options=RACK&amp;options=RAILS"'
    assert f'<a class="button primary" {add}' in text
    assert "オプションRAILSを追加</a>" in text
    assert f'href="/catalog/trims/{XSE}/configure/?color=089"' in text
    assert "オプションRACKを外す</a>" in text


def test_a_broken_build_keeps_the_last_valid_price_marked_out_of_date(client, priced_today, world):
    dealer = page_client(client, world.users["dealer_sales"], "en")
    last = "last_color=089&last_options=PKG-NAV&last_options=MUDGUARD"

    text = main_of(dealer.get(f"/catalog/trims/{XSE}/configure/?color=089&options=ROOF&options=RACK&{last}"))

    assert 'data-testid="total"' not in text
    assert 'data-testid="stale-total">¥5,562,324<' in text
    assert "Last valid price (out of date)" in text
    assert 'data-testid="sticky-amount">¥5,562,324<' in text
    # The form carries the last valid build on, and the address keeps it while the build is broken.
    assert '<input type="hidden" name="last_options" value="PKG-NAV">' in text
    assert f"configure/?color=089&amp;options=ROOF&amp;options=RACK&amp;{last.replace('&', '&amp;')}" in text
    # A fix keeps it too, so the price stays until the build is repaired.
    assert (
        f'href="/catalog/trims/{XSE}/configure/?color=089&amp;options=ROOF&amp;{last.replace("&", "&amp;")}"'
        in text
    )


def test_a_last_build_that_is_not_valid_shows_no_price(client, priced_today, world):
    text = main_of(
        page_client(client, world.users["dealer_sales"]).get(
            f"/catalog/trims/{XSE}/configure/?color=089&options=RACK&last_color=089&last_options=ROOF&last_options=RACK"
        )
    )

    assert 'data-testid="rule-errors"' in text
    assert 'data-testid="stale-total"' not in text
    assert 'name="last_color"' not in text


def test_a_choice_greys_out_what_it_excludes_and_shows_what_a_package_includes(client, priced_today, world):
    text = main_of(
        page_client(client, world.users["dealer_sales"]).get(
            f"/catalog/trims/{XSE}/configure/?color=089&options=ROOF&options=PKG-NAV"
        )
    )

    rack = text[text.index('data-testid="option-RACK"') - 40 :][:900]
    assert "unavailable" in rack
    assert 'value="RACK" disabled' in rack
    assert "オプションROOFとは同時に選べません" in rack
    dashcam = text[text.index('data-testid="option-DASHCAM"') - 40 :][:1100]
    assert 'value="DASHCAM" checked disabled' in dashcam
    assert "オプションPKG-NAVに含まれます" in dashcam
    assert "パッケージに含む" in dashcam  # in place of its price


def test_no_paid_colour_is_preselected_and_a_missing_colour_is_a_broken_rule(client, priced_today, world):
    m.ColorPrice.objects.filter(color__code="218").update(fob_usd=Decimal("10.00"))

    text = main_of(page_client(client, world.users["dealer_sales"]).get(f"/catalog/trims/{XSE}/configure/"))

    assert 'name="color" id="color-input-089" value="089" checked' not in text
    assert 'value="218" checked' not in text
    assert '<li data-code="color_required">' in text
    assert 'fieldset class="colors at-fault"' in text
    assert "カラー089を選ぶ</a>" in text
    assert 'data-testid="total"' not in text


def test_the_language_switch_returns_to_the_build(client, priced_today, world):
    dealer = page_client(client, world.users["dealer_sales"])
    url = f"/catalog/trims/{XSE}/configure/?color=089&options=ROOF"
    assert f'name="next" type="hidden" value="{url.replace("&", "&amp;")}"' in text_of(dealer.get(url))

    response = dealer.post("/i18n/setlang/", {"language": "en", "next": url})

    assert response.status_code == 302
    assert response["Location"] == url
