"""Celery tasks of the webhooks: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from core.actors import Actor


@shared_task(name="webhooks.deliver", acks_late=True, ignore_result=False)
def webhook_deliver(delivery_id: int) -> str | None:
    """One attempt of a delivery if it is due (a duplicate or early task does nothing)."""
    from webhooks.services.deliveries import delivery_attempt

    return delivery_attempt(delivery_id=delivery_id, actor=Actor.system("webhooks.deliver"))


@shared_task(name="webhooks.sweep")
def webhooks_sweep() -> int:
    """Queue the deliveries that are due (lost tasks, killed workers, retries)."""
    from webhooks.services.deliveries import deliveries_due

    return len(deliveries_due(actor=Actor.system("webhooks.sweep")))
