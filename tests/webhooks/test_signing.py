"""Our signatures are Standard Webhooks 1.0 signatures: the reference library verifies them."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from webhooks.signing import SECRET_PREFIX, message_id_new, secret_new, signature, signature_header


def test_a_secret_is_whsec_and_24_random_bytes():
    secret = secret_new()
    assert secret.startswith(SECRET_PREFIX)
    assert len(base64.b64decode(secret.removeprefix(SECRET_PREFIX))) == 24
    assert secret_new() != secret


def test_the_reference_library_computes_the_same_signature():
    secret, message_id, timestamp = secret_new(), message_id_new(), 1_780_000_000
    body = '{"type":"order.built","data":{"order":"A1B2C3D4E"}}'
    expected = Webhook(secret).sign(message_id, dt.datetime.fromtimestamp(timestamp, dt.UTC), body)
    assert signature(secret, message_id, timestamp, body.encode()) == expected


def test_the_reference_library_verifies_a_fresh_delivery_and_a_rotation():
    old, new = secret_new(), secret_new()
    message_id, body = message_id_new(), b'{"type":"webhook.test","data":{}}'
    timestamp = int(dt.datetime.now(dt.UTC).timestamp())
    header = signature_header([new, old], message_id, timestamp, body)
    assert len(header.split(" ")) == 2
    headers = {"webhook-id": message_id, "webhook-timestamp": str(timestamp), "webhook-signature": header}
    for secret in (new, old):
        assert Webhook(secret).verify(body, headers) == {"type": "webhook.test", "data": {}}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret_new()).verify(body, headers)
