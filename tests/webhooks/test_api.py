"""The webhooks API: the permission suite of every route, the secret shown once, 400 on a private
URL, the delivery log's constant query count, replay and the test event through HTTP."""

from __future__ import annotations

import pytest

from tests.factories import TEST_ACTOR
from tests.permissions import UNAUTHENTICATED, PermissionSuite
from tests.queries import assert_constant_queries
from tests.webhooks.conftest import make_endpoint
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services.outbox import outbox_write

pytestmark = pytest.mark.django_db

MISSING = 987654321
PUBLIC = "https://hooks.example.com/in"


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """hooks.example.com resolves to a public address; nothing is sent (no worker, eager sends fail fast)."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "hooks.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    from webhooks.sending import Outcome
    from webhooks.services import deliveries

    monkeypatch.setattr(deliveries, "post", lambda url, **kwargs: Outcome(204, "", 1))


def _endpoint(world):
    endpoint = getattr(world, "_endpoint", None)
    if endpoint is None:
        endpoint = world._endpoint = make_endpoint(world, PUBLIC)
        WebhookDelivery.objects.create(
            endpoint=endpoint, message_id="msg_probe", event_type="order.built", payload={"data": {}}
        )
    return endpoint


def _state(world):
    _endpoint(world)
    return (
        list(WebhookEndpoint.objects.order_by("pk").values()),
        list(
            WebhookDelivery.objects.order_by("pk").values("pk", "status", "attempt_count", "next_attempt_at")
        ),
    )


READ = {
    **UNAUTHENTICATED,
    "other_dealer": 404,
    "dealer_sales": 200,
    "dealer_manager": 200,
    "partner": 404,
    "operations": 200,
    "compliance": 200,
}
MANAGE = {**READ, "dealer_sales": 403, "operations": 403, "compliance": 403}
LIST = {
    **UNAUTHENTICATED,
    "other_dealer": 200,
    "dealer_sales": 200,
    "dealer_manager": 200,
    "partner": 200,
    "operations": 200,
    "compliance": 200,
}


class WebhookSuite(PermissionSuite):
    """Every call finds the dealer's endpoint and its delivery in place, and changes nothing if refused."""

    def snapshot(self, world):
        return _state(world)


class TestEndpointList(WebhookSuite):
    expected = LIST

    def url(self, world):
        _endpoint(world)
        return "/api/v1/webhooks/endpoints/"


class TestEndpointCreate(WebhookSuite):
    method = "post"
    expected = {
        **LIST,
        "dealer_sales": 403,
        "dealer_manager": 201,
        "other_dealer": 201,
        "partner": 201,
        "operations": 403,
        "compliance": 403,
    }

    def url(self, world):
        return "/api/v1/webhooks/endpoints/"

    def payload(self, world):
        return {"url": PUBLIC, "event_types": ["order.built"]}


class TestEndpointDetail(WebhookSuite):
    expected = READ

    def url(self, world):
        return f"/api/v1/webhooks/endpoints/{_endpoint(world).pk}/"

    def missing_url(self, world):
        return f"/api/v1/webhooks/endpoints/{MISSING}/"


class TestEndpointChange(TestEndpointDetail):
    method = "patch"
    expected = MANAGE

    def payload(self, world):
        return {"description": "DMS"}


class TestEndpointTest(TestEndpointChange):
    method = "post"
    expected = {**MANAGE, "dealer_manager": 202}

    def url(self, world):
        return f"/api/v1/webhooks/endpoints/{_endpoint(world).pk}/test/"

    def missing_url(self, world):
        return f"/api/v1/webhooks/endpoints/{MISSING}/test/"

    def payload(self, world):
        return None


class TestEndpointReplay(TestEndpointTest):
    def url(self, world):
        return f"/api/v1/webhooks/endpoints/{_endpoint(world).pk}/replay/"

    def missing_url(self, world):
        return f"/api/v1/webhooks/endpoints/{MISSING}/replay/"

    def payload(self, world):
        return {"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"}


class TestEndpointRotate(TestEndpointTest):
    expected = MANAGE

    def url(self, world):
        return f"/api/v1/webhooks/endpoints/{_endpoint(world).pk}/rotate-secret/"

    def missing_url(self, world):
        return f"/api/v1/webhooks/endpoints/{MISSING}/rotate-secret/"


