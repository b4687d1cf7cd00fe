"""Celery tasks of importorders. Tasks stay thin: load by id, call a service."""

from __future__ import annotations

import smtplib

from celery import shared_task

from core.actors import Actor

ORDER_MOVED_NOTIFY = "importorders.order_moved_notify"


@shared_task(
    name=ORDER_MOVED_NOTIFY,
    # A mail server or database that does not answer is worth retrying; a bug is not.
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def order_moved_notify(order_id: int, move: str) -> int:
    """Notify the people who hear of an order's move; returns how many notifications were written."""
    from importorders.notifications import order_move_notify

    return len(order_move_notify(order_id=order_id, move=move, actor=Actor.system(ORDER_MOVED_NOTIFY)))


SHIPMENT_EVENTS_APPLY = "importorders.shipment_events_apply"
SHIPMENT_EVENTS_SWEEP = "importorders.shipment_events_sweep"
SHIPMENT_EXCEPTION_NOTIFY = "importorders.shipment_exception_notify"
IDEMPOTENCY_KEYS_PURGE = "importorders.idempotency_keys_purge"
SHIPMENTS_WATCH = "importorders.shipments_watch"
PARTNER_TRACKING_POLL = "importorders.partner_tracking_poll"


@shared_task(name=SHIPMENT_EVENTS_APPLY, autoretry_for=(ConnectionError, TimeoutError), max_retries=3)
def shipment_events_apply(limit: int | None = None) -> int:
    """Apply a batch of pending shipment events; queue another while a full batch was found."""
    from importorders.services.events import APPLY_BATCH, events_apply_pending

    size = limit or APPLY_BATCH
    applied = events_apply_pending(actor=Actor.system(SHIPMENT_EVENTS_APPLY), limit=size)
    if applied == size:
        shipment_events_apply.delay(limit)
    return applied


@shared_task(name=SHIPMENT_EVENTS_SWEEP)
def shipment_events_sweep() -> int:
    """Beat: re-queue the apply task when events wait longer than SHIPMENT_EVENTS_SWEEP_MINUTES."""
    from django.conf import settings

    from importorders.services.events import events_apply_enqueue, events_pending_older_than

    waiting = events_pending_older_than(minutes=settings.SHIPMENT_EVENTS_SWEEP_MINUTES)
    if waiting:
        events_apply_enqueue()
    return waiting


@shared_task(
    name=SHIPMENT_EXCEPTION_NOTIFY,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def shipment_exception_notify(exception_id: int) -> int:
    """Tell the dealer of a shipment exception; returns how many notifications were written."""
    from importorders.services.events_notifications import exception_notify

    return len(exception_notify(exception_id=exception_id, actor=Actor.system(SHIPMENT_EXCEPTION_NOTIFY)))


@shared_task(name=IDEMPOTENCY_KEYS_PURGE)
def idempotency_keys_purge() -> int:
    """Beat: delete partners' idempotency keys older than the published retention."""
    from importorders.services.events_idempotency import idempotency_keys_purge as purge

    return purge()


@shared_task(name=SHIPMENTS_WATCH)
def shipments_watch() -> int:
    """Beat: raise stale and slipping exceptions where due (each once); returns how many were raised."""
    from importorders.services.events_watch import shipments_watch as watch

    return len(watch(actor=Actor.system(SHIPMENTS_WATCH)))


@shared_task(name=PARTNER_TRACKING_POLL)
def partner_tracking_poll() -> int:
    """Beat: poll every partner tracking API that is due; returns how many calls were made."""
    from importorders.services.events_pull import tracking_poll, tracking_sources_due

    actor = Actor.system(PARTNER_TRACKING_POLL)
    return sum(tracking_poll(source=source, actor=actor) is not None for source in tracking_sources_due())
