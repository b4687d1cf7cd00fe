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
- `redis.Redis(connection_pool=pool)` takes no connection of its own; `pipeline(transaction=False)`
  sends queued commands in one round trip and `execute()` returns their replies in order.
- A `ConnectionPool` remembers its creator's `pid` and resets itself (new sockets) on first use in
  another process (`_checkpid`), so a client made before a fork keeps working after it.

DRF
- `Request._request` is the Django request: the precounted hit (and the caller) are stored there,
  so the authentication class and the throttle, which both get DRF's request, see the same one.

What this module promises its callers
- `get_and_count(key, counter_key, timeout)` returns exactly `(cache.get(key), count)` where count
  is what `incr_window(counter_key, timeout)` would return, in one round trip (two on a window's
  first hit, which also sets the expiry); the counter's expiry is set on its first hit only.
- core.api.throttling stores `(scope, ident, counter_key, count)` on the Django request when a key
  lookup precounts a hit, and `refund` gives back exactly that one hit (`cache.decr`, Django's
  `incr(key, -1)`), or nothing when the window's counter is already gone.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class SharedCacheUnavailable(Exception):
    """The shared cache (Redis) cannot be reached: callers degrade, or the request answers 503."""


class ReusingRedisCacheClient(RedisCacheClient):
    """Same behaviour as Django's client; the redis.Redis object is made once per pool."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}  # id(pool) -> redis.Redis; Django keeps its pools

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
        key = self.make_key(key)
        client = self._cache.get_client(key, write=True)
        count = int(client.incr(key))
        if count == 1:
            client.expire(key, timeout)
        return count

    def get_and_count(self, key: str, counter_key: str, timeout: int):
        """`get(key)` and `incr_window(counter_key)` in one round trip: (value or None, count)."""
        key, counter_key = self.make_key(key), self.make_key(counter_key)
        client = self._cache.get_client(key, write=True)
        pipeline = client.pipeline(transaction=False)
        pipeline.get(key)
        pipeline.incr(counter_key)
        raw, count = pipeline.execute()
        if count == 1:
            client.expire(counter_key, timeout)
        return (None if raw is None else self._cache._serializer.loads(raw)), int(count)
