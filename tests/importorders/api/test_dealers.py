"""GET dealers/, GET|PATCH dealers/{code}/: scoping, roles, leaks and query counts."""

import pytest
from django.db import connection

from importorders.models import Dealer
from tests.factories import DealerFactory, dealer_user
from tests.permissions import EVERYONE_SIGNED_IN, UNAUTHENTICATED, PermissionSuite
from tests.queries import assert_constant_queries, assert_query_count

pytestmark = pytest.mark.django_db


class TestDealerList(PermissionSuite):
    expected = {**UNAUTHENTICATED, **EVERYONE_SIGNED_IN}

    def url(self, world):
        return "/api/v1/dealers/"


class TestDealerDetail(PermissionSuite):
    expected = {
        **UNAUTHENTICATED,
        "other_dealer": 404,
        "other_dealer_key": 404,
        "dealer_sales": 200,
        "dealer_manager": 200,
        "dealer_key": 200,
        "partner": 404,
        "operations": 200,
        "compliance": 200,
        "admin": 200,
    }

    def url(self, world):
        return f"/api/v1/dealers/{world.dealer.code}/"

    def missing_url(self, world):
        return "/api/v1/dealers/NOSUCH/"


class TestDealerUpdate(PermissionSuite):
    method = "patch"
    expected = {
        **UNAUTHENTICATED,
        "other_dealer": 404,
        "other_dealer_key": 404,
        "dealer_sales": 403,
        "dealer_manager": 403,
        "dealer_key": 403,
        "partner": 404,
        "operations": 200,
        "compliance": 403,
        "admin": 200,
    }

    def url(self, world):
        return f"/api/v1/dealers/{world.dealer.code}/"

    def missing_url(self, world):
        return "/api/v1/dealers/NOSUCH/"

    def payload(self, world):
        return {"phone": "03-1234-5678"}

    def snapshot(self, world):
        return list(Dealer.objects.order_by("pk").values())


def _codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


def test_back_office_lists_every_dealer_in_code_order(world):
    response = world.client("operations").get("/api/v1/dealers/")

    assert _codes(response) == ["OSK001", "TKY001"]
    assert response.json()["results"][1] == {
        "code": "TKY001",
        "name_ja": "東京モータース",
        "name_en": "Tokyo Motors",
        "prefecture": "13",
        "prefecture_name": "Tokyo",
        "address": "東京都港区芝浦1-1-1",
        "phone": "",
        "active": True,
    }


@pytest.mark.parametrize("caller", ["dealer_sales", "dealer_manager", "dealer_key"])
def test_dealer_people_and_keys_list_only_their_dealer(world, caller):
    assert _codes(world.client(caller).get("/api/v1/dealers/")) == ["TKY001"]


def test_a_partner_sees_no_dealers(world):
    assert _codes(world.client("partner").get("/api/v1/dealers/")) == []


def test_filter_on_another_prefecture_reveals_nothing_to_a_dealer(world):
    # OSK001 is in Osaka (27): filtering on it must look exactly like filtering on an empty one.
    client = world.client("dealer_sales")

    osaka = client.get("/api/v1/dealers/?prefecture=27")
    hokkaido = client.get("/api/v1/dealers/?prefecture=01")

    assert osaka.status_code == hokkaido.status_code == 200
    assert osaka.json() == hokkaido.json() == {"next": None, "previous": None, "results": []}


def test_invalid_filter_value_is_a_400_naming_the_field(world):
    response = world.client("operations").get("/api/v1/dealers/?prefecture=99")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["prefecture"]


def test_detail_shows_people_to_dealer_staff_and_keys_only_to_managers(world):
    sales = world.client("dealer_sales").get("/api/v1/dealers/TKY001/").json()
    manager = world.client("dealer_manager").get("/api/v1/dealers/TKY001/").json()

    assert [p["username"] for p in sales["people"]] == ["tky-manager", "tky-sales"]
    assert sales["api_keys"] == []
    assert sorted(k["name"] for k in manager["api_keys"]) == ["dms", "expired", "old"]
    assert {k["name"]: (k["revoked"], k["has_expired"]) for k in manager["api_keys"]} == {
        "dms": (False, False),
        "expired": (False, True),
        "old": (True, False),
    }


