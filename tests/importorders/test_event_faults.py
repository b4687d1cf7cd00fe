"""Shipment events under faults, with a real Celery worker process and a real Redis of the test's
own (never the shared one: these tests stop it and flush it). A worker killed mid-batch, Redis
stopped during a push and a flushed queue each lose no event and apply none twice: the batch's
transaction rolls back or never starts, the inbox in PostgreSQL keeps the events, and the sweeper
(its interval shortened by setting) re-queues them long before the broker's one-hour visibility
timeout would give a lost task back."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from importorders import tasks
from importorders.models import OrderStatus, PartnerEvent, Shipment
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.importorders.services.test_shipment_events import vocabularies  # noqa: F401
from tests.importorders.test_shipment_worker import (
    _batch,
    _shipped,
    on_ship,  # noqa: F401
    wait_for,
)
from tests.importorders.vins import vin_plant  # noqa: F401

pytestmark = pytest.mark.celery_worker

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on a free port, with nothing saved to disk."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        wait_for(lambda: self._answers(client), timeout=10)

    @staticmethod
    def _answers(client) -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _forget_connections(app) -> None:
    """Drop the app's pooled broker connections and producers, so the next publish connects anew."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(transactional_db):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not on PATH")
    from config.celery_app import app

    server = PrivateRedis()
    server.start()
    previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.task_always_eager = False
    app.conf.broker_url = server.url
    app.conf.result_backend = server.url
    _forget_connections(app)  # the pooled connections lead to the shared Redis
    try:
        yield server
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = previous
        _forget_connections(app)
        server.stop()


class Workers:
    """Celery worker processes on the test database and the private Redis; killed in teardown."""

    def __init__(self, broker_url: str, tmp_path: Path) -> None:
        self.broker_url = broker_url
        self.mark = tmp_path / "batch-in-flight"
        self.processes: list[subprocess.Popen] = []

    def start(self, pause: float = 0.0) -> subprocess.Popen:
        db = connection.settings_dict
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}/{db['NAME']}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "REDIS_URL": self.broker_url,
            "FAULT_APPLY_PAUSE": str(pause),
            "FAULT_APPLY_MARK": str(self.mark),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.importorders.fault_worker"], cwd=ROOT, env=env
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def workers(private_redis, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the PostgreSQL test database")
    settings.SHIPMENT_EVENTS_SWEEP_MINUTES = 0.05  # three seconds, not the minutes of production
    pool = Workers(private_redis.url, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()


def _pending() -> int:
    return PartnerEvent.objects.filter(applied_at__isnull=True).count()


def _applied_once(world) -> None:
    assert _pending() == 0
    assert _shipped(world) == (OrderStatus.SHIPPED, 1)
    assert world.order.events.filter(kind="moved").values_list("to_status", flat=True).count() == len(
        set(world.order.events.filter(kind="moved").values_list("to_status", flat=True))
    )
    assert Shipment.objects.get(pk=world.shipment.pk).current_milestone == "vessel_departed"


def _sweep_after_its_interval(clock) -> int:
    clock.advance(seconds=4)
    return tasks.shipment_events_sweep()


def _post(world):
    return world.client("partner").post("/api/v1/partner/events/", _batch(world, "e1", "e2"), format="json")


def test_a_worker_killed_mid_batch_loses_nothing_and_applies_nothing_twice(
    on_ship,  # noqa: F811
    workers,
    clock,
):
    world = on_ship
    first = workers.start(pause=60)

    assert _post(world).status_code == 202
    wait_for(workers.mark.exists, timeout=30)  # the batch's effects are written, not committed
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    wait_for(lambda: _pending() == 2)  # the killed batch rolled back: both events wait again

    workers.start()
    assert _sweep_after_its_interval(clock) == 2
    wait_for(lambda: _pending() == 0)
    _applied_once(world)

    # A later sweep finds nothing to do; the same events posted again are duplicates.
    assert _sweep_after_its_interval(clock) == 0
    assert _post(world).json()["duplicate"] == 2
    time.sleep(1)
    _applied_once(world)


def test_redis_stopped_during_a_push_keeps_the_batch_and_the_sweeper_applies_it(
    on_ship,  # noqa: F811
    workers,
    private_redis,
    clock,
):
    world = on_ship
    private_redis.stop()

    response = _post(world)

    # The inbox is in PostgreSQL: the batch is accepted even though its task could not be queued.
    assert response.status_code == 202, response.content
    assert response.json()["accepted"] == 2
    assert _pending() == 2

    private_redis.start()  # an empty Redis on the same port: nothing was queued
    workers.start()
    assert _sweep_after_its_interval(clock) == 2
    wait_for(lambda: _pending() == 0)
    _applied_once(world)


def test_a_flushall_after_enqueue_loses_nothing(on_ship, workers, private_redis, clock):  # noqa: F811
    world = on_ship

    assert _post(world).status_code == 202  # queued, and no worker runs yet
    broker = redis.Redis.from_url(private_redis.url)
    assert broker.llen("default") == 1  # the apply task, in the default queue
    broker.flushall()
    assert _pending() == 2

    workers.start()
    assert _sweep_after_its_interval(clock) == 2
    wait_for(lambda: _pending() == 0)
    _applied_once(world)
