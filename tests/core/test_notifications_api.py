"""notifications/ and orders/{reference}/watch/: the permission suites, exact query counts, behaviour."""

from __future__ import annotations

import datetime as dt

import pytest

from core import clock
from core.notifications.models import Notification, NotificationPreference
from importorders.models import OrderWatch
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.importorders.api.test_orders import place
from tests.permissions import UNAUTHENTICATED, PermissionSuite
from tests.queries import assert_constant_queries, assert_query_count

pytestmark = pytest.mark.django_db

KEYS_403 = {"dealer_key": 403, "other_dealer_key": 403, "partner": 403}
PEOPLE_200 = {
    "other_dealer": 200,
    "dealer_sales": 200,
    "dealer_manager": 200,
    "operations": 200,
    "compliance": 200,
    "admin": 200,
}


def notify(user, *, subject="TKY-REF1", kind="order.confirmed", minutes_ago=0, dealer=None, **fields):
    """A notification for `user` as the delivery writes it."""
    dealer_fields = (
        {"dealer_code": dealer.code, "dealer_name_ja": dealer.name_ja, "dealer_name_en": dealer.name_en}
        if dealer
        else {}
    )
    row = Notification.objects.create(
        recipient=user,
        kind=kind,
        event_key=f"test:{subject}:{Notification.objects.count()}",
        subject_ref=subject,
        link=f"/orders/{subject}/",
        params={"reference": subject, **dealer_fields},
        **fields,
    )
    if minutes_ago:  # created_at is stamped by the clock on insert: move it back afterwards
        row.created_at = clock.now() - dt.timedelta(minutes=minutes_ago)
        Notification.objects.filter(pk=row.pk).update(created_at=row.created_at)
    return row


@pytest.fixture(autouse=True)
def notifications(world):
    """Each person has some; the other dealer's carry its code and name (they must never leak)."""
    world.mine = notify(world.users["dealer_sales"], dealer=world.dealer)
    notify(world.users["dealer_sales"], subject="TKY-REF0", minutes_ago=5, read_at=clock.now())
    notify(world.users["dealer_manager"], dealer=world.dealer)
    notify(world.users["other_dealer"], subject="OSK-REF1", dealer=world.other_dealer)
    notify(world.users["operations"], kind="queue.submitted", dealer=world.dealer)
    return world


def everything():
    return (
        list(Notification.objects.order_by("pk").values()),
        list(NotificationPreference.objects.order_by("pk").values()),
        list(OrderWatch.objects.order_by("pk").values()),
    )


class NotificationSuite(PermissionSuite):
    def snapshot(self, world):
        return everything()

    def secrets(self, world, caller):
        secrets = super().secrets(world, caller)
        if caller in {"dealer_sales", "dealer_manager"}:
            return [*secrets, "OSK-REF1"]
        if caller == "other_dealer":
            return [*secrets, "TKY-REF1"]
        return secrets


class TestNotificationList(NotificationSuite):
    expected = {**UNAUTHENTICATED, **PEOPLE_200, **KEYS_403}

    def url(self, world):
        return "/api/v1/notifications/"


class TestNotificationRead(NotificationSuite):
    method = "post"
    # Only its recipient sees it: everyone else's answer is the missing one's.
    expected = {
        **UNAUTHENTICATED,
        **{name: 404 for name in PEOPLE_200},
        "dealer_sales": 200,
        **KEYS_403,
    }

    def url(self, world):
        return f"/api/v1/notifications/{world.mine.pk}/read/"

    def missing_url(self, world):
        return "/api/v1/notifications/999999999/read/"


class TestNotificationReadAll(NotificationSuite):
    method = "post"
    expected = {**UNAUTHENTICATED, **PEOPLE_200, **KEYS_403}

    def url(self, world):
        return "/api/v1/notifications/read-all/"


class TestPreferencesRead(NotificationSuite):
    expected = {**UNAUTHENTICATED, **PEOPLE_200, **KEYS_403}

    def url(self, world):
        return "/api/v1/notifications/preferences/"


class TestPreferencesWrite(NotificationSuite):
    method = "put"
    # A dealer kind: the back office may not choose it (it never receives it by role).
    expected = {
        **UNAUTHENTICATED,
        **PEOPLE_200,
        "operations": 400,
        "compliance": 400,
        "admin": 400,
        **KEYS_403,
    }

    def url(self, world):
        return "/api/v1/notifications/preferences/"

    def payload(self, world):
        return {"preferences": [{"kind": "order.confirmed", "in_app": False, "email": True}]}


@pytest.fixture
def orders(world, camry):  # noqa: F811
    world.order = place(world.dealer, camry)
    world.other_order = place(world.other_dealer, camry, customer_reference="OSK-CUST-9")
    return world


@pytest.mark.usefixtures("orders")
class TestWatch(NotificationSuite):
    method = "post"
    expected = {
        **UNAUTHENTICATED,
        "other_dealer": 404,
        "other_dealer_key": 404,
        "partner": 404,
        "dealer_key": 403,
        "dealer_sales": 200,
        "dealer_manager": 200,
        "operations": 200,
        "compliance": 200,
        "admin": 200,
    }

    def url(self, world):
        return f"/api/v1/orders/{world.order.reference}/watch/"

    def missing_url(self, world):
        return "/api/v1/orders/XXXX-XXXX/watch/"


@pytest.mark.usefixtures("orders")
class TestUnwatch(TestWatch):
    method = "delete"


# Behaviour ----------------------------------------------------------------------------------------


