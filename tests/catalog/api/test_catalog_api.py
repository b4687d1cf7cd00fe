"""Catalog endpoints: scoping, filters, prices, the quote's errors, caching and query counts."""

import datetime as dt
from decimal import Decimal

import pytest

from catalog import models as m
from catalog.api.views import response_cache
from catalog.models import RecognitionStatus, Trim
from catalog.services.price_lists import price_list_period_set
from catalog.services.quote import quote_build
from tests.catalog import factories as f
from tests.catalog.conftest import camry_prices_since
from tests.catalog.midnight import last_second_of, today_changes_after_first_reading
from tests.clock import days_ago, days_ahead, today
from tests.factories import TEST_ACTOR
from tests.permissions import EVERYONE_SIGNED_IN, UNAUTHENTICATED, PermissionSuite
from tests.queries import assert_constant_queries, assert_query_count

pytestmark = pytest.mark.django_db


class TestModelList(PermissionSuite):
    expected = {**UNAUTHENTICATED, **EVERYONE_SIGNED_IN}

    def url(self, world):
        return "/api/v1/catalog/models/"


class TestTrimList(PermissionSuite):
    expected = {**UNAUTHENTICATED, **EVERYONE_SIGNED_IN}

    def url(self, world):
        return "/api/v1/catalog/trims/?model=CAMRY"


class TestTrimDetail(PermissionSuite):
    expected = {**UNAUTHENTICATED, **EVERYONE_SIGNED_IN, "partner": 404}

    def url(self, world):
        return "/api/v1/catalog/trims/CAMRY-26-XSE/"

    def missing_url(self, world):
        return "/api/v1/catalog/trims/NOSUCH/"

    @pytest.fixture(autouse=True)
    def _camry(self, camry):
        return camry


class TestQuote(PermissionSuite):
    method = "post"
    # Partners cannot see the catalog: to them the trim does not exist.
    expected = {**UNAUTHENTICATED, **EVERYONE_SIGNED_IN, "partner": 400}

    def url(self, world):
        return "/api/v1/catalog/quote/"

    def payload(self, world):
        return {"trim": "CAMRY-26-XSE", "color": "218", "on_date": "2026-11-24"}

    @pytest.fixture(autouse=True)
    def _camry(self, camry):
        return camry


def _codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_trim_list_shows_specs_model_status_and_todays_price(world, camry):
    response = world.client("dealer_sales").get("/api/v1/catalog/trims/?model=CAMRY")

    assert response.status_code == 200
    row = next(r for r in response.json()["results"] if r["code"] == "CAMRY-26-XSE")
    assert row["model"] == {
        "code": "CAMRY",
        "name_ja": "カムリ",
        "name_en": "Camry",
        "maker": "TOYOTA",
        "recognition_status": "recognised",
        "subject_to_approval": False,
    }
    assert row["price"] == {
        "price_list": "TOYOTA-2026",
        "effective_from": camry_prices_since().isoformat(),
        "effective_to": None,
        "fob_usd": "28400.00",
        "suggested_retail_jpy": 5900000,
    }
    assert next(r for r in response.json()["results"] if r["code"] == "CAMRY-26-LE")["price"] is None


def test_trim_filters(world, camry):
    client = world.client("dealer_sales")

    assert _codes(client.get("/api/v1/catalog/trims/?model=CAMRY")) == ["CAMRY-26-LE", "CAMRY-26-XSE"]
    assert _codes(client.get("/api/v1/catalog/trims/?model=TUNDRA")) == []
    assert _codes(client.get("/api/v1/catalog/trims/?model=NOSUCH")) == []
    assert _codes(client.get("/api/v1/catalog/trims/?maker=TOYOTA&model_year=2026")) == [
        "CAMRY-26-LE",
        "CAMRY-26-XSE",
    ]
    bad = client.get("/api/v1/catalog/trims/?model_year=99999999999999999999")
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["model_year"]


def test_dealers_do_not_see_inactive_trims_but_operations_do(world, camry):
    Trim.objects.filter(code="CAMRY-26-LE").update(active=False)

    assert _codes(world.client("dealer_sales").get("/api/v1/catalog/trims/")) == ["CAMRY-26-XSE"]
    assert _codes(world.client("operations").get("/api/v1/catalog/trims/")) == ["CAMRY-26-LE", "CAMRY-26-XSE"]
    assert world.client("dealer_sales").get("/api/v1/catalog/trims/CAMRY-26-LE/").status_code == 404


def test_partners_see_an_empty_catalog(world, camry):
    assert _codes(world.client("partner").get("/api/v1/catalog/trims/")) == []
    assert _codes(world.client("partner").get("/api/v1/catalog/models/")) == []


