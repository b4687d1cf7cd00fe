"""Validity clocks: reminders 30, 7 and 1 days before the end (as data), once each; the expiry
notice; and the sweep fired by a real beat schedule on a real worker."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from compliance.models import DeadlineNotice, ReminderOffset
from compliance.services.deadlines import deadlines_notify
from compliance.services.documents import document_approve
from core.actors import Actor
from core.notifications.models import Notification
from tests.clock import today
from tests.compliance.conftest import REVIEWER, upload
from tests.compliance.test_readiness import cleared_order
from tests.factories import DealerFactory, dealer_user
from tests.importorders.vins import vin_plant  # noqa: F401

SWEEPER = Actor.system("compliance.deadlines_sweep")


@pytest.fixture
def garage(camry, vin_plant, rule):  # noqa: F811
    """An approved garage certificate (valid one month) on a TKY001 vehicle, and its two people."""
    dealer = DealerFactory(code="TKY001")
    people = [dealer_user(dealer=dealer, role=role, username=f"tky-{role}") for role in ("sales", "manager")]
    vehicle = cleared_order(dealer, camry, 21).vehicle
    for days in (30, 7, 1):
        ReminderOffset.objects.create(days_before=days)
    document = upload(rule.garage, vehicle=vehicle, submitter="dealer", issued_on=today())
    document_approve(document=document, actor=REVIEWER)
    document.people = people
    return document


def _sent(kind):
    return list(
        Notification.objects.filter(kind=kind).order_by("recipient_id").values_list("params__days", flat=True)
    )


@pytest.mark.django_db
def test_reminders_fire_at_each_offset_once_and_the_expiry_after_the_last_day(garage):
    until = garage.valid_until
    assert deadlines_notify(actor=SWEEPER, today=until - dt.timedelta(days=31)) == {
        "reminders": 0,
        "expired": 0,
    }
    assert deadlines_notify(actor=SWEEPER, today=until - dt.timedelta(days=30)) == {
        "reminders": 1,
        "expired": 0,
    }
    assert deadlines_notify(actor=SWEEPER, today=until - dt.timedelta(days=30)) == {
        "reminders": 0,
        "expired": 0,
    }
    assert deadlines_notify(actor=SWEEPER, today=until - dt.timedelta(days=7)) == {
        "reminders": 1,
        "expired": 0,
    }
    assert deadlines_notify(actor=SWEEPER, today=until - dt.timedelta(days=1)) == {
        "reminders": 1,
        "expired": 0,
    }
    assert deadlines_notify(actor=SWEEPER, today=until) == {"reminders": 0, "expired": 0}
    assert deadlines_notify(actor=SWEEPER, today=until + dt.timedelta(days=1)) == {
        "reminders": 0,
        "expired": 1,
    }
    assert deadlines_notify(actor=SWEEPER, today=until + dt.timedelta(days=2)) == {
        "reminders": 0,
        "expired": 0,
    }

    assert sorted(_sent("compliance.expiring")) == [1, 1, 7, 7, 30, 30]  # two people each time
    assert Notification.objects.filter(kind="compliance.expired").count() == 2
    assert sorted(DeadlineNotice.objects.values_list("days_before", flat=True)) == [0, 1, 7, 30]


@pytest.mark.django_db
def test_a_late_sweep_sends_the_nearest_reminder_only(garage):
    assert deadlines_notify(actor=SWEEPER, today=garage.valid_until - dt.timedelta(days=5)) == {
        "reminders": 1,
        "expired": 0,
    }
    assert _sent("compliance.expiring") == [5, 5]
    assert sorted(DeadlineNotice.objects.values_list("days_before", flat=True)) == [7, 30]


@pytest.mark.django_db
def test_the_offsets_are_data(garage):
    ReminderOffset.objects.filter(days_before=30).update(active=False)
    assert deadlines_notify(actor=SWEEPER, today=garage.valid_until - dt.timedelta(days=30)) == {
        "reminders": 0,
        "expired": 0,
    }


@pytest.mark.celery_worker
def test_a_real_beat_schedule_fires_the_sweep_on_a_real_worker(garage, worker_queue, clock):
    """The settings' beat entry, run by celery beat every half second, routed to the test's worker."""
    from celery.beat import Scheduler, Service

    from config.celery_app import app

    clock.set(dt.datetime.combine(garage.valid_until - dt.timedelta(days=7), dt.time(9), tzinfo=dt.UTC))
    entry = app.conf.beat_schedule["compliance-deadlines"]

    class TestScheduler(Scheduler):
        def setup_schedule(self):
            self.merge_inplace(
                {"compliance-deadlines": {**entry, "schedule": 0.5, "options": {"queue": worker_queue}}}
            )

    service = Service(app, scheduler_cls=TestScheduler, max_interval=0.5)
    beat = threading.Thread(target=service.start, kwargs={"embedded_process": True}, daemon=True)
    beat.start()
    try:
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and not Notification.objects.filter(kind="compliance.expiring").exists()
        ):
            time.sleep(0.2)
    finally:
        service.stop(wait=True)
        beat.join(timeout=5)

    assert _sent("compliance.expiring") == [7, 7]
    assert Notification.objects.filter(kind="compliance.expiring").first().event_key.endswith(":7")


def test_the_compliance_notification_kinds_are_as_documented():
    from core.notifications import kinds

    compliance = {k.key: k for k in kinds.all_kinds() if k.key.startswith("compliance.")}
    assert {key: (k.audience, k.in_app_default, k.email_default) for key, k in compliance.items()} == {
        "compliance.rejected": ("dealer", True, True),
        "compliance.expiring": ("dealer", True, True),
        "compliance.expired": ("dealer", True, True),
    }
