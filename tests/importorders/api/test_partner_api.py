"""The partner API: `POST partner/events/` and `GET partner/shipments/` (permissions, answers,
idempotency keys, the batch limit, query counts)."""

from __future__ import annotations

import json

import pytest

from core.clock import now
from importorders.models import PartnerEvent, PartnerIdempotencyKey, Shipment, ShipmentMilestone
from importorders.services import vehicles as vehicle_services
from importorders.services.events_idempotency import IN_FLIGHT_SECONDS, body_digest, idempotency_keys_purge
from importorders.services.keys import partner_key_issue
from importorders.services.shipments import shipment_assign, shipment_create
from tests.catalog.conftest import camry  # noqa: F401
from tests.factories import TEST_ACTOR
from tests.importorders.services.test_shipment_events import at, vocabularies  # noqa: F401
from tests.importorders.vins import scheduled, vin_for, vin_plant  # noqa: F401
from tests.permissions import UNAUTHENTICATED, PermissionSuite
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

PARTNER_ONLY = {
    **UNAUTHENTICATED,
    "other_dealer": 403,
    "dealer_sales": 403,
    "dealer_manager": 403,
    "operations": 403,
    "compliance": 403,
}


def _shipment(partner, reference: str, vehicle=None) -> Shipment:
    shipment = shipment_create(
        partner=partner, actor=TEST_ACTOR, reference=reference, origin="USLGB", destination="JPMKW"
    )
    if vehicle is not None:
        shipment_assign(shipment=shipment, vehicle=vehicle, actor=TEST_ACTOR)
    return shipment


@pytest.fixture(autouse=True)
def placed(world, camry, vin_plant, vocabularies):  # noqa: F811
    """The dealer's built vehicle on the partner's shipment; the other dealer's on the other partner's."""
    order = vehicle_services.order_assign_vin(
        order=scheduled(world.dealer, camry), actor=TEST_ACTOR, vin=vin_for(1)
    )
    other = vehicle_services.order_assign_vin(
        order=scheduled(world.other_dealer, camry), actor=TEST_ACTOR, vin=vin_for(2)
    )
    world.vin, world.other_vin = order.vehicle.vin, other.vehicle.vin
    world.shipment = _shipment(world.partner, "PH2611-01", order.vehicle)
    world.other_shipment = _shipment(world.other_partner, "MS0412-01", other.vehicle)
    return world


def _batch(world, *events, vocabulary="canonical", version="1") -> dict:
    return {"vocabulary": vocabulary, "version": version, "events": list(events)}


def _event(world, event_id="e1", vin=None, code="loaded", **extra) -> dict:
    return {
        "event_id": event_id,
        "vin": vin or world.vin,
        "code": code,
        "classifier": "ACT",
        "occurred_at": at(1),
        "location": "USLGB",
        **extra,
    }


def _post(world, body, caller="partner", **headers):
    return world.client(caller).post("/api/v1/partner/events/", body, format="json", **headers)


class TestPartnerEvents(PermissionSuite):
    method = "post"
    expected = {**PARTNER_ONLY, "partner": 202}

    def url(self, world):
        return "/api/v1/partner/events/"

    def payload(self, world):
        return _batch(world, _event(world))

    def snapshot(self, world):
        return list(PartnerEvent.objects.values_list("event_id", flat=True))


class TestPartnerShipments(PermissionSuite):
    expected = {**PARTNER_ONLY, "partner": 200}

    def url(self, world):
        return "/api/v1/partner/shipments/"


def test_a_batch_answers_202_with_counts_and_per_index_errors(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(
            world,
            _batch(
                world,
                _event(world, "e1"),
                _event(world, "e1"),
                _event(world, "e2", vin=world.other_vin),
                _event(world, "e3", code="sailing"),
            ),
        )

    assert response.status_code == 202, response.content
    assert response.json() == {
        "accepted": 1,
        "duplicate": 1,
        "rejected": 2,
        "errors": [
            {
                "index": 2,
                "event_id": "e2",
                "code": "unknown_vin",
                "message": "No vehicle with this VIN is on a shipment of yours.",
                "fields": {"vin": ["No vehicle with this VIN is on a shipment of yours."]},
            },
            {
                "index": 3,
                "event_id": "e3",
                "code": "invalid",
                "message": "This event is not valid.",
                "fields": {"code": ["Not a milestone code."]},
            },
        ],
    }
    assert len(callbacks) == 1  # the apply task, queued once on commit
    assert PartnerEvent.objects.get().partner == world.partner


def test_another_partners_vin_and_an_unknown_vin_read_the_same(world):
    other = _post(world, _batch(world, _event(world, "a", vin=world.other_vin))).json()["errors"][0]
    unknown = _post(world, _batch(world, _event(world, "b", vin=vin_for(999)))).json()["errors"][0]
    assert {k: v for k, v in other.items() if k not in {"event_id"}} == {
        k: v for k, v in unknown.items() if k not in {"event_id"}
    }


def test_a_batch_over_1000_events_is_413_and_stores_nothing(world):
    events = [_event(world, f"e{n}") for n in range(1001)]
    response = _post(world, _batch(world, *events))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "batch_too_large"
    assert not PartnerEvent.objects.exists()


def test_a_version_the_vocabulary_does_not_have_is_400(world):
    response = _post(world, _batch(world, _event(world), vocabulary="canonical", version="3.0-beta"))
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"version": ["Not a version of this vocabulary."]}


