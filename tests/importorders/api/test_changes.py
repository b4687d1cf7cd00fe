"""The change-request API: each endpoint's permission suite, query counts, and every refused input."""

from __future__ import annotations

import datetime as dt

import pytest

from core.actors import Actor
from importorders.models import ChangeRequest, OrderStatus
from importorders.pipeline import order_cutoff
from importorders.services import changes
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.changes import everything, install_options, place
from tests.permissions import BY_THE_DEALER, DEALER_OWNED_READ, DealerOwnedSuite
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

MISSING_ORDER = "XXXX-XXXX"


def _ask(order, actor=TEST_ACTOR, **kwargs) -> ChangeRequest:
    values = {"color_code": "218", "option_codes": None, "reason": "The customer prefers black.", **kwargs}
    return changes.change_request_create(order=order, actor=actor, **values)


@pytest.fixture(autouse=True)
def orders(request, world, camry):  # noqa: F811
    """A confirmed order of each dealer; with `pending = True` on the class, a pending request on each."""
    install_options(camry)
    world.camry = camry
    world.order = place(world.dealer, camry)
    world.other_order = place(world.other_dealer, camry, customer_reference="OSK-CUST-9")
    if getattr(request.cls, "pending", False):
        world.change = _ask(world.order)
        world.other_change = _ask(world.other_order)
    return world


class ChangeSuite(DealerOwnedSuite):
    """The permission suite over TKY001's confirmed order (`world.order`)."""

    path = ""  # after change-requests/

    def url(self, world):
        return f"/api/v1/orders/{world.order.reference}/change-requests/{self.path}"

    def missing_url(self, world):
        return f"/api/v1/orders/{MISSING_ORDER}/change-requests/{self.path}"

    def snapshot(self, world):
        return everything()

    def own_marks(self, world):
        return [world.order.reference, "CUST-001"]

    def other_marks(self, world):
        return [world.other_order.reference, "OSK-CUST-9"]


class DecisionSuite(ChangeSuite):
    method = "post"
    pending = True

    def url(self, world):
        return f"/api/v1/orders/{world.order.reference}/change-requests/{world.change.pk}/{self.path}"

    def missing_url(self, world):
        return f"/api/v1/orders/{world.order.reference}/change-requests/999999999/{self.path}"


READ = DEALER_OWNED_READ
BY_OPERATIONS = {**READ, "dealer_sales": 403, "dealer_manager": 403, "dealer_key": 403, "compliance": 403}


class TestChangeRequestList(ChangeSuite):
    pending = True
    expected = READ


class TestChangeRequestCreate(ChangeSuite):
    method = "post"
    expected = {
        **BY_THE_DEALER,
        "dealer_sales": 201,
        "dealer_manager": 201,
        "dealer_key": 201,
    }

    def payload(self, world):
        return {"color": "218", "reason": "The customer prefers black."}


class TestChangeRequestDetail(DecisionSuite):
    method = "get"
    path = ""
    expected = READ


class TestChangeRequestApprove(DecisionSuite):
    path = "approve/"
    expected = BY_OPERATIONS


class TestChangeRequestRefuse(DecisionSuite):
    path = "refuse/"
    expected = BY_OPERATIONS

    def payload(self, world):
        return {"reason": "No black paint slots this month."}


class TestChangeRequestWithdraw(DecisionSuite):
    path = "withdraw/"
    expected = BY_THE_DEALER


# Asking ------------------------------------------------------------------------------------------


def _url(order, rest: str = "") -> str:
    return f"/api/v1/orders/{order.reference}/change-requests/{rest}"


