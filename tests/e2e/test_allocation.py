"""A dealer accepts part of a published month on its allocation panel; a clerk overrides one
dealer on the board with a reason. At 1366 and 390 px, the dealer in Japanese, the clerk in English;
screenshots of each page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from catalog.demo import seed_catalog
from catalog.models import VehicleModel
from core.demo import DemoResult
from importorders.models import Allocation, EntryKind
from importorders.services import allocation as alloc
from tests.clock import today
from tests.e2e.conftest import click_nav, sign_in
from tests.factories import TEST_ACTOR, DealerFactory, StaffUserFactory, dealer_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def _next_month() -> dt.date:
    return (today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)


@pytest.fixture
def month_world(db):
    seed_catalog(DemoResult())
    tokyo = DealerFactory(code="TKY001", name_ja="東京モータース株式会社", name_en="Tokyo Motors Co., Ltd.")
    osaka = DealerFactory(code="OSK001", name_ja="なにわオート株式会社", name_en="Naniwa Auto Co., Ltd.")
    dealer_user(dealer=tokyo, role="manager", username="tky-manager")
    StaffUserFactory(username="ops", groups=["operations"])
    camry = VehicleModel.objects.get(code="CAMRY")
    supply = alloc.supply_set(vehicle_model=camry, month=_next_month(), actor=TEST_ACTOR, lines={None: 10})
    alloc.allocation_propose(supply=supply, actor=TEST_ACTOR)
    alloc.allocation_override(
        supply=supply, actor=TEST_ACTOR, changes={tokyo: 6, osaka: 4}, reason="Fleet deal in Osaka"
    )
    alloc.allocation_publish(supply=supply, actor=TEST_ACTOR, deadline=today() + dt.timedelta(days=7))
    return {"supply": supply, "tokyo": tokyo, "osaka": osaka}


@pytest.mark.parametrize(("viewport", "width"), [(DESK, "1366"), (PHONE, "390")], ids=["desk", "phone"])
def test_dealer_accepts_part_of_a_month(browser, live_server, artifacts_dir, month_world, viewport, width):
    shots = artifacts_dir / "allocation"
    shots.mkdir(exist_ok=True)
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server.url, "tky-manager")
    click_nav(page, "nav-allocation")
    card = page.locator(f"[data-testid=allocation-CAMRY-{_next_month():%Y-%m}]")
    expect(card.locator("[data-testid=quota]")).to_have_text("6")
    page.screenshot(path=str(shots / f"panel-ja-{width}.png"), full_page=True)

    card.locator("[data-testid=accept-units]").fill("4")
    card.locator("[data-testid=accept]").click()
    expect(page.locator(".messages")).to_contain_text("4台を受諾しました")
    expect(card.locator("[data-testid=quota]")).to_have_text("4")
    expect(card.locator("[data-testid=accepted]")).to_have_text("4")
    card.locator("[data-testid=ledger] summary").click()
    expect(card.locator("[data-testid=ledger-decline]")).to_be_visible()
    page.screenshot(path=str(shots / f"panel-accepted-ja-{width}.png"), full_page=True)
    allocation = Allocation.objects.get(supply=month_world["supply"], dealer=month_world["tokyo"])
    assert (allocation.quota, allocation.accepted, allocation.declined) == (4, 4, 2)
    context.close()


@pytest.mark.parametrize(("viewport", "width"), [(DESK, "1366"), (PHONE, "390")], ids=["desk", "phone"])
def test_clerk_overrides_one_dealer_with_a_reason(
    browser, live_server, artifacts_dir, month_world, viewport, width
):
    shots = artifacts_dir / "allocation"
    shots.mkdir(exist_ok=True)
    context = browser.new_context(locale="en-US", timezone_id="Asia/Tokyo", viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server.url, "ops")
    page.goto(f"{live_server.url}/allocation/board/?month={_next_month():%Y-%m}")
    board = page.locator("[data-testid=board-CAMRY]")
    expect(board.locator("[data-testid=board-allocated]")).to_have_text("10")

    form = board.locator("[data-testid=override-CAMRY]")
    form.locator("[data-testid=override-dealer]").select_option("TKY001")
    form.locator("[data-testid=override-units]").fill("7")
    form.locator("[data-testid=override-from]").select_option("OSK001")
    form.locator("[data-testid=override-reason]").fill("Launch event in Tokyo")
    form.locator("[data-testid=override-submit]").click()
    expect(page.locator("[data-testid=board-quota-TKY001]")).to_have_text("7")
    expect(page.locator("[data-testid=board-quota-OSK001]")).to_have_text("3")
    expect(page.locator("[data-testid=board-allocated]")).to_have_text("10")
    expect(page.locator("[data-testid=adds-up]")).to_be_visible()
    page.screenshot(path=str(shots / f"board-overridden-{width}.png"), full_page=True)
    entry = (
        Allocation.objects.get(supply=month_world["supply"], dealer=month_world["tokyo"])
        .entries.filter(kind=EntryKind.OVERRIDE)
        .last()
    )
    assert entry.reason == "Launch event in Tokyo"
    context.close()
