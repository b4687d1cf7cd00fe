"""A real Celery worker against Redis: submitting and confirming an order through the API notifies
the right people, in the portal and by e-mail, each in their language; a re-run adds nothing."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from core.notifications.models import Notification, NotificationPreference
from importorders import tasks
from importorders.models import Order, OrderWatch
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.importorders.allocating import allow
from tests.importorders.api.test_orders import place
from tests.importorders.notifying import mails, received, speak

pytestmark = pytest.mark.celery_worker


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not finish in time")
        time.sleep(0.05)


def test_submit_and_confirm_on_a_real_worker(world, camry, worker_queue, monkeypatch):  # noqa: F811
    queued = []

    def to_the_test_queue(*args):
        queued.append(tasks.order_moved_notify.apply_async(args=args, queue=worker_queue))

    monkeypatch.setattr(tasks.order_moved_notify, "delay", to_the_test_queue)
    speak(world)  # the manager reads English, everyone else the default Japanese
    NotificationPreference.objects.create(
        user=world.users["operations"], kind="queue.submitted", in_app=True, email=True
    )
    order = place(world.dealer, camry)
    OrderWatch.objects.create(user=world.users["compliance"], order=order)
    reference = order.reference

    response = world.client("dealer_sales").post(f"/api/v1/orders/{reference}/submit/", format="json")
    assert response.status_code == 200
    wait_for(lambda: len(queued) == 1 and queued[0].ready())
    assert queued[0].get(timeout=5) == 3

    assert received(world) == {
        "dealer_manager": [("order.submitted", True, False)],
        "operations": [("queue.submitted", True, True)],
        "compliance": [("order.submitted", True, True)],
    }
    assert mails(world) == {
        "operations": [f"[importorders] 確定待ちの新しい注文: {reference}（東京モータース）"],  # noqa: RUF001
        "compliance": [f"[importorders] 注文 {reference} が提出されました"],
    }

    mail.outbox.clear()
    allow(Order.objects.get(reference=reference))
    response = world.client("operations").post(f"/api/v1/orders/{reference}/confirm/", format="json")
    assert response.status_code == 200
    wait_for(lambda: len(queued) == 2 and queued[1].ready())

    confirmed = {
        name: rows for name, rows in received(world).items() if ("order.confirmed", True, True) in rows
    }
    assert set(confirmed) == {"dealer_sales", "dealer_manager", "compliance"}  # not operations: the actor
    assert mails(world) == {
        "dealer_sales": [f"[importorders] 注文 {reference} が確定しました"],
        "dealer_manager": [f"[importorders] Order {reference} was confirmed"],
        "compliance": [f"[importorders] 注文 {reference} が確定しました"],
    }
    assert "other_dealer" not in received(world)

    # The same task again (a retry, a redelivery): nothing new, nobody e-mailed twice.
    rows = Notification.objects.count()
    again = tasks.order_moved_notify.apply_async(args=[order.pk, "confirm"], queue=worker_queue)
    assert again.get(timeout=30) == 0
    assert Notification.objects.count() == rows
    assert len(mail.outbox) == 3
