"""Throttling per caller, bad-key throttling per client, login attempt limits."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock_mid_window(clock):
    """Counts are per fixed window: pin the clock 30 s into an hour so no window ends mid-test."""
    clock.set(clock.now().replace(minute=0, second=30, microsecond=0))


def test_each_user_has_its_own_request_budget(world, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "3/minute"}
    sales, manager = world.client("dealer_sales"), world.client("dealer_manager")

    statuses = [sales.get("/api/v1/me/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert manager.get("/api/v1/me/").status_code == 200


def test_throttled_answer_says_when_to_retry(world, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "dealer_key": "1/minute"}
    client = world.client("dealer_key")
    client.get("/api/v1/me/")

    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    assert response["Retry-After"] == "30"  # the clock stands 30 s into the minute
    assert response.json()["error"]["code"] == "throttled"


def test_each_key_has_its_own_budget(world, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "dealer_key": "1/minute"}
    world.client("dealer_key").get("/api/v1/me/")

    assert world.client("dealer_key").get("/api/v1/me/").status_code == 429
    assert world.client("other_dealer_key").get("/api/v1/me/").status_code == 200


def test_anonymous_calls_are_throttled_per_address(settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anonymous": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_PERMISSION_CLASSES": []}
    client = APIClient(REMOTE_ADDR="203.0.113.7")

    statuses = [client.get("/api/schema/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert APIClient(REMOTE_ADDR="203.0.113.8").get("/api/schema/").status_code == 200


def test_repeated_bad_keys_from_one_address_are_throttled(world, settings):
    settings.API_BAD_KEY_LIMIT = (3, 300)
    attacker = APIClient(REMOTE_ADDR="198.51.100.9", HTTP_ACCEPT_LANGUAGE="en")
    attacker.credentials(HTTP_AUTHORIZATION="Api-Key dAAAAAAA.guess")

    responses = [attacker.get("/api/v1/me/") for _ in range(5)]

    assert [r.status_code for r in responses] == [401, 401, 401, 429, 429]
    assert responses[-1]["Retry-After"] == "270"  # 30 s into a 5-minute window
    assert responses[-1].json()["error"]["code"] == "throttled"
    # A revoked or expired key counts as a bad one too.
    attacker.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.keys['revoked_key']}")
    assert attacker.get("/api/v1/me/").status_code == 429
    # A valid key from the same address (a partner behind the same NAT) keeps working.
    attacker.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.keys['dealer_key']}")
    assert attacker.get("/api/v1/me/").status_code == 200
    # Other addresses are not affected.
    other = APIClient(REMOTE_ADDR="198.51.100.10")
    other.credentials(HTTP_AUTHORIZATION="Api-Key dAAAAAAA.guess")
    assert other.get("/api/v1/me/").status_code == 401


def test_login_is_refused_after_repeated_failures_even_with_the_right_password(client, settings):
    settings.LOGIN_LIMIT_PER_USER = (3, 900)
    UserFactory(username="tanaka")
    url = reverse("login")

    for _ in range(3):
        assert client.post(url, {"username": "tanaka", "password": "wrong"}).status_code == 200

    response = client.post(
        url, {"username": "tanaka", "password": DEFAULT_PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 429
    assert response["Retry-After"] == "870"  # 30 s into a 15-minute window
    assert "Too many failed attempts. Try again in 14 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_clears_the_users_failures(client, settings):
    settings.LOGIN_LIMIT_PER_USER = (3, 900)
    UserFactory(username="tanaka")
    url = reverse("login")
    for _ in range(2):
        client.post(url, {"username": "tanaka", "password": "wrong"})

    assert client.post(url, {"username": "tanaka", "password": DEFAULT_PASSWORD}).status_code == 302
    client.logout()
    for _ in range(2):
        client.post(url, {"username": "tanaka", "password": "wrong"})
    assert client.post(url, {"username": "tanaka", "password": DEFAULT_PASSWORD}).status_code == 302


def test_login_needs_csrf():
    from django.test import Client

    UserFactory(username="tanaka")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "tanaka", "password": DEFAULT_PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_wrong_secret_does_not_spend_the_real_keys_budget(world, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "dealer_key": "2/minute"}
    prefix = world.keys["dealer_key"].split(".")[0]
    imposter = APIClient(REMOTE_ADDR="198.51.100.20")
    imposter.credentials(HTTP_AUTHORIZATION=f"Api-Key {prefix}.{'x' * 32}")

    assert [imposter.get("/api/v1/me/").status_code for _ in range(3)] == [401, 401, 401]
    owner = world.client("dealer_key")
    assert [owner.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 429]


def test_a_keyed_request_makes_one_cache_round_trip(world, redis_url, settings, monkeypatch):
    """Key facts and the throttle hit travel together; the catalog stamp is memoised per process."""
    import redis.connection

    settings.CACHES = {
        "default": {**settings.CACHES["default"], "BACKEND": "core.cache.RedisCache", "LOCATION": redis_url}
    }
    client = world.client("dealer_key")
    client.get("/api/v1/me/")  # facts cached, last use recorded
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)

    assert client.get("/api/v1/me/").status_code == 200
    assert len(sent) == 1


def test_the_admin_login_is_refused_after_repeated_failures_even_with_the_right_password(client, settings):
    settings.LOGIN_LIMIT_PER_USER = (3, 900)
    StaffUserFactory(username="ops-tanaka", is_superuser=True)

    statuses = [
        client.post("/admin/login/", {"username": "ops-tanaka", "password": "wrong"}).status_code
        for _ in range(3)
    ]
    response = client.post(
        "/admin/login/", {"username": "ops-tanaka", "password": DEFAULT_PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert statuses == [200, 200, 200]
    assert response.status_code == 429
    assert response["Retry-After"] == "870"
    assert "Too many failed attempts. Try again in 14 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_portal_and_the_admin_share_the_same_counters(client, settings):
    settings.LOGIN_LIMIT_PER_USER = (3, 900)
    StaffUserFactory(username="ops-tanaka", is_superuser=True)
    for _ in range(2):
        client.post(reverse("login"), {"username": "ops-tanaka", "password": "wrong"})
    client.post("/admin/login/", {"username": "ops-tanaka", "password": "wrong"})

    portal = client.post(reverse("login"), {"username": "ops-tanaka", "password": DEFAULT_PASSWORD})
    admin = client.post("/admin/login/", {"username": "ops-tanaka", "password": DEFAULT_PASSWORD})

    assert (portal.status_code, admin.status_code) == (429, 429)


def test_a_successful_admin_login_clears_the_failures(client, settings):
    settings.LOGIN_LIMIT_PER_USER = (3, 900)
    StaffUserFactory(username="ops-tanaka", is_superuser=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": "ops-tanaka", "password": "wrong"})

    assert (
        client.post("/admin/login/", {"username": "ops-tanaka", "password": DEFAULT_PASSWORD}).status_code
        == 302
    )
