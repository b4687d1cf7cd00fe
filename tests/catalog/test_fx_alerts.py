"""A stale USD/JPY rate: /readyz says so (still 200), operations see a banner on every portal page,
dealers see on the catalog pages that prices cannot be quoted when a quote would refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from catalog.selectors.fx import fx_freshness, fx_stale_notice
from catalog.services.fx_import import FxObservation, fx_rate_record
from catalog.services.quote import FX_MAX_AGE_DAYS
from core import clock as core_clock
from core.actors import Actor
from core.navigation import notices_for
from importorders.identity import caller_for_user
from tests.catalog import factories as f
from tests.clock import days_ago, today
from tests.queries import assert_query_count

pytestmark = pytest.mark.django_db


def signed_in(client, user, language="ja"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


# --- /readyz -------------------------------------------------------------------------------------


def test_readyz_says_there_is_no_rate_and_stays_ready(client, settings):
    settings.FX_ALERT_AGE_DAYS = 3
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["fx"] == {
        "pair": "USD/JPY",
        "newest_rate_date": None,
        "age_days": None,
        "alert_age_days": 3,
        "stale": True,
        "quotable": False,
    }


@pytest.mark.parametrize(
    ("age", "stale", "quotable"),
    [(0, False, True), (3, False, True), (4, True, True), (FX_MAX_AGE_DAYS, True, True), (8, True, False)],
)
def test_readyz_reports_the_newest_rate_and_its_age(client, settings, age, stale, quotable):
    settings.FX_ALERT_AGE_DAYS = 3
    f.FxRateFactory(rate_date=days_ago(age + 30))
    f.FxRateFactory(rate_date=days_ago(age))
    f.FxRateFactory(rate_date=today() + dt.timedelta(days=2))  # a future date never hides staleness

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["fx"] == {
        "pair": "USD/JPY",
        "newest_rate_date": days_ago(age).isoformat(),
        "age_days": age,
        "alert_age_days": 3,
        "stale": stale,
        "quotable": quotable,
    }


# --- the operations banner -------------------------------------------------------------------------


def test_operations_see_the_stale_rate_banner_in_japanese_and_english(client, world, settings):
    settings.FX_ALERT_AGE_DAYS = 3
    f.FxRateFactory(rate_date=days_ago(5))
    ops = signed_in(client, world.users["operations"])

    ja = ops.get("/").content.decode()
    assert 'data-testid="notice-fx-stale"' in ja
    assert f"最新の米ドル/円為替レートは{days_ago(5).isoformat()}のもの (5日前)" in ja

    ops.cookies["django_language"] = "en"
    en = ops.get("/").content.decode()
    assert f"The newest USD/JPY exchange rate is of {days_ago(5).isoformat()}, 5 days old" in en


def test_the_banner_says_quotes_are_refused_once_the_rate_is_too_old(client, world):
    f.FxRateFactory(rate_date=days_ago(FX_MAX_AGE_DAYS + 1))
    text = signed_in(client, world.users["operations"], "en").get("/").content.decode()

    assert "quotes are refused until a new rate is imported" in text
    assert 'class="notice error site-notice"' in text


def test_no_banner_while_the_rate_is_fresh(client, world):
    f.FxRateFactory(rate_date=today())

    assert (
        'data-testid="notice-fx-stale"'
        not in signed_in(client, world.users["operations"]).get("/").content.decode()
    )


@pytest.mark.parametrize("who", ["dealer_sales", "dealer_manager", "compliance"])
def test_only_operations_see_the_banner(client, world, who):
    text = signed_in(client, world.users[who]).get("/").content.decode()

    assert 'data-testid="notice-fx-stale"' not in text


def test_the_banner_costs_no_query_for_others_and_none_once_cached_for_operations(world):
    dealer = caller_for_user(world.users["dealer_sales"])
    ops = caller_for_user(world.users["operations"])
    f.FxRateFactory(rate_date=days_ago(5))

    with assert_query_count(0):
        assert notices_for(dealer) == []
    assert fx_stale_notice(ops) is not None  # reads the newest date once for this catalog version
    with assert_query_count(0):
        assert fx_stale_notice(ops) is not None


def test_a_new_rate_takes_the_banner_away_at_once(world, django_capture_on_commit_callbacks):
    ops = caller_for_user(world.users["operations"])
    f.FxRateFactory(rate_date=days_ago(5), rate=Decimal("155.0000"))
    assert fx_stale_notice(ops) is not None

    with django_capture_on_commit_callbacks(execute=True):  # the import bumps the catalog version
        fx_rate_record(
            observation=FxObservation(rate_date=today(), rate=Decimal("155.1000")),
            actor=Actor.system("test"),
            source="MUFG TTM",
            source_url="",
            fetched_at=core_clock.now(),
        )

    assert fx_stale_notice(ops) is None


def test_the_banner_appears_when_the_day_turns_without_any_catalog_change(world, clock, settings):
    settings.FX_ALERT_AGE_DAYS = 3
    ops = caller_for_user(world.users["operations"])
    f.FxRateFactory(rate_date=days_ago(3))
    assert fx_stale_notice(ops) is None

    clock.advance(days=1)

    assert fx_stale_notice(ops) is not None
    assert fx_freshness().age_days == 4


# --- dealers on the catalog pages ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/catalog/"])
def test_dealers_are_told_prices_cannot_be_quoted_when_the_rate_is_too_old(client, world, path):
    f.FxRateFactory(rate_date=days_ago(FX_MAX_AGE_DAYS + 1))
    dealer = signed_in(client, world.users["dealer_sales"])

    ja = dealer.get(path).content.decode()
    assert 'data-testid="fx-not-quotable"' in ja
    assert "現在、円建ての見積りを作成できません" in ja
    dealer.cookies["django_language"] = "en"
    assert "Prices cannot be quoted in yen at the moment" in dealer.get(path).content.decode()


def test_dealers_see_no_warning_while_quotes_work_even_if_operations_are_alerted(client, world, settings):
    settings.FX_ALERT_AGE_DAYS = 3
    f.FxRateFactory(rate_date=days_ago(FX_MAX_AGE_DAYS))  # stale for operations, still quotable

    assert (
        'data-testid="fx-not-quotable"'
        not in signed_in(client, world.users["dealer_sales"]).get("/catalog/").content.decode()
    )


def test_the_model_page_warns_dealers_too(client, world, camry):
    from catalog import models as m

    m.FxRate.objects.all().delete()
    text = signed_in(client, world.users["dealer_sales"], "en").get("/catalog/models/CAMRY/").content.decode()

    assert "no exchange rate is recorded" in text
