"""Kept order reads (importorders.order_cache): a repeat is served without the database, and
every order write makes the next read fresh, for the writer's dealer and the back office only."""

from __future__ import annotations

import pytest

from core.cache import SharedCacheUnavailable
from importorders import order_cache
from importorders.models import Order, OrderStatus
from importorders.services import orders as svc
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.factories import TEST_ACTOR
from tests.importorders.api.test_orders import place
from tests.queries import assert_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(world, camry):  # noqa: F811
    world.order = place(world.dealer, camry)
    world.other_order = place(world.other_dealer, camry, customer_reference="OSK-CUST-9")
    return world


def _statuses(response) -> dict[str, str]:
    return {row["reference"]: row["status"] for row in response.json()["results"]}


def test_a_repeated_list_read_is_kept_and_runs_no_query(orders):
    client = orders.client("dealer_key")
    first = client.get("/api/v1/orders/?status=draft")
    with assert_query_count(0):
        again = client.get("/api/v1/orders/?status=draft")
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"


def test_a_repeated_detail_read_is_kept_and_runs_no_query(orders):
    client = orders.client("dealer_key")
    url = f"/api/v1/orders/{orders.order.reference}/"
    first = client.get(url)
    with assert_query_count(0):
        again = client.get(url)
    assert again.content == first.content


def test_a_write_makes_the_next_read_fresh_list_and_detail(orders):
    client = orders.client("dealer_key")
    url = f"/api/v1/orders/{orders.order.reference}/"
    assert _statuses(client.get("/api/v1/orders/"))[orders.order.reference] == OrderStatus.DRAFT
    assert client.get(url).json()["status"] == OrderStatus.DRAFT
    assert client.post(f"{url}submit/").status_code == 200
    assert _statuses(client.get("/api/v1/orders/"))[orders.order.reference] == OrderStatus.SUBMITTED
    assert client.get(url).json()["status"] == OrderStatus.SUBMITTED


def test_a_service_write_outside_the_api_is_seen_too(orders):
    client = orders.client("dealer_key")
    client.get("/api/v1/orders/")
    svc.order_submit(order=orders.order, actor=TEST_ACTOR)
    assert _statuses(client.get("/api/v1/orders/"))[orders.order.reference] == OrderStatus.SUBMITTED


def test_another_dealers_write_keeps_this_dealers_entry_and_freshens_the_back_office(orders):
    dealer, ops = orders.client("dealer_key"), orders.client("operations")
    dealer.get("/api/v1/orders/")
    ops.get("/api/v1/orders/")
    svc.order_submit(order=orders.other_order, actor=TEST_ACTOR)
    with assert_query_count(0):
        dealer.get("/api/v1/orders/")
    # The back office's list shows the other dealer's change at once.
    assert _statuses(ops.get("/api/v1/orders/"))[orders.other_order.reference] == OrderStatus.SUBMITTED


def test_an_entry_is_never_served_to_another_scope(orders):
    url = f"/api/v1/orders/{orders.order.reference}/"
    assert orders.client("dealer_key").get(url).status_code == 200
    assert orders.client("other_dealer_key").get(url).status_code == 404
    listed = orders.client("other_dealer_key").get("/api/v1/orders/")
    assert orders.order.reference not in _statuses(listed)


def test_the_detail_is_kept_per_role_so_each_sees_its_own_moves(orders):
    svc.order_submit(order=orders.order, actor=TEST_ACTOR)
    url = f"/api/v1/orders/{orders.order.reference}/"
    assert "confirm" in orders.client("operations").get(url).json()["allowed_moves"]
    assert "confirm" not in orders.client("compliance").get(url).json()["allowed_moves"]
    assert "confirm" in orders.client("operations").get(url).json()["allowed_moves"]


def test_a_404_is_not_kept(orders):
    client = orders.client("dealer_key")
    assert client.get("/api/v1/orders/XXXX-XXXX/").status_code == 404
    with assert_query_count(1):
        assert client.get("/api/v1/orders/XXXX-XXXX/").status_code == 404


def test_without_redis_every_read_is_built_fresh(orders, monkeypatch):
    def unreachable(scope):
        return None

    client = orders.client("dealer_key")
    client.get("/api/v1/orders/")
    monkeypatch.setattr(order_cache, "scope_version", unreachable)
    Order.objects.filter(pk=orders.order.pk).update(priority=7)  # a change no service announced
    with assert_query_count(1):
        response = client.get("/api/v1/orders/")
    row = next(r for r in response.json()["results"] if r["reference"] == orders.order.reference)
    assert row["priority"] == 7


def test_a_bump_lost_to_an_outage_is_bounded_by_the_entries_age(orders, monkeypatch):
    client = orders.client("dealer_key")
    client.get("/api/v1/orders/")
    Order.objects.filter(pk=orders.order.pk).update(priority=7)  # as if the bump had been lost
    kept = client.get("/api/v1/orders/").json()["results"]
    assert next(r for r in kept if r["reference"] == orders.order.reference)["priority"] != 7
    import core.api.response_cache as module

    real = module.time.monotonic
    monkeypatch.setattr(module.time, "monotonic", lambda: real() + order_cache.MAX_AGE + 1)
    fresh = client.get("/api/v1/orders/").json()["results"]
    assert next(r for r in fresh if r["reference"] == orders.order.reference)["priority"] == 7


def test_a_bump_that_cannot_reach_redis_is_logged_not_raised(orders, monkeypatch, caplog):
    class Down:
        def set_many(self, *args, **kwargs):
            raise SharedCacheUnavailable("down")

    monkeypatch.setattr(order_cache, "cache", Down())
    order_cache._bump(orders.dealer.pk)
    assert "could not be bumped" in caplog.text


def _queued_bumps() -> list[int]:
    from django.db import connection

    return [c.dealer_id for _, c, _ in connection.run_on_commit if isinstance(c, order_cache._BumpOnCommit)]


def test_one_after_commit_bump_per_dealer_and_transaction(orders):
    # Placing the fixture's orders queued one bump per dealer already (the test's transaction).
    assert sorted(_queued_bumps()) == sorted([orders.dealer.pk, orders.other_dealer.pk])
    for _ in range(3):
        svc.order_amend(order=orders.order, actor=TEST_ACTOR, changes=svc.OrderChanges(priority=7 + _))
        order_cache.order_rows_changed(orders.other_dealer.pk)
    assert sorted(_queued_bumps()) == sorted([orders.dealer.pk, orders.other_dealer.pk])


def test_a_bump_queued_in_a_rolled_back_savepoint_is_queued_again(world):
    from django.db import transaction

    assert _queued_bumps() == []
    try:
        with transaction.atomic():
            order_cache.order_rows_changed(world.dealer.pk)
            assert _queued_bumps() == [world.dealer.pk]
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert _queued_bumps() == []
    order_cache.order_rows_changed(world.dealer.pk)
    order_cache.order_rows_changed(world.dealer.pk)
    assert _queued_bumps() == [world.dealer.pk]
