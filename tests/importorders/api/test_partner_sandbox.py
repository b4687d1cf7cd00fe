"""The partner sandbox: sandbox keys see and write sandbox shipments only, their events move no
order, raise no exception and tell no dealer; scripted scenarios replay to their documented end
state (docs/decisions/0004, docs/partner-api.md)."""

from __future__ import annotations

import pytest

from compliance.models import Document
from core.errors import Conflict
from core.notifications.models import Notification
from importorders.models import (
    Order,
    OrderEvent,
    PartnerEvent,
    PartnerIdempotencyKey,
    Shipment,
    ShipmentMilestone,
    Vehicle,
    VehicleException,
)
from importorders.services import vehicles as vehicle_services
from importorders.services.keys import partner_key_issue
from importorders.services.sandbox import BY_NAME, SCENARIOS, sandbox_scenario_reset, sandbox_vin
from importorders.services.shipments import shipment_assign
from tests.catalog.conftest import camry  # noqa: F401
from tests.factories import TEST_ACTOR
from tests.importorders.api.test_partner_api import PARTNER_ONLY, _shipment
from tests.importorders.services.test_shipment_events import at, vocabularies  # noqa: F401
from tests.importorders.vins import scheduled, vin_for, vin_plant  # noqa: F401
from tests.permissions import PermissionSuite

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def placed(world, camry, vin_plant, vocabularies):  # noqa: F811
    """The dealer's built vehicle on the partner's live shipment; a sandbox key for the partner."""
    order = vehicle_services.order_assign_vin(
        order=scheduled(world.dealer, camry), actor=TEST_ACTOR, vin=vin_for(1)
    )
    world.order, world.vin = order, order.vehicle.vin
    world.shipment = _shipment(world.partner, "PH2611-01", order.vehicle)
    _, world.keys["sandbox_partner"] = partner_key_issue(
        partner=world.partner, name="edi-test", actor=TEST_ACTOR, sandbox=True
    )
    return world


def _event(event_id: str, vin: str, code: str = "loaded", **extra) -> dict:
    return {
        "event_id": event_id,
        "vin": vin,
        "code": code,
        "classifier": "ACT",
        "occurred_at": at(1),
        "location": "USLGB",
        **extra,
    }


def _post(world, caller, *events, **headers):
    body = {"vocabulary": "canonical", "version": "1", "events": list(events)}
    return world.client(caller).post("/api/v1/partner/events/", body, format="json", **headers)


def _reset(world, name: str, caller: str = "sandbox_partner"):
    return world.client(caller).post(f"/api/v1/partner/sandbox/scenarios/{name}/", format="json")


def _live_state(world) -> tuple:
    """Everything live a sandbox event must leave as it was."""
    return (
        list(Order.objects.order_by("pk").values()),
        OrderEvent.objects.count(),
        list(Shipment.objects.filter(sandbox=False).order_by("pk").values()),
        list(ShipmentMilestone.objects.filter(shipment__sandbox=False).values()),
        list(VehicleException.objects.values()),
        Notification.objects.count(),
    )


class TestSandboxScenarioList(PermissionSuite):
    expected = {**PARTNER_ONLY, "partner": 200, "sandbox_partner": 200}

    def url(self, world):
        return "/api/v1/partner/sandbox/scenarios/"


class TestSandboxScenarioReset(PermissionSuite):
    method = "post"
    # A live key is the right kind of caller, but may not run scenarios: 403 with its own code.
    expected = {**PARTNER_ONLY, "partner": 403, "sandbox_partner": 200}

    def url(self, world):
        return "/api/v1/partner/sandbox/scenarios/damaged/"

    def forbidden_code(self, caller):
        return "sandbox_key_required" if caller == "partner" else "permission_denied"

    def snapshot(self, world):
        return (
            list(Shipment.objects.order_by("pk").values()),
            list(Vehicle.objects.order_by("pk").values()),
            list(PartnerEvent.objects.order_by("pk").values()),
        )


