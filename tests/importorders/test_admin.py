"""The back office manages dealers, people, partners and keys in the admin, with history."""

import re

import pytest
from django.test import Client

from importorders.models import DealerAPIKey
from tests.factories import TEST_ACTOR, DealerFactory, PartnerFactory
from tests.queries import assert_constant_queries

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
    assert "/admin/login/" in response["Location"]


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(world):
    client = _client(world.users["operations"])

    response = client.post(
        "/admin/importorders/dealerapikey/add/", {"name": "dms-2", "dealer": world.dealer.pk}, follow=True
    )

    shown = re.search(r"is: ([A-Za-z0-9]{8}\.[A-Za-z0-9]+)", response.content.decode())
    assert shown, "the new key must be shown after creation"
    key = DealerAPIKey.objects.get(name="dms-2")
    assert shown.group(1).startswith(key.prefix)
    assert (
        shown.group(1)
        not in client.get(f"/admin/importorders/dealerapikey/{key.pk}/change/").content.decode()
    )
    assert key.history.first().history_user == world.users["operations"]


def test_dealer_changelist_queries_do_not_grow_with_rows(world):
    client = _client(world.users["operations"])

    for url, factory in (
        ("/admin/importorders/dealer/", DealerFactory.create_batch),
        ("/admin/importorders/logisticspartner/", PartnerFactory.create_batch),
    ):
        client.get(url)
        from tests.queries import count_queries

        baseline = count_queries(lambda url=url: client.get(url))
        assert_constant_queries(lambda url=url: client.get(url), factory, expected=baseline)


def test_key_changelist_queries_do_not_grow_with_rows(world):
    from importorders.services.keys import dealer_key_issue
    from tests.queries import count_queries

    client = _client(world.users["operations"])
    url = "/admin/importorders/dealerapikey/"
    baseline = count_queries(lambda: client.get(url))

    assert_constant_queries(
        lambda: client.get(url),
        lambda n: [
            dealer_key_issue(dealer=DealerFactory(), name=f"k{i}", actor=TEST_ACTOR) for i in range(n)
        ],
        expected=baseline,
    )
