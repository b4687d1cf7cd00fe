"""/healthz says the process is up; /readyz checks the database and, when configured, Redis."""

import pytest
from django.utils import timezone

from core.models import WorkerHeartbeat


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_each_check(client, settings):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == ("ok" if settings.REDIS_URL else "not_configured")


@pytest.mark.django_db
def test_readyz_is_unavailable_when_redis_is_configured_but_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["redis"] == "error: ConnectionError"


@pytest.mark.django_db
def test_readyz_shows_the_latest_worker_heartbeat(client):
    WorkerHeartbeat.objects.create(hostname="worker-1", last_seen_at=timezone.now(), beats=3)

    body = client.get("/readyz").json()

    assert body["worker"]["hostname"] == "worker-1"
    assert body["worker"]["stale"] is False


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
