"""The receiver example of docs/webhooks.md, run as written against a real signed delivery."""

from __future__ import annotations

import http.server
import re
import threading
from pathlib import Path

import pytest
from django.db import transaction

from core.clock import SystemClock
from tests.factories import TEST_ACTOR
from tests.webhooks.conftest import make_endpoint
from webhooks.models import WebhookDelivery
from webhooks.services.deliveries import delivery_replay
from webhooks.services.outbox import outbox_write

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def _example() -> dict:
    code = re.search(r"## A receiver in Python.*?```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    namespace: dict = {"__name__": "receiver_example"}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation's code
    return namespace


def test_the_documented_receiver_verifies_and_applies_a_delivery_once(
    world, local_targets, clock, django_capture_on_commit_callbacks
):
    clock.set(SystemClock().now())  # the receiver checks the timestamp against its own clock
    applied: list[dict] = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        endpoint = make_endpoint(world, f"http://127.0.0.1:{server.server_address[1]}/in")
        server.RequestHandlerClass = _example()["make_handler"](endpoint.secret, applied.append, set())
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            (delivery,) = outbox_write(endpoints=[endpoint], event_type="webhook.test", data={"n": 1})
        with django_capture_on_commit_callbacks(execute=True):
            delivery_replay(delivery=delivery, actor=TEST_ACTOR)
        # A delivery signed with another secret is refused.
        endpoint.secret = "whsec_" + "A" * 32
        endpoint.save()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            (forged,) = outbox_write(endpoints=[endpoint], event_type="webhook.test", data={"n": 2})
    finally:
        server.shutdown()
        server.server_close()
    assert applied == [delivery.payload]
    statuses = dict(WebhookDelivery.objects.values_list("pk", "last_response_status"))
    assert statuses == {delivery.pk: 204, forged.pk: 400}