class TestEndpointDeliveries(TestEndpointDetail):
    def url(self, world):
        return f"/api/v1/webhooks/endpoints/{_endpoint(world).pk}/deliveries/"

    def missing_url(self, world):
        return f"/api/v1/webhooks/endpoints/{MISSING}/deliveries/"


class TestDeliveryList(TestEndpointList):
    def url(self, world):
        _endpoint(world)
        return "/api/v1/webhooks/deliveries/"


class TestDeliveryDetail(TestEndpointDetail):
    def url(self, world):
        return f"/api/v1/webhooks/deliveries/{_endpoint(world).deliveries.get().pk}/"

    def missing_url(self, world):
        return f"/api/v1/webhooks/deliveries/{MISSING}/"


class TestDeliveryReplay(TestEndpointTest):
    def url(self, world):
        return f"/api/v1/webhooks/deliveries/{_endpoint(world).deliveries.get().pk}/replay/"

    def missing_url(self, world):
        return f"/api/v1/webhooks/deliveries/{MISSING}/replay/"


def test_the_secret_is_shown_on_creation_only(world):
    client = world.client("dealer_manager")
    created = client.post(
        "/api/v1/webhooks/endpoints/", {"url": PUBLIC, "event_types": ["order.ready"]}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["owner"] == world.dealer.code
    assert WebhookEndpoint.objects.get().secret == body["secret"]
    detail = client.get(f"/api/v1/webhooks/endpoints/{body['id']}/").json()
    assert "secret" not in detail
    assert body["secret"] not in str(client.get("/api/v1/webhooks/endpoints/").json())


def test_a_private_url_is_400_with_a_clear_code(world):
    response = world.client("dealer_key").post(
        "/api/v1/webhooks/endpoints/",
        {"url": "http://169.254.169.254/latest", "event_types": ["order.ready"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook_url_refused"
    assert not WebhookEndpoint.objects.exists()


def test_a_partner_key_owns_its_endpoint(world):
    response = world.client("partner").post(
        "/api/v1/webhooks/endpoints/", {"url": PUBLIC, "event_types": ["webhook.test"]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert WebhookEndpoint.objects.get().partner_id == world.partner.pk
    assert response.json()["owner"] == world.partner.code


def test_the_delivery_log_costs_the_same_for_1_and_20_rows(world):
    endpoint = make_endpoint(world, PUBLIC)
    client = world.client("dealer_manager")

    def add(n):
        outbox_write(endpoints=[endpoint] * n, event_type="order.built", data={})

    assert_constant_queries(
        lambda: client.get(f"/api/v1/webhooks/endpoints/{endpoint.pk}/deliveries/"),
        add,
        expected=EXPECTED_LOG,
    )


EXPECTED_LOG = 5


def test_a_delivery_shows_its_attempts(world):
    endpoint = make_endpoint(world, PUBLIC)
    (delivery,) = outbox_write(endpoints=[endpoint], event_type="order.built", data={"order": "X"})
    from webhooks.services.deliveries import delivery_attempt

    delivery_attempt(delivery_id=delivery.pk, actor=TEST_ACTOR)
    body = world.client("dealer_sales").get(f"/api/v1/webhooks/deliveries/{delivery.pk}/").json()
    assert body["status"] == "delivered"
    assert body["payload"]["type"] == "order.built"
    (attempt,) = body["attempts"]
    assert (attempt["number"], attempt["response_status"]) == (1, 204)
    assert attempt["request_headers"]["webhook-id"] == delivery.message_id
    assert endpoint.secret not in str(body)


def test_disable_and_enable_through_patch(world):
    endpoint = make_endpoint(world, PUBLIC)
    client = world.client("dealer_key")
    off = client.patch(f"/api/v1/webhooks/endpoints/{endpoint.pk}/", {"is_active": False}, format="json")
    assert (off.status_code, off.json()["is_active"], off.json()["disabled_reason"]) == (
        200,
        False,
        "by_owner",
    )
    on = client.patch(f"/api/v1/webhooks/endpoints/{endpoint.pk}/", {"is_active": True}, format="json")
    assert (on.status_code, on.json()["is_active"]) == (200, True)