def test_a_dealer_asks_and_reads_the_request_with_both_prices(world):
    client = world.client("dealer_sales")

    response = client.post(
        _url(world.order),
        {"color": "218", "options": ["PKG-NAV", "MUDGUARD"], "reason": "黒に変更したい"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    request = ChangeRequest.objects.get()
    assert body["id"] == request.pk
    assert (body["order"], body["status"]) == (world.order.reference, "pending")
    assert body["color_before"]["code"] == "089"
    assert body["color_after"] == {
        "code": "218",
        "name_ja": request.color_after.name_ja,
        "name_en": "Midnight Black",
    }
    assert (body["options_before"], body["options_after"]) == (["PKG-NAV"], ["PKG-NAV", "MUDGUARD"])
    assert body["price_before_total_jpy"] == int(world.order.price_total_jpy)
    assert body["price_after_total_jpy"] == int(request.price_after_total_jpy)
    assert body["price_difference_jpy"] == body["price_after_total_jpy"] - body["price_before_total_jpy"]
    assert body["priced_on"] == today().isoformat()
    assert body["price_after_lines"][-1]["code"] == "total"
    assert body["requested_by"] == {"kind": "user", "label": "tky-sales"}
    assert (body["decided_by"], body["decided_at"], body["decision_reason"]) == (None, None, "")
    assert body["created_at"].endswith("+09:00")
    listed = client.get(_url(world.order)).json()
    assert listed["results"] == [body]
    assert client.get(_url(world.order, f"{request.pk}/")).json() == body


def test_the_dealer_sees_who_decided_by_kind_only(world):
    _ask(world.order)
    request = ChangeRequest.objects.get()
    world.client("operations").post(
        _url(world.order, f"{request.pk}/refuse/"), {"reason": "No."}, format="json"
    )

    seen_by_dealer = world.client("dealer_sales").get(_url(world.order, f"{request.pk}/")).json()
    seen_by_ops = world.client("operations").get(_url(world.order, f"{request.pk}/")).json()

    assert seen_by_dealer["decided_by"] == {"kind": "user", "label": "Importer staff"}
    assert seen_by_ops["decided_by"] == {"kind": "user", "label": "ops"}
    assert (seen_by_dealer["status"], seen_by_dealer["decision_reason"]) == ("refused", "No.")


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"trim": "CAMRY-26-LE", "reason": "x"}, "trim", "invalid"),
        ({"color": "218"}, "reason", "invalid"),
        ({"color": "218", "reason": "   "}, "reason", "invalid"),
        ({"color": "218", "reason": "x" * 2001}, "reason", "invalid"),
        ({"options": ["PKG-NAV", "ROOF"], "reason": "x"}, "options", "factory_option"),
        ({"options": ["MUDGUARD"], "reason": "x"}, "options", "factory_option"),
        ({"options": ["PKG-NAV", "RACK"], "reason": "x"}, "options", "configuration_invalid"),
        ({"color": "3U5", "reason": "x"}, "color", "configuration_invalid"),
        ({"color": "089", "reason": "x"}, "color", "no_change"),
        ({"reason": "x"}, "color", "no_change"),
        ({"options": "MUDGUARD", "reason": "x"}, "options", "invalid"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(world, body, field, code):
    snapshot = everything()

    response = world.client("dealer_manager").post(_url(world.order), body, format="json")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], field in error["fields"]) == (code, True), error
    assert everything() == snapshot


def test_a_factory_option_is_named_in_the_details(world):
    response = world.client("dealer_sales").post(
        _url(world.order), {"options": ["ROOF"], "reason": "x"}, format="json"
    )

    details = response.json()["error"]["details"]
    assert [(d["code"], d["option"]) for d in details] == [
        ("factory_option", "ROOF"),
        ("factory_option", "PKG-NAV"),
    ]
    assert "ROOF" in details[0]["message"]


def test_the_same_trim_may_be_named(world):
    response = world.client("dealer_sales").post(
        _url(world.order), {"trim": "CAMRY-26-XSE", "color": "218", "reason": "x"}, format="json"
    )

    assert response.status_code == 201, response.content


