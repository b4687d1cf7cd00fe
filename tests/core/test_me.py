"""GET /api/v1/me/ tells every kind of caller who they are."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.permissions import EVERYONE_SIGNED_IN, UNAUTHENTICATED, PermissionSuite

pytestmark = pytest.mark.django_db


class TestMe(PermissionSuite):
    expected = {**UNAUTHENTICATED, **EVERYONE_SIGNED_IN}

    def url(self, world):
        return "/api/v1/me/"


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        (
            "dealer_sales",
            {
                "kind": "user",
                "username": "tky-sales",
                "display_name": "Taro Yamada",
                "dealer": "TKY001",
                "partner": None,
                "sandbox": False,
                "roles": ["dealer_sales"],
                "is_staff": False,
                "language": "en",
            },
        ),
        (
            "dealer_manager",
            {
                "kind": "user",
                "username": "tky-manager",
                "display_name": "Taro Yamada",
                "dealer": "TKY001",
                "partner": None,
                "sandbox": False,
                "roles": ["dealer_manager"],
                "is_staff": False,
                "language": "en",
            },
        ),
        (
            "operations",
            {
                "kind": "user",
                "username": "ops",
                "display_name": "Taro Yamada",
                "dealer": None,
                "partner": None,
                "sandbox": False,
                "roles": ["operations"],
                "is_staff": True,
                "language": "en",
            },
        ),
        (
            "admin",
            {
                "kind": "user",
                "username": "admin",
                "display_name": "Taro Yamada",
                "dealer": None,
                "partner": None,
                "sandbox": False,
                "roles": ["admin"],
                "is_staff": True,
                "language": "en",
            },
        ),
        (
            "dealer_key",
            {
                "kind": "dealer_key",
                "username": None,
                "display_name": "Tokyo Motors (dms)",
                "dealer": "TKY001",
                "partner": None,
                "sandbox": False,
                "roles": ["dealer_integration"],
                "is_staff": False,
                "language": "en",
            },
        ),
        (
            "partner",
            {
                "kind": "partner_key",
                "username": None,
                "display_name": "Pacific RoRo Lines (edi)",
                "dealer": None,
                "partner": "PACRORO",
                "sandbox": False,
                "roles": ["partner"],
                "is_staff": False,
                "language": "en",
            },
        ),
    ],
)
def test_each_caller_is_described_exactly(world, caller, expected):
    assert world.client(caller).get("/api/v1/me/").json() == expected


def test_a_garbage_key_gets_the_uniform_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key garbage")

    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert (
        response.json()["error"]["message"]
        == "Authentication credentials were not provided or are not valid."
    )


def test_another_scheme_is_treated_as_no_credentials(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer abc")

    assert client.get("/api/v1/me/").status_code == 401


def test_staff_flag_without_a_group_gives_no_back_office_role(world):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(username="nobody", is_staff=True))

    assert client.get("/api/v1/me/").json()["roles"] == []


def test_language_follows_the_request(world):
    client = world.client("dealer_sales")

    assert client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="ja").json()["language"] == "ja"


def test_session_writes_need_csrf(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["dealer_sales"])

    response = client.patch("/api/v1/dealers/TKY001/", {"phone": "1"}, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "permission_denied", "message": "CSRF Failed: CSRF cookie not set.", "fields": {}}
    }
