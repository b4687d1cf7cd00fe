"""Django's Redis cache backend, reusing one client per connection pool.

Django's RedisCacheClient builds a new redis.Redis object for every cache operation; with redis-py
8 that costs about 0.25 ms here, more than the round trip itself, and the API does two or three
cache operations per request (throttle, rate limits). The client is thread-safe and its pool is
fork-aware, so one per pool per process is enough.

The contract with Django, redis-py and DRF (private API: tests/core/test_private_api_contract.py
checks every point, shapes without a server and behaviour against Redis, and names the one that
broke after an upgrade):

Django (django.core.cache.backends.redis)
- `RedisCache` keeps the LOCATION list in `_servers` and the OPTIONS dict in `_options`, and builds
  its client lazily in the cached property `_cache` from `(servers, **options)`; we override
  `_cache` to build ours instead (Django's `_class` hook is ignored).
- `RedisCache.make_key(key, version=None)` is the whole key transformation (prefix and version);
  Redis accepts any key, so `validate_key` is skipped.
- `RedisCacheClient(servers, serializer=None, pool_class=None, parser_class=None, **options)`
  holds `_client` (the redis.Redis class, called as `_client(connection_pool=pool)`),
  `_serializer` (`dumps`/`loads`; an int is stored as a plain integer, not pickled, so a counter
  written by INCR reads back through `cache.get` and `cache.decr` works on it), and
  `_get_connection_pool(write)`, which returns the same pool object every time for a given server
  (writes: the first; reads: one of the others when there are several) and creates it on first
  use. `get_client(key=None, *, write=False)` is what every operation calls.
- We key our clients by pool, not by `_get_connection_pool_index(write)`: for reads with three or
  more servers that index is random, and `_get_connection_pool` draws its own.

redis-py
- `redis.Redis(connection_pool=pool)` takes no connection of its own and keeps its pool in
  `connection_pool`. `get_many_and_count` writes its MGET and INCR itself, as redis-py's own
  pipeline does but without its per-call machinery (about 25 us of a 115 us exchange here):
  `pool.get_connection()` hands out a health-checked connection, `pack_commands(commands)` and
  `send_packed_command(packed)` write them at once, `read_response()` reads one reply per command
  in order, `connection.retry.call_with_retry(do, fail)` retries on the errors redis-py retries
  (the connection reconnects on its next send), `disconnect()` drops a socket left mid-exchange,
  and `pool.release(connection)` returns it.
- A `ConnectionPool` remembers its creator's `pid` and resets itself (new sockets) on first use in
  another process (`_checkpid`), so a client made before a fork keeps working after it.

DRF
- `Request._request` is the Django request: the precounted hit (and the caller) are stored there,
  so the authentication class and the throttle, which both get DRF's request, see the same one.

What this module promises its callers
- `get_many_and_count(keys, counter_key, timeout)` returns exactly `([cache.get(key) for key in
  keys], count)` where count is what `incr_window(counter_key, timeout)` would return, in one round
  trip (two on a window's first hit, which also sets the expiry); the counter's expiry is set on
  its first hit only. `get_and_count(key, ...)` is the same for one key: `(value, count)`.
- When Redis cannot be reached, every operation raises `SharedCacheUnavailable` (not redis-py's
  errors), at once for BREAKER_SECONDS after a failure; the socket timeouts in settings bound how
  long the first failure takes. Each caller decides how to degrade (docs/operations.md).
- core.api.throttling stores `(scope, ident, counter_key, count)` on the Django request when a key
  lookup precounts a hit, and `refund` gives back exactly that one hit (`cache.decr`, Django's
  `incr(key, -1)`), or nothing when the window's counter is already gone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import redis.exceptions
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

# What "Redis cannot be reached" looks like from redis-py: refused or reset connections, timeouts,
# a server still loading its data (BusyLoadingError is a ConnectionError).
OUTAGE_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# After a failure, operations fail at once for this long instead of each waiting for a timeout.
BREAKER_SECONDS = 2.0


class SharedCacheUnavailable(Exception):
    """The shared cache (Redis) cannot be reached: callers degrade, or the request answers 503."""


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, with the redis.Redis object made once per pool and outages made explicit.

    Every operation that cannot reach Redis raises SharedCacheUnavailable (never redis-py's own
    errors), and for BREAKER_SECONDS after such a failure every operation raises it at once.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}  # id(pool) -> redis.Redis; Django keeps its pools
        self._down_until = 0.0  # time.monotonic() before which Redis is taken to be down

    def guarded(self, operation: Callable[..., Any], *args, **kwargs) -> Any:
        """Run one Redis operation; an outage becomes SharedCacheUnavailable."""
        if self._down_until and time.monotonic() < self._down_until:
            raise SharedCacheUnavailable("Redis was unreachable a moment ago")
        try:
            result = operation(*args, **kwargs)
        except OUTAGE_ERRORS as exc:
            self._down_until = time.monotonic() + BREAKER_SECONDS
            logger.warning("Redis is unreachable (%s: %s); degrading", exc.__class__.__name__, exc)
            raise SharedCacheUnavailable(str(exc)) from exc
        self._down_until = 0.0
        return result

    def add(self, key, value, timeout):
        return self.guarded(super().add, key, value, timeout)

    def get(self, key, default):
        return self.guarded(super().get, key, default)

    def set(self, key, value, timeout):
        return self.guarded(super().set, key, value, timeout)

    def touch(self, key, timeout):
        return self.guarded(super().touch, key, timeout)

    def delete(self, key):
        return self.guarded(super().delete, key)

    def get_many(self, keys):
        return self.guarded(super().get_many, keys)

    def has_key(self, key):
        return self.guarded(super().has_key, key)

    def incr(self, key, delta):
        return self.guarded(super().incr, key, delta)

    def set_many(self, data, timeout):
        return self.guarded(super().set_many, data, timeout)

    def delete_many(self, keys):
        return self.guarded(super().delete_many, keys)

    def clear(self):
        return self.guarded(super().clear)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """CACHES backend: `core.cache.RedisCache`."""

    @cached_property
    def _cache(self):
        return ReusingRedisCacheClient(self._servers, **self._options)

    def validate_key(self, key: str) -> None:
        # Django's check warns about keys memcached would refuse, walking every character on every
        # operation; Redis accepts any key, and ours are built by the code, never by users.
        return None

    def incr_window(self, key: str, timeout: int) -> int:
        """Count a hit on a per-window counter: one INCR, plus an EXPIRE on the window's first hit.

        Callers put the window's start in the key, so a counter that missed its EXPIRE (a crash
        between the two commands) is never counted against again; it only lingers.
        """
        return self._cache.guarded(self._incr_window, self.make_key(key), timeout)

    def _incr_window(self, key: str, timeout: int) -> int:
        client = self._cache.get_client(key, write=True)
        count = int(client.incr(key))
        if count == 1:
            client.expire(key, timeout)
        return count

    def get_and_count(self, key: str, counter_key: str, timeout: int):
        """`get(key)` and `incr_window(counter_key)` in one round trip: (value or None, count)."""
        (value,), count = self.get_many_and_count([key], counter_key, timeout)
        return value, count

    def get_many_and_count(self, keys: Sequence[str], counter_key: str, timeout: int):
        """`get` of each key and `incr_window(counter_key)` in one round trip: ([value or None], count)."""
        made = [self.make_key(key) for key in keys]
        return self._cache.guarded(self._get_many_and_count, made, self.make_key(counter_key), timeout)

    def _get_many_and_count(self, keys: list[str], counter_key: str, timeout: int):
        # MGET and INCR written together on one pooled connection and read back in order: the
        # same round trip as a redis-py pipeline without its per-call machinery (a quarter of the
        # cost of a keyed request's Redis exchange). Retried and reconnected as redis-py retries
        # any command; a failed exchange drops its connection so the socket never desyncs.
        client = self._cache.get_client(keys[0], write=True)
        pool = client.connection_pool
        connection = pool.get_connection()
        commands = connection.pack_commands([("MGET", *keys), ("INCR", counter_key)])

        def exchange():
            connection.send_packed_command(commands)
            return connection.read_response(), connection.read_response()

        try:
            raws, count = connection.retry.call_with_retry(exchange, lambda _error: connection.disconnect())
        except BaseException:
            connection.disconnect()
            raise
        finally:
            pool.release(connection)
        if count == 1:
            client.expire(counter_key, timeout)
        loads = self._cache._serializer.loads
        return [None if raw is None else loads(raw) for raw in raws], int(count)
