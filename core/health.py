"""Liveness and readiness probes for load balancers and operators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis.backoff import NoBackoff
from redis.retry import Retry

from core import clock
from core.models import WorkerHeartbeat

# Each check gives up quickly, so the probe answers within 2 s even when both services are down:
# the database within 1 s, Redis within 0.5 s whether it refuses, drops or never answers (0.5 s
# to connect plus 0.5 s for the answer at the very worst), with no retries.
DATABASE_TIMEOUT = 1.0
REDIS_TIMEOUT = 0.5

# Informational details the apps add to /readyz (core knows no app): name -> a function answering a
# JSON-able dict. They run only when the database answers, never change the status, and one that
# fails shows its error in its own entry.
_details: dict[str, Callable[[], dict]] = {}


def register_readiness_detail(name: str, provider: Callable[[], dict]) -> None:
    """Add `name` to /readyz's body (an app's ready() calls it; registering twice keeps one)."""
    _details[name] = provider


@never_cache
@require_GET
def healthz(request):
    """The process is up and serving; touches nothing else."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    pool = getattr(connection, "pool", None)
    if pool is None:  # SQLite
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    # PostgreSQL: ask the pool directly, with the probe's own timeout rather than the pool's.
    pool.open()  # as Django does before its first connection; a no-op once open
    with pool.connection(timeout=DATABASE_TIMEOUT) as conn:
        conn.execute("SELECT 1").fetchone()
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not_configured"
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT,
        socket_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


@never_cache
@require_GET
def readyz(request):
    """Ready for traffic: the database answers and, when configured, Redis answers (else 503).

    The body also says how fresh the worker heartbeat and the apps' registered details are (the
    catalog's "fx": the newest USD/JPY rate and whether it is stale); those never make it 503.
    """
    checks: dict[str, str] = {}
    ready = True
    for name, check in (("database", _check_database), ("redis", _check_redis)):
        try:
            checks[name] = check()
        except Exception as exc:  # a probe reports every failure, whatever its kind
            checks[name] = f"error: {exc.__class__.__name__}"
            ready = False
    body: dict = {"status": "ok" if ready else "unavailable", "checks": checks}
    if checks["database"] == "ok":
        # Informational: a stale worker does not make the web tier unready.
        latest = WorkerHeartbeat.objects.order_by("-last_seen_at").values("hostname", "last_seen_at").first()
        if latest:
            age = clock.now() - latest["last_seen_at"]
            body["worker"] = {
                "hostname": latest["hostname"],
                "last_seen_at": latest["last_seen_at"].isoformat(),
                "stale": age > timedelta(minutes=5),
            }
        for name, provider in _details.items():
            try:
                body[name] = provider()
            except Exception as exc:  # a detail never turns the probe into a 500
                body[name] = {"error": exc.__class__.__name__}
    return JsonResponse(body, status=200 if ready else 503)
