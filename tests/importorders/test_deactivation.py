"""Deactivating a person, a membership, a dealer or a partner takes effect on the next request."""

import pytest
from django.forms.models import model_to_dict

from importorders.models import DealerMembership

pytestmark = pytest.mark.django_db


def test_a_deactivated_user_is_signed_out_on_the_next_request(world):
    client = world.client("dealer_sales")
    assert client.get("/api/v1/me/").status_code == 200
    portal = client.get("/")

    user = world.users["dealer_sales"]
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert portal.status_code == 200
    assert client.get("/api/v1/me/").status_code == 401
    page = client.get("/")
    assert (page.status_code, page["Location"].split("?")[0]) == (302, "/login/")


def test_a_deactivated_membership_loses_the_dealer_on_the_next_request(world):
    client = world.client("dealer_manager")
    assert client.get("/api/v1/me/").json()["dealer"] == world.dealer.code

    DealerMembership.objects.filter(user=world.users["dealer_manager"]).update(active=False)

    assert client.get("/api/v1/me/").json()["dealer"] is None
    assert client.get(f"/api/v1/dealers/{world.dealer.code}/").status_code == 404


def test_a_partner_deactivated_in_the_admin_loses_its_keys_on_the_next_request(world):
    partner_client = world.client("partner")
    assert partner_client.get("/api/v1/me/").status_code == 200  # its key's facts are cached now
    admin = world.client("admin")
    data = {k: v for k, v in model_to_dict(world.partner).items() if v is not None}

    saved = admin.post(
        f"/admin/importorders/logisticspartner/{world.partner.pk}/change/", {**data, "active": ""}
    )

    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert partner_client.get("/api/v1/me/").status_code == 401
