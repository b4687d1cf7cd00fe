"""The permission suite every endpoint inherits.

    class TestDealerDetail(PermissionSuite):
        expected = {**READ_OWN_DEALER, ...}
        def url(self, world): return f"/api/v1/dealers/{world.dealer.code}/"

Each of the ten callers below calls the endpoint once and gets exactly the expected status. A
refused call also proves: the error envelope, the one uniform 401 body, a 404 identical to the
one for an object that does not exist, nothing changed (`snapshot`), nothing queued for after
commit, and nothing of another tenant in the body (`secrets`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from core import clock
from importorders.services.keys import api_key_revoke, dealer_key_issue, partner_key_issue
from tests.factories import TEST_ACTOR, DealerFactory, PartnerFactory, StaffUserFactory, dealer_user

CALLERS = (
    "anonymous",
    "bad_key",
    "revoked_key",
    "expired_key",
    "other_dealer",
    "dealer_sales",
    "dealer_manager",
    "partner",
    "operations",
    "compliance",
)
EXTRA_CALLERS = ("dealer_key", "other_dealer_key", "admin")

UNAUTHENTICATED_BODY = {
    "error": {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided or are not valid.",
        "fields": {},
    }
}


@dataclass
class World:
    """Two dealers, their people and keys, a partner, and the back office."""

    dealer: object
    other_dealer: object
    partner: object
    other_partner: object
    users: dict[str, object] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def client(self, caller: str) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if caller in self.keys:
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {self.keys[caller]}")
        elif caller in self.users:
            client.force_login(self.users[caller])
        elif caller != "anonymous":
            raise KeyError(caller)
        return client


def build_world() -> World:
    dealer = DealerFactory(code="TKY001", name_ja="東京モータース", name_en="Tokyo Motors")
    other = DealerFactory(code="OSK001", name_ja="なにわオート", name_en="Naniwa Auto", prefecture="27")
    partner = PartnerFactory(code="PACRORO", name_en="Pacific RoRo Lines")
    other_partner = PartnerFactory(code="MIKAWAPC", name_en="Mikawa Port", kind="port_processor")
    world = World(dealer=dealer, other_dealer=other, partner=partner, other_partner=other_partner)
    world.users = {
        "dealer_sales": dealer_user(dealer=dealer, role="sales", username="tky-sales"),
        "dealer_manager": dealer_user(dealer=dealer, role="manager", username="tky-manager"),
        "other_dealer": dealer_user(dealer=other, role="manager", username="osk-manager"),
        "operations": StaffUserFactory(username="ops", groups=["operations"]),
        "compliance": StaffUserFactory(username="compliance", groups=["compliance"]),
        "admin": StaffUserFactory(username="admin", is_superuser=True),
    }
    _, world.keys["dealer_key"] = dealer_key_issue(dealer=dealer, name="dms", actor=TEST_ACTOR)
    _, world.keys["other_dealer_key"] = dealer_key_issue(dealer=other, name="dms", actor=TEST_ACTOR)
    _, world.keys["partner"] = partner_key_issue(partner=partner, name="edi", actor=TEST_ACTOR)
    revoked, world.keys["revoked_key"] = dealer_key_issue(dealer=dealer, name="old", actor=TEST_ACTOR)
    api_key_revoke(key=revoked, actor=TEST_ACTOR)
    _, world.keys["expired_key"] = dealer_key_issue(
        dealer=dealer, name="expired", expires_at=clock.now() - timedelta(days=1), actor=TEST_ACTOR
    )
    world.keys["bad_key"] = "dXXXXXXX.this-is-not-a-key-at-all"
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


class PermissionSuite:
    """Inherit, set `expected` (caller -> status) for all ten CALLERS, and define `url`."""

    method = "get"
    expected: dict[str, int] = {}

    def url(self, world: World) -> str:
        raise NotImplementedError

    def missing_url(self, world: World) -> str | None:
        """The same endpoint for an object that does not exist (compared with every 404)."""
        return None

    def payload(self, world: World) -> dict | None:
        return None

    def snapshot(self, world: World) -> object:
        """State a refused call must leave exactly as it was."""
        return None

    def secrets(self, world: World, caller: str) -> list[str]:
        """Strings that must not appear in the response for this caller (another tenant's data)."""
        if caller in {"dealer_sales", "dealer_manager", "dealer_key"}:
            return [world.other_dealer.code, world.other_dealer.name_en]
        if caller in {"other_dealer", "other_dealer_key"}:
            return [world.dealer.code, world.dealer.name_en]
        if caller == "partner":
            return [world.dealer.code, world.other_dealer.code, world.other_partner.code]
        return []

    def forbidden_code(self, caller: str) -> str:
        """The error code of a 403 for this caller (a role refused: `permission_denied`)."""
        return "permission_denied"

    def call(self, client: APIClient, world: World):
        return getattr(client, self.method)(self.url(world), data=self.payload(world), format="json")

    def test_expected_names_every_caller(self):
        missing = set(CALLERS) - set(self.expected)
        assert not missing, f"{type(self).__name__}.expected lacks {sorted(missing)}"

    def test_caller(self, permission_caller, world, django_capture_on_commit_callbacks):
        expected = self.expected[permission_caller]
        before = self.snapshot(world)

        with django_capture_on_commit_callbacks() as callbacks:
            response = self.call(world.client(permission_caller), world)

        assert response.status_code == expected, (permission_caller, response.content[:500])
        text = response.content.decode()
        for secret in self.secrets(world, permission_caller):
            assert secret not in text, f"{permission_caller} sees {secret!r}"
        if expected < 400:
            return
        body = response.json()
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message", "fields"}
        assert self.snapshot(world) == before, "a refused call changed something"
        assert callbacks == [], "a refused call queued work"
        if expected == 401:
            assert body == UNAUTHENTICATED_BODY
            assert response["WWW-Authenticate"] == "Api-Key"
        if expected == 404 and self.missing_url(world):
            missing = getattr(world.client(permission_caller), self.method)(
                self.missing_url(world), data=self.payload(world), format="json"
            )
            assert (missing.status_code, missing.json()) == (404, body), "'not yours' differs from 'missing'"
        if expected == 403:
            assert body["error"]["code"] == self.forbidden_code(permission_caller)


def permission_suite_parametrize(metafunc) -> None:
    """pytest_generate_tests hook: one test per caller named in the class's `expected`."""
    if "permission_caller" in metafunc.fixturenames and metafunc.cls is not None:
        metafunc.parametrize("permission_caller", sorted(metafunc.cls.expected))


# Expected statuses shared by endpoints of the same shape.
UNAUTHENTICATED = {"anonymous": 401, "bad_key": 401, "revoked_key": 401, "expired_key": 401}
EVERYONE_SIGNED_IN = {
    "other_dealer": 200,
    "dealer_sales": 200,
    "dealer_manager": 200,
    "dealer_key": 200,
    "partner": 200,
    "operations": 200,
    "compliance": 200,
    "admin": 200,
}


# A dealer's own object (an order, a quote, a change request): the dealer's people and keys and the
# back office read it; another dealer and a partner get the 404 of a missing one.
DEALER_OWNED_READ = {
    **UNAUTHENTICATED,
    "other_dealer": 404,
    "other_dealer_key": 404,
    "dealer_sales": 200,
    "dealer_manager": 200,
    "dealer_key": 200,
    "partner": 404,
    "operations": 200,
    "compliance": 200,
    "admin": 200,
}
# ... and only its dealer changes it.
BY_THE_DEALER = {**DEALER_OWNED_READ, "operations": 403, "compliance": 403, "admin": 403}


class DealerOwnedSuite(PermissionSuite):
    """An endpoint of an object of `world.dealer` with a twin of `world.other_dealer`: neither dealer
    (nor a partner) may see what only the other's shows: `own_marks` / `other_marks` name it."""

    def own_marks(self, world: World) -> list[str]:
        raise NotImplementedError

    def other_marks(self, world: World) -> list[str]:
        raise NotImplementedError

    def secrets(self, world: World, caller: str) -> list[str]:
        secrets = super().secrets(world, caller)
        if caller in {"dealer_sales", "dealer_manager", "dealer_key"}:
            return [*secrets, *self.other_marks(world)]
        if caller in {"other_dealer", "other_dealer_key"}:
            return [*secrets, *self.own_marks(world)]
        if caller == "partner":
            return [*secrets, *self.own_marks(world)[:1], *self.other_marks(world)[:1]]
        return secrets
