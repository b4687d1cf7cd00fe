"""Shipment events on a real Celery worker against Redis: a batch posted through the API is applied
by the task queued on commit; a queued task that is lost (the queue flushed) loses no event, because
the beat sweeper re-queues what waits, and nothing is applied twice."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from importorders import tasks
from importorders.models import OrderStatus, PartnerEvent, Shipment
from importorders.services import vehicles as vehicle_services
from importorders.services.shipments import shipment_assign, shipment_create
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.factories import TEST_ACTOR
from tests.importorders.services.test_shipment_events import at, vocabularies  # noqa: F401
from tests.importorders.vins import scheduled, vin_for, vin_plant  # noqa: F401

pytestmark = pytest.mark.celery_worker


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not finish in time")
        time.sleep(0.05)


@pytest.fixture
def on_ship(world, camry, vin_plant, vocabularies):  # noqa: F811
    order = vehicle_services.order_assign_vin(
        order=scheduled(world.dealer, camry), actor=TEST_ACTOR, vin=vin_for(1)
    )
    shipment = shipment_create(
        partner=world.partner, actor=TEST_ACTOR, reference="PH2611-01", origin="USLGB", destination="JPMKW"
    )
    shipment_assign(shipment=shipment, vehicle=order.vehicle, actor=TEST_ACTOR)
    world.order, world.shipment = order, shipment
    return world


def _batch(world, *event_ids: str) -> dict:
    events = [
        {
            "event_id": event_id,
            "vin": world.order.vehicle.vin,
            "code": code,
            "classifier": "ACT",
            "occurred_at": at(hours),
        }
        for event_id, (code, hours) in zip(event_ids, (("loaded", 1), ("vessel_departed", 2)), strict=False)
    ]
    return {"vocabulary": "canonical", "version": "1", "events": events}


def _route(monkeypatch, queue: str) -> list:
    """Send the apply task to `queue` (the worker's own in these tests); returns the results sent."""
    sent = []

    def delay(*args):
        sent.append(tasks.shipment_events_apply.apply_async(args=args, queue=queue))

    monkeypatch.setattr(tasks.shipment_events_apply, "delay", delay)
    return sent


def _shipped(world) -> tuple[str, int]:
    world.order.refresh_from_db()
    return world.order.status, world.order.events.filter(kind="moved", to_status=OrderStatus.SHIPPED).count()


def test_a_posted_batch_is_applied_by_the_worker(on_ship, worker_queue, monkeypatch):
    world = on_ship
    sent = _route(monkeypatch, worker_queue)

    response = world.client("partner").post(
        "/api/v1/partner/events/", _batch(world, "e1", "e2"), format="json"
    )

    assert response.status_code == 202, response.content
    wait_for(lambda: len(sent) == 1 and sent[0].ready())
    assert sent[0].get(timeout=5) == 2
    assert _shipped(world) == (OrderStatus.SHIPPED, 1)
    assert Shipment.objects.get(pk=world.shipment.pk).current_milestone == "vessel_departed"
    assert not PartnerEvent.objects.filter(applied_at__isnull=True).exists()


def test_a_flushed_queue_loses_nothing_the_sweeper_requeues_it(
    on_ship, worker_queue, monkeypatch, clock, redis_url
):
    world = on_ship
    lost = f"lost-{uuid.uuid4().hex}"
    sent = _route(monkeypatch, lost)  # nobody consumes this queue

    response = world.client("partner").post(
        "/api/v1/partner/events/", _batch(world, "e1", "e2"), format="json"
    )
    assert response.status_code == 202
    assert len(sent) == 1
    # The queued task is gone, as after a FLUSHALL of the broker.
    connection = redis.Redis.from_url(redis_url)
    assert connection.llen(lost) == 1
    connection.delete(lost)

    # Within the sweep interval the sweeper leaves the events be; after it, it re-queues them.
    sweep = tasks.shipment_events_sweep.apply_async(queue=worker_queue)
    assert sweep.get(timeout=30) == 0
    sent = _route(monkeypatch, worker_queue)
    clock.advance(minutes=4)
    sweep = tasks.shipment_events_sweep.apply_async(queue=worker_queue)
    assert sweep.get(timeout=30) == 2
    wait_for(lambda: len(sent) == 1 and sent[0].ready())
    assert sent[0].get(timeout=5) == 2
    assert _shipped(world) == (OrderStatus.SHIPPED, 1)

    # A second sweep finds nothing; applying again applies nothing twice.
    assert tasks.shipment_events_sweep.apply_async(queue=worker_queue).get(timeout=30) == 0
    assert tasks.shipment_events_apply.apply_async(queue=worker_queue).get(timeout=30) == 0
    assert _shipped(world) == (OrderStatus.SHIPPED, 1)
