"""32 clerks confirm 40 orders of one dealer's month against a quota of 10, all at once.

Each clerk is a thread with its own database connection; they start together on a barrier and
take orders from one shared queue until it is empty. The allocation's row lock serialises the
reservations, the queue rule (sold first in, first out, then stock by priority) decides who is in
line, and the CHECK constraint `used <= quota` is the last line. Exactly 10 orders are confirmed,
the other 30 are refused with 409 and their place in the queue, and used = 10.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading

import pytest
from django.db import connection, connections

from core.actors import Actor
from core.errors import Conflict
from importorders.models import AllocationEntry, EntryKind, Order, OrderStatus
from importorders.services import orders as svc
from importorders.services.orders import order_confirm
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.clock import today
from tests.factories import TEST_ACTOR, DealerFactory
from tests.importorders.allocating import quota

CLERKS, ORDERS, QUOTA = 32, 40, 10


@pytest.fixture
def postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks racing are a PostgreSQL matter: SQLite serialises writers")
    # One connection per clerk: the pool holds 8 by default and hands out one for 2 s at most.
    options = connection.settings_dict.get("OPTIONS", {})
    pool = options.get("pool")
    if isinstance(pool, dict):
        before = dict(pool)
        connection.close_pool()
        pool["max_size"] = CLERKS + 4
        pool["timeout"] = 30.0
        yield
        connections.close_all()
        connection.close_pool()
        pool.clear()
        pool.update(before)
    else:
        yield


def _next_month() -> dt.date:
    return (today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def test_32_clerks_confirm_40_orders_against_a_quota_of_10(postgresql, camry):  # noqa: F811
    dealer = DealerFactory(code="TKY001")
    month = _next_month()
    orders = []
    for n in range(ORDERS):
        kind = "sold" if n % 2 == 0 else "stock"
        changes = svc.OrderChanges(
            kind=kind,
            customer_reference=f"C{n:03d}" if kind == "sold" else "",
            trim=camry.trim,
            color_code="089",
            option_codes=("PKG-NAV",),
            requested_month=month,
            priority=100 - n,
        )
        order = svc.order_create(dealer=dealer, actor=TEST_ACTOR, changes=changes)
        orders.append(svc.order_submit(order=order, actor=TEST_ACTOR))
    allocation = quota(dealer=dealer, vehicle_model=camry.model, month=month, units=QUOTA)
    assert allocation.quota == QUOTA

    work: queue.Queue[Order] = queue.Queue()
    for order in orders:
        work.put(order)
    barrier = threading.Barrier(CLERKS)
    results: dict[int, object] = {}
    lock = threading.Lock()

    def clerk(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            while True:
                try:
                    order = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    outcome = order_confirm(order=order, actor=Actor.system(f"clerk-{index}")).status
                except BaseException as exc:  # the main thread asserts on it
                    outcome = exc
                with lock:
                    results[order.pk] = outcome
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(CLERKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(results) == ORDERS
    confirmed = [pk for pk, r in results.items() if r == OrderStatus.CONFIRMED]
    refused = [r for r in results.values() if isinstance(r, Conflict)]
    others = [r for r in results.values() if r != OrderStatus.CONFIRMED and not isinstance(r, Conflict)]
    assert others == []
    assert (len(confirmed), len(refused)) == (QUOTA, ORDERS - QUOTA)
    # Sold orders first, first in first out: the first ten sold orders, whoever reached them first.
    first_sold = [o.pk for o in orders if o.kind == "sold"][:QUOTA]
    assert sorted(confirmed) == sorted(first_sold)
    assert {r.code for r in refused} == {"allocation_waiting"}
    assert all(r.details[0]["position"] > r.details[0]["remaining"] for r in refused)
    allocation.refresh_from_db()
    assert (allocation.quota, allocation.used) == (QUOTA, QUOTA)
    assert Order.objects.filter(status=OrderStatus.CONFIRMED).count() == QUOTA
    reserves = AllocationEntry.objects.filter(allocation=allocation, kind=EntryKind.RESERVE)
    assert sorted(reserves.values_list("order_id", flat=True)) == sorted(confirmed)
    assert [e.used_after for e in reserves.order_by("id")] == list(range(1, QUOTA + 1))
