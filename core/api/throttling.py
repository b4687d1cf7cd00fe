"""Per-caller request throttling through the cache (Redis when configured).

A keyed request's hit is counted during authentication, in the same cache round trip that fetches
the key's facts (`precount`); the throttle then reads that count instead of counting again. A hit
counted for a key that turns out not to authenticate is given back (`refund`), so nobody can spend
a real key's budget by sending its prefix with a wrong secret.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from core.callers import get_caller
from core.ratelimit import RateLimit, client_ip

_DURATIONS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PRECOUNT_ATTR = "_importorders_precounted_hit"


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/minute" -> (600, 60)."""
    count, _, period = rate.partition("/")
    return int(count), _DURATIONS[period.strip()[0]]


def rate_limit_for(scope: str) -> RateLimit | None:
    """The budget of one kind of caller, from settings.API_THROTTLE_RATES (read per request)."""
    rate = settings.API_THROTTLE_RATES.get(scope)
    if rate is None:
        return None
    limit, window = parse_rate(rate)
    return RateLimit(f"throttle-{scope}", limit=limit, window=window)


def _django_request(request):
    return getattr(request, "_request", request)


def precount(request, *, scope: str, ident: str, fetch_key: str) -> Any:
    """Fetch `fetch_key` from the cache and count a throttle hit for (scope, ident), together."""
    limit = rate_limit_for(scope)
    if limit is None:
        return cache.get(fetch_key)
    counter_key, seconds_left = limit.counter_key(ident)
    if hasattr(cache, "get_and_count"):  # Redis: one round trip
        value, count = cache.get_and_count(fetch_key, counter_key, seconds_left + 1)
    else:
        value, count = cache.get(fetch_key), limit.hit(ident)
    setattr(_django_request(request), _PRECOUNT_ATTR, (scope, ident, counter_key, count))
    return value


def precounter(request) -> Callable[[str, str, str], Any]:
    """A fetch function for key resolvers: fetch(cache_key, scope, ident) with the hit precounted."""
    return lambda fetch_key, scope, ident: precount(request, scope=scope, ident=ident, fetch_key=fetch_key)


def refund(request) -> None:
    """Give back a hit precounted for a key that did not authenticate."""
    target = _django_request(request)
    precounted = getattr(target, _PRECOUNT_ATTR, None)
    if precounted is None:
        return
    delattr(target, _PRECOUNT_ATTR)
    with contextlib.suppress(ValueError):  # the window ended in between: nothing to give back
        cache.decr(precounted[2])


class CallerRateThrottle(BaseThrottle):
    """One budget per caller: per user, per key (by its prefix), per client address when anonymous.

    A fixed-window counter (one INCR in the cache per request, shared with the key lookup for
    keyed requests) rather than DRF's sliding log, which reads and rewrites a list of up to N
    timestamps on every request.
    """

    def allow_request(self, request, view) -> bool:
        caller = get_caller(request)
        if caller.kind == "user":
            scope, ident = "user", str(caller.user.pk)
        elif caller.kind in {"dealer_key", "partner_key"}:
            scope, ident = caller.kind, str(caller.key_id)
        else:
            scope, ident = "anonymous", client_ip(request)
        limit = rate_limit_for(scope)
        if limit is None:
            return True
        target = _django_request(request)
        precounted = getattr(target, _PRECOUNT_ATTR, None)
        if precounted is not None and precounted[:2] == (scope, ident):
            count = precounted[3]
        else:
            count = limit.hit(ident)
        self._wait = limit.seconds_left() if count > limit.limit else None
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait
