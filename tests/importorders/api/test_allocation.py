"""allocations/ over REST: the permission suite for every endpoint, bad input, and query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from importorders.models import Allocation, AllocationEntry, Supply
from importorders.services import allocation as alloc
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced
from tests.clock import today
from tests.factories import TEST_ACTOR, DealerFactory
from tests.permissions import UNAUTHENTICATED, PermissionSuite
from tests.queries import assert_constant_queries


def next_month() -> dt.date:
    return (today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def month_text() -> str:
    return next_month().strftime("%Y-%m")


def publish(model, world, *, tokyo=6, osaka=4, published=True):
    supply = alloc.supply_set(
        vehicle_model=model, month=next_month(), actor=TEST_ACTOR, lines={None: tokyo + osaka}
    )
    alloc.allocation_propose(supply=supply, actor=TEST_ACTOR)
    alloc.allocation_override(
        supply=supply,
        actor=TEST_ACTOR,
        changes={world.dealer: tokyo, world.other_dealer: osaka},
        reason="split for the tests",
    )
    if published:
        alloc.allocation_publish(supply=supply, actor=TEST_ACTOR, deadline=today() + dt.timedelta(days=7))
    return Supply.objects.get(pk=supply.pk)


@pytest.fixture(autouse=True)
def months(world, camry):  # noqa: F811
    """Camry next month published (TKY001 6, OSK001 4); Tundra next month proposed, not published."""
    world.camry = camry
    world.supply = publish(camry.model, world)
    world.proposed = publish(camry.other_model, world, tokyo=3, osaka=2, published=False)


def everything():
    return (
        list(Allocation.objects.order_by("pk").values()),
        list(AllocationEntry.objects.order_by("pk").values()),
        list(Supply.objects.order_by("pk").values()),
    )


DEALERS_OWN = {
    **UNAUTHENTICATED,
    "other_dealer": 200,
    "dealer_sales": 200,
    "dealer_manager": 200,
    "dealer_key": 200,
    "other_dealer_key": 200,
}
DEALER_WRITES = {**DEALERS_OWN, "partner": 404, "operations": 403, "compliance": 403, "admin": 403}
STAFF_WRITES = {
    **UNAUTHENTICATED,
    "other_dealer": 403,
    "dealer_sales": 403,
    "dealer_manager": 403,
    "dealer_key": 403,
    "other_dealer_key": 403,
    "partner": 404,
    "operations": 200,
    "compliance": 403,
    "admin": 200,
}


class MonthSuite(PermissionSuite):
    path = ""
    model = "CAMRY"

    def url(self, world):
        return f"/api/v1/allocations/{self.model}/{month_text()}/{self.path}"

    def missing_url(self, world):
        return f"/api/v1/allocations/NOSUCH/{month_text()}/{self.path}"

    def snapshot(self, world):
        return everything()


class TestAllocationList(PermissionSuite):
    expected = {**DEALERS_OWN, "partner": 200, "operations": 200, "compliance": 200, "admin": 200}

    def url(self, world):
        return "/api/v1/allocations/"


class TestLedger(MonthSuite):
    path = "ledger/"
    expected = {**DEALERS_OWN, "partner": 404, "operations": 200, "compliance": 200, "admin": 200}


class TestAccept(MonthSuite):
    method = "post"
    path = "accept/"
    expected = DEALER_WRITES

    def payload(self, world):
        return {"units": 3}


class TestDecline(MonthSuite):
    method = "post"
    path = "decline/"
    expected = DEALER_WRITES

    def payload(self, world):
        return {"units": 1, "reason": "Showroom full"}


class TestRequest(MonthSuite):
    method = "post"
    path = "request/"
    expected = DEALER_WRITES

    def payload(self, world):
        return {"units": 2, "reason": "Fleet customer"}


class TestPublish(MonthSuite):
    method = "post"
    path = "publish/"
    model = "TUNDRA"
    # Not yet published: no dealer sees the month at all.
    expected = {
        **STAFF_WRITES,
        "other_dealer": 404,
        "dealer_sales": 404,
        "dealer_manager": 404,
        "dealer_key": 404,
        "other_dealer_key": 404,
    }

    def payload(self, world):
        return {"deadline": (today() + dt.timedelta(days=5)).isoformat()}


class TestOverride(MonthSuite):
    method = "post"
    path = "override/"
    expected = STAFF_WRITES

    def payload(self, world):
        return {
            "changes": [{"dealer": "TKY001", "units": 5}, {"dealer": "OSK001", "units": 5}],
            "reason": "Fleet",
        }


# --- what each endpoint answers ---------------------------------------------------------------


def test_a_dealer_lists_its_own_published_allocations_only(world):
    body = world.client("dealer_sales").get("/api/v1/allocations/").json()
    assert [(row["model"], row["dealer"], row["quota"]) for row in body["results"]] == [
        ("CAMRY", "TKY001", 6)
    ]
    staff = world.client("operations").get(f"/api/v1/allocations/?month={month_text()}&model=CAMRY").json()
    assert sorted((row["dealer"], row["quota"]) for row in staff["results"]) == [("OSK001", 4), ("TKY001", 6)]
    bad = world.client("operations").get("/api/v1/allocations/?month=2026-13")
    assert bad.status_code == 400


def test_the_ledger_sums_to_the_quota_and_names_the_override_reason(world):
    body = world.client("dealer_manager").get(f"/api/v1/allocations/CAMRY/{month_text()}/ledger/").json()
    lines = body["results"]
    assert {line["dealer"] for line in lines} == {"TKY001"}
    quota_kinds = {"proposal", "override", "decline", "redistribution", "import"}
    assert sum(line["units"] for line in lines if line["kind"] in quota_kinds) == 6
    override = next(line for line in lines if line["kind"] == "override")
    assert override["reason"] == "split for the tests"
    assert lines[0]["formula_version"] == 1
    # Another dealer's ledger is the same 404 as a month that does not exist.
    other = world.client("dealer_manager").get(
        f"/api/v1/allocations/CAMRY/{month_text()}/ledger/?dealer=OSK001"
    )
    missing = world.client("dealer_manager").get(f"/api/v1/allocations/NOSUCH/{month_text()}/ledger/")
    assert (other.status_code, other.json()) == (404, missing.json())


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("accept/", {"units": 7}, "units"),
        ("decline/", {"units": 7}, "units"),
        ("request/", {"units": 2, "reason": " "}, "reason"),
    ],
)
def test_bad_answers_are_400_and_write_nothing(world, path, payload, field):
    before = everything()
    response = world.client("dealer_sales").post(
        f"/api/v1/allocations/CAMRY/{month_text()}/{path}", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert everything() == before


def test_an_override_without_a_reason_or_that_no_longer_adds_up_is_400(world):
    ops = world.client("operations")
    url = f"/api/v1/allocations/CAMRY/{month_text()}/override/"
    before = everything()
    no_reason = ops.post(url, {"changes": [{"dealer": "TKY001", "units": 5}], "reason": " "}, format="json")
    off = ops.post(url, {"changes": [{"dealer": "TKY001", "units": 9}], "reason": "x"}, format="json")
    assert (no_reason.status_code, off.status_code) == (400, 400)
    assert everything() == before


def test_accepting_after_the_deadline_is_409(world, clock):
    clock.set(clock.now() + dt.timedelta(days=8))
    response = world.client("dealer_sales").post(
        f"/api/v1/allocations/CAMRY/{month_text()}/accept/", {"units": 6}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "deadline_passed"


def test_a_partial_accept_through_the_api_hands_the_rest_to_the_dealer_who_asked(world):
    url = f"/api/v1/allocations/CAMRY/{month_text()}/"
    asked = world.client("other_dealer").post(
        f"{url}request/", {"units": 2, "reason": "Launch"}, format="json"
    )
    accepted = world.client("dealer_sales").post(f"{url}accept/", {"units": 4}, format="json")
    assert (asked.status_code, accepted.status_code) == (200, 200)
    assert (accepted.json()["quota"], accepted.json()["accepted"], accepted.json()["declined"]) == (4, 4, 2)
    board = world.client("operations").post(
        f"{url}override/", {"changes": [{"dealer": "OSK001", "units": 6}], "reason": "no-op"}, format="json"
    )
    assert board.status_code == 200
    assert board.json()["supply"] == board.json()["allocated"] + board.json()["pool"] == 10
    assert {row["dealer"]: row["quota"] for row in board.json()["allocations"]} == {"OSK001": 6, "TKY001": 4}


# --- query counts ------------------------------------------------------------------------------


def test_the_allocation_list_runs_a_constant_number_of_queries(world):
    client = world.client("operations")
    assert_constant_queries(
        lambda: client.get("/api/v1/allocations/"),
        lambda n: [Allocation.objects.create(supply=world.supply, dealer=DealerFactory()) for _ in range(n)],
        expected=5,
    )


def test_the_ledger_runs_a_constant_number_of_queries(world):
    client = world.client("operations")
    allocation = Allocation.objects.get(supply=world.supply, dealer=world.dealer)

    def more_lines(n):
        for _ in range(n):
            alloc._entry(allocation, TEST_ACTOR, "publish")

    assert_constant_queries(
        lambda: client.get(f"/api/v1/allocations/CAMRY/{month_text()}/ledger/"), more_lines, expected=6
    )
