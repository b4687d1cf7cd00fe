"""Per-caller request throttling through the cache (Redis when configured)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.callers import get_caller
from core.ratelimit import client_ip


class CallerRateThrottle(SimpleRateThrottle):
    """One budget per caller: per user, per key, and per client address for anonymous calls.

    Rates come from settings.API_THROTTLE_RATES, read on every request so they can be tuned
    (and tested) without a restart.
    """

    cache_format = "throttle:%(scope)s:%(ident)s"

    def __init__(self) -> None:  # rates are read per request in allow_request
        pass

    def allow_request(self, request, view) -> bool:
        caller = get_caller(request)
        if caller.kind == "user":
            self.scope, ident = "user", str(caller.user.pk)
        elif caller.kind in {"dealer_key", "partner_key"}:
            self.scope, ident = caller.kind, str(caller.key_id)
        else:
            self.scope, ident = "anonymous", client_ip(request)
        self.rate = settings.API_THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": ident}
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def get_cache_key(self, request, view):  # pragma: no cover - allow_request builds the key
        return None
