"""The vehicle's one timeline with its compliance milestones (documents submitted, approved,
rejected, expired; inspections; readiness), the promise against the estimate, the route strip, in
the API and on the vehicle page; and the order page's VIN facts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from compliance.services.documents import document_approve, document_reject
from core import clock as core_clock
from core.actors import Actor
from importorders.models import ShipmentMilestone
from importorders.services.exceptions import exception_raise
from importorders.services.inspections import inspection_record
from importorders.services.shipments import shipment_assign, shipment_create
from tests.compliance.conftest import REVIEWER, complete_file, upload
from tests.compliance.test_api import built  # noqa: F401 - the autouse world: two built vehicles
from tests.factories import TEST_ACTOR
from tests.importorders.pages import main_of
from tests.importorders.vins import vin_plant  # noqa: F401 - the plant's VIN letter and WMIs
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

INSPECTOR = Actor.system("test-inspector")


def _timeline(world, caller="dealer_sales"):
    response = world.client(caller).get(f"/api/v1/vehicles/{world.vin}/")
    assert response.status_code == 200, response.content
    return response.json()["timeline"]


def _page(world, caller="dealer_sales", language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.users[caller])
    return client


def _ship(world, *, promised_in=20, estimate_in=23, current="vessel_departed"):
    shipment = shipment_create(
        partner=world.partner,
        actor=TEST_ACTOR,
        reference="PH2611-01",
        origin="USLGB",
        destination="JPMKW",
        vessel="PACIFIC HARMONY",
        voyage="PH2611",
        promised_at_dealer=core_clock.today_jst() + dt.timedelta(days=promised_in),
    )
    shipment_assign(shipment=shipment, vehicle=world.vehicle, actor=TEST_ACTOR)
    eta = core_clock.now() + dt.timedelta(days=estimate_in)
    type(shipment).objects.filter(pk=shipment.pk).update(current_milestone=current, eta_at_dealer=eta)
    ShipmentMilestone.objects.create(
        shipment=shipment, code="gate_in_origin_port", actual_at=core_clock.now()
    )
    ShipmentMilestone.objects.create(shipment=shipment, code="vessel_departed", actual_at=core_clock.now())
    ShipmentMilestone.objects.create(
        shipment=shipment, code="vessel_arrived", estimated_at=core_clock.now() + dt.timedelta(days=14)
    )
    return shipment


def test_the_api_timeline_adds_compliance_milestones_in_time_order(world, clock):
    clock.advance(hours=1)
    approved = upload(world.rule.mco, vehicle=world.vehicle)
    clock.advance(hours=1)
    document_approve(document=approved, actor=REVIEWER)
    clock.advance(hours=1)
    document_reject(document=world.document, actor=REVIEWER, reason="The receipt is unreadable.")
    clock.advance(hours=1)
    inspection_record(vehicle=world.vehicle, actor=INSPECTOR, custody_point="port", location="USLGB")

    timeline = _timeline(world)

    assert [entry["at"] for entry in timeline] == sorted(entry["at"] for entry in timeline)
    compliance = [
        (e["kind"], e["changes"].get("document_type")) for e in timeline if e["source"] == "compliance"
    ]
    assert compliance == [
        ("document_submitted", "RECYCLING-RECEIPT"),
        ("document_submitted", "MCO"),
        ("document_approved", "MCO"),
        ("document_rejected", "RECYCLING-RECEIPT"),
        ("inspection_recorded", None),
    ]
    rejected = next(e for e in timeline if e["kind"] == "document_rejected")
    assert (rejected["reason"], rejected["classifier"], rejected["milestone"]) == (
        "The receipt is unreadable.",
        None,
        None,
    )
    inspection = timeline[-1]
    assert inspection["changes"] == {"custody_point": "port", "location": "USLGB", "damages": 0}
    # The order's events stay as they were, first (the order was built before any upload).
    assert timeline[0]["source"] == "order"


def test_an_expired_document_and_the_file_completed_are_milestones(world, clock):
    complete_file(world.rule, world.vehicle)
    clock.advance(hours=1)
    issued = core_clock.today_jst() - dt.timedelta(days=70)
    garage = upload(world.rule.garage, vehicle=world.vehicle, issued_on=issued, submitter="dealer")

    kinds = {e["kind"]: e for e in _timeline(world) if e["source"] == "compliance"}

    assert "readiness_reached" in kinds
    expired = kinds["document_expired"]
    assert expired["changes"] == {
        "document_type": "GARAGE-CERT",
        "version": garage.version,
        "valid_until": garage.valid_until.isoformat(),
    }
    day_after = garage.valid_until + dt.timedelta(days=1)
    assert dt.datetime.fromisoformat(expired["at"]) == dt.datetime.combine(
        day_after, dt.time(), core_clock.JST
    )


def test_a_dealer_sees_outside_actors_by_kind_and_never_another_dealers_documents(world):
    upload(world.rule.mco, vehicle=world.other_vehicle)

    timeline = _timeline(world)
    other = world.client("dealer_sales").get(f"/api/v1/vehicles/{world.other_vehicle.vin}/")

    assert other.status_code == 404
    submitted = [e for e in timeline if e["kind"] == "document_submitted"]
    assert [e["changes"]["document_type"] for e in submitted] == ["RECYCLING-RECEIPT"]


def test_a_stock_vehicles_exceptions_are_milestones_an_ordered_ones_are_order_events(world):
    exception_raise(vehicle=world.vehicle, kind="damage", actor=INSPECTOR, key="d1", note="Scratch")

    timeline = _timeline(world, "operations")

    raised = [(e["source"], e["kind"]) for e in timeline if e["kind"] == "exception_raised"]
    assert raised == [("order", "exception_raised")]


def test_the_shipment_shows_the_promise_beside_the_estimate_with_the_slip(world):
    _ship(world, promised_in=20, estimate_in=23)

    shipment = world.client("dealer_sales").get(f"/api/v1/vehicles/{world.vin}/").json()["shipment"]

    assert shipment["promised_at_dealer"] == (core_clock.today_jst() + dt.timedelta(days=20)).isoformat()
    assert shipment["eta_slip_days"] == 3


# The counts of tests/importorders/api/test_vehicles.py, and the compliance block's checklist now
# reads current documents and their rejections (+2): none grows with the documents or decisions.
@pytest.mark.parametrize(("caller", "expected"), [("dealer_sales", 13), ("operations", 14)])
def test_the_detail_runs_the_same_queries_however_many_documents_and_decisions(world, caller, expected):
    client = world.client(caller)
    client.get("/api/v1/me/")

    def add(count):
        for _ in range(count):
            document_approve(document=upload(world.rule.mco, vehicle=world.vehicle), actor=REVIEWER)
            inspection_record(vehicle=world.vehicle, actor=INSPECTOR, custody_point="port")

    assert_constant_queries(lambda: client.get(f"/api/v1/vehicles/{world.vin}/"), add, expected=expected)


# The page ----------------------------------------------------------------------------------------


def test_the_vehicle_page_shows_the_route_strip_and_one_marked_timeline(world, clock):
    _ship(world, promised_in=20, estimate_in=23)
    clock.advance(hours=2)
    document_approve(document=world.document, actor=REVIEWER)

    html = main_of(_page(world).get(f"/vehicles/{world.vin}/"))

    assert '<ol class="route-strip"' in html
    assert 'data-stop="vessel" data-state="current" aria-current="step"' in html
    assert 'data-stop="port_of_loading" data-state="passed"' in html
    assert 'data-stop="dealer" data-state="ahead"' in html
    assert "now here" in html
    assert "PACIFIC HARMONY PH2611" in html
    assert 'data-testid="eta-slip" data-days="3"' in html
    assert "3 days late" in html
    assert 'data-source="compliance" data-kind="document_approved" data-classifier="ACT"' in html
    assert "Document approved" in html
    assert html.index('data-kind="document_submitted"') < html.index('data-kind="document_approved"')


def test_the_vehicle_page_in_japanese(world):
    _ship(world, promised_in=20, estimate_in=18)

    html = main_of(_page(world, language="ja").get(f"/vehicles/{world.vin}/"))

    assert "書類提出" in html
    assert "2日早い" in html
    assert "現在地" in html


def test_another_dealers_vehicle_page_is_404_and_the_back_office_sees_it(world):
    assert _page(world).get(f"/vehicles/{world.other_vehicle.vin}/").status_code == 404
    assert _page(world, "operations").get(f"/vehicles/{world.other_vehicle.vin}/").status_code == 200


def test_the_order_page_shows_the_vin_build_date_and_plant_with_a_link(world):
    html = main_of(_page(world).get(f"/orders/{world.order.reference}/"))

    assert f'href="/vehicles/{world.vin}/" data-testid="order-vin">{world.vin}</a>' in html
    assert 'data-testid="order-build-date">' + core_clock.today_jst().isoformat() in html
    assert "TMMK" in html
