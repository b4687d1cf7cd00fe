"""Pull adapters: poll a partner's tracking API, log every call, store what it answers as events.

`tracking_poll(source, actor)` makes one GET (unless the partner's rate limit is reached), logs the
request and the response (`PartnerCallLog`), and hands the answer's `events` to `events_receive`
as if the partner had pushed them (same validation, duplicates dropped by event ID). A failure
(unreachable, a timeout, an answer other than 200 with JSON) backs off: the next poll waits the
interval times 2^failures, at most TRACKING_BACKOFF_MAX_SECONDS. `tracking_sources_due` is what
the beat task polls.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.db import transaction

from core import clock
from core.actors import Actor
from importorders.models import PartnerCallLog, PartnerTrackingSource
from importorders.services.events import events_receive

BODY_LOG_LIMIT = 65_536


def tracking_sources_due() -> list[PartnerTrackingSource]:
    """Active sources whose next poll is due (or never polled)."""
    now = clock.now()
    sources = PartnerTrackingSource.objects.filter(active=True, partner__active=True).select_related(
        "partner"
    )
    return [s for s in sources.order_by("pk") if s.next_poll_at is None or s.next_poll_at <= now]


def _rate_limited(source: PartnerTrackingSource) -> bool:
    since = clock.now() - dt.timedelta(minutes=1)
    return PartnerCallLog.objects.filter(partner_id=source.partner_id, at__gte=since).count() >= (
        source.calls_per_minute
    )


def _schedule(source: PartnerTrackingSource, *, failed: bool) -> None:
    source.failures = source.failures + 1 if failed else 0
    wait = source.interval_seconds * (2**source.failures if failed else 1)
    source.next_poll_at = clock.now() + dt.timedelta(seconds=min(wait, settings.TRACKING_BACKOFF_MAX_SECONDS))
    source.save(update_fields=["failures", "next_poll_at", "updated_at"])


def tracking_poll(*, source: PartnerTrackingSource, actor: Actor) -> PartnerCallLog | None:
    """Poll one source once; returns the call's log row, or None when the rate limit held it back."""
    if _rate_limited(source):
        return None
    scheme = urllib.parse.urlsplit(source.url).scheme
    headers = {"Accept": "application/json", "User-Agent": "importorders-tracking/1"}
    log = PartnerCallLog(source=source, partner_id=source.partner_id, url=source.url, request_headers=headers)
    started = time.monotonic()
    body = b""
    try:
        if scheme not in ("http", "https"):
            raise ValueError("only http and https sources are polled")
        request = urllib.request.Request(source.url, headers=headers)  # noqa: S310  (scheme checked)
        with urllib.request.urlopen(request, timeout=settings.TRACKING_FETCH_TIMEOUT) as response:  # noqa: S310
            log.status_code = response.status
            log.response_headers = dict(response.headers.items())
            body = response.read(settings.TRACKING_FETCH_MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        log.status_code = exc.code
        log.response_headers = dict(exc.headers.items()) if exc.headers else {}
        body = exc.read()[:BODY_LOG_LIMIT]
        log.error = f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:  # refused, reset, timed out, a bad URL
        log.error = str(exc)[:500] or type(exc).__name__
    log.duration_ms = round((time.monotonic() - started) * 1000)
    log.response_body = body[:BODY_LOG_LIMIT].decode("utf-8", errors="replace")
    events = None
    if not log.error:
        if len(body) > settings.TRACKING_FETCH_MAX_BYTES:
            log.error = "answer too large"
        else:
            try:
                answer = json.loads(body)
                events = answer["events"] if isinstance(answer, dict) else None
            except (ValueError, KeyError):
                events = None
            if not isinstance(events, list):
                log.error = "not a JSON object with a list of events"
    with transaction.atomic():
        if events:
            received = events_receive(
                partner=source.partner,
                actor=actor,
                vocabulary=source.vocabulary,
                version=source.version,
                events=events[:1000],
            )
            log.accepted = received.accepted
        log.save()
        _schedule(source, failed=bool(log.error))
    return log
