"""Portal: /notifications/ (list, mark read, mark all), the choices page, the header's unread count,
the language switch storing a person's language, and the watch button."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import UserLanguage
from core.notifications.models import Notification, NotificationPreference
from importorders.models import OrderWatch
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.core.test_notifications_api import notify
from tests.factories import DEFAULT_PASSWORD
from tests.importorders.api.test_orders import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(world, client):
    client.force_login(world.users["dealer_sales"])
    client.cookies["django_language"] = "en"
    return client


def notification_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "core_notification" in q["sql"]]


def test_the_list_shows_my_notifications_newest_first_with_links(world, sales):
    mine = notify(world.users["dealer_sales"], subject="TKY-REF1", dealer=world.dealer)
    notify(world.users["other_dealer"], subject="OSK-REF1", dealer=world.other_dealer)

    response = sales.get("/notifications/")

    text = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="notification-{mine.pk}"' in text
    assert 'href="/orders/TKY-REF1/"' in text
    assert "Order TKY-REF1 was confirmed" in text
    assert "OSK-REF1" not in text
    assert 'data-testid="unread-count">1<' in text


def test_the_list_in_japanese(world, sales):
    notify(world.users["dealer_sales"], subject="TKY-REF1")
    sales.cookies["django_language"] = "ja"

    text = sales.get("/notifications/").content.decode()

    assert "注文 TKY-REF1 が確定しました" in text
    assert "すべて既読にする" in text


def test_unread_only_keeps_its_state_in_the_url(world, sales):
    notify(world.users["dealer_sales"], subject="TKY-NEW")
    notify(world.users["dealer_sales"], subject="TKY-OLD", read_at=world.dealer.created_at)

    unread = sales.get("/notifications/?unread=1").content.decode()
    everything = sales.get("/notifications/").content.decode()

    assert "TKY-NEW" in unread
    assert "TKY-OLD" not in unread
    assert "TKY-OLD" in everything
    assert 'data-testid="filter-unread" aria-current="page"' not in everything
    assert 'aria-current="page" data-testid="filter-unread"' in unread


def test_marking_read_comes_back_to_the_page_it_was_sent_from(world, sales):
    first = notify(world.users["dealer_sales"], subject="TKY-1")
    notify(world.users["dealer_sales"], subject="TKY-2")

    response = sales.post(f"/notifications/{first.pk}/read/", {"next": "/notifications/?unread=1"})
    assert (response.status_code, response["Location"]) == (302, "/notifications/?unread=1")
    first.refresh_from_db()
    assert first.read_at is not None

    response = sales.post("/notifications/read-all/", {"next": "https://evil.example/"})
    assert (response.status_code, response["Location"]) == (302, "/notifications/")
    assert Notification.objects.filter(recipient=world.users["dealer_sales"], read_at=None).count() == 0


def test_another_persons_notification_is_the_sites_404_and_stays_unread(world, sales):
    theirs = notify(world.users["dealer_manager"])

    response = sales.post(f"/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_takes_post_only_and_the_pages_need_a_sign_in(world, client, sales):
    mine = notify(world.users["dealer_sales"])

    assert sales.get(f"/notifications/{mine.pk}/read/").status_code == 405
    assert client.logout() is None
    response = client.get("/notifications/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/notifications/")


def test_preferences_page_saves_every_kind_shown(world, sales):
    page = sales.get("/notifications/preferences/").content.decode()
    email = 'name="order.confirmed:email" id="order.confirmed-email" aria-label="Order confirmed: By e-mail"'
    assert f"{email} checked" in page
    assert "queue.submitted" not in page

    response = sales.post("/notifications/preferences/", {"order.confirmed:in_app": "on"})

    assert (response.status_code, response["Location"]) == (302, "/notifications/preferences/")
    stored = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.all()}
    assert stored["order.confirmed"] == (True, False)
    assert stored["order.submitted"] == (False, False)
    assert "Your choices are saved." in sales.get("/notifications/preferences/").content.decode()


def test_operations_choose_the_queue_kinds(world, client):
    client.force_login(world.users["operations"])

    page = client.get("/notifications/preferences/").content.decode()

    assert 'data-testid="pref-queue.submitted"' in page
    assert 'data-testid="pref-order.confirmed"' not in page


def test_the_header_count_is_one_query_for_a_person_and_none_for_nobody(world, client, sales):
    notify(world.users["dealer_sales"])

    with CaptureQueriesContext(connection) as signed_in:
        sales.get("/")
    with CaptureQueriesContext(connection) as api:
        sales.get("/api/v1/orders/")
    client.logout()
    with CaptureQueriesContext(connection) as anonymous:
        client.get("/login/")

    assert len(notification_queries(signed_in)) == 1
    assert "COUNT(*)" in notification_queries(signed_in)[0]
    assert notification_queries(api) == []
    assert notification_queries(anonymous) == []


def test_the_language_switch_stores_a_persons_language_and_sign_in_brings_it_back(world, client, sales):
    response = sales.post("/i18n/setlang/", {"language": "en", "next": "/notifications/?unread=1"})

    assert (response.status_code, response["Location"]) == (302, "/notifications/?unread=1")
    assert UserLanguage.objects.get(user=world.users["dealer_sales"]).language == "en"

    sales.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert UserLanguage.objects.get(user=world.users["dealer_sales"]).language == "en"

    client.logout()
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})  # nobody signed in: nothing stored
    assert UserLanguage.objects.count() == 1
    fresh = type(client)()
    response = fresh.post("/login/", {"username": "tky-sales", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


@pytest.fixture
def orders(world, camry):  # noqa: F811
    world.order = place(world.dealer, camry)
    world.other_order = place(world.other_dealer, camry, customer_reference="OSK-CUST-9")
    return world


@pytest.mark.urls("tests.importorders.watch_urls")
def test_the_watch_button_watches_and_unwatches_and_comes_back(world, orders, sales):
    page_url = f"/test/watch/{world.order.reference}/"

    page = sales.get(page_url).content.decode()
    assert f'action="/orders/{world.order.reference}/watch/"' in page
    assert 'aria-pressed="false"' in page
    assert "Watch this order" in page

    response = sales.post(f"/orders/{world.order.reference}/watch/", {"next": page_url})
    assert (response.status_code, response["Location"]) == (302, page_url)
    assert OrderWatch.objects.filter(user=world.users["dealer_sales"], order=world.order).exists()

    page = sales.get(page_url).content.decode()
    assert f'action="/orders/{world.order.reference}/unwatch/"' in page
    assert 'aria-pressed="true"' in page

    sales.post(f"/orders/{world.order.reference}/unwatch/", {"next": page_url})
    assert not OrderWatch.objects.exists()


@pytest.mark.urls("tests.importorders.watch_urls")
def test_the_watch_button_in_japanese(world, orders, sales):
    sales.cookies["django_language"] = "ja"

    assert "この注文をウォッチ" in sales.get(f"/test/watch/{world.order.reference}/").content.decode()


def test_watching_another_dealers_order_is_the_sites_404(world, orders, sales):
    response = sales.post(f"/orders/{world.other_order.reference}/watch/")

    assert response.status_code == 404
    assert not OrderWatch.objects.exists()
    assert sales.get(f"/orders/{world.order.reference}/watch/").status_code == 405
