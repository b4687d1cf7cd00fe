"""Idempotency keys of the partner API: a retried batch gets the stored answer.

A partner's `Idempotency-Key` is claimed in its own short transaction before the batch is stored
(state `in_flight`); the answer is stored with it when the batch commits (`done`). The same key:
with the same body, the stored answer again (or 409 while the first is in flight); with another
body, 422. Keys are the partner's own (another partner's key of the same text is another key) and
are kept IDEMPOTENCY_KEY_RETENTION_HOURS (published in docs/api.md), then deleted by a beat task.
A batch that fails (a crash, a refused body) releases its key, so the partner may retry it. A
claim still in flight after IN_FLIGHT_SECONDS is taken to be abandoned (its process died before it
could release it: no request lives that long, gunicorn's timeout is shorter) and is forgotten, so
the partner's retry runs; were the first still running, the inbox's unique (partner, event_id)
would count its events as duplicates, never store them twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import Conflict, Unprocessable
from importorders.models import LogisticsPartner, PartnerIdempotencyKey

IN_FLIGHT_SECONDS = 120


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def idempotent_call(
    *,
    partner: LogisticsPartner,
    key: str,
    body: bytes,
    call: Callable[[], tuple[int, Any]],
    sandbox: bool = False,
) -> tuple[int, Any]:
    """Run `call` (returning status and body) once per (partner, key kind, key); a retry gets its
    answer. A sandbox key's keys are apart from the live keys' (`sandbox`)."""
    digest = body_digest(body)
    _expire(partner, key, sandbox)
    try:
        with transaction.atomic():
            claim = PartnerIdempotencyKey.objects.create(
                partner=partner, sandbox=sandbox, key=key, body_sha256=digest
            )
    except IntegrityError:
        stored = PartnerIdempotencyKey.objects.get(partner=partner, sandbox=sandbox, key=key)
        if stored.body_sha256 != digest:
            raise Unprocessable(
                _("This Idempotency-Key was used with another body."), code="idempotency_key_reused"
            ) from None
        if stored.state != PartnerIdempotencyKey.State.DONE:
            raise Conflict(
                _("A request with this Idempotency-Key is still being processed."),
                code="idempotency_key_in_flight",
            ) from None
        return stored.status_code, stored.response
    try:
        with transaction.atomic():
            status, answer = call()
            # Stored in the batch's own transaction: the answer exists exactly when the batch does.
            PartnerIdempotencyKey.objects.filter(pk=claim.pk).update(
                state=PartnerIdempotencyKey.State.DONE, status_code=status, response=answer
            )
    except BaseException:
        PartnerIdempotencyKey.objects.filter(
            pk=claim.pk, state=PartnerIdempotencyKey.State.IN_FLIGHT
        ).delete()
        raise
    return status, answer


def _expire(partner: LogisticsPartner, key: str, sandbox: bool) -> None:
    """A key past its retention, or a claim abandoned in flight, is forgotten before it is looked at."""
    now = clock.now()
    cutoff = now - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_RETENTION_HOURS)
    mine = PartnerIdempotencyKey.objects.filter(partner=partner, sandbox=sandbox, key=key)
    mine.filter(created_at__lt=cutoff).delete()
    mine.filter(
        state=PartnerIdempotencyKey.State.IN_FLIGHT,
        created_at__lt=now - dt.timedelta(seconds=IN_FLIGHT_SECONDS),
    ).delete()


def idempotency_keys_purge() -> int:
    """Delete every idempotency key older than the retention; returns how many."""
    cutoff = clock.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_RETENTION_HOURS)
    deleted, _rows = PartnerIdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
