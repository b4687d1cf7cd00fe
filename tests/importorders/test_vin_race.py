"""Two clerks assign the same VIN to two scheduled orders at the same instant: one wins, one gets 409.

Each trial releases two threads together on a barrier, each with its own database connection, each
calling order_assign_vin for its own order with the same VIN. Different orders mean different row
locks, so nothing serialises them but the VIN's unique constraint: the loser's insert waits for the
winner's commit, fails, and must come back as the same 409 (`vin_in_use`) with its order untouched.
VIN_RACE_TRIALS sets the number of trials (20 by default).
"""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, connections

from core.actors import Actor
from core.errors import Conflict
from importorders.models import OrderEvent, OrderStatus, Vehicle
from importorders.services.vehicles import order_assign_vin
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.factories import DealerFactory
from tests.importorders.vins import scheduled, vin_for, vin_plant  # noqa: F401

TRIALS = int(os.environ.get("VIN_RACE_TRIALS", "20"))


@pytest.fixture
def postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and a unique index racing are a PostgreSQL matter: SQLite serialises writers")


def _race(orders, vin: str) -> list[object]:
    """Both clerks at once; each result is the built order's status or the exception raised."""
    barrier = threading.Barrier(len(orders))
    results: list[object] = [None] * len(orders)

    def clerk(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = order_assign_vin(
                order=orders[index], actor=Actor.system(f"clerk-{index}"), vin=vin
            ).status
        except BaseException as exc:  # the main thread asserts on it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(len(orders))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_one_vin_raced_by_two_clerks_builds_exactly_one_order(postgresql, camry, vin_plant):  # noqa: F811
    dealer = DealerFactory(code="TKY001")
    outcomes = []
    for trial in range(TRIALS):
        orders = [scheduled(dealer, camry), scheduled(dealer, camry)]
        vin = vin_for(trial + 1)

        results = _race(orders, vin)

        built = [r for r in results if r == OrderStatus.BUILT]
        refused = [r for r in results if isinstance(r, Conflict)]
        assert (len(built), len(refused)) == (1, 1), results
        assert refused[0].code == "vin_in_use"
        vehicle = Vehicle.objects.get(vin=vin)
        winner = orders[results.index(OrderStatus.BUILT)]
        loser = orders[results.index(refused[0])]
        assert vehicle.order_id == winner.pk
        loser.refresh_from_db()
        assert loser.status == OrderStatus.SCHEDULED
        assert not OrderEvent.objects.filter(order=loser, to_status="built").exists()
        outcomes.append(refused[0].code)
    assert Vehicle.objects.count() == TRIALS
    print(f"{TRIALS} trials: one winner each; the loser's refusals: {sorted(set(outcomes))}")
