"""The orders API: every endpoint's permission suite, exact query counts, and each refused input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from core.actors import Actor
from importorders.api.filters import OrderFilter
from importorders.identity import caller_for_user
from importorders.models import Order, OrderEvent, OrderStatus
from importorders.selectors.orders import order_list
from importorders.services import orders as svc
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.allocating import allow
from tests.permissions import (
    BY_THE_DEALER,
    DEALER_OWNED_READ,
    EVERYONE_SIGNED_IN,
    UNAUTHENTICATED,
    DealerOwnedSuite,
)
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

MISSING = "XXXX-XXXX"  # never issued: the tests' orders are created fresh in each test


def month(offset: int = 1) -> dt.date:
    """The first day of the month `offset` months from this one (Japan)."""
    first = today().replace(day=1)
    year, index = divmod(first.month - 1 + offset, 12)
    return first.replace(year=first.year + year, month=index + 1)


def place(dealer, camry, status: str = OrderStatus.DRAFT, **overrides) -> Order:  # noqa: F811
    """An order of `dealer`, moved by the services to `status` (draft, submitted, confirmed, scheduled)."""
    changes = {
        "kind": "sold",
        "customer_reference": "CUST-001",
        "trim": camry.trim,
        "color_code": "089",
        "option_codes": ("PKG-NAV",),
        "requested_month": month(),
        **overrides,
    }
    order = svc.order_create(dealer=dealer, actor=TEST_ACTOR, changes=svc.OrderChanges(**changes))
    steps = [
        (OrderStatus.SUBMITTED, lambda o: allow(svc.order_submit(order=o, actor=TEST_ACTOR))),
        (OrderStatus.CONFIRMED, lambda o: svc.order_confirm(order=allow(o), actor=TEST_ACTOR)),
        (
            OrderStatus.SCHEDULED,
            lambda o: svc.order_schedule(order=o, actor=TEST_ACTOR, week=today() + dt.timedelta(days=60)),
        ),
    ]
    for reached, step in steps:
        if order.status == status:
            break
        order = step(order)
        assert order.status == reached
    assert order.status == status
    return order


@pytest.fixture(autouse=True)
def orders(request, world, camry):  # noqa: F811
    """One order of each dealer, at the status the test class names (default: draft)."""
    status = getattr(request.cls, "status", OrderStatus.DRAFT)
    world.order = place(world.dealer, camry, status)
    world.other_order = place(world.other_dealer, camry, status, customer_reference="OSK-CUST-9")
    world.camry = camry
    return world


def everything() -> tuple[list, list]:
    """Every order and event row, as a refused call must leave them."""
    return (
        list(Order.objects.order_by("pk").values()),
        list(OrderEvent.objects.order_by("pk").values()),
    )


class OrderSuite(DealerOwnedSuite):
    """The permission suite over one order of TKY001 (`world.order`); OSK001 has its own."""

    path = ""  # after orders/{reference}/

    def url(self, world):
        return f"/api/v1/orders/{world.order.reference}/{self.path}"

    def missing_url(self, world):
        return f"/api/v1/orders/{MISSING}/{self.path}"

    def snapshot(self, world):
        return everything()

    def own_marks(self, world):
        return [world.order.reference, "CUST-001"]

    def other_marks(self, world):
        return [world.other_order.reference, "OSK-CUST-9"]


# Who may read an order, and who makes which move (404 before 403 for every caller).
READ = DEALER_OWNED_READ
BY_OPERATIONS = {**READ, "dealer_sales": 403, "dealer_manager": 403, "dealer_key": 403, "compliance": 403}


class TestOrderList(OrderSuite):
    expected = {**UNAUTHENTICATED, **EVERYONE_SIGNED_IN, "other_dealer_key": 200}

    def url(self, world):
        return "/api/v1/orders/"


class TestOrderCreate(OrderSuite):
    method = "post"
    expected = {
        **UNAUTHENTICATED,
        "other_dealer": 201,
        "other_dealer_key": 201,
        "dealer_sales": 201,
        "dealer_manager": 201,
        "dealer_key": 201,
        "partner": 403,
        "operations": 403,
        "compliance": 403,
        "admin": 403,
    }

    def url(self, world):
        return "/api/v1/orders/"

    def payload(self, world):
        # A `dealer` in the body names the other dealer: it must be ignored (the secrets prove it).
        return {
            "kind": "stock",
            "trim": "CAMRY-26-XSE",
            "color": "218",
            "options": ["MUDGUARD"],
            "requested_month": month(2).strftime("%Y-%m"),
            "dealer": world.other_dealer.code,
        }


class TestOrderDetail(OrderSuite):
    expected = READ


class TestOrderAmend(OrderSuite):
    method = "patch"
    expected = BY_THE_DEALER

    def payload(self, world):
        return {"notes": "ETC車載器を取り付け", "priority": 5}


class TestOrderSubmit(OrderSuite):
    method = "post"
    path = "submit/"
    expected = BY_THE_DEALER


class TestOrderCancel(OrderSuite):
    method = "post"
    path = "cancel/"
    expected = BY_THE_DEALER

    def payload(self, world):
        return {"reason": "The customer withdrew."}


class TestOrderConfirm(OrderSuite):
    method = "post"
    path = "confirm/"
    status = OrderStatus.SUBMITTED
    expected = BY_OPERATIONS


class TestOrderReject(OrderSuite):
    method = "post"
    path = "reject/"
    status = OrderStatus.SUBMITTED
    expected = BY_OPERATIONS

    def payload(self, world):
        return {"reason": "No allocation for this model this month."}


class TestOrderSchedule(OrderSuite):
    method = "post"
    path = "schedule/"
    status = OrderStatus.CONFIRMED
    expected = BY_OPERATIONS

    def payload(self, world):
        return {"week": (today() + dt.timedelta(days=45)).isoformat()}


class TestOrderEvents(OrderSuite):
    path = "events/"
    expected = READ


# Reading -----------------------------------------------------------------------------------------


def _references(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["reference"] for row in response.json()["results"]]


def test_a_list_row_shows_the_order_with_times_in_japan(world):
    response = world.client("dealer_sales").get("/api/v1/orders/")

    order = world.order
    assert response.json()["results"] == [
        {
            "reference": order.reference,
            "dealer": "TKY001",
            "status": "draft",
            "kind": "sold",
            "model": "CAMRY",
            "trim": "CAMRY-26-XSE",
            "color": "089",
            "requested_month": month().strftime("%Y-%m"),
            "priority": 100,
            "customer_reference": "CUST-001",
            "price_total_jpy": None,
            "created_at": order.created_at.astimezone(dt.timezone(dt.timedelta(hours=9))).isoformat(),
            "status_changed_at": order.status_changed_at.astimezone(
                dt.timezone(dt.timedelta(hours=9))
            ).isoformat(),
        }
    ]
    assert response.json()["results"][0]["created_at"].endswith("+09:00")


def test_back_office_lists_every_dealers_orders_newest_first(world, camry, clock):  # noqa: F811
    clock.advance(minutes=1)
    newest = place(world.other_dealer, camry)

    references = _references(world.client("operations").get("/api/v1/orders/"))

    assert references == [newest.reference, world.other_order.reference, world.order.reference]


def test_the_list_pages_with_cursors(world, camry, clock):  # noqa: F811
    for _ in range(3):
        clock.advance(seconds=1)
        place(world.dealer, camry)
    client = world.client("dealer_manager")

    first = client.get("/api/v1/orders/?page_size=2").json()
    second = client.get(first["next"]).json()

    seen = [row["reference"] for row in first["results"] + second["results"]]
    expected = list(Order.objects.filter(dealer=world.dealer).order_by("-created_at", "-id"))
    assert seen == [order.reference for order in expected]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("status=draft", ["draft"]),
        ("status=submitted&status=confirmed", ["confirmed", "submitted"]),
        ("status=cancelled", []),
        ("model=CAMRY", ["confirmed", "draft", "submitted"]),
        ("model=TUNDRA", []),
        ("model=NOSUCH", []),
        ("kind=stock", ["submitted"]),
        ("kind=sold", ["confirmed", "draft"]),
        ("month=NEXT", ["confirmed", "draft"]),
        ("month=LATER", ["submitted"]),
        ("q=REF", ["draft"]),
        ("q=ref", ["draft"]),
        ("q=REFNOHYPHEN", ["draft"]),
        ("q=STOCK-", ["submitted"]),
        ("q=CUST-0", ["confirmed", "draft"]),
        ("q=CUST-002", ["confirmed"]),
        ("q=cust-002", ["confirmed"]),  # the customer reference in any case, as the portal's search
        ("q=nothing", []),
        ("status=draft&kind=stock", []),
    ],
)
def test_filters(world, camry, query, matches):  # noqa: F811
    place(
        world.dealer,
        camry,
        OrderStatus.SUBMITTED,
        kind="stock",
        customer_reference="STOCK-7",
        requested_month=month(3),
    )
    place(world.dealer, camry, OrderStatus.CONFIRMED, customer_reference="CUST-002")
    query = (
        query.replace("REFNOHYPHEN", world.order.reference.replace("-", "").lower())
        .replace("REF", world.order.reference)
        .replace("ref", world.order.reference.lower())
        .replace("NEXT", month().strftime("%Y-%m"))
        .replace("LATER", month(3).strftime("%Y-%m"))
    )

    response = world.client("dealer_sales").get(f"/api/v1/orders/?{query}")

    assert response.status_code == 200, response.content
    assert sorted(row["status"] for row in response.json()["results"]) == matches


def test_filtering_on_another_dealers_reference_looks_like_filtering_on_nothing(world):
    client = world.client("dealer_sales")

    theirs = client.get(f"/api/v1/orders/?q={world.other_order.reference}")
    nothing = client.get(f"/api/v1/orders/?q={MISSING}")

    assert theirs.status_code == nothing.status_code == 200
    assert theirs.json() == nothing.json() == {"next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("month=2027-13", "month"),
        ("month=2027-3", "month"),
        ("month=0000-01", "month"),
        ("month=March", "month"),
        ("status=lost", "status"),
        ("kind=lease", "kind"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_it(world, query, field):
    response = world.client("operations").get(f"/api/v1/orders/?{query}")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_reference_is_found_in_lower_case_and_without_its_hyphen(world):
    client = world.client("dealer_key")
    reference = world.order.reference

    for typed in (
        reference,
        reference.lower(),
        reference.replace("-", ""),
        reference.replace("-", "").lower(),
    ):
        response = client.get(f"/api/v1/orders/{typed}/")
        assert response.status_code == 200, typed
        assert response.json()["reference"] == reference


def test_another_dealers_order_is_404_exactly_like_a_missing_one(world):
    client = world.client("dealer_sales")

    theirs = client.get(f"/api/v1/orders/{world.other_order.reference}/")
    missing = client.get(f"/api/v1/orders/{MISSING}/")
    garbage = client.get("/api/v1/orders/not-a-reference/")

    assert theirs.status_code == missing.status_code == garbage.status_code == 404
    assert theirs.json() == missing.json() == garbage.json()


def test_the_detail_shows_the_build_the_price_and_the_moves_each_caller_may_make(world):
    order = svc.order_submit(order=world.order, actor=TEST_ACTOR)

    body = world.client("dealer_manager").get(f"/api/v1/orders/{order.reference}/").json()

    assert body["configuration"] == {
        "model": {"code": "CAMRY", "name_ja": "カムリ", "name_en": "Camry"},
        "model_year": 2026,
        "trim": {"code": "CAMRY-26-XSE", "name_ja": order.trim.name_ja, "name_en": order.trim.name_en},
        "color": {"code": "089", "name_ja": order.color.name_ja, "name_en": "Wind Chill Pearl"},
        "options": ["PKG-NAV"],
    }
    lines = {line["code"]: line for line in body["price_lines"]}
    assert lines["total"]["amount_jpy"] == body["price_total_jpy"] == int(order.price_total_jpy)
    assert lines["option:DASHCAM"]["amount_usd"] == "0.00"  # included by the package: listed, not charged
    assert body["priced_on"] == today().isoformat()
    assert (body["fx_rate"], body["production_week"], body["change_cutoff"]) == (None, None, None)
    assert body["allowed_moves"] == ["cancel"]
    for caller, moves in [
        ("operations", ["confirm", "reject"]),
        ("admin", ["confirm", "reject"]),
        ("compliance", []),
    ]:
        detail = world.client(caller).get(f"/api/v1/orders/{order.reference}/").json()
        assert detail["allowed_moves"] == moves, caller


def test_a_scheduled_order_shows_its_cutoff_and_cannot_be_cancelled_after_it(world, clock):
    order = svc.order_confirm(
        order=allow(svc.order_submit(order=world.order, actor=TEST_ACTOR)), actor=TEST_ACTOR
    )
    order = svc.order_schedule(order=order, actor=TEST_ACTOR, week=today() + dt.timedelta(days=40))
    cutoff = order.production_week - dt.timedelta(days=21)
    client = world.client("dealer_sales")

    before = client.get(f"/api/v1/orders/{order.reference}/").json()
    clock.set(clock.now() + (cutoff - today()) + dt.timedelta(days=1))
    after = client.get(f"/api/v1/orders/{order.reference}/").json()
    snapshot = everything()
    refused = client.post(f"/api/v1/orders/{order.reference}/cancel/", {"reason": "Too late?"}, format="json")

    assert before["change_cutoff"] == after["change_cutoff"] == cutoff.isoformat()
    assert (before["allowed_moves"], after["allowed_moves"]) == (["cancel"], [])
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "past_cutoff"
    assert refused.json()["error"]["details"] == [{"code": "past_cutoff", "cutoff": cutoff.isoformat()}]
    assert everything() == snapshot


# Writing -----------------------------------------------------------------------------------------


def _create_body(**overrides) -> dict:
    return {
        "kind": "sold",
        "customer_reference": "山田様",
        "trim": "CAMRY-26-XSE",
        "color": "089",
        "options": ["PKG-NAV"],
        "requested_month": month().strftime("%Y-%m"),
        **overrides,
    }


def test_a_dealer_creates_a_draft_for_itself_whatever_the_body_says(world):
    before = Order.objects.count()

    response = world.client("dealer_key").post(
        "/api/v1/orders/",
        _create_body(dealer="OSK001", status="confirmed", reference="K7M3-9QPX", price_total_jpy=1),
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get(reference=body["reference"])
    assert (order.dealer, order.status, order.price_total_jpy) == (world.dealer, "draft", None)
    assert body["dealer"] == "TKY001"
    assert body["allowed_moves"] == ["submit", "cancel"]
    assert response["Location"] == f"http://testserver/api/v1/orders/{order.reference}/"
    assert Order.objects.count() == before + 1
    event = order.events.get()
    assert (event.kind, event.actor_kind, event.actor_ref) == (
        "created",
        "dealer_key",
        world.keys["dealer_key"][:8],
    )


def test_a_broken_configuration_is_a_400_naming_every_rule_and_writes_nothing(world):
    snapshot = everything()

    response = world.client("dealer_sales").post(
        "/api/v1/orders/", _create_body(options=["ROOF", "RACK"]), format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "configuration_invalid"
    assert sorted(detail["code"] for detail in error["details"]) == [
        "excluded_option",
        "missing_required_option",
    ]
    assert list(error["fields"]) == ["options"]
    assert everything() == snapshot


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"requested_month": "2027-13"}, "requested_month"),
        ({"requested_month": "2027-03-01"}, "requested_month"),
        ({"requested_month": "next month"}, "requested_month"),
        ({"requested_month": "PAST"}, "requested_month"),
        ({"customer_reference": ""}, "customer_reference"),
        ({"customer_reference": "   "}, "customer_reference"),
        ({"kind": "lease"}, "kind"),
        ({"trim": "NO-SUCH-TRIM"}, "trim"),
        ({"trim": "TUNDRA-BEDLINER"}, "trim"),
        ({"color": "3U5"}, "color"),
        ({"options": ["BEDLINER"]}, "options"),
        ({"priority": -1}, "priority"),
        ({"notes": "x" * 2001}, "notes"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(world, overrides, field):
    if overrides.get("requested_month") == "PAST":
        overrides["requested_month"] = month(-1).strftime("%Y-%m")
    snapshot = everything()

    response = world.client("dealer_manager").post(
        "/api/v1/orders/", _create_body(**overrides), format="json"
    )

    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [field]
    assert everything() == snapshot


def test_a_missing_body_names_every_required_field(world):
    response = world.client("dealer_sales").post("/api/v1/orders/", {}, format="json")

    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == ["color", "kind", "requested_month", "trim"]


def test_the_back_office_cannot_place_an_order_without_a_dealer(world):
    snapshot = everything()

    response = world.client("operations").post(
        "/api/v1/orders/", _create_body(dealer="TKY001"), format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "permission_denied",
        "message": "Orders are placed by a dealer's people or its integration key.",
        "fields": {},
    }
    assert everything() == snapshot


def test_an_amendment_changes_only_what_is_sent_and_is_recorded(world):
    client = world.client("dealer_sales")

    response = client.patch(
        f"/api/v1/orders/{world.order.reference.lower()}/",
        {
            "options": ["PKG-NAV", "MUDGUARD"],
            "requested_month": month(2).strftime("%Y-%m"),
            "dealer": "OSK001",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["configuration"]["options"] == ["PKG-NAV", "MUDGUARD"]
    assert (body["requested_month"], body["customer_reference"], body["dealer"]) == (
        month(2).strftime("%Y-%m"),
        "CUST-001",
        "TKY001",
    )
    event = world.order.events.get(kind="amended")
    assert set(event.changes) == {"option_codes", "requested_month"}
    assert event.actor_user == world.users["dealer_sales"]


def test_turning_a_stock_order_sold_needs_a_customer_reference(world, camry):  # noqa: F811
    order = place(world.dealer, camry, kind="stock", customer_reference="")
    snapshot = everything()

    response = world.client("dealer_sales").patch(
        f"/api/v1/orders/{order.reference}/", {"kind": "sold"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["customer_reference"]
    assert everything() == snapshot


def test_a_confirmed_order_is_not_amended(world):
    order = svc.order_confirm(
        order=allow(svc.order_submit(order=world.order, actor=TEST_ACTOR)), actor=TEST_ACTOR
    )
    snapshot = everything()

    response = world.client("dealer_manager").patch(
        f"/api/v1/orders/{order.reference}/", {"notes": "x"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_amendable"
    assert everything() == snapshot


def test_the_write_order_is_404_then_403_then_400(world):
    # Bad input from a caller who may not see the order: 404; from one who may not write: 403.
    bad = {"requested_month": "2027-13", "kind": "lease"}
    reference = world.order.reference

    assert (
        world.client("other_dealer").patch(f"/api/v1/orders/{reference}/", bad, format="json").status_code
        == 404
    )
    assert (
        world.client("operations").patch(f"/api/v1/orders/{reference}/", bad, format="json").status_code
        == 403
    )
    assert world.client("dealer_sales").post(f"/api/v1/orders/{reference}/confirm/").status_code == 403
    assert (
        world.client("operations").post(f"/api/v1/orders/{reference}/reject/", {}, format="json").status_code
        == 400
    )


def test_a_move_the_status_forbids_is_409_in_the_callers_language_and_changes_nothing(world):
    snapshot = everything()
    url = f"/api/v1/orders/{world.order.reference}/confirm/"

    english = world.client("operations").post(url)
    japanese = world.client("operations").post(url, HTTP_ACCEPT_LANGUAGE="ja")

    assert english.status_code == japanese.status_code == 409
    assert english.json()["error"] == {
        "code": "move_not_allowed",
        "message": "The order's status is draft: it cannot be confirmed.",
        "fields": {},
        "details": [{"code": "move_not_allowed", "status": "draft", "move": "confirm"}],
    }
    assert japanese.json()["error"]["message"] == "この注文のステータスは「下書き」のため、確定はできません。"
    assert everything() == snapshot


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 2001}])
def test_a_rejection_needs_a_reason(world, camry, body):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    snapshot = everything()

    response = world.client("operations").post(
        f"/api/v1/orders/{order.reference}/reject/", body, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["reason"]
    assert everything() == snapshot


@pytest.mark.parametrize("week", ["PAST", "2027-02-30", "1999-12-27", "next week", None])
def test_a_schedule_needs_a_week_to_come(world, camry, week):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.CONFIRMED)
    if week == "PAST":
        week = (today() - dt.timedelta(days=7)).isoformat()
    snapshot = everything()

    response = world.client("operations").post(
        f"/api/v1/orders/{order.reference}/schedule/", {} if week is None else {"week": week}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["week"]
    assert everything() == snapshot


def test_scheduling_again_is_a_repeat_for_the_same_week_and_409_for_another(world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SCHEDULED)
    url = f"/api/v1/orders/{order.reference}/schedule/"
    client = world.client("operations")
    snapshot = everything()

    same = client.post(
        url, {"week": (order.production_week + dt.timedelta(days=2)).isoformat()}, format="json"
    )
    other = client.post(
        url, {"week": (order.production_week + dt.timedelta(days=7)).isoformat()}, format="json"
    )

    assert same.status_code == 200
    assert other.status_code == 409
    assert other.json()["error"]["details"] == [
        {"code": "already_scheduled", "production_week": order.production_week.isoformat()}
    ]
    assert everything() == snapshot


def test_the_pipeline_through_the_api(world):
    dealer, ops = world.client("dealer_sales"), world.client("operations")
    url = f"/api/v1/orders/{world.order.reference}/"
    week = today() + dt.timedelta(days=50)

    submitted = dealer.post(f"{url}submit/").json()
    allow(world.order)
    again = dealer.post(f"{url}submit/")  # an exact repeat: the same answer, no new event
    confirmed = ops.post(f"{url}confirm/").json()
    scheduled = ops.post(f"{url}schedule/", {"week": week.isoformat()}, format="json").json()
    cancelled = dealer.post(f"{url}cancel/", {"reason": "The customer withdrew."}, format="json").json()

    assert (submitted["status"], again.json()["status"], confirmed["status"]) == (
        "submitted",
        "submitted",
        "confirmed",
    )
    assert submitted["price_total_jpy"] > 0
    assert confirmed["fx_rate"] == "152.3400"
    assert scheduled["production_week"] == (week - dt.timedelta(days=week.weekday())).isoformat()
    assert (cancelled["status"], cancelled["allowed_moves"]) == ("cancelled", [])
    moves = list(world.order.events.filter(kind="moved").values_list("to_status", flat=True))
    assert moves == ["submitted", "confirmed", "scheduled", "cancelled"]


# The timeline ------------------------------------------------------------------------------------


def test_the_timeline_names_the_dealers_own_people_and_only_the_kind_of_anyone_else(world):
    order = world.order
    sales, ops = world.client("dealer_sales"), world.client("operations")
    sales.post(f"/api/v1/orders/{order.reference}/submit/")
    ops.post(f"/api/v1/orders/{order.reference}/reject/", {"reason": "No allocation."}, format="json")

    seen_by_dealer = sales.get(f"/api/v1/orders/{order.reference}/events/").json()["results"]
    seen_by_ops = ops.get(f"/api/v1/orders/{order.reference}/events/").json()["results"]

    assert [(e["kind"], e["from_status"], e["to_status"]) for e in seen_by_dealer] == [
        ("created", None, "draft"),
        ("moved", "draft", "submitted"),
        ("moved", "submitted", "rejected"),
    ]
    assert [e["actor"] for e in seen_by_dealer] == [
        {"kind": "system", "label": "test-suite"},
        {"kind": "user", "label": "tky-sales"},
        {"kind": "user", "label": "Importer staff"},
    ]
    assert [e["actor"]["label"] for e in seen_by_ops] == ["test-suite", "tky-sales", "ops"]
    rejected = seen_by_dealer[2]
    assert rejected["reason"] == "No allocation."
    assert rejected["at"].endswith("+09:00")
    submitted_changes = seen_by_dealer[1]["changes"]
    assert set(submitted_changes) == {"price_total_jpy"}
    text = str(seen_by_dealer)
    ops_user = world.users["operations"]
    for secret in (ops_user.email, f"'{ops_user.pk}'", "'ops'"):
        assert secret not in text


def test_a_partner_key_actor_is_shown_to_a_dealer_by_its_kind(world):
    _event(
        world.order, Actor.for_key(kind="partner_key", prefix="pABCDEFG", label="Pacific RoRo Lines (edi)")
    )

    events = (
        world.client("dealer_key").get(f"/api/v1/orders/{world.order.reference}/events/").json()["results"]
    )

    assert events[-1]["actor"] == {"kind": "partner_key", "label": "Logistics partner"}


# Query counts ------------------------------------------------------------------------------------


def _event(order: Order, actor: Actor) -> OrderEvent:
    event = OrderEvent(
        order=order, kind=OrderEvent.Kind.AMENDED, changes={"notes": {"before": "", "after": "x"}}
    )
    event.actor_fill(actor)
    event.save()
    return event


def _many_events(world, n: int) -> None:
    actors = [
        Actor.for_user(world.users["dealer_sales"]),
        Actor.for_user(world.users["operations"]),
        Actor.for_key(kind="dealer_key", prefix="dAAAAAAA", label="Tokyo Motors (dms)"),
        TEST_ACTOR,
    ]
    for index in range(n):
        _event(world.order, actors[index % len(actors)])


def test_list_runs_a_constant_number_of_queries(world, camry):  # noqa: F811
    client = world.client("operations")
    client.get("/api/v1/me/")

    # session, user, membership, groups, orders page (with dealer, trim, model year, model, colour)
    assert_constant_queries(
        lambda: client.get("/api/v1/orders/?status=draft&model=CAMRY"),
        lambda n: [place(world.dealer if i % 2 else world.other_dealer, camry) for i in range(n)],
        expected=5,
    )


def test_key_list_runs_a_constant_number_of_queries(world, camry):  # noqa: F811
    client = world.client("dealer_key")
    client.get("/api/v1/orders/")

    # the orders page only: the key's facts are cached and its use was just recorded
    assert_constant_queries(
        lambda: client.get("/api/v1/orders/"),
        lambda n: [place(world.dealer, camry) for _ in range(n)],
        expected=1,
    )


def test_detail_runs_a_constant_number_of_queries(world, camry):  # noqa: F811
    client = world.client("dealer_manager")
    url = f"/api/v1/orders/{world.order.reference}/"

    # session, user, membership, the order (with its dealer, trim, model year, model, colour)
    assert_constant_queries(
        lambda: client.get(url),
        lambda n: (_many_events(world, n), [place(world.dealer, camry) for _ in range(n)]),
        expected=4,
    )


def test_events_run_a_constant_number_of_queries(world):
    client = world.client("dealer_manager")
    url = f"/api/v1/orders/{world.order.reference}/events/"

    # session, user, membership, the order, the events page (with each acting user's dealer)
    assert_constant_queries(lambda: client.get(url), lambda n: _many_events(world, n), expected=5)


# Indexes -----------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
@pytest.mark.parametrize("caller", ["dealer_sales", "operations"])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": ["submitted", "confirmed"]},
        {"model": "CAMRY"},
        {"status": ["confirmed"], "model": "CAMRY"},
        {"month": "MONTH"},
        {"kind": "stock"},
        {"q": "REF"},
        {"q": "CUST"},
    ],
)
def test_every_filter_uses_an_index(world, caller, query):
    placeholders = {"MONTH": month().strftime("%Y-%m"), "REF": world.order.reference}
    data = {
        key: placeholders.get(value, value) if isinstance(value, str) else value
        for key, value in query.items()
    }
    filterset = OrderFilter(data, queryset=order_list(caller=caller_for_user(world.users[caller])))
    assert filterset.is_valid(), filterset.errors
    sql, params = filterset.qs[:51].query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")

    assert "DISTINCT" not in sql  # a page is never sorted on every column to drop duplicates
    assert "importorders_order" in plan
    assert "Seq Scan on importorders_order" not in plan, plan