def test_the_list_is_the_callers_own_newest_first_in_their_language(world):
    client = world.client("dealer_sales")

    body = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="ja").json()

    assert [(row["subject"], row["read"]) for row in body["results"]] == [
        ("TKY-REF1", False),
        ("TKY-REF0", True),
    ]
    first = body["results"][0]
    assert first["title"] == "注文 TKY-REF1 が確定しました"
    assert first["link"] == "/orders/TKY-REF1/"
    assert first["kind"] == "order.confirmed"
    assert set(first) == {
        "id",
        "kind",
        "subject",
        "link",
        "title",
        "body",
        "params",
        "created_at",
        "read",
        "read_at",
    }
    english = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert english["title"] == "Order TKY-REF1 was confirmed"


def test_unread_filters_and_a_bad_value_is_a_400(world):
    client = world.client("dealer_sales")

    unread = client.get("/api/v1/notifications/?unread=true").json()["results"]
    everything_ = client.get("/api/v1/notifications/?unread=false").json()["results"]
    bad = client.get("/api/v1/notifications/?unread=maybe")

    assert [row["subject"] for row in unread] == ["TKY-REF1"]
    assert len(everything_) == 2
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["unread"]


def test_email_only_notifications_are_not_listed(world):
    notify(world.users["dealer_sales"], subject="TKY-MAILONLY", in_app=False, email=True)

    body = world.client("dealer_sales").get("/api/v1/notifications/").json()

    assert "TKY-MAILONLY" not in [row["subject"] for row in body["results"]]


def test_marking_read_is_idempotent_and_read_all_counts(world, clock):
    client = world.client("dealer_sales")
    url = f"/api/v1/notifications/{world.mine.pk}/read/"

    first = client.post(url).json()
    clock.advance(minutes=3)
    second = client.post(url).json()

    assert first["read"] is True
    assert first["read_at"] == second["read_at"]
    notify(world.users["dealer_sales"], subject="TKY-REF2")
    notify(world.users["dealer_sales"], subject="TKY-REF3")
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    assert Notification.objects.filter(recipient=world.users["dealer_manager"], read_at=None).count() == 1


def test_preferences_show_defaults_and_store_what_is_put(world):
    client = world.client("dealer_manager")
    url = "/api/v1/notifications/preferences/"

    before = {row["kind"]: (row["in_app"], row["email"]) for row in client.get(url).json()["preferences"]}
    assert before["order.confirmed"] == (True, True)
    assert before["order.submitted"] == (True, False)
    assert "queue.submitted" not in before

    response = client.put(
        url, {"preferences": [{"kind": "order.submitted", "in_app": False, "email": True}]}, format="json"
    )

    after = {row["kind"]: (row["in_app"], row["email"]) for row in response.json()["preferences"]}
    assert after == {**before, "order.submitted": (False, True)}
    ops = {row["kind"] for row in world.client("operations").get(url).json()["preferences"]}
    assert ops == {"queue.submitted", "queue.cancelled"}


@pytest.mark.parametrize(
    "payload",
    [
        {"preferences": [{"kind": "order.nonsense", "in_app": True, "email": True}]},
        {"preferences": [{"kind": "order.submitted", "in_app": "perhaps", "email": True}]},
        {"preferences": "all"},
        {},
    ],
)
def test_bad_preferences_are_a_400_and_store_nothing(world, payload):
    response = world.client("dealer_sales").put("/api/v1/notifications/preferences/", payload, format="json")

    assert response.status_code == 400
    assert NotificationPreference.objects.count() == 0


def test_watch_and_unwatch_are_idempotent(world, orders):
    client = world.client("dealer_sales")
    url = f"/api/v1/orders/{world.order.reference.lower().replace('-', '')}/watch/"

    assert client.post(url).json() == {"order": world.order.reference, "watching": True}
    assert client.post(url).json() == {"order": world.order.reference, "watching": True}
    assert OrderWatch.objects.filter(user=world.users["dealer_sales"], order=world.order).count() == 1
    assert client.delete(url).json() == {"order": world.order.reference, "watching": False}
    assert client.delete(url).json() == {"order": world.order.reference, "watching": False}
    assert OrderWatch.objects.count() == 0


# Query counts -------------------------------------------------------------------------------------


def test_the_list_runs_a_constant_number_of_queries(world):
    client = world.client("dealer_sales")
    user = world.users["dealer_sales"]

    # session, user, membership, the notifications page
    assert_constant_queries(
        lambda: client.get("/api/v1/notifications/?unread=true"),
        lambda n: [notify(user, subject=f"TKY-N{index}") for index in range(n)],
        expected=4,
    )


def test_marking_runs_a_fixed_number_of_queries(world):
    client = world.client("dealer_sales")

    # session, user, membership, the notification, the update
    with assert_query_count(5):
        client.post(f"/api/v1/notifications/{world.mine.pk}/read/")
    # session, user, membership, one update
    with assert_query_count(4):
        client.post("/api/v1/notifications/read-all/")


def test_preferences_run_a_fixed_number_of_queries(world):
    client = world.client("dealer_sales")

    # session, user, membership, the stored choices
    with assert_query_count(4):
        client.get("/api/v1/notifications/preferences/")


def test_watch_runs_a_fixed_number_of_queries(world, orders):
    client = world.client("dealer_sales")
    url = f"/api/v1/orders/{world.order.reference}/watch/"

    # session, user, membership, the order, then get_or_create: its read, and its insert in a savepoint
    with assert_query_count(8):
        client.post(url)
