"""Per-caller request throttling through the cache (Redis when configured)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from core.callers import get_caller
from core.ratelimit import RateLimit, client_ip

_DURATIONS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/minute" -> (600, 60)."""
    count, _, period = rate.partition("/")
    return int(count), _DURATIONS[period.strip()[0]]


class CallerRateThrottle(BaseThrottle):
    """One budget per caller: per user, per key, and per client address for anonymous calls.

    A fixed-window counter (one add/incr in the cache per request) rather than DRF's sliding log,
    which reads and rewrites a list of up to N timestamps on every request. Rates come from
    settings.API_THROTTLE_RATES, read per request so they can be tuned without a restart.
    """

    def allow_request(self, request, view) -> bool:
        caller = get_caller(request)
        if caller.kind == "user":
            scope, ident = "user", str(caller.user.pk)
        elif caller.kind in {"dealer_key", "partner_key"}:
            scope, ident = caller.kind, str(caller.key_id)
        else:
            scope, ident = "anonymous", client_ip(request)
        rate = settings.API_THROTTLE_RATES.get(scope)
        if rate is None:
            return True
        limit, window = parse_rate(rate)
        self._limit = RateLimit(f"throttle-{scope}", limit=limit, window=window)
        count = self._limit.hit(ident)
        self._wait = self._limit.seconds_left() if count > limit else None
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait
