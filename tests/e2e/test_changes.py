"""A dealer asks for another colour; the clerk approves it; the order has it, re-priced."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from catalog.demo import seed_catalog
from catalog.models import Trim
from core.demo import DemoResult
from importorders.services import orders as svc
from tests.clock import today
from tests.e2e.conftest import click_nav
from tests.factories import DEFAULT_PASSWORD, TEST_ACTOR, DealerFactory, StaffUserFactory, dealer_user
from tests.importorders.allocating import allow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def confirmed_order(db):
    seed_catalog(DemoResult())
    dealer = DealerFactory(code="TKY001", name_ja="東京モータース株式会社", name_en="Tokyo Motors Co., Ltd.")
    dealer_user(dealer=dealer, role="sales", username="tky-sales")
    StaffUserFactory(username="ops", groups=["operations"])
    first = today().replace(day=1)
    month = first.replace(year=first.year + (first.month // 12), month=first.month % 12 + 1)
    order = svc.order_create(
        dealer=dealer,
        actor=TEST_ACTOR,
        changes=svc.OrderChanges(
            kind="sold",
            customer_reference="山田様",
            trim=Trim.objects.get(code="CAMRY-26-SE"),
            color_code="089",
            option_codes=("JP-ETC2",),
            requested_month=month,
        ),
    )
    return svc.order_confirm(order=allow(svc.order_submit(order=order, actor=TEST_ACTOR)), actor=TEST_ACTOR)


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("[data-testid=login-submit]")


def _fits(page) -> None:
    """Nothing wider than the window: no horizontal scrolling at phone width."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"


def _shoot(page, artifacts_dir, name: str) -> None:
    for label, size in (("1366", DESK), ("390", PHONE)):
        page.set_viewport_size(size)
        if size is PHONE:
            _fits(page)
        page.screenshot(path=str(artifacts_dir / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESK)


def test_a_colour_change_is_asked_approved_and_shown_on_the_order(
    page, browser, live_server, artifacts_dir, confirmed_order
):
    shots = artifacts_dir / "changes"
    shots.mkdir(parents=True, exist_ok=True)
    order = confirmed_order
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size(DESK)

    # The dealer asks for Midnight Black, checks the price, then sends the request.
    _log_in(page, live_server.url, "tky-sales")
    page.goto(f"{live_server.url}/orders/{order.reference}/change/")
    expect(page.locator("[data-testid=current-color]")).to_contain_text("089")
    expect(page.locator("[data-testid=cutoff]")).to_contain_text("生産週が決まると設定されます")
    expect(page.locator("[data-testid=option-CAMRY-SUNROOF]")).to_have_count(0)  # factory-installed
    _shoot(page, shots, "form-ja")
    page.check("[data-testid=color-218] input")
    page.click("[data-testid=check]")
    expect(page.locator("[data-testid=price-before]")).to_have_text(f"¥{order.price_total_jpy:,}")
    after = page.locator("[data-testid=price-after]").inner_text()
    assert after != f"¥{order.price_total_jpy:,}"
    _shoot(page, shots, "checked-ja")
    page.click("[data-testid=send]")
    expect(page.locator("[data-testid=reason-errors]")).to_contain_text("理由")  # a reason is required
    errors.clear()  # the browser logs the page's 400 (a reason is required) as a failed resource
    page.fill("[data-testid=reason]", "お客様が黒を希望されたため")
    page.click("[data-testid=send]")
    expect(page.locator("[data-testid=pending-request]")).to_contain_text("審査待ち")
    expect(page.locator("[data-testid=change-price]")).to_contain_text(after)
    page.click("[data-testid=lang-en]")
    expect(page.locator("[data-testid=pending-request]")).to_contain_text("Waiting for the back office")
    _shoot(page, shots, "pending-en")

    # The clerk, in another browser, finds it in the queue and approves it.
    clerk_context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=DESK)
    clerk = clerk_context.new_page()
    _log_in(clerk, live_server.url, "ops")
    click_nav(clerk, "nav-office-change-requests")
    row = clerk.locator(f"[data-testid=queued-{order.reference}]")
    expect(row).to_contain_text("お客様が黒を希望されたため")
    expect(row.locator("[data-testid=age]")).to_contain_text("待ち時間")
    _shoot(clerk, shots, "queue-ja")
    clerk.click("[data-testid=lang-en]")
    expect(row.locator("[data-testid=age]")).to_contain_text("waiting")
    _shoot(clerk, shots, "queue-en")
    clerk.click(f"[data-testid=approve-{order.reference}]")
    expect(clerk.locator(".messages")).to_contain_text(
        f"Change request for order {order.reference} approved."
    )
    expect(clerk.locator("[data-testid=queue-empty]")).to_be_visible()
    clerk_context.close()

    # The dealer's order now has the new colour, and its timeline the price change.
    page.reload()
    expect(page.locator("[data-testid=current-color]")).to_contain_text("218")
    expect(page.locator("[data-testid=current-total]")).to_contain_text(after)
    expect(page.locator("[data-testid=history-approved]")).to_contain_text("Approved".lower())
    _shoot(page, shots, "approved-en")
    page.click("[data-testid=lang-ja]")
    expect(page.locator("[data-testid=history-approved]")).to_contain_text("承認済み")
    _shoot(page, shots, "approved-ja")
    events = page.request.get(f"{live_server.url}/api/v1/orders/{order.reference}/events/").json()["results"]
    repriced = [e for e in events if e["kind"] == "repriced"][-1]
    approved = [e for e in events if e["kind"] == "change_approved"][-1]
    assert repriced["changes"]["price_total_jpy"] == {
        "before": str(order.price_total_jpy),
        "after": after.replace("¥", "").replace(",", ""),
    }
    assert approved["changes"]["color"] == {"before": "089", "after": "218"}
    assert errors == [], errors