def test_model_list_flags_models_not_yet_recognised(world, camry):
    camry.model.recognition_status = RecognitionStatus.UNDER_REVIEW
    camry.model.recognition_number, camry.model.recognised_on = "", None
    camry.model.save()

    body = world.client("dealer_sales").get("/api/v1/catalog/models/").json()

    camry_row = next(r for r in body["results"] if r["code"] == "CAMRY")
    assert camry_row["recognition"] == {
        "status": "under_review",
        "number": None,
        "recognised_on": None,
        "subject_to_approval": True,
    }
    assert camry_row["model_years"] == [{"year": 2026, "vin_year_code": "T", "plant": "TMMK"}]


def test_trim_detail_lists_offered_options_with_rules_and_prices(world, camry):
    body = world.client("dealer_key").get("/api/v1/catalog/trims/CAMRY-26-XSE/").json()

    options = {o["code"]: o for o in body["options"]}
    assert sorted(options) == ["DASHCAM", "MUDGUARD", "PKG-NAV", "RACK", "RAILS", "ROOF"]
    assert (options["ROOF"]["excludes"], options["RACK"]["requires"], options["PKG-NAV"]["includes"]) == (
        ["RACK"],
        ["RAILS"],
        ["DASHCAM"],
    )
    assert options["PKG-NAV"]["fob_usd"] == "1200.00"
    assert [(c["code"], c["fob_usd"]) for c in body["colors"]] == [("089", "455.00"), ("218", "0.00")]


