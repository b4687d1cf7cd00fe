"""Deliveries against a real local receiver: retries with one webhook-id, 410, the last attempt,
the outbox written with the order's move, replay and the test event."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction
from standardwebhooks.webhooks import Webhook

from core.notifications.models import Notification
from importorders.services import vehicles as vehicle_services
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.factories import TEST_ACTOR
from tests.importorders.vins import scheduled, vin_for, vin_plant  # noqa: F401
from tests.webhooks.conftest import make_endpoint
from tests.webhooks.receiver import webhook_receiver
from webhooks.models import DeliveryStatus, DisabledReason, WebhookAttempt, WebhookDelivery
from webhooks.services.deliveries import (
    deliveries_due,
    deliveries_replay_range,
    delivery_replay,
    endpoint_test_send,
)
from webhooks.services.outbox import outbox_write
from webhooks.tasks import webhook_deliver

pytestmark = pytest.mark.django_db


def _signed_by(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Whether the reference library's signature for these headers is among those sent."""
    timestamp = dt.datetime.fromtimestamp(int(headers["webhook-timestamp"]), dt.UTC)
    expected = Webhook(secret).sign(headers["webhook-id"], timestamp, body.decode())
    return expected in headers["webhook-signature"].split(" ")


def _write(endpoint, event_type="order.built"):
    with transaction.atomic():
        (delivery,) = outbox_write(endpoints=[endpoint], event_type=event_type, data={"order": "A1B2C3D4E"})
    return delivery


def _next(delivery, clock) -> str | None:
    """Let the retry come due and run the task, as the countdown or the sweeper would."""
    clock.advance(seconds=2)
    return webhook_deliver(delivery.pk)


def test_500_500_timeout_200_is_four_attempts_of_one_message_each_signed_afresh(
    world, local_targets, clock, django_capture_on_commit_callbacks
):
    with webhook_receiver([500, 500, ("hang", 1.5), 200]) as receiver:
        endpoint = make_endpoint(world, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = _write(endpoint)  # the first attempt runs on commit (eager)
        assert [_next(delivery, clock) for _ in range(3)] == ["pending", "pending", "delivered"]
        assert _next(delivery, clock) is None  # done: a late duplicate task sends nothing

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.last_response_status) == ("delivered", 4, 200)
    assert len(receiver.requests) == 4
    ids = {headers["webhook-id"] for headers, _ in receiver.requests}
    assert ids == {delivery.message_id}
    timestamps = [int(headers["webhook-timestamp"]) for headers, _ in receiver.requests]
    assert timestamps == sorted(timestamps)
    assert len(set(timestamps)) == 4
    assert all(_signed_by(endpoint.secret, headers, body) for headers, body in receiver.requests)
    assert receiver.effects == [delivery.message_id]
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.response_status, a.error) for a in attempts] == [
        (1, 500, ""),
        (2, 500, ""),
        (3, None, "timeout"),
        (4, 200, ""),
    ]
    assert attempts[3].response_excerpt == '{"ok": true}'
    assert json.loads(attempts[0].request_body) == delivery.payload
    assert attempts[0].request_headers["webhook-id"] == delivery.message_id


