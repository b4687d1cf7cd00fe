"""Sending deliveries: one attempt at a time, retried on a schedule, replayed on request.

An attempt claims its delivery (a lease in `next_attempt_at`) in one short transaction, sends
outside any transaction, and records what came back in another. 2xx delivers; 410 Gone disables
the endpoint; anything else is retried by WEBHOOKS_RETRY_SCHEDULE with jitter, and when the last
attempt fails the endpoint is disabled and its owner told.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets

from django.conf import settings
from django.db import transaction

from core import clock
from core.actors import Actor
from core.errors import Conflict
from webhooks.events import TEST_EVENT_TYPE
from webhooks.models import DeliveryStatus, DisabledReason, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.sending import post
from webhooks.services.endpoints import endpoint_disable, secrets_in_use
from webhooks.services.outbox import deliveries_queue_on_commit, outbox_write
from webhooks.signing import signature_header

logger = logging.getLogger(__name__)

USER_AGENT = "importorders-webhooks/1"


def retry_delay(attempts_made: int) -> dt.timedelta | None:
    """How long after the `attempts_made`-th failed attempt the next one is due; None: no more."""
    schedule = settings.WEBHOOKS_RETRY_SCHEDULE
    if attempts_made > len(schedule):
        return None
    base = schedule[attempts_made - 1]
    # ±10 % jitter, so that an endpoint's deliveries that failed together do not return together.
    spread = base * 0.1
    jitter = (secrets.randbelow(2001) - 1000) / 1000 * spread
    return dt.timedelta(seconds=max(base + jitter, 0))


def body_of(delivery: WebhookDelivery) -> bytes:
    """The request body: the payload as compact JSON (what the signature covers)."""
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


def _claim(delivery_id: int) -> tuple[WebhookDelivery, int] | None:
    """Lock a due delivery and take a lease on it; None when it is not due or not pending."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_related("endpoint", "endpoint__dealer", "endpoint__partner")
            .select_for_update(of=("self",))
            .filter(pk=delivery_id)
            .first()
        )
        now = clock.now()
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return None
        if delivery.next_attempt_at is None or delivery.next_attempt_at > now:
            return None
        if not delivery.endpoint.is_active:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "next_attempt_at"])
            return None
        delivery.attempt_count += 1
        delivery.attempts_in_round += 1
        delivery.next_attempt_at = now + dt.timedelta(seconds=settings.WEBHOOKS_ATTEMPT_LEASE_SECONDS)
        delivery.save(update_fields=["attempt_count", "attempts_in_round", "next_attempt_at"])
        return delivery, delivery.attempt_count


def delivery_attempt(*, delivery_id: int, actor: Actor) -> str | None:
    """Make the next attempt of a delivery if it is due; returns its status after, None if not due."""
    claimed = _claim(delivery_id)
    if claimed is None:
        return None
    delivery, number = claimed
    endpoint = delivery.endpoint
    body = body_of(delivery)
    started_at = clock.now()
    timestamp = int(started_at.timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets_in_use(endpoint), delivery.message_id, timestamp, body),
    }
    outcome = post(endpoint.url, body=body, headers=headers)
    logged_headers = {**headers, "webhook-signature": "v1,…"}  # the log never holds a usable signature
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=started_at,
            request_headers=logged_headers,
            request_body=body.decode(),
            response_status=outcome.status,
            response_excerpt=outcome.excerpt,
            duration_ms=outcome.duration_ms,
            error=outcome.error,
        )
        delivery.last_response_status = outcome.status
        fields = ["last_response_status", "status", "next_attempt_at", "delivered_at"]
        if outcome.status is not None and 200 <= outcome.status < 300:
            delivery.status, delivery.next_attempt_at, delivery.delivered_at = (
                DeliveryStatus.DELIVERED,
                None,
                clock.now(),
            )
        elif outcome.status == 410:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            _disable(endpoint, DisabledReason.GONE)
        else:
            delay = retry_delay(delivery.attempts_in_round)
            if delay is None:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
                _disable(endpoint, DisabledReason.FAILING)
            else:
                delivery.next_attempt_at = clock.now() + delay
                _queue_later(delivery.pk, delay)
        delivery.save(update_fields=fields)
    logger.info("webhook %s attempt %d: %s %s", delivery.message_id, number, outcome.status, outcome.error)
    return delivery.status


def _queue_later(delivery_id: int, delay: dt.timedelta) -> None:
    from webhooks.tasks import webhook_deliver

    # A countdown is only a hint (an eager run or a lost task): the sweeper finds what is due.
    transaction.on_commit(
        lambda: webhook_deliver.apply_async(args=(delivery_id,), countdown=delay.total_seconds()), robust=True
    )


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    actor = Actor.system("webhooks")
    if endpoint_disable(endpoint=endpoint, actor=actor, reason=reason):
        from webhooks.notifications import endpoint_disabled_notify_on_commit

        endpoint_disabled_notify_on_commit(endpoint)


def deliveries_due(*, actor: Actor, limit: int = 500) -> list[int]:
    """Queue every pending delivery that is due (the beat's sweeper); returns their ids."""
    ids = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    from webhooks.tasks import webhook_deliver

    for delivery_id in ids:
        webhook_deliver.delay(delivery_id)
    return ids


def delivery_replay(*, delivery: WebhookDelivery, actor: Actor) -> WebhookDelivery:
    """Send a delivery again now, with the same webhook-id and a new round of retries."""
    if not delivery.endpoint.is_active:
        raise Conflict(code="endpoint_disabled", message=_endpoint_disabled_message())
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING, next_attempt_at=clock.now(), attempts_in_round=0
        )
        deliveries_queue_on_commit([delivery.pk])
    delivery.refresh_from_db()
    return delivery


def deliveries_replay_range(
    *, endpoint: WebhookEndpoint, actor: Actor, since: dt.datetime, until: dt.datetime
) -> int:
    """Replay every delivery of an endpoint created in [since, until); returns how many."""
    if not endpoint.is_active:
        raise Conflict(code="endpoint_disabled", message=_endpoint_disabled_message())
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.filter(
                endpoint=endpoint, created_at__gte=since, created_at__lt=until
            ).values_list("id", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, next_attempt_at=clock.now(), attempts_in_round=0
        )
        deliveries_queue_on_commit(ids)
    return len(ids)


def endpoint_test_send(*, endpoint: WebhookEndpoint, actor: Actor) -> WebhookDelivery:
    """Queue a `webhook.test` message to the endpoint (whatever it subscribes to)."""
    if not endpoint.is_active:
        raise Conflict(code="endpoint_disabled", message=_endpoint_disabled_message())
    with transaction.atomic():
        (delivery,) = outbox_write(
            endpoints=[endpoint],
            event_type=TEST_EVENT_TYPE,
            data={"endpoint": endpoint.pk, "by": actor.label},
        )
    return delivery


def _endpoint_disabled_message() -> str:
    from django.utils.translation import gettext as _

    return _("This endpoint is disabled: enable it first.")
