"""Writes owned by core."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from core import clock
from core.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Record that a worker on `hostname` is alive; safe to run any number of times."""
    now = clock.now()
    with transaction.atomic():
        heartbeat, created = WorkerHeartbeat.objects.get_or_create(
            hostname=hostname, defaults={"last_seen_at": now, "beats": 1}
        )
        if not created:
            WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(last_seen_at=now, beats=F("beats") + 1)
            heartbeat.refresh_from_db()
    return heartbeat
