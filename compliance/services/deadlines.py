"""Validity clocks: reminders N days before a document's validity ends (N from ReminderOffset rows),
and the expiry notice the day after its last valid day. Each notice is recorded once per document
and offset (DeadlineNotice, unique), so the sweep is safe to run twice or late: a missed day sends
the nearest reminder still ahead, never a pile of them. An expired document's vehicle is no longer
ready (readiness reads the date), so the dealer is told to upload a new one."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from compliance.models import DeadlineNotice, Document, DocumentStatus, ReminderOffset
from compliance.notifications import EXPIRED, EXPIRING, document_notify
from core import clock
from core.actors import Actor


def _record(document: Document, days_before: int) -> bool:
    try:
        with transaction.atomic():
            DeadlineNotice.objects.create(document=document, days_before=days_before)
    except IntegrityError:
        return False
    return True


def deadlines_notify(*, actor: Actor, today: dt.date | None = None) -> dict:
    """Send today's reminders and expiry notices; returns how many of each were sent."""
    today = today or clock.today_jst()
    offsets = sorted(ReminderOffset.objects.filter(active=True).values_list("days_before", flat=True))
    horizon = today + dt.timedelta(days=max(offsets, default=0))
    documents = (
        Document.objects.current()
        .filter(status=DocumentStatus.APPROVED, valid_until__isnull=False, valid_until__lte=horizon)
        .select_related("document_type", "vehicle__order")
        .prefetch_related("deadline_notices")
        .order_by("valid_until", "id")
    )
    sent = {"reminders": 0, "expired": 0}
    for document in documents:
        already = {notice.days_before for notice in document.deadline_notices.all()}
        if document.valid_until < today:
            if 0 not in already and _record(document, 0):
                document_notify(
                    document=document,
                    kind=EXPIRED,
                    event_key=f"document-expired:{document.pk}",
                    actor=actor,
                    valid_until=document.valid_until.isoformat(),
                )
                sent["expired"] += 1
            continue
        remaining = (document.valid_until - today).days
        due = [n for n in offsets if remaining <= n and n not in already]
        if not due:
            continue
        nearest = min(due)
        for n in due:  # the farther ones are past: recorded, not sent
            _record(document, n)
        document_notify(
            document=document,
            kind=EXPIRING,
            event_key=f"document-expiring:{document.pk}:{nearest}",
            actor=actor,
            days=remaining,
            valid_until=document.valid_until.isoformat(),
        )
        sent["reminders"] += 1
    return sent
