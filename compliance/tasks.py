"""Compliance tasks: thin (load by id, call a service)."""

from __future__ import annotations

from celery import shared_task

from core.actors import Actor


@shared_task(name="compliance.document_rejected_notify", acks_late=True)
def document_rejected_notify(review_id: int) -> int:
    """Tell the dealer's people of one rejection."""
    from compliance.notifications import rejection_notify

    return rejection_notify(review_id=review_id, actor=Actor.system("compliance.document_rejected_notify"))


@shared_task(name="compliance.deadlines_sweep", acks_late=True)
def deadlines_sweep() -> dict:
    """The daily sweep (beat): reminders before expiry, and the expiry notices."""
    from compliance.services.deadlines import deadlines_notify

    return deadlines_notify(actor=Actor.system("compliance.deadlines_sweep"))
