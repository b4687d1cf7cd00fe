"""Fixed-window rate limits in the cache (Redis when configured): login attempts and bad keys."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from core import clock


def _now() -> float:
    """Seconds since the epoch on the one clock: windows are counted on it."""
    return clock.timestamp()


def client_ip(request) -> str:
    """The client's address; X-Forwarded-For is trusted only for the configured number of proxies."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per `window` seconds for one subject (an IP, a username...)."""

    name: str
    limit: int
    window: int

    def counter_key(self, subject: str) -> tuple[str, int]:
        """The cache key counting `subject` in the current window, and the seconds the window has left."""
        return self._key(subject)

    def _key(self, subject: str) -> tuple[str, int]:
        now = int(_now())
        window_start = now - now % self.window
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"ratelimit:{self.name}:{digest}:{window_start}", window_start + self.window - now

    def hit(self, subject: str) -> int:
        """Count one hit; returns the count in the current window."""
        key, remaining = self._key(subject)
        if hasattr(cache, "incr_window"):  # Redis: one round trip
            return cache.incr_window(key, remaining + 1)
        if cache.add(key, 1, timeout=remaining + 1):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=remaining + 1)
            return 1

    def exceeded(self, subject: str) -> int | None:
        """Seconds to wait if the subject is over its limit in this window, else None."""
        key, remaining = self._key(subject)
        count = cache.get(key, 0)
        return max(remaining, 1) if count >= self.limit else None

    def seconds_left(self) -> int:
        """Seconds until the current window ends."""
        now = int(_now())
        return max(self.window - now % self.window, 1)

    def reset(self, subject: str) -> None:
        cache.delete(self._key(subject)[0])
