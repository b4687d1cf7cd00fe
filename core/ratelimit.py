"""Fixed-window rate limits in the cache (Redis when configured): login attempts and bad keys.

While Redis cannot be reached, limits are counted in this process's memory instead
(`_local`): each process then enforces the limit on its own, so a subject may get up to
one limit per process until Redis answers again. Nothing is unlimited, nothing answers 500.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from core import clock
from core.cache import SharedCacheUnavailable

# Counters used while the shared cache is unreachable (see the module docstring).
_local = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


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
        try:
            if hasattr(cache, "incr_window"):  # Redis: one round trip
                return cache.incr_window(key, remaining + 1)
            return _count(cache, key, remaining + 1)
        except SharedCacheUnavailable:
            return _count(_local, key, remaining + 1)

    def exceeded(self, subject: str) -> int | None:
        """Seconds to wait if the subject is over its limit in this window, else None."""
        key, remaining = self._key(subject)
        try:
            count = cache.get(key, 0)
        except SharedCacheUnavailable:
            count = _local.get(key, 0)
        return max(remaining, 1) if count >= self.limit else None

    def seconds_left(self) -> int:
        """Seconds until the current window ends."""
        now = int(_now())
        return max(self.window - now % self.window, 1)

    def reset(self, subject: str) -> None:
        key = self._key(subject)[0]
        _local.delete(key)
        with contextlib.suppress(SharedCacheUnavailable):  # the shared counter expires with its window
            cache.delete(key)


def _count(backend, key: str, timeout: int) -> int:
    """add-then-incr counting for backends without incr_window (in-memory caches)."""
    if backend.add(key, 1, timeout=timeout):
        return 1
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.add(key, 1, timeout=timeout)
        return 1
