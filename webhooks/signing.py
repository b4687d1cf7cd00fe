"""Standard Webhooks 1.0 signatures: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.

The secret is `whsec_` followed by the base64 of its bytes; the HMAC key is those bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 24


def secret_new() -> str:
    """A fresh signing secret, as it is shown to the endpoint's owner (once)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,...` signature of a message."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_in_use: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header: one signature per secret, space separated (rotation)."""
    return " ".join(signature(secret, message_id, timestamp, body) for secret in secrets_in_use)


def message_id_new() -> str:
    """A message id (`webhook-id`): unique, the same on every attempt of the message."""
    return "msg_" + secrets.token_hex(12)
