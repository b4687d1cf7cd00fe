"""The quote pages: the customer estimate of a build, saving it, saved quotes locked at their prices
until they expire, both printouts, scoping, "order this build" from a quote, and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from catalog import models as m
from importorders.models import Order, OrderEvent, SavedQuote
from importorders.services import quotes as quote_services
from tests.catalog.conftest import add_registration_data, camry  # noqa: F401 - the Camry world
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.pages import main_of, page_client
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

MISSING = "Q-XXXX-XXXX"
BUILD = "trim=CAMRY-26-XSE&color=089&options=PKG-NAV&options=MUDGUARD"


@pytest.fixture
def quotes(world, camry):  # noqa: F811
    """The Camry world ready for estimates, one saved quote of TKY001 and one of OSK001."""
    add_registration_data(camry)
    world.camry = camry
    world.quote = save(world.dealer, camry, customer_name="山田 太郎")
    world.other_quote = save(world.other_dealer, camry, customer_name="OSK Customer")
    return world


def save(dealer, world_camry, **extra) -> SavedQuote:
    build = quote_services.QuoteInput(
        trim=world_camry.trim, color_code="089", option_codes=("PKG-NAV", "MUDGUARD"), **extra
    )
    return quote_services.quote_save(dealer=dealer, actor=TEST_ACTOR, build=build)


def as_(client, world, caller: str, language: str = "ja") -> Client:
    return page_client(client, world.users[caller], language)


def test_the_estimate_prints_the_build_at_retail_with_tax_and_statutory_costs(client, quotes):
    response = as_(client, quotes, "dealer_sales", "en").get(f"/quotes/estimate/?{BUILD}&customer=Ms+Tanaka")
    assert response.status_code == 200
    text = main_of(response)
    estimate = response.context["estimate"]
    assert estimate.vehicle_jpy == Decimal(5_900_000 + 88_000 + 240_000 + 30_000)
    assert estimate.consumption_tax_jpy == Decimal(625_800)
    assert f"¥{estimate.total_jpy:,}" in text
    for words in (
        "Dear Ms Tanaka",
        "Consumption tax (10%)",
        "Tonnage tax",
        "Compulsory insurance",
        "Tokyo Motors",
    ):
        assert words in text
    assert "not saved" in text
    assert not SavedQuote.objects.filter(customer_name="Ms Tanaka").exists()  # printed, not stored


def test_the_estimate_in_japanese(client, quotes):
    response = as_(client, quotes, "dealer_sales", "ja").get(f"/quotes/estimate/?{BUILD}&customer=田中様")
    text = main_of(response)
    assert response.status_code == 200
    for words in ("お見積書", "消費税", "自動車重量税", "自賠責保険料", "東京モータース"):
        assert words in text


def test_saving_a_quote_stores_the_build_the_prices_and_the_salesperson(client, quotes):
    page = as_(client, quotes, "dealer_sales", "en")
    response = page.post(
        "/quotes/save/",
        {"trim": "CAMRY-26-XSE", "color": "089", "options": ["PKG-NAV"], "customer": "Ms Tanaka"},
    )
    assert response.status_code == 302
    saved = SavedQuote.objects.get(customer_name="Ms Tanaka")
    assert response["Location"] == f"/quotes/{saved.number}/"
    assert saved.dealer == quotes.dealer
    assert saved.actor_user == quotes.users["dealer_sales"]
    assert saved.issued_on == today()
    assert saved.valid_until == today() + dt.timedelta(days=29)
    assert saved.fx_rate == Decimal("152.3400")
    assert saved.option_codes == ["PKG-NAV"]


def test_a_dealer_may_not_save_a_quote_for_another_dealer(client, quotes):
    as_(client, quotes, "dealer_sales").post(
        "/quotes/save/", {"trim": "CAMRY-26-XSE", "color": "089", "dealer": quotes.other_dealer.code}
    )
    assert SavedQuote.objects.filter(dealer=quotes.other_dealer).count() == 1


def test_a_saved_quote_reopens_at_its_locked_prices_after_the_prices_change(client, quotes, clock):
    locked_total = quotes.quote.estimate_total_jpy
    # Tomorrow: a new published list with dearer retail and FOB, a new rate, dearer insurance.
    clock.advance(days=1)
    m.TrimPrice.objects.filter(trim=quotes.camry.trim).update(
        suggested_retail_jpy=Decimal(6_500_000), fob_usd=Decimal("31000.00")
    )
    m.FxRate.objects.update(rate=Decimal("160.0000"))
    m.CompulsoryInsurancePremium.objects.filter(months=37).update(amount_jpy=Decimal(30_000))
    page = as_(client, quotes, "dealer_sales", "en")
    response = page.get(f"/quotes/{quotes.quote.number}/estimate/")
    assert response.status_code == 200
    assert response.context["estimate"].total_jpy == locked_total
    assert f"¥{locked_total:,}" in main_of(response)
    internal = page.get(f"/quotes/{quotes.quote.number}/internal/")
    assert internal.context["quote"].fx_rate.rate == Decimal("152.3400")
    assert internal.context["quote"].total_jpy == quotes.quote.landed_total_jpy
    # Today's estimate of the same build is dearer.
    live = page.get(f"/quotes/estimate/?{BUILD}")
    assert live.context["estimate"].total_jpy > locked_total


def test_a_quote_is_valid_through_its_last_day_then_expired_with_a_requote(client, quotes, clock):
    page = as_(client, quotes, "dealer_sales", "en")
    last_day = quotes.quote.valid_until
    clock.advance(days=(last_day - today()).days)
    response = page.get(f"/quotes/{quotes.quote.number}/")
    assert response.context["expired"] is False
    assert "order-build" in response.content.decode()
    clock.advance(days=1)
    response = page.get(f"/quotes/{quotes.quote.number}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["expired"] is True
    assert 'data-testid="requote"' in body
    assert 'data-testid="order-build"' not in body
    assert "customer=" in response.context["requote_query"]


@pytest.mark.parametrize("path", ["", "estimate/", "internal/"])
def test_another_dealers_quote_is_the_sites_404(client, quotes, path):
    page = as_(client, quotes, "dealer_sales")
    other = page.get(f"/quotes/{quotes.other_quote.number}/{path}")
    missing = page.get(f"/quotes/{MISSING}/{path}")
    assert other.status_code == missing.status_code == 404
    assert main_of(other) == main_of(missing)


def test_the_list_shows_only_the_dealers_quotes(client, quotes):
    body = as_(client, quotes, "dealer_manager").get("/quotes/").content.decode()
    assert quotes.quote.number in body
    assert quotes.other_quote.number not in body
    assert "OSK Customer" not in body


def test_the_back_office_lists_every_quote_but_does_not_quote(client, quotes):
    page = as_(client, quotes, "operations")
    body = page.get("/quotes/").content.decode()
    assert quotes.quote.number in body
    assert quotes.other_quote.number in body
    assert page.get(f"/quotes/estimate/?{BUILD}").status_code == 403
    assert page.post("/quotes/save/", {"trim": "CAMRY-26-XSE", "color": "089"}).status_code == 403


def test_a_broken_build_is_refused_with_its_rules(client, quotes):
    response = as_(client, quotes, "dealer_sales", "en").get(
        "/quotes/estimate/?trim=CAMRY-26-XSE&color=089&options=RACK"
    )
    assert response.status_code == 400
    assert 'data-testid="estimate-broken"' in response.content.decode()


def test_a_registration_month_in_the_past_is_refused(client, quotes):
    past = (today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    response = as_(client, quotes, "dealer_sales", "en").get(f"/quotes/estimate/?{BUILD}&registration={past}")
    assert response.status_code == 400


def test_order_this_build_from_a_saved_quote_records_the_quote(client, quotes):
    page = as_(client, quotes, "dealer_sales", "en")
    detail = page.get(f"/quotes/{quotes.quote.number}/")
    query = detail.context["order_query"]
    new = page.get(f"/orders/new/?{query}")
    assert new.status_code == 200
    form = new.context["form"]
    assert form.initial["quote"] == quotes.quote.number
    assert form.initial["customer_reference"] == "山田 太郎"
    response = page.post(
        "/orders/new/",
        {
            "trim": "CAMRY-26-XSE",
            "color": "089",
            "options": ["PKG-NAV", "MUDGUARD"],
            "quote": quotes.quote.number,
            "kind": "sold",
            "customer_reference": "山田 太郎",
            "requested_month": form.initial["requested_month"].strftime("%Y-%m"),
            "priority": 100,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get(dealer=quotes.dealer)
    event = OrderEvent.objects.get(order=order, kind="created")
    assert event.changes == {"quote": quotes.quote.number}


def test_ordering_from_another_dealers_quote_is_404(client, quotes):
    response = as_(client, quotes, "dealer_sales").get(
        f"/orders/new/?{BUILD}&quote={quotes.other_quote.number}"
    )
    assert response.status_code == 404


def test_the_list_runs_a_constant_number_of_queries(client, quotes):
    page = as_(client, quotes, "dealer_sales")

    def add(count):
        for _ in range(count):
            save(quotes.dealer, quotes.camry)

    assert_constant_queries(lambda: page.get("/quotes/"), add, expected=5, warm=True)


def test_the_home_page_has_a_saved_quotes_card_for_dealers(client, quotes):
    body = as_(client, quotes, "dealer_sales").get("/").content.decode()
    assert 'data-testid="home-quotes-list"' in body
    assert 'data-testid="home-quotes-list"' not in as_(client, quotes, "operations").get("/").content.decode()
