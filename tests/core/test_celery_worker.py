"""A real Celery worker against Redis runs the heartbeat task end to end."""

import uuid

import celery.contrib.testing.tasks  # noqa: F401  (registers the ping task the test worker expects)
import pytest
from celery.contrib.testing.worker import start_worker

from config.celery_app import app
from core.models import WorkerHeartbeat
from core.tasks import worker_heartbeat

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def worker_queue(redis_url, transactional_db):
    """A real worker thread consuming a queue of its own (tests may share one Redis)."""
    queue = f"test-{uuid.uuid4().hex}"
    previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    app.conf.result_backend = redis_url
    try:
        with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=10):
            yield queue
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = previous


def test_worker_records_a_heartbeat(worker_queue):
    result = worker_heartbeat.apply_async(kwargs={"hostname": "ci-worker"}, queue=worker_queue)

    assert result.get(timeout=30) == {"hostname": "ci-worker", "beats": 1}
    assert WorkerHeartbeat.objects.get(hostname="ci-worker").beats == 1


def test_heartbeat_is_safe_to_run_twice(worker_queue):
    for _ in range(2):
        worker_heartbeat.apply_async(kwargs={"hostname": "ci-worker"}, queue=worker_queue).get(timeout=30)

    assert WorkerHeartbeat.objects.filter(hostname="ci-worker").count() == 1
    assert WorkerHeartbeat.objects.get(hostname="ci-worker").beats == 2