def test_after_the_cutoff_a_request_is_409_with_the_cutoff_and_writes_nothing(world, camry, clock):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SCHEDULED, week_in_days=40)
    cutoff = order_cutoff(order)
    clock.set(clock.now() + (cutoff - today()) + dt.timedelta(days=1))
    snapshot = everything()

    response = world.client("dealer_sales").post(_url(order), {"color": "218", "reason": "x"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "past_cutoff"
    assert response.json()["error"]["details"] == [{"code": "past_cutoff", "cutoff": cutoff.isoformat()}]
    assert everything() == snapshot


def test_a_second_pending_request_is_409(world):
    first = _ask(world.order)
    snapshot = everything()

    response = world.client("dealer_key").post(
        _url(world.order), {"options": ["PKG-NAV", "MUDGUARD"], "reason": "x"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["details"] == [
        {"code": "change_request_pending", "change_request": first.pk}
    ]
    assert everything() == snapshot


def test_a_draft_is_amended_not_changed_by_request(world, camry):  # noqa: F811
    draft = place(world.dealer, camry, OrderStatus.DRAFT)

    response = world.client("dealer_sales").post(_url(draft), {"color": "218", "reason": "x"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_changeable"


# Deciding ----------------------------------------------------------------------------------------


def test_a_request_is_addressed_under_its_own_order_only(world, camry):  # noqa: F811
    other = place(world.dealer, camry)
    request = _ask(world.order)

    under_other = world.client("operations").post(_url(other, f"{request.pk}/approve/"))
    theirs = world.client("other_dealer").get(_url(world.order, f"{request.pk}/"))
    missing = world.client("other_dealer").get(_url(world.order, "999999999/"))

    assert under_other.status_code == 404
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    request.refresh_from_db()
    assert request.status == "pending"


def test_approval_through_the_api_changes_the_order_and_its_timeline(world):
    request = _ask(world.order, Actor.for_user(world.users["dealer_sales"]))
    ops, dealer = world.client("operations"), world.client("dealer_sales")

    approved = ops.post(_url(world.order, f"{request.pk}/approve/"))
    again = ops.post(_url(world.order, f"{request.pk}/approve/"))
    order = dealer.get(f"/api/v1/orders/{world.order.reference}/").json()
    events = dealer.get(f"/api/v1/orders/{world.order.reference}/events/").json()["results"]

    assert approved.status_code == again.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json() == again.json()
    assert approved.json()["requested_by"] == {"kind": "user", "label": "tky-sales"}
    assert approved.json()["decided_by"] == {"kind": "user", "label": "ops"}
    assert order["color"] == "218"
    assert order["price_total_jpy"] == approved.json()["price_after_total_jpy"]
    assert [e["kind"] for e in events][-3:] == ["change_requested", "repriced", "change_approved"]
    assert events[-2]["changes"]["price_total_jpy"]["after"] == str(order["price_total_jpy"])
    assert events[-1]["changes"]["color"] == {"before": "089", "after": "218"}


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": "x" * 2001}])
def test_a_refusal_without_a_reason_is_400_and_writes_nothing(world, body):
    request = _ask(world.order)
    snapshot = everything()

    response = world.client("operations").post(
        _url(world.order, f"{request.pk}/refuse/"), body, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["reason"]
    assert everything() == snapshot


def test_approval_after_the_cutoff_is_409_with_the_cutoff(world, camry, clock):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SCHEDULED, week_in_days=40)
    request = _ask(order)
    cutoff = order_cutoff(order)
    clock.set(clock.now() + (cutoff - today()) + dt.timedelta(days=1))
    snapshot = everything()

    response = world.client("operations").post(_url(order, f"{request.pk}/approve/"))

    assert response.status_code == 409
    assert response.json()["error"]["details"] == [{"code": "past_cutoff", "cutoff": cutoff.isoformat()}]
    assert everything() == snapshot


def test_a_withdrawn_request_cannot_be_approved(world):
    request = _ask(world.order)
    world.client("dealer_manager").post(_url(world.order, f"{request.pk}/withdraw/"))
    snapshot = everything()

    response = world.client("operations").post(_url(world.order, f"{request.pk}/approve/"))

    assert response.status_code == 409
    assert response.json()["error"]["details"] == [{"code": "change_request_decided", "status": "withdrawn"}]
    assert everything() == snapshot


# Query counts ------------------------------------------------------------------------------------


def _decided(world, n: int) -> None:
    """`n` decided requests on the order (copies of one withdrawn request)."""
    base = _ask(world.order)
    changes.change_request_withdraw(change_request=base, actor=TEST_ACTOR)
    values = ChangeRequest.objects.filter(pk=base.pk).values().get()
    del values["id"]
    ChangeRequest.objects.bulk_create([ChangeRequest(**values) for _ in range(n - 1)])


def test_list_runs_a_constant_number_of_queries(world):
    client = world.client("dealer_manager")
    # session, user, membership, the order, the page (with colours and each actor's dealer)
    assert_constant_queries(lambda: client.get(_url(world.order)), lambda n: _decided(world, n), expected=5)


def test_detail_runs_a_constant_number_of_queries(world):
    request = _ask(world.order)
    client = world.client("operations")

    # session, user, membership, groups, the order, the request (with colours and each actor's dealer)
    assert_constant_queries(
        lambda: client.get(_url(world.order, f"{request.pk}/")),
        lambda n: [_ask(place(world.dealer, world.camry)) for _ in range(n)],
        expected=6,
    )
