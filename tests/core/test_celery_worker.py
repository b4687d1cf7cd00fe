"""A real Celery worker against Redis runs the heartbeat task end to end."""

import pytest

from core.models import WorkerHeartbeat
from core.tasks import worker_heartbeat

pytestmark = pytest.mark.celery_worker


def test_worker_records_a_heartbeat(worker_queue):
    result = worker_heartbeat.apply_async(kwargs={"hostname": "ci-worker"}, queue=worker_queue)

    assert result.get(timeout=30) == {"hostname": "ci-worker", "beats": 1}
    assert WorkerHeartbeat.objects.get(hostname="ci-worker").beats == 1


def test_heartbeat_is_safe_to_run_twice(worker_queue):
    for _ in range(2):
        worker_heartbeat.apply_async(kwargs={"hostname": "ci-worker"}, queue=worker_queue).get(timeout=30)

    assert WorkerHeartbeat.objects.filter(hostname="ci-worker").count() == 1
    assert WorkerHeartbeat.objects.get(hostname="ci-worker").beats == 2
