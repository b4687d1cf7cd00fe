"""GET quotes/, POST quotes/, GET quotes/{number}/: the permission suite, locked figures, query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import models as m
from importorders.models import SavedQuote
from importorders.services import quotes as quote_services
from tests.catalog.conftest import add_registration_data, camry  # noqa: F401 - the Camry world
from tests.factories import TEST_ACTOR
from tests.permissions import (
    DEALER_OWNED_READ,
    EVERYONE_SIGNED_IN,
    UNAUTHENTICATED,
    DealerOwnedSuite,
)
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

MISSING = "Q-XXXX-XXXX"


def save(dealer, world_camry, **extra) -> SavedQuote:
    build = quote_services.QuoteInput(
        trim=world_camry.trim, color_code="089", option_codes=("PKG-NAV",), **extra
    )
    return quote_services.quote_save(dealer=dealer, actor=TEST_ACTOR, build=build)


@pytest.fixture(autouse=True)
def quotes(world, camry):  # noqa: F811
    add_registration_data(camry)
    world.camry = camry
    world.quote = save(world.dealer, camry, customer_name="Tokyo Customer")
    world.other_quote = save(world.other_dealer, camry, customer_name="OSK-CUSTOMER-9")
    return world


def everything() -> list:
    return list(SavedQuote.objects.order_by("pk").values())


class QuoteSuite(DealerOwnedSuite):
    def url(self, world):
        return f"/api/v1/quotes/{world.quote.number}/"

    def missing_url(self, world):
        return f"/api/v1/quotes/{MISSING}/"

    def snapshot(self, world):
        return everything()

    def own_marks(self, world):
        return [world.quote.number, "Tokyo Customer"]

    def other_marks(self, world):
        return [world.other_quote.number, "OSK-CUSTOMER-9"]


READ = DEALER_OWNED_READ


class TestQuoteList(QuoteSuite):
    expected = {**UNAUTHENTICATED, **EVERYONE_SIGNED_IN, "other_dealer_key": 200}

    def url(self, world):
        return "/api/v1/quotes/"


class TestQuoteCreate(QuoteSuite):
    method = "post"
    expected = {
        **UNAUTHENTICATED,
        "other_dealer": 201,
        "other_dealer_key": 201,
        "dealer_sales": 201,
        "dealer_manager": 201,
        "dealer_key": 201,
        "partner": 403,
        "operations": 403,
        "compliance": 403,
        "admin": 403,
    }

    def url(self, world):
        return "/api/v1/quotes/"

    def payload(self, world):
        # A `dealer` in the body names the other dealer: it must be ignored (the secrets prove it).
        return {
            "trim": "CAMRY-26-XSE",
            "color": "218",
            "options": ["MUDGUARD"],
            "dealer": world.other_dealer.code,
        }


class TestQuoteDetail(QuoteSuite):
    expected = READ


def test_the_list_is_the_callers_dealers_newest_first(world):
    body = world.client("dealer_sales").get("/api/v1/quotes/").json()
    assert [row["number"] for row in body["results"]] == [world.quote.number]
    row = body["results"][0]
    assert row["dealer"] == "TKY001"
    assert row["customer_name"] == "Tokyo Customer"
    assert row["expired"] is False
    assert row["estimate_total_jpy"] == str(world.quote.estimate_total_jpy)


def test_create_answers_the_locked_figures_and_its_location(world):
    response = world.client("dealer_key").post(
        "/api/v1/quotes/",
        {"trim": "CAMRY-26-XSE", "color": "089", "options": ["PKG-NAV"], "registration_month": "2099-01"},
        format="json",
    )
    assert response.status_code == 400  # more than 24 months ahead
    assert set(response.json()["error"]["fields"]) == {"registration_month"}
    response = world.client("dealer_key").post(
        "/api/v1/quotes/", {"trim": "CAMRY-26-XSE", "color": "089", "options": ["PKG-NAV"]}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert response["Location"].endswith(f"/api/v1/quotes/{body['number']}/")
    assert body["dealer"] == "TKY001"
    assert body["estimate"]["total_jpy"] == body["estimate_total_jpy"]
    assert body["landed_cost"]["total_jpy"] == body["landed_total_jpy"]
    assert {line["code"] for line in body["estimate"]["statutory"]["lines"]} == {
        "automobile_tax",
        "tonnage_tax",
        "compulsory_insurance",
        "recycling_deposit",
    }


def test_a_broken_build_is_400_naming_each_rule_and_writes_nothing(world):
    before = everything()
    response = world.client("dealer_sales").post(
        "/api/v1/quotes/", {"trim": "CAMRY-26-XSE", "color": "089", "options": ["RACK"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "configuration_invalid"
    assert everything() == before


def test_a_missing_retail_price_is_422_and_writes_nothing(world):
    m.ColorPrice.objects.update(suggested_retail_jpy=None)
    before = everything()
    response = world.client("dealer_sales").post(
        "/api/v1/quotes/", {"trim": "CAMRY-26-XSE", "color": "089"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "price_missing"
    assert everything() == before


def test_the_detail_keeps_its_figures_after_the_prices_change_and_says_when_it_expired(world, clock):
    locked = world.client("dealer_sales").get(f"/api/v1/quotes/{world.quote.number}/").json()
    m.TrimPrice.objects.update(suggested_retail_jpy=Decimal(9_000_000))
    m.FxRate.objects.update(rate=Decimal("170.0000"))
    clock.advance(days=30)
    later = world.client("dealer_sales").get(f"/api/v1/quotes/{world.quote.number.lower()}/").json()
    assert later["expired"] is True
    assert {k: v for k, v in later.items() if k != "expired"} == {
        k: v for k, v in locked.items() if k != "expired"
    }


def test_list_runs_a_constant_number_of_queries(world):
    client = world.client("dealer_sales")
    client.get("/api/v1/me/")
    # session, user, membership, the quotes page (with its dealer and trim, in one query)
    assert_constant_queries(
        lambda: client.get("/api/v1/quotes/"),
        lambda n: [save(world.dealer if i % 2 else world.other_dealer, world.camry) for i in range(n)],
        expected=4,
    )


def test_detail_runs_a_constant_number_of_queries(world):
    client = world.client("dealer_key")
    client.get("/api/v1/quotes/")
    # the quote with its dealer and trim: the key's facts are cached
    assert_constant_queries(
        lambda: client.get(f"/api/v1/quotes/{world.quote.number}/"),
        lambda n: [save(world.dealer, world.camry) for _ in range(n)],
        expected=1,
    )
