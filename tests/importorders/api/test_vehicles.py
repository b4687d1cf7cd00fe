"""The VIN endpoints: assign-vin, assign-vins, vehicles/{vin}/: permission suites, query counts, errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from importorders.models import OrderStatus, Vehicle
from importorders.services import vehicles as vehicle_services
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.api.test_orders import (
    BY_OPERATIONS,
    READ,
    OrderSuite,
    orders,  # noqa: F401 - the autouse world of orders
)
from tests.importorders.vins import everything, scheduled, vin_for, vin_plant  # noqa: F401
from tests.permissions import UNAUTHENTICATED
from tests.queries import assert_constant_queries, assert_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plant_wmis(vin_plant):  # noqa: F811
    return vin_plant


class VinSuite(OrderSuite):
    def snapshot(self, world):
        return everything()


class TestAssignVin(VinSuite):
    method = "post"
    path = "assign-vin/"
    status = OrderStatus.SCHEDULED
    expected = BY_OPERATIONS

    def payload(self, world):
        return {"vin": vin_for(1)}


class TestAssignVins(VinSuite):
    method = "post"
    status = OrderStatus.SCHEDULED
    expected = {
        **UNAUTHENTICATED,
        "other_dealer": 403,
        "dealer_sales": 403,
        "dealer_manager": 403,
        "partner": 403,
        "operations": 200,
        "compliance": 403,
    }

    def url(self, world):
        return "/api/v1/orders/assign-vins/"

    def call(self, client, world):
        content = f"reference,VIN,build date\r\n{world.order.reference},{vin_for(2)},\r\n".encode()
        return client.post(
            self.url(world), {"file": SimpleUploadedFile("build.csv", content)}, format="multipart"
        )


class TestVehicleDetail(VinSuite):
    status = OrderStatus.SCHEDULED
    built = True
    expected = READ

    def url(self, world):
        return f"/api/v1/vehicles/{world.vin}/"

    def missing_url(self, world):
        return f"/api/v1/vehicles/{vin_for(999999)}/"


@pytest.fixture(autouse=True)
def built(world, request, orders, plant_wmis):  # noqa: F811
    """Where the class says `built`: both dealers' orders built (VIN 100 for TKY001, 101 for OSK001)."""
    if getattr(request.cls, "built", False):
        vehicle_services.order_assign_vin(order=world.order, actor=TEST_ACTOR, vin=vin_for(100))
        vehicle_services.order_assign_vin(order=world.other_order, actor=TEST_ACTOR, vin=vin_for(101))
    world.vin = vin_for(100)
    return world


# assign-vin ------------------------------------------------------------------------------------


def _assign(world, body, caller="operations", reference=None):
    return world.client(caller).post(
        f"/api/v1/orders/{reference or world.order.reference}/assign-vin/", body, format="json"
    )


@pytest.fixture
def order(world, camry):  # noqa: F811
    return scheduled(world.dealer, camry)


def test_assigning_a_vin_answers_the_built_order_and_records_it(world, order):
    response = _assign(world, {"vin": vin_for(7).lower()}, reference=order.reference)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["reference"], body["status"], body["allowed_moves"]) == (order.reference, "built", [])
    event = order.events.get(to_status="built")
    assert (event.actor_user, event.changes) == (
        world.users["operations"],
        {"vin": vin_for(7), "build_date": today().isoformat()},
    )


def test_the_detail_offers_assign_vin_to_operations_only_on_a_scheduled_order(world, order):
    offered = {
        caller: world.client(caller).get(f"/api/v1/orders/{order.reference}/").json()["allowed_moves"]
        for caller in ("operations", "admin", "compliance", "dealer_sales")
    }

    assert offered == {
        "operations": ["assign-vin"],
        "admin": ["assign-vin"],
        "compliance": [],
        "dealer_sales": ["cancel"],
    }


