"""The worker heartbeat task, run eagerly: one row per host, counted, dated by the one clock."""

import pytest

from core.models import WorkerHeartbeat
from core.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


def test_each_beat_counts_on_one_row_per_host():
    results = [worker_heartbeat.apply(kwargs={"hostname": "worker-1"}).get() for _ in range(2)]
    worker_heartbeat.apply(kwargs={"hostname": "worker-2"}).get()

    assert results == [{"hostname": "worker-1", "beats": 1}, {"hostname": "worker-1", "beats": 2}]
    assert sorted(WorkerHeartbeat.objects.values_list("hostname", "beats")) == [
        ("worker-1", 2),
        ("worker-2", 1),
    ]


def test_a_beat_is_dated_by_the_one_clock(clock):
    first_at = clock.now()
    worker_heartbeat.apply(kwargs={"hostname": "worker-1"}).get()
    first = WorkerHeartbeat.objects.get().last_seen_at
    second_at = clock.advance(minutes=1)
    worker_heartbeat.apply(kwargs={"hostname": "worker-1"}).get()

    assert (first, WorkerHeartbeat.objects.get().last_seen_at) == (first_at, second_at)
