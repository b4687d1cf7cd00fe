"""Fixtures of the webhook tests: the guard opened for the local receiver, a short retry schedule."""

from __future__ import annotations

import pytest

from tests.factories import TEST_ACTOR
from webhooks.services.endpoints import endpoint_create


@pytest.fixture
def local_targets(settings):
    """Let webhooks reach the loopback receiver, retry after 1 s, and time out after 0.5 s."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOKS_RETRY_SCHEDULE = [1, 1, 1, 1]
    settings.WEBHOOKS_TOTAL_TIMEOUT = 0.5
    settings.WEBHOOKS_CONNECT_TIMEOUT = 0.5
    return settings


def make_endpoint(world, url: str, event_types=("order.built", "order.confirmed")):
    return endpoint_create(actor=TEST_ACTOR, dealer=world.dealer, url=url, event_types=list(event_types))