def test_detail_never_shows_a_key_or_its_hash(world):
    body = world.client("operations").get("/api/v1/dealers/TKY001/").content.decode()

    assert world.keys["dealer_key"] not in body
    assert "hashed_key" not in body
    assert world.keys["dealer_key"].split(".")[1] not in body


def test_operations_update_is_validated_and_recorded_in_history(world):
    client = world.client("operations")

    bad = client.patch("/api/v1/dealers/TKY001/", {"prefecture": "99", "phone": "x"}, format="json")
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["prefecture"]

    ok = client.patch("/api/v1/dealers/TKY001/", {"address": "東京都品川区1-2-3"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["address"] == "東京都品川区1-2-3"
    dealer = Dealer.objects.get(code="TKY001")
    assert dealer.history.count() == 2
    assert dealer.history.first().history_user == world.users["operations"]


def test_code_cannot_be_changed(world):
    response = world.client("operations").patch("/api/v1/dealers/TKY001/", {"code": "NEW"}, format="json")

    assert response.status_code == 200
    assert Dealer.objects.filter(code="TKY001").exists()


def test_list_runs_a_constant_number_of_queries(world):
    client = world.client("operations")
    client.get("/api/v1/me/")  # the session is loaded; counts below are per request

    # session, user, membership, groups, dealers page
    assert_constant_queries(
        lambda: client.get("/api/v1/dealers/"),
        lambda n: DealerFactory.create_batch(n),
        expected=5,
    )


def test_detail_runs_a_constant_number_of_queries(world):
    client = world.client("dealer_manager")

    # session, user, membership, dealer, people, keys
    assert_constant_queries(
        lambda: client.get("/api/v1/dealers/TKY001/"),
        lambda n: [dealer_user(dealer=world.dealer) for _ in range(n)],
        expected=6,
    )


def test_key_list_runs_a_constant_number_of_queries(world):
    client = world.client("dealer_key")

    # the dealers page only: the key's facts are cached and its use was just recorded
    client.get("/api/v1/dealers/")
    assert_constant_queries(
        lambda: client.get("/api/v1/dealers/"),
        lambda n: DealerFactory.create_batch(n),
        expected=1,
    )


def test_a_role_that_may_not_write_gets_403_even_for_bad_input(world):
    # The write order: 404 (visibility), then 403 (role), then 400 (input).
    before = list(Dealer.objects.order_by("pk").values())

    response = world.client("dealer_sales").patch(
        "/api/v1/dealers/TKY001/", {"prefecture": "99"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert list(Dealer.objects.order_by("pk").values()) == before


def test_another_dealers_object_is_404_before_any_role_or_input_check(world):
    response = world.client("other_dealer").patch(
        "/api/v1/dealers/TKY001/", {"prefecture": "99"}, format="json"
    )

    assert response.status_code == 404


def test_an_update_reads_once_locks_once_and_writes_once(world):
    client = world.client("operations")
    client.get("/api/v1/me/")

    # session, user, membership, groups; dealer, people, keys (the one read); savepoint (scope
    # check's block), savepoint (service's block), lock, unique check of full_clean, update,
    # history row, key prefixes for the cache, release; scope check after the write, release
    with assert_query_count(17) as captured:
        response = client.patch("/api/v1/dealers/TKY001/", {"phone": "03-9999-0000"}, format="json")

    assert response.status_code == 200
    assert response.json()["phone"] == "03-9999-0000"
    assert response.json()["people"] == [
        {"username": u.username, "display_name": u.get_full_name(), "role": r, "active": True}
        for u, r in sorted(
            [(world.users["dealer_manager"], "manager"), (world.users["dealer_sales"], "sales")],
            key=lambda pair: pair[0].username,
        )
    ]
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum("FOR NO KEY UPDATE" in q for q in sql) == (1 if "postgresql" in connection.vendor else 0)
    assert sum(q.startswith("UPDATE") for q in sql) == 1


def test_an_unchanged_update_writes_nothing(world):
    dealer = Dealer.objects.get(code="TKY001")
    history = dealer.history.count()

    response = world.client("operations").patch(
        "/api/v1/dealers/TKY001/", {"phone": dealer.phone}, format="json"
    )

    assert response.status_code == 200
    assert dealer.history.count() == history
