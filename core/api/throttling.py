"""Per-caller request throttling through the cache (Redis when configured).

A keyed request's hit is counted during authentication, in the same cache round trip that fetches
the key's facts (`precount`); the throttle then reads that count instead of counting again. A hit
counted for a key that turns out not to authenticate is given back (`refund`), so nobody can spend
a real key's budget by sending its prefix with a wrong secret.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from core.cache import SharedCacheUnavailable
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


def precount(request, *, scope: str, ident: str, fetch_keys: Sequence[str]) -> list[Any]:
    """Fetch `fetch_keys` from the cache and count a throttle hit for (scope, ident), together.

    Raises SharedCacheUnavailable when Redis cannot be reached; nothing is precounted then, and
    the throttle counts the hit itself (in this process's memory, see core.ratelimit).
    """
    limit = rate_limit_for(scope)
    if limit is None:
        return _get_many(fetch_keys)
    counter_key, seconds_left = limit.counter_key(ident)
    if hasattr(cache, "get_many_and_count"):  # Redis: one round trip
        values, count = cache.get_many_and_count(fetch_keys, counter_key, seconds_left + 1)
    else:
        values, count = _get_many(fetch_keys), limit.hit(ident)
    setattr(_django_request(request), _PRECOUNT_ATTR, (scope, ident, counter_key, count))
    return values


def _get_many(keys: Sequence[str]) -> list[Any]:
    found = cache.get_many(keys)
    return [found.get(key) for key in keys]


def precounter(request) -> Callable[[Sequence[str], str, str], list[Any]]:
    """A fetch function for key resolvers: fetch(cache_keys, scope, ident) with the hit precounted."""
    return lambda fetch_keys, scope, ident: precount(request, scope=scope, ident=ident, fetch_keys=fetch_keys)


def refund(request) -> None:
    """Give back a hit precounted for a key that did not authenticate."""
    target = _django_request(request)
    precounted = getattr(target, _PRECOUNT_ATTR, None)
    if precounted is None:
        return
    delattr(target, _PRECOUNT_ATTR)
    # The window ended in between (ValueError), or Redis is gone: nothing to give back.
    with contextlib.suppress(ValueError, SharedCacheUnavailable):
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