def test_a_bad_vin_is_400_naming_each_position_in_the_callers_language(world, order):
    vin = vin_for(8, wmi="5TD", letter="S")
    snapshot = everything()

    english = _assign(world, {"vin": vin}, reference=order.reference)
    japanese = world.client("operations").post(
        f"/api/v1/orders/{order.reference}/assign-vin/",
        {"vin": vin},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ja",
    )

    assert english.status_code == japanese.status_code == 400
    error = english.json()["error"]
    assert error["code"] == "invalid_vin"
    assert [(d["code"], d["position"]) for d in error["details"]] == [("wmi", 1), ("plant", 11)]
    assert error["fields"]["vin"] == [
        "Positions 1-3 (manufacturer identifier) are 5TD; expected 4T1.",
        "Position 11 (plant) is S; expected U.",
    ]
    japanese_plant = "11桁目\uff08工場\uff09が S です。正しくは U です。"
    assert japanese.json()["error"]["fields"]["vin"][1] == japanese_plant
    assert everything() == snapshot


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "vin"),
        ({"vin": ""}, "vin"),
        ({"vin": "x" * 65}, "vin"),
        ({"vin": "4T1\x00"}, "vin"),
        ({"vin": vin_for(9), "build_date": "2026-02-30"}, "build_date"),
        ({"vin": vin_for(9), "build_date": "FUTURE"}, "build_date"),
        ({"vin": vin_for(9), "build_date": "1999-12-31"}, "build_date"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(world, order, body, field):
    if body.get("build_date") == "FUTURE":
        body["build_date"] = (today() + dt.timedelta(days=1)).isoformat()
    snapshot = everything()

    response = _assign(world, body, reference=order.reference)

    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [field]
    assert everything() == snapshot


def test_a_used_vin_and_a_second_vin_are_409(world, camry, order):  # noqa: F811
    first = scheduled(world.dealer, camry)
    assert _assign(world, {"vin": vin_for(10)}, reference=first.reference).status_code == 200
    snapshot = everything()

    used = _assign(world, {"vin": vin_for(10)}, reference=order.reference)
    again = _assign(world, {"vin": vin_for(10)}, reference=first.reference)
    other = _assign(world, {"vin": vin_for(11)}, reference=first.reference)

    assert used.status_code == 409
    assert used.json()["error"]["code"] == "vin_in_use"
    assert vin_for(10) in used.json()["error"]["message"]
    assert again.status_code == 200
    assert other.status_code == 409
    assert other.json()["error"]["details"] == [{"code": "already_built", "vin": vin_for(10)}]
    assert everything() == snapshot


def test_a_plant_without_a_vin_letter_is_409_not_500(world, order):
    plant = order.trim.model_year.plant
    type(plant).objects.filter(pk=plant.pk).update(vin_plant_letter="")

    response = _assign(world, {"vin": vin_for(12)}, reference=order.reference)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "plant_vin_unconfigured"
    assert "no VIN plant letter" in response.json()["error"]["message"]


def test_assign_vin_runs_a_constant_number_of_queries(world, camry):  # noqa: F811
    waiting = []
    client = world.client("operations")
    client.get("/api/v1/me/")  # signed in before counting

    def add(count):
        for _ in range(count):
            waiting.append(scheduled(world.dealer, camry))

    serials = iter(range(200, 300))

    def assign():
        order = waiting.pop()
        response = client.post(
            f"/api/v1/orders/{order.reference}/assign-vin/", {"vin": vin_for(next(serials))}, format="json"
        )
        assert response.status_code == 200

    # ... including the dealer's active webhook endpoints the move's event is written for
    assert_constant_queries(assign, add, expected=20)


# assign-vins -----------------------------------------------------------------------------------


def _upload(world, content: bytes, caller="operations"):
    return world.client(caller).post(
        "/api/v1/orders/assign-vins/", {"file": SimpleUploadedFile("build.csv", content)}, format="multipart"
    )


def test_a_build_list_upload_answers_the_count(world, camry, order):  # noqa: F811
    second = scheduled(world.dealer, camry)
    content = "\r\n".join(
        [
            "reference,VIN,build date",
            f"{order.reference},{vin_for(40)},",
            f"{second.reference},{vin_for(41)},",
        ]
    ).encode("cp932")

    response = _upload(world, content)

    assert response.status_code == 200, response.content
    assert response.json() == {"assigned": 2, "unchanged": 0}
    assert set(Vehicle.objects.values_list("vin", flat=True)) >= {vin_for(40), vin_for(41)}


def test_a_bad_build_list_is_400_listing_each_row(world, order):
    snapshot = everything()
    content = (
        f"reference,VIN,build date\r\n{order.reference},{vin_for(42, letter='S')},\r\nNOPE,{vin_for(43)},\r\n"
    )

    response = _upload(world, content.encode())

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "build_list_invalid"
    assert list(error["fields"]) == ["line 2", "line 3"]
    assert [(d["line"], d["code"], d.get("position")) for d in error["details"]] == [
        (2, "invalid_vin", 11),
        (3, "unknown_order", None),
    ]
    assert everything() == snapshot


@pytest.mark.parametrize(
    ("data", "code"),
    [({}, "invalid"), ({"file": b"\x00\x01\x02binary"}, "file_not_csv")],
    ids=["no-file", "binary"],
)
def test_no_file_or_not_a_csv_is_400(world, data, code):
    body = {key: SimpleUploadedFile("x.csv", value) for key, value in data.items()}

    response = world.client("operations").post("/api/v1/orders/assign-vins/", body, format="multipart")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert "file" in response.json()["error"]["fields"]


def test_a_build_list_upload_runs_the_same_queries_for_3_rows_as_for_12(world, camry):  # noqa: F811
    # The session, checking and locking, then one UPDATE of the orders, one INSERT of their events,
    # one read of the dealers' active webhook endpoints (the outbox of the batch's events) and one
    # INSERT of the vehicles, whatever the number of rows (up to 500 per batch): 16 queries.
    client = world.client("operations")
    client.get("/api/v1/me/")  # signed in before counting

    for size, first_serial in ((3, 500), (12, 600)):
        listed = [scheduled(world.dealer, camry) for _ in range(size)]
        content = "\r\n".join(
            [
                "reference,VIN,build date",
                *(f"{o.reference},{vin_for(first_serial + i)}," for i, o in enumerate(listed)),
            ]
        ).encode()
        with assert_query_count(16):
            response = client.post(
                "/api/v1/orders/assign-vins/",
                {"file": SimpleUploadedFile("build.csv", content)},
                format="multipart",
            )
            assert response.status_code == 200
            assert response.json()["assigned"] == size


# vehicles/{vin}/ ---------------------------------------------------------------------------------


class TestVehicleReads:
    status = OrderStatus.SCHEDULED
    built = True

    def test_the_vehicle_shows_its_build_order_and_timeline(self, world):
        response = world.client("dealer_sales").get(f"/api/v1/vehicles/{world.vin}/")

        assert response.status_code == 200
        body = response.json()
        assert body["vin"] == world.vin
        assert body["order"] == {"reference": world.order.reference, "status": "built", "dealer": "TKY001"}
        assert (body["model"]["code"], body["model_year"], body["trim"]["code"], body["color"]["code"]) == (
            "CAMRY",
            2026,
            "CAMRY-26-XSE",
            "089",
        )
        assert body["plant"]["code"] == "TMMK"
        assert body["build_date"] == today().isoformat()
        assert [(e["source"], e["kind"], e["to_status"]) for e in body["timeline"]] == [
            ("order", "created", "draft"),
            ("order", "moved", "submitted"),
            ("order", "moved", "confirmed"),
            ("order", "moved", "scheduled"),
            ("order", "moved", "built"),
        ]
        assert body["timeline"][-1]["changes"]["vin"] == world.vin

    def test_the_vin_in_the_path_is_normalised(self, world):
        fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in world.vin)
        client = world.client("operations")

        for typed in (world.vin.lower(), fullwidth):
            response = client.get(f"/api/v1/vehicles/{typed}/")
            assert response.status_code == 200, typed
            assert response.json()["vin"] == world.vin

    def test_another_dealers_vehicle_is_404_like_a_missing_one_or_garbage(self, world):
        client = world.client("dealer_sales")

        theirs = client.get(f"/api/v1/vehicles/{vin_for(101)}/")
        missing = client.get(f"/api/v1/vehicles/{vin_for(555)}/")
        garbage = client.get("/api/v1/vehicles/not-a-vin/")

        assert theirs.status_code == missing.status_code == garbage.status_code == 404
        assert theirs.json() == missing.json() == garbage.json()

    # Each count includes one query for the vehicle's shipment events (its shipment is joined).
    @pytest.mark.parametrize(
        # +1: the shipment's events; +2: the compliance block (its requirements, and the route it names);
        # +3: the timeline's compliance milestones (inspections, documents, decisions).
        ("caller", "expected"),
        [("dealer_sales", 11), ("dealer_key", 8), ("operations", 12)],
    )
    def test_the_vehicle_detail_runs_a_constant_number_of_queries(self, world, caller, expected):
        from importorders.models import OrderEvent

        client = world.client(caller)
        client.get("/api/v1/me/")  # the key's facts cached, as in steady use

        def add(count):
            for _ in range(count):
                event = OrderEvent(order=world.order, kind="amended", changes={})
                event.actor_fill(TEST_ACTOR)
                event.save()

        assert_constant_queries(
            lambda: (
                client.get(f"/api/v1/vehicles/{world.vin}/").raise_for_status()
                if hasattr(client, "raise_for_status")
                else client.get(f"/api/v1/vehicles/{world.vin}/")
            ),
            add,
            expected=expected,
        )
