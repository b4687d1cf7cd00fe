"""The outbox: a delivery row per subscribed endpoint, written in the transaction of the change.

The delivery task is queued on commit; a rollback takes the rows with it, so nothing is sent
for a change that did not happen, and nothing committed is lost (the sweeper finds what is due).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core import clock
from importorders.models import Order, OrderEvent
from importorders.pipeline import is_step_back
from webhooks.events import ORDER_EVENT_TYPES
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.signing import message_id_new


def _queue(delivery_ids: list[int]) -> None:
    from webhooks.tasks import webhook_deliver

    for delivery_id in delivery_ids:
        webhook_deliver.delay(delivery_id)


def deliveries_queue_on_commit(delivery_ids: list[int]) -> None:
    """Queue the delivery task for each row once the transaction that wrote it commits."""
    if delivery_ids:
        transaction.on_commit(lambda: _queue(delivery_ids), robust=True)


def outbox_write(
    *, endpoints: list[WebhookEndpoint], event_type: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    """One delivery per endpoint of a message `{type, timestamp, data}`, queued on commit."""
    now = clock.now()
    payload = {"type": event_type, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": data}
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                message_id=message_id_new(),
                event_type=event_type,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
    )
    deliveries_queue_on_commit([row.pk for row in rows])
    return rows


def order_payload(order: Order, event: OrderEvent) -> dict[str, Any]:
    """What an order event's webhook says (docs/webhooks.md)."""
    return {
        "order": order.reference,
        "dealer": order.dealer.code,
        "status": event.to_status,
        "from_status": event.from_status,
        "reason": event.reason,
        "changes": event.changes,
        "at": event.at.isoformat().replace("+00:00", "Z"),
    }


def order_event_written(order: Order, event: OrderEvent) -> None:
    """The order events' listener: an order's move goes to its dealer's subscribed endpoints."""
    if event.kind != OrderEvent.Kind.MOVED:
        return
    if is_step_back(event.from_status, event.to_status):
        event_type = "order.moved_back"  # not "order.built": nothing was built again
    else:
        event_type = f"order.{event.to_status}"
    if event_type not in ORDER_EVENT_TYPES:
        return
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(dealer_id=order.dealer_id, is_active=True)
        if event_type in endpoint.event_types
    ]
    if endpoints:
        outbox_write(endpoints=endpoints, event_type=event_type, data=order_payload(order, event))
