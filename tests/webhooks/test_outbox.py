"""The outbox of a batch of moves (the plant's build list): every order's delivery is written, and
the dealers' endpoints are read once per batch, so the queries do not grow with the orders."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from importorders.services import vehicles as vehicle_services
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.factories import TEST_ACTOR
from tests.importorders.vins import scheduled, vin_for, vin_plant  # noqa: F401
from tests.webhooks.conftest import make_endpoint
from webhooks.models import WebhookDelivery
from webhooks.services.endpoints import endpoint_create

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hooks"


def test_a_build_list_writes_each_orders_delivery_in_the_same_queries_for_2_orders_as_for_20(
    world,
    local_targets,
    camry,  # noqa: F811
    vin_plant,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    built = make_endpoint(world, URL, event_types=("order.built",))
    make_endpoint(world, URL, event_types=("order.delivered",))  # not subscribed: no delivery
    other_built = endpoint_create(
        actor=TEST_ACTOR, dealer=world.other_dealer, url=URL, event_types=["order.built"]
    )
    inactive = make_endpoint(world, URL, event_types=("order.built",))
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    def build_list(size: int, first_serial: int) -> list[vehicle_services.BuildListRow]:
        dealers = [world.dealer, world.other_dealer]
        orders = [scheduled(dealers[index % 2], camry) for index in range(size)]
        return [
            vehicle_services.BuildListRow(
                line=index + 2, reference=order.reference, vin=vin_for(first_serial + index)
            )
            for index, order in enumerate(orders)
        ]

    def run(rows) -> CaptureQueriesContext:
        with CaptureQueriesContext(connection) as captured:
            vehicle_services.orders_assign_vins(actor=TEST_ACTOR, rows=rows)
        return captured

    few, many = build_list(2, 100), build_list(20, 200)
    assert not WebhookDelivery.objects.exists()  # reaching `scheduled` is no subscribed event
    with django_capture_on_commit_callbacks() as few_callbacks:
        few_queries = run(few)
    with django_capture_on_commit_callbacks() as many_callbacks:
        many_queries = run(many)

    assert len(few_queries) == len(many_queries)
    assert len(few_callbacks) == len(many_callbacks)
    for captured in (few_queries, many_queries):
        endpoint_reads = [q for q in captured if 'FROM "webhooks_webhookendpoint"' in q["sql"]]
        assert len(endpoint_reads) == 1, endpoint_reads
    # One delivery of order.built per order, to its own dealer's active subscribed endpoint.
    deliveries = {d.payload["data"]["order"]: d for d in WebhookDelivery.objects.select_related("endpoint")}
    assert len(deliveries) == WebhookDelivery.objects.count() == 22
    for index, row in enumerate(few + many):
        delivery = deliveries[row.reference]
        dealer = [world.dealer, world.other_dealer][index % 2]  # both lists alternate from the dealer
        assert delivery.endpoint_id == (built.pk if dealer == world.dealer else other_built.pk)
        assert delivery.event_type == delivery.payload["type"] == "order.built"
        data = delivery.payload["data"]
        assert (data["dealer"], data["from_status"], data["status"]) == (dealer.code, "scheduled", "built")
        assert data["changes"]["vin"] == row.vin
    assert len({d.message_id for d in deliveries.values()}) == 22