def test_a_retry_that_is_not_due_yet_sends_nothing(
    world, local_targets, clock, django_capture_on_commit_callbacks
):
    with webhook_receiver([500]) as receiver:
        endpoint = make_endpoint(world, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = _write(endpoint)
        assert webhook_deliver(delivery.pk) is None
        assert deliveries_due(actor=TEST_ACTOR) == []
        clock.advance(seconds=2)
        assert deliveries_due(actor=TEST_ACTOR) == [delivery.pk]  # eager: the sweep sent it
    assert len(receiver.requests) == 2


def test_410_gone_disables_the_endpoint_and_tells_its_managers(
    world, local_targets, django_capture_on_commit_callbacks
):
    with webhook_receiver([410]) as receiver:
        endpoint = make_endpoint(world, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = _write(endpoint)
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (False, DisabledReason.GONE)
    assert (delivery.status, delivery.attempt_count) == (DeliveryStatus.FAILED, 1)
    manager = world.users["dealer_manager"]
    assert list(Notification.objects.values_list("recipient_id", "kind")) == [
        (manager.pk, "webhook.disabled")
    ]
    # Further messages are not sent to a disabled endpoint.
    with django_capture_on_commit_callbacks(execute=True):
        later = _write(endpoint)
    later.refresh_from_db()
    assert (later.status, later.attempt_count) == (DeliveryStatus.FAILED, 0)


def test_the_last_failed_attempt_disables_the_endpoint(
    world, local_targets, clock, django_capture_on_commit_callbacks
):
    with webhook_receiver([500] * 10) as receiver:
        endpoint = make_endpoint(world, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = _write(endpoint)
        with django_capture_on_commit_callbacks(execute=True):
            statuses = [_next(delivery, clock) for _ in range(4)]
    assert statuses == ["pending", "pending", "pending", "failed"]
    assert len(receiver.requests) == 5  # the first attempt and the four of the schedule
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (False, DisabledReason.FAILING)
    assert Notification.objects.filter(kind="webhook.disabled").count() == 1


def test_replay_sends_the_same_message_again_and_the_receiver_applies_it_once(
    world, local_targets, clock, django_capture_on_commit_callbacks
):
    with webhook_receiver() as receiver:
        endpoint = make_endpoint(world, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = _write(endpoint)
        with django_capture_on_commit_callbacks(execute=True):
            delivery_replay(delivery=delivery, actor=TEST_ACTOR)
        clock.advance(minutes=1)
        with django_capture_on_commit_callbacks(execute=True):
            replayed = deliveries_replay_range(
                endpoint=endpoint,
                actor=TEST_ACTOR,
                since=clock.now() - dt.timedelta(hours=1),
                until=clock.now(),
            )
    assert replayed == 1
    assert [headers["webhook-id"] for headers, _ in receiver.requests] == [delivery.message_id] * 3
    assert receiver.effects == [delivery.message_id]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("delivered", 3)


def test_send_test_event(world, local_targets, django_capture_on_commit_callbacks):
    with webhook_receiver() as receiver:
        endpoint = make_endpoint(world, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = endpoint_test_send(endpoint=endpoint, actor=TEST_ACTOR)
    ((headers, body),) = receiver.requests
    assert json.loads(body)["type"] == "webhook.test"
    assert headers["webhook-id"] == delivery.message_id
    assert _signed_by(endpoint.secret, headers, body)


def test_an_order_move_writes_the_outbox_with_the_event_and_sends_after_commit(
    world,
    local_targets,
    camry,  # noqa: F811
    vin_plant,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    order = scheduled(world.dealer, camry)
    with webhook_receiver() as receiver:
        endpoint = make_endpoint(world, receiver.url, event_types=("order.built",))
        other = make_endpoint(world, receiver.url, event_types=("order.delivered",))
        with django_capture_on_commit_callbacks(execute=True):
            vehicle_services.order_assign_vin(order=order, actor=TEST_ACTOR, vin=vin_for(1))
    (delivery,) = WebhookDelivery.objects.all()
    assert (delivery.endpoint_id, delivery.event_type, delivery.status) == (
        endpoint.pk,
        "order.built",
        "delivered",
    )
    assert not other.deliveries.exists()
    ((_headers, body),) = receiver.requests
    payload = json.loads(body)
    assert payload["type"] == "order.built"
    assert payload["data"]["order"] == order.reference
    assert payload["data"]["dealer"] == world.dealer.code
    assert (payload["data"]["from_status"], payload["data"]["status"]) == ("scheduled", "built")


def test_a_step_back_is_its_own_type_not_the_status_it_returns_to(world, local_targets, camry, vin_plant):  # noqa: F811
    from core.actors import Actor
    from importorders.services.orders import order_milestone

    system = Actor.system("shipment_events_apply")
    order = vehicle_services.order_assign_vin(
        order=scheduled(world.dealer, camry), actor=TEST_ACTOR, vin=vin_for(1)
    )
    built = make_endpoint(world, "http://127.0.0.1:9/hooks", event_types=("order.built",))
    back = make_endpoint(world, "http://127.0.0.1:9/hooks", event_types=("order.moved_back",))
    order = order_milestone(order=order, actor=system, move="ship", reason="a1")
    order_milestone(order=order, actor=system, move="unship", reason="retracted:PACRORO/a1")

    (delivery,) = WebhookDelivery.objects.all()
    assert (delivery.endpoint_id, delivery.event_type) == (back.pk, "order.moved_back")
    assert not built.deliveries.exists()
    data = delivery.payload["data"]
    assert (data["from_status"], data["status"], data["reason"]) == (
        "shipped",
        "built",
        "retracted:PACRORO/a1",
    )


def test_a_rolled_back_move_leaves_no_delivery(world, local_targets, camry, vin_plant):  # noqa: F811
    order = scheduled(world.dealer, camry)
    make_endpoint(world, "http://127.0.0.1:9/hooks", event_types=("order.built",))

    class Abort(Exception):
        pass

    def move_then_fail() -> None:
        with transaction.atomic():
            vehicle_services.order_assign_vin(order=order, actor=TEST_ACTOR, vin=vin_for(1))
            assert WebhookDelivery.objects.count() == 1
            raise Abort

    with pytest.raises(Abort):
        move_then_fail()
    assert WebhookDelivery.objects.count() == 0
