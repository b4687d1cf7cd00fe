"""Who hears of an order's moves, on which channel, in which language; and nobody twice.

Moves are made by the services (or the API) with their on-commit work run, so the listener queues
the task and the task runs eagerly (the real worker: test_notifications_worker.py).
"""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import translation

from core.actors import Actor
from core.models import UserLanguage
from core.notifications import kinds
from core.notifications.models import Notification, NotificationPreference
from importorders import tasks
from importorders.models import DealerMembership, OrderStatus, OrderWatch
from importorders.notifications import EMAIL_BY_DEFAULT, order_move_notify
from importorders.services import orders as svc
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.allocating import allow
from tests.importorders.api.test_orders import place
from tests.importorders.notifying import mails, received, speak

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(world, camry):  # noqa: F811
    speak(world)
    return place(world.dealer, camry)


def as_person(world, name: str) -> Actor:
    return Actor.for_user(world.users[name])


def move(capture, service, **kwargs):
    with capture(execute=True):
        return service(**kwargs)


def submitted(world, order, capture, by="dealer_sales"):
    return move(capture, svc.order_submit, order=order, actor=as_person(world, by))


def confirmed(world, order, capture):
    order = submitted(world, order, capture)
    mail.outbox.clear()
    Notification.objects.all().delete()
    return move(capture, svc.order_confirm, order=allow(order), actor=as_person(world, "operations"))


def test_submitting_tells_the_colleagues_and_the_confirmation_queue_but_not_the_actor(
    world, order, django_capture_on_commit_callbacks
):
    submitted(world, order, django_capture_on_commit_callbacks)

    assert received(world) == {
        "dealer_manager": [("order.submitted", True, False)],
        "operations": [("queue.submitted", True, False)],
    }
    assert mail.outbox == []  # neither kind goes by e-mail unless chosen


def test_confirming_tells_the_dealers_people_in_the_portal_and_by_email_in_their_language(
    world, order, django_capture_on_commit_callbacks
):
    order = confirmed(world, order, django_capture_on_commit_callbacks)

    assert received(world) == {
        "dealer_sales": [("order.confirmed", True, True)],
        "dealer_manager": [("order.confirmed", True, True)],
    }
    assert mails(world) == {
        "dealer_sales": [f"[importorders] 注文 {order.reference} が確定しました"],
        "dealer_manager": [f"[importorders] Order {order.reference} was confirmed"],
    }
    english = next(m for m in mail.outbox if m.to == [world.users["dealer_manager"].email])
    assert f"https://orders.example.jp/orders/{order.reference}/" in english.body
    assert "https://orders.example.jp/notifications/preferences/" in english.body
    assert "Customer reference: CUST-001" in english.body


def test_a_dealer_key_is_no_person_to_spare(world, order, django_capture_on_commit_callbacks):
    key = Actor.for_key(kind="dealer_key", prefix="dAAAAAAA", label="Tokyo Motors (dms)")

    move(django_capture_on_commit_callbacks, svc.order_submit, order=order, actor=key)

    assert set(received(world)) == {"dealer_sales", "dealer_manager", "operations"}