def test_the_list_names_the_five_scenarios(world):
    body = world.client("partner").get("/api/v1/partner/sandbox/scenarios/").json()
    assert [row["name"] for row in body] == [
        "out-of-order",
        "duplicated",
        "retracted",
        "damaged",
        "customs-hold",
    ]
    assert all(row["title"] and row["description"] for row in body)


def test_an_unknown_scenario_is_404_and_prepares_nothing(world):
    response = _reset(world, "no-such-scenario")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not Shipment.objects.filter(sandbox=True).exists()


def test_a_live_key_is_told_it_needs_a_sandbox_key(world):
    response = _reset(world, "damaged", caller="partner")
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "sandbox_key_required",
        "message": "Scenarios run with a sandbox key only; this key is a live one.",
        "fields": {},
    }


@pytest.mark.parametrize("name", [scenario.name for scenario in SCENARIOS])
def test_each_scenario_replayed_reaches_its_documented_end_state_and_touches_nothing_live(
    world, name, django_capture_on_commit_callbacks
):
    live = _live_state(world)
    for _replay in range(2):  # a reset puts it back: the second replay ends the same
        scenario = _reset(world, name).json()
        assert scenario["scenario"] == name
        with django_capture_on_commit_callbacks(execute=True):
            answer = world.client("sandbox_partner").post(
                "/api/v1/partner/events/",
                scenario["batch"],
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"replay-{name}",
            )
        assert (answer.status_code, answer.json()) == (202, scenario["expected"]["answer"])
        listed = world.client("sandbox_partner").get("/api/v1/partner/shipments/").json()["results"]
        assert listed == [scenario["expected"]["shipment"]]
    assert not PartnerEvent.objects.filter(sandbox=True, applied_at__isnull=True).exists()
    assert _live_state(world) == live


def test_the_scenarios_end_where_their_descriptions_say():
    ends = {}
    from importorders.models import LogisticsPartner

    partner = LogisticsPartner.objects.get(code="PACRORO")
    for scenario in SCENARIOS:
        expected = sandbox_scenario_reset(partner=partner, scenario=scenario, actor=TEST_ACTOR)["expected"]
        ends[scenario.name] = (
            expected["answer"]["accepted"],
            expected["answer"]["duplicate"],
            expected["shipment"]["current_milestone"],
            [m["code"] for m in expected["shipment"]["milestones"]],
        )
    assert ends == {
        "out-of-order": (
            4,
            0,
            "vessel_departed",
            ["released_from_plant", "gate_in_origin_port", "loaded", "vessel_departed"],
        ),
        "duplicated": (2, 1, "gate_in_origin_port", ["released_from_plant", "gate_in_origin_port"]),
        "retracted": (3, 0, "gate_in_origin_port", ["gate_in_origin_port"]),
        "damaged": (3, 0, "discharged", ["vessel_arrived", "discharged", "damage_reported"]),
        "customs-hold": (3, 0, "customs_hold", ["discharged", "customs_hold", "customs_released"]),
    }


def test_a_sandbox_key_sees_only_sandbox_shipments_and_a_live_key_none_of_them(world):
    _reset(world, "damaged")
    sandbox = world.client("sandbox_partner").get("/api/v1/partner/shipments/").json()["results"]
    live = world.client("partner").get("/api/v1/partner/shipments/").json()["results"]
    assert [row["reference"] for row in sandbox] == ["SBX-PACRORO-damaged"]
    assert [row["reference"] for row in live] == ["PH2611-01"]


def test_each_key_knows_only_the_vins_of_its_own_world(world):
    _reset(world, "damaged")
    sandbox_vehicle = sandbox_vin(world.partner, BY_NAME["damaged"])
    live_vin_by_sandbox = _post(world, "sandbox_partner", _event("x1", world.vin)).json()
    sandbox_vin_by_live = _post(world, "partner", _event("x2", sandbox_vehicle)).json()
    for answer in (live_vin_by_sandbox, sandbox_vin_by_live):
        assert (answer["accepted"], answer["errors"][0]["code"]) == (0, "unknown_vin")
    assert live_vin_by_sandbox["errors"][0]["message"] == sandbox_vin_by_live["errors"][0]["message"]
    assert not PartnerEvent.objects.exists()


