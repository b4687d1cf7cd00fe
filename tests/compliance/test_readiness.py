"""Readiness per vehicle and the compliance release gate: states, who acts next, model-year
documents for every vehicle of the year, the model's recognition, validity clocks, and the release
of a cleared order when an approval completes its file."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.models import RecognitionStatus
from compliance.models import DocumentType
from compliance.models.reference import add_months
from compliance.selectors.readiness import readiness_for_vehicle
from compliance.services.documents import document_approve, document_reject
from core.actors import Actor
from core.errors import Conflict
from importorders.models import OrderStatus
from importorders.services import orders as services
from importorders.services import vehicles
from tests.clock import today
from tests.compliance.conftest import REVIEWER, complete_file, upload
from tests.factories import DealerFactory
from tests.importorders.vins import scheduled, vin_for, vin_plant  # noqa: F401
from tests.queries import assert_query_count

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("shipment_events")


def cleared_order(dealer, camry, serial: int):
    order = scheduled(dealer, camry)
    order = vehicles.order_assign_vin(order=order, actor=SYSTEM, vin=vin_for(serial))
    for move in ("ship", "arrive", "clear"):
        order = services.order_milestone(order=order, actor=SYSTEM, move=move)
    return order


@pytest.fixture
def cleared(camry, vin_plant, rule):  # noqa: F811
    return cleared_order(DealerFactory(code="TKY001"), camry, 7)


def _states(vehicle):
    return {item.document_type.code: item.state for item in readiness_for_vehicle(vehicle=vehicle).items}


def test_the_release_is_refused_naming_each_missing_document(cleared):
    with pytest.raises(Conflict) as refused:
        services.order_milestone(order=cleared, actor=SYSTEM, move="release")

    assert refused.value.code == "release_blocked"
    codes = [(d["gate"], d["code"], d["next_actor"]) for d in refused.value.details]
    assert codes == [
        ("compliance", "document_missing", "dealer"),
        ("compliance", "document_missing", "compliance"),
        ("compliance", "document_missing", "compliance"),
    ]


def test_the_approval_that_completes_the_file_releases_the_cleared_order_on_commit(
    cleared, rule, django_capture_on_commit_callbacks
):
    vehicle = cleared.vehicle
    document_approve(document=upload(rule.mco, vehicle=vehicle), actor=REVIEWER)
    document_approve(document=upload(rule.epa, model_year=vehicle.model_year), actor=REVIEWER)
    receipt = upload(rule.receipt, vehicle=vehicle, actor=SYSTEM, submitter="dealer")
    cleared.refresh_from_db()
    assert cleared.status == OrderStatus.CLEARED

    with django_capture_on_commit_callbacks(execute=True):
        document_approve(document=receipt, actor=REVIEWER)

    cleared.refresh_from_db()
    assert cleared.status == OrderStatus.READY
    event = cleared.events.get(to_status="ready")
    assert (event.actor_kind, event.actor_ref) == ("system", "document-approved")


def test_a_rejection_then_a_new_version_then_approval(cleared, rule):
    vehicle = cleared.vehicle
    first = upload(rule.receipt, vehicle=vehicle)
    document_reject(document=first, actor=REVIEWER, reason="読めません / unreadable")
    readiness = readiness_for_vehicle(vehicle=vehicle)
    item = next(i for i in readiness.items if i.document_type.code == "RECYCLING-RECEIPT")
    assert (item.state, item.next_actor, item.rejection.reason) == (
        "rejected",
        "dealer",
        "読めません / unreadable",
    )

    second = upload(rule.receipt, vehicle=vehicle)
    assert _states(vehicle)["RECYCLING-RECEIPT"] == "submitted"
    document_approve(document=second, actor=REVIEWER)
    assert _states(vehicle)["RECYCLING-RECEIPT"] == "approved"
    first.refresh_from_db()
    assert (first.is_current, first.status, first.reviews.count()) == (False, "rejected", 1)


def test_a_model_year_document_counts_for_every_vehicle_of_that_year(camry, vin_plant, rule):  # noqa: F811
    dealer = DealerFactory(code="TKY001")
    one = cleared_order(dealer, camry, 11).vehicle
    two = cleared_order(dealer, camry, 12).vehicle
    document_approve(document=upload(rule.epa, model_year=one.model_year), actor=REVIEWER)
    assert _states(one)["EPA-COC"] == _states(two)["EPA-COC"] == "approved"


def test_an_unrecognised_model_holds_the_vehicle_back_whatever_its_documents(cleared, rule, camry):
    complete_file(rule, cleared.vehicle)
    assert readiness_for_vehicle(vehicle=cleared.vehicle).complete
    camry.model.recognition_status = RecognitionStatus.UNDER_REVIEW
    camry.model.save()
    cleared.vehicle.model_year.vehicle_model.recognition_status = RecognitionStatus.UNDER_REVIEW

    readiness = readiness_for_vehicle(vehicle=cleared.vehicle)

    assert [p.code for p in readiness.problems] == ["model_not_recognised"]
    with pytest.raises(Conflict):
        services.order_milestone(order=cleared, actor=SYSTEM, move="release")


def test_a_document_gating_delivery_does_not_hold_the_release(cleared, rule):
    complete_file(rule, cleared.vehicle)
    readiness = readiness_for_vehicle(vehicle=cleared.vehicle)
    garage = next(i for i in readiness.items if i.document_type.code == "GARAGE-CERT")
    assert (garage.state, garage.blocks_release, readiness.complete) == ("missing", False, True)
    assert services.order_milestone(order=cleared, actor=SYSTEM, move="release").status == OrderStatus.READY


def test_an_expired_document_reopens_the_file(cleared, rule):
    complete_file(rule, cleared.vehicle)
    rule.mco.validity_count = 3
    rule.mco.save()
    issued = today() - dt.timedelta(days=100)
    mco = upload(rule.mco, vehicle=cleared.vehicle, issued_on=issued)
    document_approve(document=mco, actor=REVIEWER)
    assert mco.valid_until == add_months(issued, 3) - dt.timedelta(days=1)

    readiness = readiness_for_vehicle(vehicle=cleared.vehicle)

    assert _states(cleared.vehicle)["MCO"] == "expired"
    assert [(p.code, p.next_actor) for p in readiness.problems] == [("document_expired", "compliance")]
    assert readiness_for_vehicle(vehicle=cleared.vehicle, today=mco.valid_until).complete


@pytest.mark.parametrize(
    ("issued", "count", "unit", "until"),
    [
        (dt.date(2026, 1, 31), 1, "months", dt.date(2026, 2, 27)),
        (dt.date(2026, 3, 15), 9, "months", dt.date(2026, 12, 14)),
        (dt.date(2026, 3, 15), 3, "months", dt.date(2026, 6, 14)),
        (dt.date(2026, 3, 15), 30, "days", dt.date(2026, 4, 13)),
    ],
)
def test_validity_clocks_end_on_the_last_valid_day(issued, count, unit, until):
    document_type = DocumentType(validity_count=count, validity_unit=unit)
    assert document_type.valid_until(issued) == until


def test_a_shipments_document_counts_for_every_vehicle_on_it(camry, vin_plant, rule):  # noqa: F811
    from compliance.models import Requirement
    from compliance.selectors.readiness import readiness_for_vehicles
    from importorders.models import LogisticsPartner
    from importorders.services.shipments import shipment_assign, shipment_create

    Requirement.objects.create(
        route=camry.model.certification_route, document_type=rule.bill, gates_status="ready"
    )
    dealer = DealerFactory(code="TKY001")
    on_board = [cleared_order(dealer, camry, serial).vehicle for serial in (11, 12)]
    ashore = cleared_order(dealer, camry, 13).vehicle
    partner = LogisticsPartner.objects.create(code="PACRORO", name_ja="物流", name_en="Pacific RoRo")
    shipment = shipment_create(
        partner=partner, actor=SYSTEM, reference="PH2611-01", origin="USLGB", destination="JPMKW"
    )
    for vehicle in on_board:
        shipment_assign(shipment=shipment, vehicle=vehicle, actor=SYSTEM)

    assert {_states(v)["BILL-OF-LADING"] for v in (*on_board, ashore)} == {"missing"}
    item = next(i for i in readiness_for_vehicle(vehicle=on_board[0]).items if i.document_type == rule.bill)
    assert item.next_actor == "compliance"

    bill = upload(rule.bill, shipment=shipment)
    assert [_states(v)["BILL-OF-LADING"] for v in on_board] == ["submitted", "submitted"]
    document_approve(document=bill, actor=REVIEWER)
    assert [_states(v)["BILL-OF-LADING"] for v in on_board] == ["approved", "approved"]
    # A vehicle on no shipment has no bill of lading yet, whatever other shipments hold.
    assert _states(ashore)["BILL-OF-LADING"] == "missing"
    complete_file(rule, on_board[0])
    assert readiness_for_vehicle(vehicle=on_board[0]).complete
    assert readiness_for_vehicle(vehicle=ashore).problems

    # Requirements, which shipment each vehicle is on, the current documents, their rejections:
    # the same four queries for one vehicle as for three.
    from importorders.models import Vehicle

    loaded = list(
        Vehicle.objects.filter(pk__in=[v.pk for v in (*on_board, ashore)])
        .select_related("model_year__vehicle_model")
        .order_by("pk")
    )
    on_board, ashore = loaded[:2], loaded[2]
    with assert_query_count(4):
        readiness_for_vehicles(vehicles=[on_board[0]])
    with assert_query_count(4):
        readiness_for_vehicles(vehicles=[*on_board, ashore])