def test_an_idempotency_key_replays_the_stored_answer(world):
    body = _batch(world, _event(world, "e1"), _event(world, "e2", code="vessel_departed"))
    first = _post(world, body, HTTP_IDEMPOTENCY_KEY="batch-0001")
    # Without the key the same body would count two duplicates; with it, the first answer again.
    again = _post(world, body, HTTP_IDEMPOTENCY_KEY="batch-0001")

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json() == {"accepted": 2, "duplicate": 0, "rejected": 0, "errors": []}
    assert PartnerEvent.objects.count() == 2


def test_the_same_key_with_another_body_is_422(world):
    _post(world, _batch(world, _event(world, "e1")), HTTP_IDEMPOTENCY_KEY="k")
    response = _post(world, _batch(world, _event(world, "e2")), HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert PartnerEvent.objects.count() == 1


def test_a_key_in_flight_is_409(world):
    body = _batch(world, _event(world, "e1"))
    digest = body_digest(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    PartnerIdempotencyKey.objects.create(partner=world.partner, key="k", body_sha256=digest)
    response = _post(world, body, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_flight"
    assert not PartnerEvent.objects.exists()


def test_a_claim_abandoned_in_flight_is_forgotten_so_the_retry_runs(world, clock):
    # The process that claimed the key died before it could answer or release it.
    body = _batch(world, _event(world, "e1"))
    digest = body_digest(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    PartnerIdempotencyKey.objects.create(partner=world.partner, key="k", body_sha256=digest)
    clock.advance(seconds=IN_FLIGHT_SECONDS + 1)
    response = _post(world, body, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 202
    assert response.json()["accepted"] == 1


def test_keys_are_each_partners_own_and_expire_after_the_retention(world, clock, settings):
    _, other_key = partner_key_issue(partner=world.other_partner, name="edi", actor=TEST_ACTOR)
    world.keys["other_partner"] = other_key
    _post(world, _batch(world, _event(world, "e1")), HTTP_IDEMPOTENCY_KEY="k")
    theirs = _post(
        world,
        _batch(world, _event(world, "o1", vin=world.other_vin)),
        "other_partner",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert theirs.json()["accepted"] == 1

    clock.advance(hours=settings.IDEMPOTENCY_KEY_RETENTION_HOURS + 1)
    assert idempotency_keys_purge() == 2
    assert not PartnerIdempotencyKey.objects.exists()


def test_the_shipment_list_shows_the_partners_own_with_vehicles_and_milestones(world):
    ShipmentMilestone.objects.create(shipment=world.shipment, code="loaded", planned_at=now())
    body = world.client("partner").get("/api/v1/partner/shipments/").json()
    assert [row["reference"] for row in body["results"]] == ["PH2611-01"]
    row = body["results"][0]
    assert (row["partner"], row["vehicles"], row["origin"], row["destination"]) == (
        "PACRORO",
        [world.vin],
        "USLGB",
        "JPMKW",
    )
    assert [m["code"] for m in row["milestones"]] == ["loaded"]


def test_the_shipment_list_runs_the_same_queries_for_1_and_20_shipments(world):
    client = world.client("partner")

    def add(count):
        for n in range(count):
            shipment = _shipment(world.partner, f"X-{Shipment.objects.count()}-{n}")
            ShipmentMilestone.objects.create(shipment=shipment, code="loaded", planned_at=now())

    assert_constant_queries(
        lambda: client.get("/api/v1/partner/shipments/?page_size=50"), add, expected=3, warm=True
    )


def test_scoping_of_shipments_and_vehicles_per_caller(world):
    from core.callers import Caller
    from importorders.identity import caller_for_user
    from importorders.models import Vehicle

    partner = Caller(kind="partner_key", partner_id=world.partner.pk, partner_code="PACRORO")
    dealer = caller_for_user(world.users["dealer_sales"])
    operations = caller_for_user(world.users["operations"])
    assert list(Shipment.objects.restrict(partner)) == [world.shipment]
    assert list(Shipment.objects.restrict(dealer)) == [world.shipment]
    assert set(Shipment.objects.restrict(operations)) == {world.shipment, world.other_shipment}
    assert [v.vin for v in Vehicle.objects.restrict(partner)] == [world.vin]
    assert not Shipment.objects.restrict(Caller(kind="anonymous")).exists()


def test_the_vehicle_detail_shows_its_shipment_and_events_in_one_timeline(world):
    from importorders.services.events import events_apply_pending
    from tests.importorders.services.test_shipment_events import APPLIER

    _post(
        world,
        _batch(
            world,
            _event(world, "pln", code="delivered_to_dealer", classifier="PLN", occurred_at=at(500)),
            _event(world, "act", code="loaded", occurred_at=at(2)),
            _event(world, "gone", code="gate_in_origin_port", occurred_at=at(1)),
            {"event_id": "r-gone", "retracts": "gone"},
        ),
    )
    events_apply_pending(actor=APPLIER)

    body = world.client("dealer_sales").get(f"/api/v1/vehicles/{world.vin}/").json()
    assert body["shipment"]["reference"] == "PH2611-01"
    assert body["shipment"]["partner"] == "PACRORO"
    shipment_entries = [e for e in body["timeline"] if e["source"] == "shipment"]
    assert [(e["milestone"], e["classifier"], e["kind"]) for e in shipment_entries] == [
        ("loaded", "ACT", "shipment_event"),
        ("delivered_to_dealer", "PLN", "shipment_event"),
    ]
    assert shipment_entries[0]["actor"]["kind"] == "partner_key"
    times = [e["at"] for e in body["timeline"]]
    assert times == sorted(times)
    # The order's move made by the loading is in the same timeline.
    assert any(e["source"] == "order" and e["to_status"] == "shipped" for e in body["timeline"])
    # Partners read their vehicles through partner/shipments/, not the vehicle detail.
    assert world.client("partner").get(f"/api/v1/vehicles/{world.vin}/").status_code == 404