def test_a_sandbox_damage_on_the_sandbox_moves_no_order_and_tells_nobody(
    world, django_capture_on_commit_callbacks
):
    _reset(world, "damaged")
    vin = sandbox_vin(world.partner, BY_NAME["damaged"])
    live = _live_state(world)
    with django_capture_on_commit_callbacks(execute=True):
        answer = _post(
            world,
            "sandbox_partner",
            _event("d1", vin, code="vessel_departed"),
            _event("d2", vin, code="damage_reported", occurred_at=at(2)),
            _event("d3", vin, code="customs_hold", occurred_at=at(3)),
        )
    assert answer.json()["accepted"] == 3
    assert _live_state(world) == live
    assert PartnerEvent.objects.filter(sandbox=True, applied_at__isnull=False).count() == 3
    assert Shipment.objects.get(reference="SBX-PACRORO-damaged").current_milestone == "customs_hold"


def test_event_ids_and_idempotency_keys_are_apart_per_key_kind(world, django_capture_on_commit_callbacks):
    _reset(world, "damaged")
    vin = sandbox_vin(world.partner, BY_NAME["damaged"])
    live = _post(world, "partner", _event("same", world.vin), HTTP_IDEMPOTENCY_KEY="k1").json()
    sandbox = _post(world, "sandbox_partner", _event("same", vin), HTTP_IDEMPOTENCY_KEY="k1").json()
    assert (live["accepted"], sandbox["accepted"]) == (1, 1)
    assert sorted(PartnerEvent.objects.values_list("event_id", "sandbox")) == [
        ("same", False),
        ("same", True),
    ]
    assert sorted(PartnerIdempotencyKey.objects.values_list("key", "sandbox")) == [
        ("k1", False),
        ("k1", True),
    ]
    # A retraction from the sandbox does not reach the live event of the same ID.
    with django_capture_on_commit_callbacks(execute=True):
        _post(world, "sandbox_partner", {"event_id": "r-same", "retracts": "same"})
    assert PartnerEvent.objects.get(sandbox=False, event_id="same").retracted is False


def test_a_reset_forgets_the_sandbox_idempotency_keys_only(world):
    _reset(world, "retracted")
    vin = sandbox_vin(world.partner, BY_NAME["retracted"])
    _post(world, "partner", _event("l1", world.vin), HTTP_IDEMPOTENCY_KEY="k")
    _post(world, "sandbox_partner", _event("s1", vin), HTTP_IDEMPOTENCY_KEY="k")
    _reset(world, "retracted")
    assert list(PartnerIdempotencyKey.objects.values_list("sandbox", flat=True)) == [False]
    assert list(PartnerEvent.objects.values_list("event_id", flat=True)) == ["l1"]


def test_a_sandbox_key_uploads_no_documents(world):
    _reset(world, "damaged")
    response = world.client("sandbox_partner").post(
        "/api/v1/partner/shipments/SBX-PACRORO-damaged/documents/", {}, format="multipart"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "sandbox_key_not_allowed"
    assert not Document.objects.exists()


def test_no_vehicle_crosses_between_the_worlds(world):
    _reset(world, "damaged")
    sandbox_shipment = Shipment.objects.get(reference="SBX-PACRORO-damaged")
    sandbox_vehicle = Vehicle.objects.get(vin=sandbox_vin(world.partner, BY_NAME["damaged"]))
    with pytest.raises(Conflict) as refused:
        shipment_assign(shipment=sandbox_shipment, vehicle=world.order.vehicle, actor=TEST_ACTOR)
    assert refused.value.code == "sandbox_mismatch"
    with pytest.raises(Conflict):
        shipment_assign(shipment=world.shipment, vehicle=sandbox_vehicle, actor=TEST_ACTOR)
    assert sandbox_vehicle.order_id is None


def test_me_says_which_kind_of_key(world):
    assert world.client("sandbox_partner").get("/api/v1/me/").json()["sandbox"] is True
    assert world.client("partner").get("/api/v1/me/").json()["sandbox"] is False
