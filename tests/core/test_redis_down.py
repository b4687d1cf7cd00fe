"""Redis unreachable: everything that needs only the database keeps working, nothing answers 500.

The cache points at a port where nothing listens (connection refused at once). What holds
(docs/operations.md, "When a dependency is down", "Redis unreachable"):
- API keys and sessions authenticate from the database; catalog reads are built uncached;
- rate limits and throttles count in each process's memory instead (bounded, never unlimited);
- a change that must reach the shared cache (key revocation, a dealer's or the catalog's changes)
  is refused with 503 and writes nothing.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.forms.models import model_to_dict

from catalog import versioning
from core.cache import SharedCacheUnavailable
from importorders.models import Dealer
from tests.factories import DealerFactory, dealer_user
from tests.permissions import world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

NOWHERE = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": NOWHERE,
            "KEY_PREFIX": "nowhere",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with pytest.raises(SharedCacheUnavailable):
        cache.get("anything")
    yield
    versioning._memo = None


def _envelope(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "fields"} <= set(body["error"])
    return body["error"]


def test_keys_and_sessions_authenticate_from_the_database(world, redis_down):  # noqa: F811
    for caller in ("dealer_key", "partner", "dealer_manager"):
        response = world.client(caller).get("/api/v1/me/")
        assert response.status_code == 200, (caller, response.content)
    for caller in ("revoked_key", "expired_key", "bad_key"):
        assert world.client(caller).get("/api/v1/me/").status_code == 401, caller


def test_catalog_reads_are_built_without_the_cache(world, redis_down):  # noqa: F811
    client = world.client("dealer_key")

    responses = [client.get("/api/v1/catalog/models/") for _ in range(2)]

    assert [response.status_code for response in responses] == [200, 200]
    assert versioning.catalog_version() is None


def test_bad_keys_are_still_limited_counted_in_this_process(world, redis_down, settings):  # noqa: F811
    settings.API_BAD_KEY_LIMIT = (3, 300)
    client = world.client("bad_key")

    statuses = [client.get("/api/v1/me/").status_code for _ in range(5)]

    assert statuses == [401, 401, 401, 429, 429]
    assert world.client("dealer_key").get("/api/v1/me/").status_code == 200  # good keys unaffected


def test_the_throttle_still_counts_in_this_process(world, redis_down, settings):  # noqa: F811
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "dealer_key": "2/minute"}
    client = world.client("dealer_key")

    statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_the_portal_login_works_and_its_limit_holds(redis_down, settings, client):
    settings.LOGIN_LIMIT_PER_USER = (2, 900)
    user = dealer_user(dealer=DealerFactory(), username="tky-sales")
    user.set_password("correct horse battery")
    user.save()

    signed_in = client.post("/login/", {"username": "tky-sales", "password": "correct horse battery"})
    client.post("/logout/")
    wrong = [
        client.post("/login/", {"username": "tky-sales", "password": "wrong"}).status_code for _ in range(2)
    ]
    throttled = client.post("/login/", {"username": "tky-sales", "password": "correct horse battery"})

    assert signed_in.status_code == 302
    assert wrong == [200, 200]
    assert throttled.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_change_that_must_reach_the_cache_is_refused_and_writes_nothing(world, redis_down):  # noqa: F811
    client = world.client("operations")
    client.raise_request_exception = False  # the outage is handled by handler500, as in production

    response = client.patch("/api/v1/dealers/TKY001/", {"active": False}, format="json")

    assert response.status_code == 503
    assert _envelope(response)["code"] == "unavailable"
    assert int(response["Retry-After"]) > 0
    assert Dealer.objects.get(code="TKY001").active is True


@pytest.mark.parametrize("where", ["fx rate", "partner"])
def test_an_admin_change_that_must_reach_the_cache_answers_the_503_page(world, redis_down, where):  # noqa: F811
    from catalog.models import FxRate

    client = world.client("admin")
    client.raise_request_exception = False
    if where == "fx rate":
        url, data = (
            "/admin/catalog/fxrate/add/",
            {
                "rate_date": "2026-01-05",
                "base_currency": "USD",
                "quote_currency": "JPY",
                "rate": "150.25",
                "source": "manual",
            },
        )
    else:
        url = f"/admin/importorders/logisticspartner/{world.partner.pk}/change/"
        data = {**{k: v for k, v in model_to_dict(world.partner).items() if v is not None}, "active": ""}

    response = client.post(url, data)

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert not FxRate.objects.exists()
    world.partner.refresh_from_db()
    assert world.partner.active is True


def test_a_keyed_request_reconnects_when_redis_dropped_its_connections(world, redis_url):  # noqa: F811
    """Redis restarted (or closed idle clients): the pooled sockets are dead. The next keyed
    request reconnects and answers 200, and the outage breaker is not tripped."""
    import redis
    from django.conf import settings

    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        pytest.skip("the cache is not Redis")
    client = world.client("dealer_key")
    assert client.get("/api/v1/me/").status_code == 200
    backend = cache._cache
    pools = list(backend._pools.values())
    admin = redis.Redis.from_url(redis_url)
    killed = 0
    for pool in pools:
        for connection in list(pool._available_connections):
            connection.send_command("CLIENT", "ID")
            killed += admin.client_kill_filter(_id=connection.read_response())
    assert killed >= 1
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 200
    assert backend._down_until == 0.0
