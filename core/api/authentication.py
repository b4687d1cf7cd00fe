"""API authentication: the portal's session, or `Authorization: Api-Key <key>`.

Key lookup is delegated to a resolver that importorders registers (it owns the key models), so
core stays below the apps. Every failure -- no credentials, a malformed, unknown, revoked or expired
key -- answers the same 401 body. A client address that keeps sending bad keys gets 429 instead of
401: DRF rejects bad credentials at authentication, before any throttle runs, so the count lives
here. Valid keys from the same address keep working (a partner behind the same NAT as a
misconfigured client is not locked out); guessing a 190-bit secret is not the threat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from rest_framework import authentication, exceptions

from core.api.throttling import precounter, refund
from core.ratelimit import RateLimit, client_ip

KEY_KEYWORD = "Api-Key"

# resolver(raw_key, fetch) -> (principal, key facts) or None. `fetch(cache_keys, scope, ident)`
# reads the cached values of those keys (a list) and counts the throttle hit of (scope, ident) in one
# round trip; it raises core.cache.SharedCacheUnavailable when Redis cannot be reached.
KeyResolver = Callable[..., tuple[Any, Any] | None]
_key_resolver: KeyResolver | None = None


def register_key_resolver(resolver: KeyResolver) -> None:
    """Set the function mapping a raw key to (principal, key object), or None if not usable."""
    global _key_resolver
    _key_resolver = resolver


def bad_key_limit() -> RateLimit:
    limit, window = settings.API_BAD_KEY_LIMIT
    return RateLimit("bad-api-key", limit=limit, window=window)


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session auth (CSRF enforced on writes), answering 401 rather than 403 when absent.

    DRF turns "not authenticated" into 403 when the first authentication class has no
    WWW-Authenticate challenge; the contract wants 401 for every missing or bad credential.
    """

    def authenticate_header(self, request) -> str:
        return KEY_KEYWORD


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <prefix>.<secret>`: a dealer integration key or a partner key."""

    def authenticate(self, request):
        # Straight from the WSGI environ (a str, as the server decoded it: latin-1): DRF's helper
        # goes through request.headers, which copies every header on first use.
        header = request._request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _, key = header.partition(" ")
        if keyword != KEY_KEYWORD:
            return None  # another scheme: let other authenticators (or a 401) deal with it
        key = key.strip()
        resolved = _key_resolver(key, fetch=precounter(request)) if (_key_resolver and key) else None
        if resolved is None:
            refund(request)
            limit, ip = bad_key_limit(), client_ip(request)
            if limit.hit(ip) > limit.limit:
                raise exceptions.Throttled(wait=limit.seconds_left())
            raise exceptions.AuthenticationFailed()
        return resolved

    def authenticate_header(self, request) -> str:
        return KEY_KEYWORD
