"""The vehicle page in a browser: the route strip with the current stop marked in words, the promise
beside the estimate, and the one timeline (order, shipment, compliance, each marked planned,
estimated or actual), at 1366 and 390 px, in Japanese (the dealer) and English (operations)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core import clock
from importorders.models import ShipmentMilestone
from importorders.services.shipments import shipment_assign, shipment_create
from tests.e2e.conftest import sign_in
from tests.e2e.test_compliance import DESK, PHONE, cleared  # noqa: F401 - a cleared Camry with a damage
from tests.factories import TEST_ACTOR, PartnerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Screenshots of each run, outside the repository, to look at.
SHOTS = Path(tempfile.gettempdir()) / "vehicle-timeline"


@pytest.fixture
def shipped(cleared):  # noqa: F811
    """The cleared Camry on a shipment: discharged at Mikawa, the estimate 2 days past the promise."""
    vehicle = cleared.vehicle
    shipment = shipment_create(
        partner=PartnerFactory(code="PACRORO", name_en="Pacific RoRo Lines"),
        actor=TEST_ACTOR,
        reference="PH2611-01",
        origin="USLGB",
        destination="JPMKW",
        vessel="PACIFIC HARMONY",
        voyage="PH2611",
        promised_at_dealer=clock.today_jst() + dt.timedelta(days=5),
    )
    shipment_assign(shipment=shipment, vehicle=vehicle, actor=TEST_ACTOR)
    now = clock.now()
    type(shipment).objects.filter(pk=shipment.pk).update(
        current_milestone="customs_released", eta_at_dealer=now + dt.timedelta(days=7)
    )
    for code, at in (("gate_in_origin_port", -20), ("vessel_departed", -18), ("vessel_arrived", -2)):
        ShipmentMilestone.objects.create(shipment=shipment, code=code, actual_at=now + dt.timedelta(days=at))
    ShipmentMilestone.objects.create(
        shipment=shipment, code="arrived_processing_center", estimated_at=now + dt.timedelta(days=2)
    )
    return vehicle


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("1366", DESK), ("390", PHONE)):
        page.set_viewport_size(size)
        if size is PHONE:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name}: the page is {overflow}px wider than the phone"
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESK)


def test_the_vehicle_page_shows_the_route_the_promise_and_one_timeline(page, browser, live_server, shipped):
    vin = shipped.vin
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # The dealer, in Japanese.
    page.set_viewport_size(DESK)
    sign_in(page, live_server.url, "tky-sales")
    page.goto(f"{live_server.url}/vehicles/{vin}/")
    current = page.locator("[data-testid=route] [aria-current=step]")
    expect(current).to_have_attribute("data-stop", "port_of_discharge")
    expect(current).to_contain_text("現在地")
    expect(page.locator("[data-testid=eta-slip]")).to_contain_text("2日遅れ")
    timeline = page.locator("[data-testid=vehicle-timeline]")
    expect(timeline.locator("li[data-source=compliance][data-kind=document_approved]").first).to_contain_text(
        "書類承認"
    )
    expect(timeline.locator("li[data-kind=inspection_recorded]")).to_contain_text("実績")
    _shoot(page, "vehicle-ja")

    # Operations, in English: the same page, every dealer's vehicle.
    ops = browser.new_page(locale="en-US", viewport=DESK)
    sign_in(ops, live_server.url, "ops")
    ops.goto(f"{live_server.url}/vehicles/{vin}/")
    expect(ops.locator("[data-testid=route] [aria-current=step]")).to_contain_text("now here")
    expect(ops.locator("[data-testid=eta-slip]")).to_contain_text("2 days late")
    expect(ops.locator("[data-testid=vehicle-timeline] li[data-kind=inspection_recorded]")).to_contain_text(
        "Handover inspection recorded"
    )
    _shoot(ops, "vehicle-en")

    # The order page links to the vehicle by its VIN.
    ops.goto(f"{live_server.url}/orders/{shipped.order.reference}/")
    ops.click("[data-testid=order-vin]")
    expect(ops).to_have_url(f"{live_server.url}/vehicles/{vin}/")
    assert errors == []
