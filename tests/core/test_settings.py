"""Production settings pass Django's deployment checklist and refuse to start without secrets."""

import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]


def _run_manage(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_with_no_warning():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="orders.importer.example.jp",
        EMAIL_URL="smtp+tls://notify:secret@smtp.importer.example.jp:587",
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_mail_server_and_send_over_smtp_with_one():
    common = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "orders.importer.example.jp",
    }
    missing = _run_manage("check", **common)
    shown = _run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, "
        "s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.PORTAL_BASE_URL, sep='|')",
        EMAIL_URL="smtp+tls://notify:secret@smtp.importer.example.jp:587",
        **common,
    )

    assert missing.returncode == 1
    assert "Set the EMAIL_URL environment variable" in missing.stderr
    assert shown.stdout.strip().splitlines()[-1] == (
        "django.core.mail.backends.smtp.EmailBackend|smtp.importer.example.jp|587|True|"
        "importorders <noreply@orders.importer.example.jp>|https://orders.importer.example.jp"
    ), shown.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _run_manage("check", DJANGO_ALLOWED_HOSTS="orders.importer.example.jp")

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: Set the DJANGO_SECRET_KEY environment variable" in (
        result.stderr
    )


def test_celery_is_configured_for_production_on_purpose():
    from config.celery_app import app

    conf = app.conf
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert (conf.task_soft_time_limit, conf.task_time_limit) == (240, 300)
    # Longer than any countdown we schedule (30 minutes at most) plus the hard time limit.
    assert conf.broker_transport_options == {"visibility_timeout": 3600}
    assert conf.result_backend_transport_options == {"visibility_timeout": 3600}
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def test_the_periodic_tasks_are_exactly_the_documented_ones():
    """docs/operations.md and the settings describe exactly this schedule: update them together."""
    from celery.schedules import crontab

    from config.celery_app import app

    assert app.conf.beat_schedule == {
        "worker-heartbeat": {"task": "core.worker_heartbeat", "schedule": 60.0},
        "shipment-events-sweep": {"task": "importorders.shipment_events_sweep", "schedule": 60.0},
        "idempotency-keys-purge": {"task": "importorders.idempotency_keys_purge", "schedule": 3600.0},
        "shipments-watch": {"task": "importorders.shipments_watch", "schedule": 3600.0},
        "partner-tracking-poll": {"task": "importorders.partner_tracking_poll", "schedule": 60.0},
        "fx-rate-import": {
            "task": "catalog.fx_rate_import",
            "schedule": crontab(minute=30, hour=10, day_of_week="mon-fri"),
        },
        "compliance-deadlines": {"task": "compliance.deadlines_sweep", "schedule": crontab(minute=0, hour=9)},
        "webhooks-sweep": {"task": "webhooks.sweep", "schedule": 60.0},
    }


@pytest.mark.parametrize("key", ["", "   ", "short-key"])
def test_production_settings_refuse_an_empty_or_short_secret_key(key):
    result = _run_manage("check", DJANGO_ALLOWED_HOSTS="orders.importer.example.jp", DJANGO_SECRET_KEY=key)

    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be at least 50 characters" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_busy_but_healthy_pool_makes_queries_wait_their_turn_not_fail():
    """More threads than pool connections: the extra ones wait for one (well within the pool's
    timeout, 2 s by default, after which a request answers 503) and none fails."""
    if connection.vendor != "postgresql":
        pytest.skip("the connection pool is PostgreSQL's")
    hold = 0.3
    count = connection.settings_dict["OPTIONS"]["pool"]["max_size"] + 2
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(%s)", [hold])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()  # gives the connection back to the pool

    threads = [threading.Thread(target=run) for _ in range(count)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert time.monotonic() - started >= 2 * hold  # some threads did wait for a connection