def test_preferences_turn_a_kind_off_or_its_email_on(world, order, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(
        user=world.users["dealer_sales"], kind="order.confirmed", in_app=False, email=False
    )
    NotificationPreference.objects.create(
        user=world.users["dealer_manager"], kind="order.confirmed", in_app=False, email=True
    )
    NotificationPreference.objects.create(
        user=world.users["operations"], kind="queue.submitted", in_app=True, email=True
    )

    submitted(world, order, django_capture_on_commit_callbacks)
    assert received(world)["operations"] == [("queue.submitted", True, True)]
    assert list(mails(world)) == ["operations"]

    order = confirmed(world, order, django_capture_on_commit_callbacks)
    assert received(world) == {"dealer_manager": [("order.confirmed", False, True)]}
    assert list(mails(world)) == ["dealer_manager"]
    # E-mail only: it is not among the notifications the portal and the API show.
    assert Notification.objects.get().in_app is False


def test_watching_brings_every_event_on_both_channels_whatever_the_preferences(
    world, order, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=world.users["dealer_manager"], kind="order.submitted", in_app=False, email=False
    )
    for name in ("dealer_manager", "compliance"):
        OrderWatch.objects.create(user=world.users[name], order=order)

    submitted(world, order, django_capture_on_commit_callbacks)

    assert received(world) == {
        "dealer_manager": [("order.submitted", True, True)],
        "operations": [("queue.submitted", True, False)],
        "compliance": [("order.submitted", True, True)],
    }
    assert sorted(mails(world)) == ["compliance", "dealer_manager"]
    compliance_mail = next(m for m in mail.outbox if m.to == [world.users["compliance"].email])
    assert compliance_mail.subject == f"[importorders] 注文 {order.reference} が提出されました"


def test_the_actor_hears_nothing_even_of_an_order_they_watch(
    world, order, django_capture_on_commit_callbacks
):
    OrderWatch.objects.create(user=world.users["dealer_sales"], order=order)

    submitted(world, order, django_capture_on_commit_callbacks)

    assert "dealer_sales" not in received(world)


def test_an_operations_watcher_hears_under_the_queue_kind_on_both_channels(
    world, order, django_capture_on_commit_callbacks
):
    OrderWatch.objects.create(user=world.users["operations"], order=order)

    submitted(world, order, django_capture_on_commit_callbacks)

    assert received(world)["operations"] == [("queue.submitted", True, True)]


def test_another_dealers_people_hear_nothing_even_when_they_once_watched(
    world, order, django_capture_on_commit_callbacks
):
    # A watch left behind by someone who has since moved to the other dealer.
    OrderWatch.objects.create(user=world.users["other_dealer"], order=order)

    order = confirmed(world, order, django_capture_on_commit_callbacks)

    assert "other_dealer" not in received(world)
    assert "other_dealer" not in mails(world)


def test_people_who_left_or_whose_dealer_closed_hear_nothing(
    world, order, django_capture_on_commit_callbacks
):
    DealerMembership.objects.filter(user=world.users["dealer_manager"]).update(active=False)
    OrderWatch.objects.create(user=world.users["dealer_manager"], order=order)
    inactive = world.users["operations"]
    inactive.is_active = False
    inactive.save()

    submitted(world, order, django_capture_on_commit_callbacks)

    assert received(world) == {}

    type(world.dealer).objects.filter(pk=world.dealer.pk).update(active=False)
    assert order_move_notify(order_id=order.pk, move="submit", actor=TEST_ACTOR) == []


def test_cancelling_a_submitted_order_tells_operations_and_a_draft_does_not(
    world,
    camry,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    speak(world)
    draft = place(world.dealer, camry)
    move(django_capture_on_commit_callbacks, svc.order_cancel, order=draft, actor=TEST_ACTOR, reason="x")
    assert {kind for rows in received(world).values() for kind, *_ in rows} == {"order.cancelled"}

    Notification.objects.all().delete()
    mail.outbox.clear()
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    move(
        django_capture_on_commit_callbacks,
        svc.order_cancel,
        order=order,
        actor=as_person(world, "dealer_manager"),
        reason="The customer changed their mind.",
    )

    assert received(world) == {
        "dealer_sales": [("order.cancelled", True, True)],
        "operations": [("queue.cancelled", True, False)],
    }
    (sales_mail,) = mail.outbox
    assert "理由: The customer changed their mind." in sales_mail.body


def test_rejection_and_schedule_carry_their_reason_and_week(
    world,
    camry,  # noqa: F811
    order,
    django_capture_on_commit_callbacks,
):
    order = submitted(world, order, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    move(
        django_capture_on_commit_callbacks,
        svc.order_reject,
        order=order,
        actor=as_person(world, "operations"),
        reason="No allocation this month.",
    )

    english = next(m for m in mail.outbox if m.to == [world.users["dealer_manager"].email])
    assert english.subject == f"[importorders] Order {order.reference} was rejected"
    assert "Reason: No allocation this month." in english.body

    other = place(world.dealer, camry, OrderStatus.CONFIRMED)
    mail.outbox.clear()
    week = today() + dt.timedelta(days=60)
    scheduled = move(
        django_capture_on_commit_callbacks, svc.order_schedule, order=other, actor=TEST_ACTOR, week=week
    )
    english = next(m for m in mail.outbox if m.to == [world.users["dealer_manager"].email])
    assert f"Production week: the week of {scheduled.production_week.isoformat()}" in english.body


def test_a_retried_task_notifies_nobody_twice(world, order, django_capture_on_commit_callbacks):
    order = confirmed(world, order, django_capture_on_commit_callbacks)
    rows, sent = list(Notification.objects.values_list("pk", "recipient_id")), len(mail.outbox)

    assert tasks.order_moved_notify.apply(args=[order.pk, "confirm"]).get() == 0

    assert list(Notification.objects.values_list("pk", "recipient_id")) == rows
    assert len(mail.outbox) == sent == 2


def test_a_failed_email_is_sent_by_the_retry_and_only_it(
    world, order, django_capture_on_commit_callbacks, monkeypatch
):
    order = submitted(world, order, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    Notification.objects.all().delete()
    order = move(django_capture_on_commit_callbacks, svc.order_confirm, order=allow(order), actor=TEST_ACTOR)
    Notification.objects.all().delete()
    mail.outbox.clear()
    from django.core.mail import EmailMessage

    real_send, calls = EmailMessage.send, []

    def flaky(self, *args, **kwargs):
        calls.append(self.to)
        if len(calls) == 2:
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        order_move_notify(order_id=order.pk, move="confirm", actor=TEST_ACTOR)
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1

    order_move_notify(order_id=order.pk, move="confirm", actor=TEST_ACTOR)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        world.users[name].email for name in ("dealer_sales", "dealer_manager")
    )
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_person_without_an_address_still_gets_the_portal_notification(
    world, order, django_capture_on_commit_callbacks
):
    type(world.users["dealer_manager"]).objects.filter(pk=world.users["dealer_manager"].pk).update(email="")

    confirmed(world, order, django_capture_on_commit_callbacks)

    assert received(world)["dealer_manager"] == [("order.confirmed", True, True)]
    assert list(mails(world)) == ["dealer_sales"]


def test_one_task_per_move_by_ids_and_none_for_a_repeat_or_a_refusal(
    world, order, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.order_moved_notify, "delay", lambda *args: queued.append(args))

    submitted(world, order, django_capture_on_commit_callbacks)
    move(django_capture_on_commit_callbacks, svc.order_submit, order=order, actor=TEST_ACTOR)  # a repeat
    with pytest.raises(svc.Conflict):
        move(
            django_capture_on_commit_callbacks,
            svc.order_schedule,
            order=order,
            actor=TEST_ACTOR,
            week=today(),
        )

    assert queued == [(order.pk, "submit")]
    assert all(isinstance(value, int | str) for value in queued[0])


def test_the_text_follows_the_readers_language_at_display_time(
    world, order, django_capture_on_commit_callbacks
):
    submitted(world, order, django_capture_on_commit_callbacks)
    queue = Notification.objects.get(kind="queue.submitted")

    with translation.override("ja"):
        assert queue.title() == f"確定待ちの新しい注文: {order.reference}（東京モータース）"  # noqa: RUF001 (Japanese brackets)
    with translation.override("en"):
        assert queue.title() == f"New order to confirm: {order.reference} from Tokyo Motors"
        assert "Dealer: Tokyo Motors (TKY001)" in queue.body()


def test_the_defaults_are_as_documented():
    # The order and shipment kinds (compliance registers its own dealer kinds: tests/compliance).
    dealer_kinds = {
        k.key: k
        for k in kinds.all_kinds()
        if k.audience == "dealer" and k.key.startswith(("order.", "shipment."))
    }

    assert {key for key, kind in dealer_kinds.items() if kind.email_default} == {
        "shipment.exception",
        "order.confirmed",
        "order.rejected",
        "order.scheduled",
        "order.built",
        "order.ready",
        "order.cancelled",
        "order.moved_back",
    }
    assert {f"order.{status}" for status in EMAIL_BY_DEFAULT} <= set(dealer_kinds)
    assert set(dealer_kinds) == {f"order.{s}" for s in OrderStatus.values if s != OrderStatus.DRAFT} | {
        "shipment.exception",
        "order.moved_back",
    }
    assert all(kind.in_app_default for kind in kinds.all_kinds())
    assert {k.key for k in kinds.all_kinds() if k.audience == "operations" and not k.email_default} == {
        "queue.submitted",
        "queue.cancelled",
    }


def test_a_stored_language_row_is_the_only_thing_that_makes_english(
    world, order, django_capture_on_commit_callbacks
):
    UserLanguage.objects.all().delete()

    confirmed(world, order, django_capture_on_commit_callbacks)

    assert all("注文" in m.subject for m in mail.outbox)
