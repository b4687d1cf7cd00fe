"""The private Django, redis-py and DRF API that core.cache and core.api.throttling lean on.

The hot path saves a redis.Redis construction per cache operation (about 0.25 ms here) and a
round trip per keyed request by reaching into private attributes (the contract is written at the
top of core/cache.py). A Django, redis-py or DRF upgrade may change any of them without notice:
each test here names the piece it checks, so a failure after an upgrade says what moved.

The first group inspects classes and needs no server. The rest run against Redis (`redis_url`:
skipped with a reason outside CI, a failure in CI) in a key namespace of their own, deleted after.
"""

from __future__ import annotations

import inspect
import os
import select
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
import redis
import redis.connection
import redis.retry
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient, RedisSerializer
from django.http import HttpRequest
from django.utils.functional import cached_property
from rest_framework.request import Request

from core.api import throttling
from core.cache import RedisCache, ReusingRedisCacheClient
from core.ratelimit import RateLimit

BROKEN = "Private API contract broken (see core/cache.py's docstring): "


def _parameters(function) -> list[str]:
    """Parameter names with their kind marks: `*name` for *args, `**name`, `name=` with a default."""
    marks = []
    for parameter in inspect.signature(function).parameters.values():
        name = parameter.name
        if parameter.kind is parameter.VAR_POSITIONAL:
            name = f"*{name}"
        elif parameter.kind is parameter.VAR_KEYWORD:
            name = f"**{name}"
        elif parameter.kind is parameter.KEYWORD_ONLY:
            name = f"kw:{name}"
        if parameter.default is not parameter.empty:
            name = f"{name}={parameter.default!r}"
        marks.append(name)
    return marks


# --- Shapes (no server needed) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "function", "expected"),
    [
        ("RedisCache.__init__", DjangoRedisCache.__init__, ["self", "server", "params"]),
        ("RedisCache.make_key", DjangoRedisCache.make_key, ["self", "key", "version=None"]),
        ("BaseCache.decr", BaseCache.decr, ["self", "key", "delta=1", "version=None"]),
        (
            "RedisCacheClient.__init__",
            RedisCacheClient.__init__,
            ["self", "servers", "serializer=None", "pool_class=None", "parser_class=None", "**options"],
        ),
        ("RedisCacheClient._get_connection_pool", RedisCacheClient._get_connection_pool, ["self", "write"]),
        ("RedisCacheClient.get_client", RedisCacheClient.get_client, ["self", "key=None", "kw:write=False"]),
        ("redis.Redis.pipeline", redis.Redis.pipeline, ["self", "transaction=True", "shard_hint=None"]),
        (
            "ConnectionPool.get_connection",
            redis.connection.ConnectionPool.get_connection,
            ["self", "command_name=None", "*keys", "**options"],
        ),
        ("ConnectionPool.release", redis.connection.ConnectionPool.release, ["self", "connection"]),
        ("Connection.pack_commands", redis.connection.Connection.pack_commands, ["self", "commands"]),
        (
            "Connection.send_packed_command",
            redis.connection.Connection.send_packed_command,
            ["self", "command", "check_health=True"],
        ),
        ("Connection.disconnect", redis.connection.Connection.disconnect, ["self", "*args", "**kwargs"]),
        ("HttpRequest._get_raw_host", HttpRequest._get_raw_host, ["self"]),
    ],
)
def test_signatures_we_call_or_override(where, function, expected):
    assert _parameters(function) == expected, f"{BROKEN}{where} is now {inspect.signature(function)}"


def test_a_connection_reads_replies_in_order_and_retries_through_its_retry_object():
    read = inspect.signature(redis.connection.Connection.read_response).parameters
    assert "disable_decoding" in read, f"{BROKEN}Connection.read_response is now {read}"
    retry = inspect.signature(redis.retry.Retry.call_with_retry).parameters
    assert list(retry)[:3] == ["self", "do", "fail"], f"{BROKEN}Retry.call_with_retry is now {retry}"


def test_our_client_overrides_get_client_with_the_same_signature():
    assert _parameters(ReusingRedisCacheClient.get_client) == _parameters(RedisCacheClient.get_client)


def test_django_builds_its_client_lazily_in_the_cached_property_cache():
    assert isinstance(DjangoRedisCache.__dict__.get("_cache"), cached_property), (
        f"{BROKEN}django RedisCache._cache is no longer a cached_property: our override may be bypassed"
    )
    assert isinstance(RedisCache.__dict__["_cache"], cached_property)


