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
