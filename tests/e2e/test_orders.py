"""A dealer orders a configured build and submits it; a clerk confirms it in another browser; the
dealer sees it confirmed with its locked price. A clerk confirms, schedules and rejects. At desk and
phone width, in Japanese and English, with screenshots."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from catalog.demo import seed_catalog
from catalog.models import Trim, VehicleModel
from core import clock
from core.demo import DemoResult
from importorders.forms import month_after
from importorders.models import Order, OrderStatus
from tests.e2e.conftest import click_nav
from tests.factories import DEFAULT_PASSWORD, DealerFactory, StaffUserFactory, dealer_user
from tests.importorders.allocating import quota
from tests.importorders.pages import place

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people(db):
    seed_catalog(DemoResult())
    dealer = DealerFactory(code="TKY001", name_ja="東京モータース株式会社", name_en="Tokyo Motors Co., Ltd.")
    other = DealerFactory(code="OSK001", name_ja="なにわオート株式会社", name_en="Naniwa Auto Co., Ltd.")
    dealer_user(dealer=dealer, role="sales", username="tky-sales")
    dealer_user(dealer=other, role="sales", username="osk-sales")
    StaffUserFactory(username="ops", groups=["operations"])
    # Confirmation reserves a unit of a published quota: next month's Camry for both dealers.
    camry = VehicleModel.objects.get(code="CAMRY")
    for each in (dealer, other):
        quota(dealer=each, vehicle_model=camry, month=month_after(clock.today_jst()))
    return {"dealer": dealer, "other": other}


def sign_in(browser, live_server, username: str, viewport: dict, language: str = "ja"):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/login/")
    if language == "en":
        click_nav(page, "lang-en")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.errors = errors
    return context, page


def no_horizontal_overflow(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {page.viewport_size['width']}px"


@pytest.mark.parametrize(("viewport", "width"), [(DESK, "desk"), (PHONE, "phone")], ids=["desk", "phone"])
def test_dealer_orders_submits_and_sees_the_clerks_confirmation(
    browser, live_server, artifacts_dir, people, viewport, width
):
    shots = artifacts_dir / "portal"
    shots.mkdir(exist_ok=True)
    dealer_context, dealer = sign_in(browser, live_server, "tky-sales", viewport)

    dealer.goto(f"{live_server.url}/catalog/trims/CAMRY-26-SE/configure/")
    dealer.check("[data-testid=option-CAMRY-SUNROOF] input")
    # The result (and its link) is re-rendered by htmx with the sunroof in the build.
    expect(dealer.locator("[data-testid=order-build]")).to_have_attribute("href", re.compile("CAMRY-SUNROOF"))
    dealer.click("[data-testid=order-build]")

    expect(dealer).to_have_url(re.compile(r"/orders/new/\?trim=CAMRY-26-SE&color=\w+&options=CAMRY-SUNROOF$"))
    expect(dealer.locator("[data-testid=new-options]")).to_contain_text("CAMRY-SUNROOF")
    no_horizontal_overflow(dealer)
    dealer.screenshot(path=str(shots / f"order-new-ja-{width}.png"), full_page=True)
    dealer.check("[data-testid=kind-sold] input")
    dealer.fill("#id_customer_reference", "山田様-0042")
    dealer.fill("#id_notes", "納車前に連絡")
    dealer.click("[data-testid=create-draft]")

    expect(dealer.locator("[data-testid=order-status] .badge")).to_have_text("下書き")
    reference = dealer.locator("h1").inner_text().split()[-1]
    dealer.click("[data-testid=action-submit]")
    expect(dealer.locator("[data-testid=order-status] .badge")).to_have_text("提出済み")
    expect(dealer.locator("[data-testid=order-fx]")).to_contain_text(
        "輸入元が注文を確定した時点で固定されます。"
    )
    no_horizontal_overflow(dealer)
    dealer.screenshot(path=str(shots / f"order-submitted-ja-{width}.png"), full_page=True)

    # A clerk confirms it, in another browser context.
    clerk_context, clerk = sign_in(browser, live_server, "ops", viewport, "en")
    click_nav(clerk, "nav-office")
    expect(clerk.locator(f"[data-testid=queue-row-{reference}]")).to_be_visible()
    no_horizontal_overflow(clerk)
    clerk.screenshot(path=str(shots / f"office-confirmation-en-{width}.png"), full_page=True)
    clerk.click(f"[data-testid=confirm-{reference}]")
    expect(clerk.locator(".messages")).to_contain_text(f"Order {reference}: confirmed.")
    expect(clerk.locator(f"[data-testid=queue-row-{reference}]")).to_have_count(0)

    dealer.reload()
    expect(dealer.locator("[data-testid=order-status] .badge")).to_have_text("確定済み")
    order = Order.objects.get(reference=reference)
    expect(dealer.locator("[data-testid=order-total]")).to_have_text(f"¥{int(order.price_total_jpy):,}")
    expect(dealer.locator("[data-testid=order-fx]")).to_contain_text(f"¥{order.fx_rate}")
    expect(dealer.locator("[data-testid=timeline]")).to_contain_text("提出済み → 確定済み")
    expect(dealer.locator("[data-testid=timeline]")).to_contain_text("輸入元の担当者")
    no_horizontal_overflow(dealer)
    dealer.screenshot(path=str(shots / f"order-confirmed-ja-{width}.png"), full_page=True)

    click_nav(dealer, "lang-en")
    expect(dealer.locator("[data-testid=order-status] .badge")).to_have_text("confirmed")
    dealer.screenshot(path=str(shots / f"order-confirmed-en-{width}.png"), full_page=True)

    click_nav(dealer, "nav-orders")
    dealer.fill("[data-testid=filter-q]", "山田様")
    dealer.select_option("[data-testid=filter-status]", "confirmed")
    dealer.click("[data-testid=filter-submit]")
    expect(dealer.locator(f"[data-testid=order-row-{reference}]")).to_be_visible()
    click_nav(dealer, "lang-ja")
    expect(dealer).to_have_url(re.compile(r"/orders/\?.*status=confirmed"))
    expect(dealer.locator("[data-testid=filter-status]")).to_have_value("confirmed")
    no_horizontal_overflow(dealer)
    dealer.screenshot(path=str(shots / f"order-list-ja-{width}.png"), full_page=True)

    assert dealer.errors == []
    assert clerk.errors == []
    dealer_context.close()
    clerk_context.close()


@pytest.mark.parametrize(("viewport", "width"), [(DESK, "desk"), (PHONE, "phone")], ids=["desk", "phone"])
def test_clerk_confirms_in_bulk_schedules_and_rejects_with_a_reason(
    browser, live_server, artifacts_dir, people, viewport, width
):
    shots = artifacts_dir / "portal"
    shots.mkdir(exist_ok=True)
    demo = SimpleNamespace(trim=Trim.objects.get(code="CAMRY-26-SE"))  # the demo catalog's Camry SE
    changes = {"color_code": "089", "option_codes": ()}
    first = place(people["dealer"], demo, OrderStatus.SUBMITTED, **changes)
    second = place(people["other"], demo, OrderStatus.SUBMITTED, **changes)
    third = place(people["dealer"], demo, OrderStatus.SUBMITTED, **changes)

    context, clerk = sign_in(browser, live_server, "ops", viewport, "ja")
    click_nav(clerk, "nav-office")
    clerk.check(f"[data-testid=select-{first.reference}]")
    clerk.check(f"[data-testid=select-{second.reference}]")
    clerk.click("[data-testid=bulk-preview]")
    expect(clerk.locator("h1")).to_have_text("2件の注文を確定しますか？")  # noqa: RUF001 (Japanese question mark)
    expect(clerk.locator(f"[data-testid=preview-row-{first.reference}]")).to_contain_text(
        "提出済み → 確定済み"
    )
    expect(clerk.locator(f"[data-testid=preview-row-{third.reference}]")).to_have_count(0)
    no_horizontal_overflow(clerk)
    clerk.screenshot(path=str(shots / f"office-bulk-preview-ja-{width}.png"), full_page=True)
    clerk.click("[data-testid=bulk-apply]")
    expect(clerk.locator(".messages")).to_contain_text("2件の注文: 確定。")

    clerk.click(f"[data-testid=reject-open-{third.reference}]")
    clerk.fill(f"[data-testid=reject-reason-{third.reference}]", "今月の割当枠がありません")
    clerk.click(f"[data-testid=reject-{third.reference}]")
    expect(clerk.locator(".messages")).to_contain_text(f"注文 {third.reference}: 却下。")

    click_nav(clerk, "nav-office-schedule")
    week = clerk.locator(f"[data-testid=week-{first.reference}] option").nth(3).get_attribute("value")
    clerk.select_option(f"[data-testid=week-{first.reference}]", week)
    no_horizontal_overflow(clerk)
    clerk.screenshot(path=str(shots / f"office-schedule-ja-{width}.png"), full_page=True)
    clerk.click(f"[data-testid=schedule-{first.reference}]")
    expect(clerk.locator(".messages")).to_contain_text(f"注文 {first.reference}: 生産週の設定。")
    click_nav(clerk, "lang-en")
    expect(clerk.locator("h1")).to_have_text("Orders to schedule")
    clerk.screenshot(path=str(shots / f"office-schedule-en-{width}.png"), full_page=True)

    first.refresh_from_db()
    third.refresh_from_db()
    assert (first.status, first.production_week.isoformat()) == (OrderStatus.SCHEDULED, week)
    assert (third.status, third.events.last().reason) == (OrderStatus.REJECTED, "今月の割当枠がありません")

    dealer_context, dealer = sign_in(browser, live_server, "tky-sales", viewport, "en")
    dealer.goto(f"{live_server.url}/orders/{first.reference}/")
    expect(dealer.locator("[data-testid=order-cutoff]")).to_contain_text(
        re.compile(r"days? left, until .* \(JST\)")
    )
    no_horizontal_overflow(dealer)
    dealer.screenshot(path=str(shots / f"order-scheduled-en-{width}.png"), full_page=True)
    dealer.goto(f"{live_server.url}/orders/{third.reference}/")
    expect(dealer.locator("[data-testid=timeline]")).to_contain_text("今月の割当枠がありません")
    assert clerk.errors == []
    assert dealer.errors == []
    context.close()
    dealer_context.close()