def test_django_keeps_servers_and_options_where_we_read_them():
    backend = DjangoRedisCache(
        "redis://127.0.0.1:1/0,redis://127.0.0.1:2/0", {"OPTIONS": {"socket_timeout": 1}}
    )

    assert backend._servers == ["redis://127.0.0.1:1/0", "redis://127.0.0.1:2/0"], (
        f"{BROKEN}RedisCache._servers no longer holds the LOCATION list"
    )
    assert backend._options == {"socket_timeout": 1}, f"{BROKEN}RedisCache._options is not OPTIONS"


def test_our_backend_builds_our_client_from_the_same_arguments():
    backend = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 1}})

    client = backend._cache

    assert type(client) is ReusingRedisCacheClient
    assert client._servers == ["redis://127.0.0.1:1/0"]
    assert client._pool_options["socket_timeout"] == 1, f"{BROKEN}OPTIONS no longer reach the pool"


def test_the_client_holds_the_redis_class_and_the_serializer():
    client = RedisCacheClient(["redis://127.0.0.1:1/0"])

    assert client._client is redis.Redis, f"{BROKEN}RedisCacheClient._client is not redis.Redis"
    assert isinstance(client._serializer, RedisSerializer), f"{BROKEN}RedisCacheClient._serializer moved"
    assert "connection_pool" in inspect.signature(redis.Redis.__init__).parameters


@pytest.mark.parametrize(
    "value", [7, -3, True, 1.5, "42", "テキスト", b"\x00raw", None, Decimal("28400.00"), {"a": [1, 2]}]
)
def test_the_serializer_round_trips_values_and_keeps_ints_plain(value):
    serializer = RedisSerializer()

    stored = serializer.dumps(value)

    assert serializer.loads(stored if isinstance(stored, bytes) else str(stored).encode()) == value
    if type(value) is int:
        assert stored == value, f"{BROKEN}ints are no longer stored plain: INCR-written counters break"


def test_a_pool_remembers_its_pid_and_checks_it():
    pool = redis.ConnectionPool.from_url("redis://127.0.0.1:1/0")

    assert pool.pid == os.getpid(), f"{BROKEN}redis ConnectionPool.pid is gone: fork safety unknown"
    assert callable(getattr(pool, "_checkpid", None)), f"{BROKEN}redis ConnectionPool._checkpid is gone"


def test_drf_keeps_the_django_request_as_request_underscore_request():
    django_request = HttpRequest()

    assert Request(django_request)._request is django_request, (
        f"{BROKEN}rest_framework Request._request moved: precounts and the caller are cached on it"
    )


@pytest.mark.django_db
def test_django_keeps_queued_on_commit_callbacks_as_savepoints_callback_robust():
    from django.db import connection, transaction

    def marker():
        return None

    with transaction.atomic():
        transaction.on_commit(marker)
        queued = [entry for entry in connection.run_on_commit if len(entry) == 3 and entry[1] is marker]
        assert queued, (
            f"{BROKEN}connection.run_on_commit no longer holds (savepoints, callback, robust): "
            "importorders.order_cache queues one bump per dealer and transaction by reading it"
        )


# --- Behaviour, against Redis ----------------------------------------------------------------------


def _drop(url: str, prefix: str) -> None:
    raw = redis.Redis.from_url(url)
    try:
        keys = list(raw.scan_iter(match=f"{prefix}*"))
        if keys:
            raw.delete(*keys)
    finally:
        raw.close()


@pytest.fixture
def prefix() -> str:
    return f"contract-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def backend(redis_url, prefix):
    """A fresh core.cache.RedisCache on the test Redis, in a namespace of its own."""
    yield RedisCache(redis_url, {"KEY_PREFIX": prefix})
    _drop(redis_url, prefix)


