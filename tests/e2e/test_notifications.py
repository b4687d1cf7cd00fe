"""A dealer's manager reads the notifications of their orders, marks them read, chooses what they
receive and watches an order; desk (1366 px) and phone (390 px), Japanese and English."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from core.actors import Actor
from importorders.services import orders as svc
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.factories import DEFAULT_PASSWORD, StaffUserFactory
from tests.importorders.allocating import allow
from tests.importorders.api.test_orders import place

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def orders(world, camry):  # noqa: F811
    """Orders of TKY001 moved by a colleague (two submitted) and by operations (one confirmed, one
    rejected): the manager hears of each, four in all; a third order is still a draft."""
    sales, ops = Actor.for_user(world.users["dealer_sales"]), Actor.for_user(world.users["operations"])
    first = svc.order_submit(order=place(world.dealer, camry), actor=sales)
    svc.order_confirm(order=allow(first), actor=ops)
    second = svc.order_submit(order=place(world.dealer, camry, customer_reference="CUST-002"), actor=sales)
    svc.order_reject(order=second, actor=ops, reason="今月の割当枠を超えています。")
    world.order = place(world.dealer, camry, customer_reference="CUST-003")
    StaffUserFactory(username="ops2", groups=["operations"])
    return world


@pytest.mark.urls("tests.importorders.watch_urls")
def test_manager_reads_marks_chooses_and_watches(page, live_server, login, artifacts_dir, orders):
    world = orders
    shots = artifacts_dir / "notify"
    shots.mkdir(exist_ok=True)
    assert len(mail.outbox) >= 2  # the manager's e-mails for the confirmation and the rejection
    login("tky-manager", DEFAULT_PASSWORD)

    badge = page.locator("[data-testid=unread-count]")
    expect(badge).to_contain_text("4")
    page.click("[data-testid=notifications-link]")
    expect(page.locator("h1")).to_have_text("通知")
    expect(page.locator("[data-testid=notification-list] li")).to_have_count(4)
    expect(page.locator("[data-testid=notification-list]")).to_contain_text(
        "理由: 今月の割当枠を超えています。"
    )
    for name, viewport in (("desk", DESK), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(shots / f"list-{name}-ja.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.set_viewport_size(DESK)
    page.locator("[data-testid=notification-list] li.unread button").first.click()
    expect(badge).to_contain_text("3")
    page.click("[data-testid=filter-unread]")
    expect(page).to_have_url(f"{live_server.url}/notifications/?unread=1")
    expect(page.locator("[data-testid=notification-list] li")).to_have_count(3)
    page.click("[data-testid=lang-en]")  # the switch keeps the page and its query, and stores English
    expect(page).to_have_url(f"{live_server.url}/notifications/?unread=1")
    expect(page.locator("h1")).to_have_text("Notifications")
    expect(page.locator("[data-testid=notification-list]")).to_contain_text("was confirmed")
    page.click("[data-testid=filter-all]")
    for name, viewport in (("desk", DESK), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(shots / f"list-{name}-en.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.set_viewport_size(DESK)
    page.click("[data-testid=read-all]")
    expect(badge).to_have_count(0)

    page.click("[data-testid=preferences-link]")
    page.uncheck("#order\\.submitted-in_app")
    page.check("#order\\.submitted-email")
    page.click("[data-testid=preferences-save]")
    expect(page.locator(".messages")).to_contain_text("Your choices are saved.")
    expect(page.locator("#order\\.submitted-email")).to_be_checked()
    for name, viewport in (("desk", DESK), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(shots / f"preferences-{name}-en.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.set_viewport_size(DESK)
    page.click("[data-testid=lang-ja]")
    for name, viewport in (("desk", DESK), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(shots / f"preferences-{name}-ja.png"), full_page=True)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/test/watch/{world.order.reference}/")
    page.click("[data-testid=watch-button]")
    expect(page.locator("[data-testid=watch-button]")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=str(shots / "watch-phone-ja.png"), full_page=True)
    page.click("[data-testid=menu-button]")  # on a phone the language switch is in the menu
    page.click("[data-testid=lang-en]")
    page.set_viewport_size(DESK)
    page.screenshot(path=str(shots / "watch-desk-en.png"), full_page=True)
    assert world.order.watches.filter(user=world.users["dealer_manager"]).exists()
