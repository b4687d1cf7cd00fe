"""Deliveries on a real Celery worker against Redis: a worker killed between attempts, or a task
lost from the queue, loses nothing: the beat's sweeper re-queues what is due, and the receiver gets
the message once."""

from __future__ import annotations

import time
import uuid

import pytest
import redis
from django.db import transaction

from tests.webhooks.conftest import make_endpoint
from tests.webhooks.receiver import webhook_receiver
from webhooks import tasks
from webhooks.models import WebhookDelivery
from webhooks.services.deliveries import _claim
from webhooks.services.outbox import outbox_write

pytestmark = pytest.mark.celery_worker


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not finish in time")
        time.sleep(0.05)


def _route(monkeypatch, queue: str) -> list:
    """Send the delivery task to `queue`; returns the results sent."""
    sent = []

    def delay(*args):
        sent.append(tasks.webhook_deliver.apply_async(args=args, queue=queue))

    monkeypatch.setattr(tasks.webhook_deliver, "delay", delay)
    return sent


def _status(delivery) -> tuple[str, int]:
    delivery.refresh_from_db()
    return delivery.status, delivery.attempt_count


def test_a_lost_task_and_a_worker_killed_mid_attempt_lose_nothing(
    world, local_targets, worker_queue, monkeypatch, clock, redis_url
):
    with webhook_receiver([500]) as receiver:
        endpoint = make_endpoint(world, receiver.url)
        lost = f"lost-{uuid.uuid4().hex}"
        sent = _route(monkeypatch, lost)  # nobody consumes this queue
        with transaction.atomic():
            (delivery,) = outbox_write(endpoints=[endpoint], event_type="webhook.test", data={})
        assert len(sent) == 1
        redis.Redis.from_url(redis_url).delete(lost)  # the queued task is gone (a flushed broker)

        # The sweeper finds it due and the worker makes the first attempt (500).
        sent = _route(monkeypatch, worker_queue)
        assert tasks.webhooks_sweep.apply_async(queue=worker_queue).get(timeout=30) == 1
        wait_for(lambda: len(sent) == 1 and sent[0].ready())
        assert _status(delivery) == ("pending", 1)

        # A worker claims the retry and dies before it sends: the lease holds the delivery...
        clock.advance(seconds=2)
        assert _claim(delivery.pk) is not None
        assert tasks.webhooks_sweep.apply_async(queue=worker_queue).get(timeout=30) == 0
        # ...until it passes; then the sweeper re-queues it and a live worker delivers it.
        clock.advance(minutes=3)
        assert tasks.webhooks_sweep.apply_async(queue=worker_queue).get(timeout=30) == 1
        wait_for(lambda: len(sent) == 2 and sent[1].ready())

    assert _status(delivery) == ("delivered", 3)
    assert [headers["webhook-id"] for headers, _ in receiver.requests] == [delivery.message_id] * 2
    assert receiver.effects == [delivery.message_id]
    assert WebhookDelivery.objects.filter(status="pending").count() == 0