@pytest.fixture
def raw(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def round_trips(monkeypatch):
    """Counts commands (or pipelines) written to any Redis connection."""
    sent: list[object] = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    return sent


@dataclass(frozen=True)
class _Facts:
    prefix: str
    revoked: bool


@pytest.mark.parametrize(
    "value", [7, True, "42", "テキスト", Decimal("1.50"), {"a": [1, 2]}, _Facts("dAAAAAAA", False)]
)
def test_get_and_count_returns_what_get_and_incr_window_would(backend, value):
    backend.set("facts", value)

    fetched = [backend.get_and_count("facts", "hits", 60) for _ in range(3)]
    twin = [backend.incr_window("twin-hits", 60) for _ in range(3)]

    assert fetched == [(backend.get("facts"), 1), (value, 2), (value, 3)]
    assert [count for _, count in fetched] == twin == [1, 2, 3]


def test_get_many_and_count_returns_each_value_in_order_and_one_count(backend, round_trips):
    backend.set("facts", {"a": 1})
    backend.set("fence", 1)
    backend.get_many_and_count(["facts"], "hits", 60)  # connects, counts, sets the expiry
    round_trips.clear()

    fetched = backend.get_many_and_count(["fence", "nothing", "facts"], "hits", 60)

    assert fetched == ([1, None, {"a": 1}], 2)
    assert len(round_trips) == 1


def test_get_and_count_of_a_missing_value_is_none_and_still_counts(backend):
    assert backend.get_and_count("nothing", "hits", 60) == (None, 1)
    assert backend.get_and_count("nothing", "hits", 60) == (None, 2)


def test_counters_live_under_django_keys_and_read_back_through_the_cache(backend, raw):
    backend.get_and_count("facts", "hits", 60)
    backend.get_and_count("facts", "hits", 60)

    assert backend.make_key("hits") == f"{backend.key_prefix}:1:hits"
    assert raw.get(backend.make_key("hits")) == b"2"
    assert backend.get("hits") == 2, f"{BROKEN}a counter written by INCR no longer reads back as an int"
    assert backend.decr("hits") == 1, f"{BROKEN}cache.decr no longer works on an INCR-written counter"


def test_the_counter_expires_from_its_first_hit_only(backend, raw):
    backend.get_and_count("facts", "hits", 61)
    first = raw.pttl(backend.make_key("hits"))
    backend.get_and_count("facts", "hits", 3600)  # a later hit must not extend the window
    later = raw.pttl(backend.make_key("hits"))

    assert 60_000 < first <= 61_000
    assert 60_000 < later <= first


def test_get_and_count_is_one_round_trip_after_the_first_hit(backend, round_trips):
    backend.get_and_count("facts", "hits", 60)  # connects, counts, sets the expiry
    round_trips.clear()

    backend.get_and_count("facts", "hits", 60)

    assert len(round_trips) == 1


def test_the_first_hit_adds_exactly_one_round_trip_for_the_expiry(backend, round_trips):
    backend.get("warm")  # open the connection first
    round_trips.clear()

    backend.get_and_count("facts", "hits", 60)

    assert len(round_trips) == 2  # the pipeline (GET + INCR), then EXPIRE


def test_one_client_is_reused_for_every_operation(backend):
    client = backend._cache.get_client(write=True)

    backend.set("a", 1)
    backend.get("a")
    backend.get_and_count("a", "hits", 60)

    assert backend._cache.get_client("a", write=True) is client
    assert backend._cache.get_client("a") is client  # one server: reads share the write pool
    assert list(backend._cache._clients.values()) == [client]
    assert client.connection_pool is backend._cache._get_connection_pool(True)


def test_with_replicas_reads_spread_over_every_replica_through_reused_clients(redis_url, prefix):
    """Writes go to the first server, reads to a random other one; each pool gets one client.

    Django draws the read server at random, so this is checked on 20 fresh backends: a client bound
    to the wrong pool would leave one replica unread on about half of them.
    """
    for _ in range(20):
        cache_client = RedisCache(",".join([redis_url] * 3), {"KEY_PREFIX": prefix})._cache

        writers = {id(cache_client.get_client(write=True)) for _ in range(20)}
        readers = {id(client): client for client in (cache_client.get_client() for _ in range(200))}

        assert len(writers) == 1
        assert cache_client.get_client(write=True).connection_pool is cache_client._pools[0]
        assert sorted(cache_client._pools) == [0, 1, 2], f"{BROKEN}reads no longer spread over replicas"
        read_pools = sorted(id(client.connection_pool) for client in readers.values())
        assert read_pools == sorted([id(cache_client._pools[1]), id(cache_client._pools[2])])


def test_after_a_fork_like_reset_the_reused_client_still_works(backend):
    client = backend._cache.get_client(write=True)
    backend.set("a", 1)
    pool = client.connection_pool
    before = list(pool._available_connections)
    pool.pid = -1  # what a forked child sees: a pool created by another process

    assert backend.get_and_count("a", "hits", 60) == (1, 1)

    assert pool.pid == os.getpid(), f"{BROKEN}redis ConnectionPool no longer resets after a fork"
    assert backend._cache.get_client(write=True) is client
    assert not set(pool._available_connections) & set(before)  # fresh sockets, none of the parent's


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_in_a_forked_child_the_inherited_client_works_on_its_own_sockets(backend):
    backend.set("a", 1)
    backend.get_and_count("a", "hits", 60)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report and leave at once, whatever happens
        try:
            value, count = backend.get_and_count("a", "hits", 60)
            same = backend._cache.get_client(write=True).connection_pool.pid == os.getpid()
            os.write(write_end, f"{value},{count},{same}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    # poll, not select: a long test run can hold descriptors numbered above select()'s 1024.
    waiting = select.poll()
    waiting.register(read_end, select.POLLIN)
    ready = waiting.poll(20_000)
    report = os.read(read_end, 100).decode() if ready else "timeout"
    os.close(read_end)
    if not ready:
        os.kill(pid, 9)
    os.waitpid(pid, 0)

    assert report == "1,2,True"
    assert backend.get_and_count("a", "hits", 60) == (1, 3)  # the parent's pool is untouched


# --- The throttle's precount and refund -----------------------------------------------------------


@pytest.fixture
def redis_default_cache(settings, redis_url):
    """django.core.cache.cache on Redis (core.cache.RedisCache) in this test's key namespace."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "BACKEND": "core.cache.RedisCache", "LOCATION": redis_url}
    }
    from django.core.cache import cache

    yield cache
    _drop(redis_url, settings.CACHES["default"]["KEY_PREFIX"])


@pytest.fixture
def mid_window(clock):
    clock.set(clock.now().replace(minute=0, second=30, microsecond=0))


def _counter(scope: str, ident: str) -> str:
    limit = throttling.rate_limit_for(scope)
    assert isinstance(limit, RateLimit)
    return limit.counter_key(ident)[0]


def test_precount_stores_the_hit_on_the_django_request(redis_default_cache, mid_window):
    request = Request(HttpRequest())
    redis_default_cache.set("facts", {"ok": True})

    value = throttling.precount(request, scope="dealer_key", ident="dAAAAAAA", fetch_keys=["facts"])

    counter = _counter("dealer_key", "dAAAAAAA")
    assert value == [{"ok": True}]
    assert getattr(request._request, throttling._PRECOUNT_ATTR) == ("dealer_key", "dAAAAAAA", counter, 1)
    assert redis_default_cache.get(counter) == 1


def test_refund_gives_back_exactly_one_hit_once(redis_default_cache, mid_window):
    request = Request(HttpRequest())
    counter = _counter("partner_key", "pAAAAAAA")
    for _ in range(2):
        throttling.precount(request, scope="partner_key", ident="pAAAAAAA", fetch_keys=["facts"])
    assert redis_default_cache.get(counter) == 2

    throttling.refund(request)
    throttling.refund(request)  # nothing precounted any more: nothing more to give back

    assert redis_default_cache.get(counter) == 1
    assert not hasattr(request._request, throttling._PRECOUNT_ATTR)


def test_a_refund_after_the_window_ended_creates_nothing(redis_default_cache, mid_window, raw):
    request = Request(HttpRequest())
    throttling.precount(request, scope="dealer_key", ident="dAAAAAAA", fetch_keys=["facts"])
    counter = _counter("dealer_key", "dAAAAAAA")
    redis_default_cache.delete(counter)  # the window's counter expired in between

    throttling.refund(request)

    assert raw.exists(redis_default_cache.make_key(counter)) == 0


@pytest.mark.django_db
def test_a_keyed_request_counts_one_hit_and_a_wrong_secret_none(world, redis_default_cache, mid_window):
    prefix = world.keys["dealer_key"].split(".")[0]
    counter = _counter("dealer_key", prefix)
    owner = world.client("dealer_key")

    statuses = [owner.get("/api/v1/me/").status_code for _ in range(2)]
    after_owner = redis_default_cache.get(counter)
    imposter = world.client("anonymous")
    imposter.credentials(HTTP_AUTHORIZATION=f"Api-Key {prefix}.{'x' * 32}")
    refused = imposter.get("/api/v1/me/").status_code

    assert statuses == [200, 200]
    assert after_owner == 2  # the throttle read the precount: no second hit per request
    assert refused == 401
    assert redis_default_cache.get(counter) == 2  # the imposter's hit was given back
