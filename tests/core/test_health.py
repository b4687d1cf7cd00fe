"""/healthz says the process is up; /readyz checks the database and, when configured, Redis."""

import datetime as dt

import pytest

from core.models import WorkerHeartbeat

# The probe's staleness check is dated on a fixed instant in the past: a probe that read the wall
# clock instead of the one clock would see every heartbeat as months old.
PROBE_AT = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.django_db
def test_readyz_reports_each_check(client, settings):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body.pop("fx")["pair"] == "USD/JPY"  # the catalog's detail: tests/catalog/test_fx_alerts.py
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok" if settings.REDIS_URL else "not_configured"},
    }
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.django_db
def test_readyz_is_unavailable_when_redis_is_configured_but_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    body.pop("fx")  # informational: it never decides the status
    assert body == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "error: ConnectionError"},
    }


@pytest.mark.django_db
def test_readyz_shows_the_latest_worker_heartbeat_as_fresh_up_to_five_minutes(client, clock):
    clock.set(PROBE_AT)
    WorkerHeartbeat.objects.create(
        hostname="worker-1", last_seen_at=PROBE_AT - dt.timedelta(minutes=9), beats=9
    )
    WorkerHeartbeat.objects.create(
        hostname="worker-2", last_seen_at=PROBE_AT - dt.timedelta(minutes=5), beats=3
    )

    body = client.get("/readyz").json()

    assert body["worker"] == {
        "hostname": "worker-2",
        "last_seen_at": "2026-04-01T08:55:00+00:00",
        "stale": False,
    }


@pytest.mark.django_db
def test_readyz_calls_a_heartbeat_over_five_minutes_old_stale(client, clock):
    clock.set(PROBE_AT)
    seen = PROBE_AT - dt.timedelta(minutes=5, seconds=1)
    WorkerHeartbeat.objects.create(hostname="worker-1", last_seen_at=seen, beats=3)

    response = client.get("/readyz")

    assert response.status_code == 200  # a stale worker does not take web traffic away
    assert response.json()["worker"] == {
        "hostname": "worker-1",
        "last_seen_at": "2026-04-01T08:54:59+00:00",
        "stale": True,
    }


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
