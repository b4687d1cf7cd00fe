"""The back office manages dealers, people, partners and keys in the admin, with history."""

import re

import pytest
from django.test import Client

from importorders.models import DealerAPIKey
from importorders.services.keys import dealer_key_issue, partner_key_issue
from tests.factories import TEST_ACTOR, DealerFactory, PartnerFactory, StaffUserFactory, dealer_user
from tests.queries import assert_query_count

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/importorders/dealer/",
    "/admin/importorders/dealer/add/",
    "/admin/importorders/dealermembership/",
    "/admin/importorders/logisticspartner/",
    "/admin/importorders/dealerapikey/",
    "/admin/importorders/dealerapikey/add/",
    "/admin/importorders/partnerapikey/",
    "/admin/auth/user/",
]


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_operations_can_open_every_page(world, url):
    assert _client(world.users["operations"]).get(url).status_code == 200


def test_compliance_sees_dealers_but_may_not_change_keys(world):
    client = _client(world.users["compliance"])

    assert client.get("/admin/importorders/dealer/").status_code == 200
    assert client.get("/admin/importorders/dealerapikey/").status_code == 403


def test_dealer_staff_cannot_enter_the_admin(world):
    response = _client(world.users["dealer_manager"]).get("/admin/importorders/dealer/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/importorders/dealer/"


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(world):
    client = _client(world.users["operations"])

    response = client.post(
        "/admin/importorders/dealerapikey/add/", {"name": "dms-2", "dealer": world.dealer.pk}, follow=True
    )

    shown = re.search(r"is: ([A-Za-z0-9]{8}\.[A-Za-z0-9]+)", response.content.decode())
    assert shown, "the new key must be shown after creation"
    key = DealerAPIKey.objects.get(name="dms-2")
    raw = shown.group(1)
    assert raw.split(".")[0] == key.prefix
    assert key.is_valid(raw)  # the shown key is this key's
    assert raw not in (key.hashed_key, key.id)
    assert raw not in client.get(f"/admin/importorders/dealerapikey/{key.pk}/change/").content.decode()
    assert key.history.first().history_user == world.users["operations"]


def _add_dealer_keys(n):
    for i in range(n):
        dealer_key_issue(dealer=DealerFactory(), name=f"k{i}", actor=TEST_ACTOR)


def _add_partner_keys(n):
    for i in range(n):
        partner_key_issue(partner=PartnerFactory(), name=f"k{i}", actor=TEST_ACTOR)


def _add_memberships(n):
    for _ in range(n):
        dealer_user(dealer=DealerFactory())


# Session, user, the user's permissions (2: group and own), the caller's membership and groups
# (2: the admin scopes its rows), the paginator's count, the unfiltered count, the rows.
CHANGELIST_QUERIES = 9


@pytest.mark.parametrize(
    ("url", "add_rows"),
    [
        ("/admin/importorders/dealer/", DealerFactory.create_batch),
        ("/admin/importorders/logisticspartner/", PartnerFactory.create_batch),
        ("/admin/importorders/dealerapikey/", _add_dealer_keys),
        ("/admin/importorders/partnerapikey/", _add_partner_keys),
        ("/admin/importorders/dealermembership/", _add_memberships),
    ],
    ids=lambda value: value.split("/")[3] if isinstance(value, str) else "",
)
def test_changelist_queries_do_not_grow_with_rows(url, add_rows):
    client = _client(StaffUserFactory(username="ops", groups=["operations"]))
    assert client.get(url).context["cl"].result_count == 0  # warms the session and content types

    add_rows(1)
    with assert_query_count(CHANGELIST_QUERIES):
        response = client.get(url)
    assert response.context["cl"].result_count == 1
    add_rows(19)
    with assert_query_count(CHANGELIST_QUERIES):
        response = client.get(url)
    assert response.context["cl"].result_count == 20