def test_quote_matches_the_service_in_whole_yen(world, camry):
    response = world.client("dealer_sales").post(
        "/api/v1/catalog/quote/",
        {"trim": "CAMRY-26-XSE", "color": "089", "options": ["PKG-NAV"], "on_date": "2026-11-24"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    expected = quote_build(
        trim=camry.trim, color_code="089", option_codes=["PKG-NAV"], on_date=dt.date(2026, 11, 24)
    )
    assert body["total_jpy"] == int(expected.total_jpy)
    assert body["consumption_tax_jpy"] == int(expected.consumption_tax_jpy)
    assert body["included_options"] == ["DASHCAM"]
    assert body["fx_rate"] == {
        "base": "USD",
        "quote": "JPY",
        "rate": "152.3400",
        "rate_date": "2026-11-20",
        "source": expected.fx_rate.source,
    }
    assert body["environmental_levy_jpy"] == 0
    assert [(line["code"], line["amount_jpy"]) for line in body["lines"]] == [
        (line.code, int(line.amount_jpy)) for line in expected.lines
    ]
    # FOB USD 30,055.00: 4,326,456 + 69,314 + 182,808 = 4,578,578; freight 281,829; insurance
    # 150.275 -> USD 150.27 x 152.34 = 22,892; CIF 4,883,299; tax 4,883,000 x 10% = 488,300
    assert (body["cif_jpy"], body["consumption_tax_jpy"], body["total_jpy"]) == (
        4_883_299,
        488_300,
        5_537_059,
    )


def test_quote_before_the_levy_ended_includes_it(world, camry):
    body = (
        world.client("dealer_sales")
        .post(
            "/api/v1/catalog/quote/",
            {"trim": "CAMRY-26-XSE", "color": "218", "on_date": "2026-03-30"},
            format="json",
        )
        .json()
    )

    # FOB USD 28,400.00 -> 4,326,456; freight 281,829; insurance USD 142.00 -> 21,632; CIF 4,629,917;
    # levy 4,629,000 x 2% = 92,580 -> 92,500; tax 462,900; total + fees 150,000 + deposit 15,460
    assert body["environmental_levy_jpy"] == 92_500
    assert [rule["code"] for rule in body["rules"]] == [
        "DUTY-0",
        "CT-10",
        "LEVY-2",
        "recycling_deposit:CAMRY",
    ]
    assert body["total_jpy"] == 4_629_917 + 462_900 + 92_500 + 150_000 + 15_460


def test_quote_names_every_broken_rule(world, camry):
    response = world.client("dealer_sales").post(
        "/api/v1/catalog/quote/",
        {"trim": "CAMRY-26-XSE", "color": "3U5", "options": ["ROOF", "RACK", "LE-CLOTH", "NOPE"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "configuration_invalid"
    assert sorted((d["code"], d.get("option"), d.get("target")) for d in error["details"]) == [
        ("color_not_available", None, None),
        ("excluded_option", "ROOF", "RACK"),
        ("missing_required_option", "RACK", "RAILS"),
        ("option_not_available", "LE-CLOTH", None),
        ("unknown_option", "NOPE", None),
    ]
    assert set(error["fields"]) == {"color", "options"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"color": "218"}, "trim"),
        ({"trim": "CAMRY-26-XSE"}, "color"),
        ({"trim": "CAMRY-26-XSE", "color": "218", "options": "ROOF"}, "options"),
        ({"trim": "CAMRY-26-XSE", "color": "218", "on_date": "24/11/2026"}, "on_date"),
        ({"trim": "NOSUCH", "color": "218"}, "trim"),
        ({"trim": "CAMRY-26-XSE", "color": "218", "on_date": "0001-01-02"}, "on_date"),
        ({"trim": "CAMRY-26-XSE", "color": "218", "on_date": "9999-12-31"}, "on_date"),
    ],
)
def test_bad_quote_input_is_a_400_naming_the_field(world, camry, payload, field):
    response = world.client("dealer_sales").post("/api/v1/catalog/quote/", payload, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_quote_without_data_for_the_date_is_a_422(world, camry):
    response = world.client("dealer_sales").post(
        "/api/v1/catalog/quote/",
        {"trim": "CAMRY-26-XSE", "color": "218", "on_date": "2019-06-01"},
        format="json",
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "price_list_missing"


def test_a_catalog_change_is_visible_at_once(world, camry, django_capture_on_commit_callbacks):
    # The price list's service bumps the catalog version on commit: the cached list is stale at once.
    client = world.client("dealer_key")

    def xse_price():
        rows = client.get("/api/v1/catalog/trims/").json()["results"]
        return next(r for r in rows if r["code"] == "CAMRY-26-XSE")["price"]

    assert xse_price()["price_list"] == "TOYOTA-2026"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        price_list_period_set(
            price_list=camry.price_list,
            actor=TEST_ACTOR,
            effective_from=camry.price_list.effective_from,
            effective_to=today(),
        )

    assert len(callbacks) == 1
    assert xse_price() is None


def test_a_cached_list_is_served_without_queries(world, camry):
    client = world.client("dealer_key")
    client.get("/api/v1/catalog/trims/")

    with assert_query_count(0):
        client.get("/api/v1/catalog/trims/")


@pytest.mark.parametrize(
    "path", ["/api/v1/catalog/trims/?page_size=1", "/api/v1/catalog/models/?page_size=1"]
)
def test_a_cached_lists_links_name_the_host_and_scheme_each_caller_called(world, camry, settings, path):
    # `next` is an absolute link built from the request: a body cached for one host must not be
    # served to a caller of another (nor an https link to an http caller).
    settings.ALLOWED_HOSTS = ["catalog.importer.example.jp", "api.importer.example.jp"]
    client = world.client("dealer_key")

    def next_link(host, secure=False):
        response = client.get(path, HTTP_HOST=host, secure=secure)
        assert response.status_code == 200
        return response.json()["next"]

    first = next_link("catalog.importer.example.jp")
    second = next_link("api.importer.example.jp")
    secure = next_link("api.importer.example.jp", secure=True)

    assert first.startswith("http://catalog.importer.example.jp/api/v1/catalog/")
    assert second == first.replace("catalog.importer.example.jp", "api.importer.example.jp")
    assert secure == second.replace("http://", "https://")
    with assert_query_count(0):  # each is cached under its own host and scheme
        assert next_link("catalog.importer.example.jp") == first
        assert next_link("api.importer.example.jp", secure=True) == secure


def test_trim_list_queries_do_not_grow_with_rows(world, camry):
    client = world.client("dealer_key")
    client.get("/api/v1/me/")  # key facts cached, last use recorded

    def cold_list():
        response_cache.clear()
        client.get("/api/v1/catalog/trims/")

    def add_trims(n):
        for _ in range(n):
            trim = f.TrimFactory(model_year=camry.trim.model_year)
            f.TrimPriceFactory(price_list=camry.price_list, trim=trim)

    # the page of trims, the price lists in effect, the trims' prices on the chosen lists
    assert_constant_queries(cold_list, add_trims, expected=3)


def test_model_list_queries_do_not_grow_with_rows(world, camry):
    client = world.client("dealer_key")
    client.get("/api/v1/me/")

    def cold_list():
        response_cache.clear()
        client.get("/api/v1/catalog/models/")

    # the page of models (with maker and route), their model years (with plants)
    assert_constant_queries(
        cold_list,
        lambda n: [f.ModelYearFactory(vehicle_model=f.VehicleModelFactory()) for _ in range(n)],
        expected=2,
    )


def test_trim_detail_queries_do_not_grow_with_options(world, camry):
    client = world.client("dealer_key")
    client.get("/api/v1/me/")

    def cold_detail():
        response_cache.clear()
        client.get("/api/v1/catalog/trims/CAMRY-26-XSE/")

    def add_options(n):
        for _ in range(n):
            option = f.OptionFactory(maker=camry.maker)
            f.TrimOptionFactory(trim=camry.trim, option=option)
            f.OptionPriceFactory(price_list=camry.price_list, option=option)

    # trim; engine data (4); the price lists in effect; option, colour and trim prices on the chosen one
    assert_constant_queries(cold_detail, add_options, expected=9)


def test_prices_come_from_the_one_list_a_quote_would_use(world, camry):
    # Camry gets its own published list that prices the XSE but not the navigation package: the
    # model's list wins, so the API shows no price for the package (never the maker list's) and
    # the quote refuses it, rather than one showing a price the other will not honour.
    own = f.PriceListFactory(code="CAMRY-OWN", maker=camry.maker, vehicle_model=camry.model)
    f.TrimPriceFactory(price_list=own, trim=camry.trim, fob_usd=Decimal("29000.00"))
    m.FxRate.objects.update_or_create(  # the quote is priced today: it needs a rate of today
        rate_date=today(), base_currency="USD", quote_currency="JPY", defaults={"rate": Decimal("152.3400")}
    )
    client = world.client("dealer_sales")

    detail = client.get("/api/v1/catalog/trims/CAMRY-26-XSE/").json()

    assert detail["price"]["price_list"] == "CAMRY-OWN"
    assert detail["price"]["fob_usd"] == "29000.00"
    assert {o["code"]: o["fob_usd"] for o in detail["options"]}["PKG-NAV"] is None
    quote = client.post(
        "/api/v1/catalog/quote/",
        {"trim": "CAMRY-26-XSE", "color": "218", "options": ["PKG-NAV"]},
        format="json",
    )
    assert quote.status_code == 422
    assert quote.json()["error"]["code"] == "price_missing"


# --- one reading of "today" per request ---------------------------------------------------------


def _price_lists_changing_at_midnight(camry):
    """TOYOTA-2026 prices the XSE at USD 28,400 until tonight; TOYOTA-NEXT at USD 29,999 from tomorrow."""
    m.PriceList.objects.filter(pk=camry.price_list.pk).update(
        effective_from=days_ago(30), effective_to=days_ahead(1)
    )
    following = f.PriceListFactory(code="TOYOTA-NEXT", maker=camry.maker, effective_from=days_ahead(1))
    f.TrimPriceFactory(price_list=following, trim=camry.trim, fob_usd=Decimal("29999.00"))


def _xse_price(response) -> tuple[str, str]:
    body = response.json()
    row = body if "results" not in body else next(r for r in body["results"] if r["code"] == "CAMRY-26-XSE")
    return row["price"]["price_list"], row["price"]["fob_usd"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/catalog/trims/?model=CAMRY", "/api/v1/catalog/trims/CAMRY-26-XSE/"],
    ids=["list", "detail"],
)
def test_a_read_at_midnight_is_priced_on_the_date_it_is_cached_under(world, camry, clock, monkeypatch, url):
    # Midnight in Japan passes during the request: the first reading of today is tonight, any later
    # one tomorrow. The body must be priced on the date it is cached under: the old code keyed it by
    # one reading (tonight) and priced it by another (tomorrow), so tonight's callers got tomorrow's price.
    _price_lists_changing_at_midnight(camry)
    client = world.client("dealer_key")
    tonight = today()

    with today_changes_after_first_reading(monkeypatch, tonight) as readings:
        assert _xse_price(client.get(url)) == ("TOYOTA-2026", "28400.00")
    assert readings == [tonight]

    clock.set(last_second_of(tonight))
    assert _xse_price(client.get(url)) == ("TOYOTA-2026", "28400.00")
    clock.advance(seconds=2)
    assert _xse_price(client.get(url)) == ("TOYOTA-NEXT", "29999.00")


def test_every_dollar_line_converts_the_dollars_it_prints(world, camry):
    body = (
        world.client("dealer_sales")
        .post(
            "/api/v1/catalog/quote/",
            {
                "trim": "CAMRY-26-XSE",
                "color": "089",
                "options": ["PKG-NAV", "MUDGUARD"],
                "on_date": "2026-11-24",
            },
            format="json",
        )
        .json()
    )

    rate = Decimal(body["fx_rate"]["rate"])
    dollar_lines = [
        line for line in body["lines"] if line["amount_usd"] is not None and line["code"] != "fob"
    ]
    assert [(line["code"], line["amount_usd"], line["amount_jpy"]) for line in dollar_lines] == [
        ("trim:CAMRY-26-XSE", "28400.00", 4_326_456),
        ("color:089", "455.00", 69_314),
        ("option:PKG-NAV", "1200.00", 182_808),
        ("option:MUDGUARD", "150.00", 22_851),
        ("option:DASHCAM", "0.00", 0),
        ("freight", "1850.00", 281_829),
        ("insurance", "151.02", 23_006),  # 0.5% of USD 30,205.00 = 151.025, down to the cent
    ]
    assert [int(Decimal(line["amount_usd"]) * rate) for line in dollar_lines] == [
        line["amount_jpy"] for line in dollar_lines
    ]
    assert (body["cif_jpy"], body["total_jpy"]) == (4_906_264, 5_562_324)
