"""The outbox: a delivery row per subscribed endpoint, written in the transaction of the change.

The delivery task is queued on commit; a rollback takes the rows with it, so nothing is sent
for a change that did not happen, and nothing committed is lost (the sweeper finds what is due).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from core import clock
from importorders.models import Order, OrderEvent
from importorders.pipeline import move_event_name
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


def _message(event_type: str, data: dict[str, Any], now) -> dict[str, Any]:
    return {"type": event_type, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": data}


def _outbox_write_all(
    messages: Sequence[tuple[Sequence[WebhookEndpoint], str, dict[str, Any]]],
) -> list[WebhookDelivery]:
    """One delivery per endpoint of each message (endpoints, type, data): one INSERT per 500 rows
    however many messages, and one on-commit queueing for all of them."""
    now = clock.now()
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
            for endpoints, event_type, data in messages
            for payload in [_message(event_type, data, now)]
            for endpoint in endpoints
        ],
        batch_size=500,
    )
    deliveries_queue_on_commit([row.pk for row in rows])
    return rows


def outbox_write(
    *, endpoints: list[WebhookEndpoint], event_type: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    """One delivery per endpoint of a message `{type, timestamp, data}`, queued on commit."""
    return _outbox_write_all([(endpoints, event_type, data)])


def order_payload(order: Order, event: OrderEvent, *, dealer_code: str) -> dict[str, Any]:
    """What an order event's webhook says (docs/webhooks.md)."""
    return {
        "order": order.reference,
        "dealer": dealer_code,
        "status": event.to_status,
        "from_status": event.from_status,
        "reason": event.reason,
        "changes": event.changes,
        "at": event.at.isoformat().replace("+00:00", "Z"),
    }


def order_events_written(written: Sequence[tuple[Order, OrderEvent]]) -> None:
    """The order events' listener: each order's move goes to its dealer's subscribed endpoints.

    Called with one event for a single move and with all of a batch's (services.orders
    `_move_locked_batch`): the dealers' active endpoints are read in one query either way, and
    the deliveries written in one INSERT (per 500), so a batch's queries do not grow per order.
    """
    typed = [
        (order, event, move_event_name(event.from_status, event.to_status))
        for order, event in written
        if event.kind == OrderEvent.Kind.MOVED
    ]
    moves = [
        (order, event, event_type) for order, event, event_type in typed if event_type in ORDER_EVENT_TYPES
    ]
    if not moves:
        return
    by_dealer: dict[int, list[WebhookEndpoint]] = defaultdict(list)
    for endpoint in WebhookEndpoint.objects.select_related("dealer").filter(
        dealer_id__in={order.dealer_id for order, _event, _type in moves}, is_active=True
    ):
        by_dealer[endpoint.dealer_id].append(endpoint)
    messages = []
    for order, event, event_type in moves:
        endpoints = [e for e in by_dealer[order.dealer_id] if event_type in e.event_types]
        if endpoints:
            dealer_code = endpoints[0].dealer.code
            messages.append((endpoints, event_type, order_payload(order, event, dealer_code=dealer_code)))
    if messages:
        _outbox_write_all(messages)
