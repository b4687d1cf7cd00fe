"""core.ratelimit.client_ip: X-Forwarded-For is believed only as far as TRUSTED_PROXY_COUNT says.

Each trusted proxy appends the address it received the request from, so with N proxies the N-th
entry from the right is the client as the outermost proxy saw it; everything left of it was
written by the client and may be forged.
"""

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from core.ratelimit import client_ip

PROXY = "10.0.0.2"  # what REMOTE_ADDR holds behind a proxy: the innermost proxy's address


def _ip(settings, proxies, forwarded=None, remote=PROXY):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxy trusted: the header is ignored, whatever it says.
        (0, None, PROXY),
        (0, "203.0.113.9", PROXY),
        (0, "198.51.100.1, 203.0.113.9", PROXY),
        # One proxy: its entry (the right-most) is the client; forged entries before it are ignored.
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (1, "1.1.1.1, 8.8.8.8, 203.0.113.9", "203.0.113.9"),
        # Two proxies: the outer one wrote the client, the inner one wrote the outer proxy.
        (2, "203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        # More proxies trusted than hops present: the left-most entry is the best there is.
        (3, "203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (5, "203.0.113.9", "203.0.113.9"),
        # Blank hops (a client's stray commas) are dropped before counting from the right.
        (1, "198.51.100.1, , 203.0.113.9", "203.0.113.9"),
        (2, " , 203.0.113.9,  , 10.0.0.1 ", "203.0.113.9"),
        (1, "203.0.113.9, ", "203.0.113.9"),
        # Nothing usable in the header: the connection's address.
        (1, "", PROXY),
        (1, " , ,", PROXY),
        (1, None, PROXY),
    ],
)
def test_forwarded_for_is_trusted_for_the_configured_hops(settings, proxies, forwarded, expected):
    assert _ip(settings, proxies, forwarded) == expected


def test_an_address_is_stripped_of_spaces(settings):
    assert _ip(settings, 1, "198.51.100.1,   203.0.113.9  ") == "203.0.113.9"


def test_no_address_at_all_is_unknown(settings):
    assert _ip(settings, 0, remote="") == "unknown"
    assert _ip(settings, 1, " , ", remote="") == "unknown"


@pytest.mark.django_db
def test_behind_a_proxy_anonymous_budgets_follow_the_client_not_the_forged_entries(settings, clock):
    clock.set(clock.now().replace(minute=0, second=30, microsecond=0))  # mid-window: no reset mid-test
    settings.TRUSTED_PROXY_COUNT = 1
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anonymous": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_PERMISSION_CLASSES": []}
    client = APIClient(REMOTE_ADDR=PROXY)

    def get(forwarded):
        return client.get("/api/schema/", HTTP_X_FORWARDED_FOR=forwarded).status_code

    # One client forging a new left-most entry each time still spends one budget...
    assert [get(f"192.0.2.{n}, 203.0.113.9") for n in range(3)] == [200, 200, 429]
    # ...and another client behind the same proxy has its own.
    assert get("203.0.113.10") == 200
